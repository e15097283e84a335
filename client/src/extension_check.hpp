// The pgmig extension's version in the database against the one this client was built for
// (EXTVERSION of the top Makefile): an older extension lacks functions or behaviour the client
// relies on, so the client stops and says how to update it (docs/installing.md, "Versions").
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace mig::client {

class Conn;

// Compares release versions such as 0.2.0 and 0.10.0 group by group ('.'-separated), numbers as
// numbers, anything else as text; a missing group counts as 0 (0.2 == 0.2.0). <0, 0 or >0.
int compare_release_versions(std::string_view a, std::string_view b);

enum class ExtensionMatch { Missing, Same, Older, Newer };

ExtensionMatch match_extension(const std::optional<std::string> &installed,
                               std::string_view client);

// What to tell the user for Older (an error) or Newer (a warning); "" otherwise.
std::string extension_mismatch_message(ExtensionMatch m, const std::string &installed,
                                       std::string_view client);

// One catalog query (pg_extension.extversion). Older: throws InputError (exit 2) with the
// message. Newer: a warning on stderr. Missing: nothing (each verb says what it needs).
void check_extension_version(Conn &c);

} // namespace mig::client
