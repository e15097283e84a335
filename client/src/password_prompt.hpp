// -W / --password, and the prompt when the server asks for a password (as psql does).
#pragma once
#include <optional>
#include <string>

namespace mig::client {

// Prints `prompt` and reads a line without echo from the terminal (/dev/tty). Without a
// terminal: nullopt when terminal_only (a CI job never waits for a password), else the line
// is read from stdin (`echo "$PW" | pgmig -W ...`, as psql does).
std::optional<std::string> prompt_password(const std::string &prompt, bool terminal_only);

} // namespace mig::client
