// `--json`: one document per run, the same shape for every verb (docs/json.md and its JSON
// Schema, docs/pgmig.schema.json):
//   {"command", "ok", "exit_code", "pgmig_version", "duration_s",
//    "migrations": [{"version", "name", "action", "duration_s", "applied_by", ...}],
//    "warnings": [...], "error": null | {"message", "sqlstate", "detail", "hint", "file",
//    "line", "column", "version"}, ...what the verb adds}
// main() begins it when --json is given and prints it when the verb returns; verbs add their
// migrations and fields, the error paths their error. Nothing else goes to stdout then.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mig::client {

class PgError;
struct ErrorSite;

namespace json_report {

void begin(const std::string &command);
bool active();

// One migration the verb applied, rolled back, recorded...; duration_s < 0: null.
void migration(const std::string &version, const std::string &name, const std::string &action,
               double duration_s, const std::string &applied_by = "");
// A field of the verb's own (status's migrations, validate's errors, ...), replacing any.
void set(const std::string &key, nlohmann::json value);
void warning(const std::string &message);
// The first error of the run is the one reported.
void error(const std::string &message);
void error(const std::string &message, const std::string &detail);
void error(const PgError &e, const std::optional<ErrorSite> &site);

// Prints the document (once) with the run's exit code.
void finish(int exit_code);

} // namespace json_report

// A server's timestamptz text in the ISO DateStyle ("2026-12-06 12:40:12.34+00") as RFC 3339
// ("2026-12-06T12:40:12.34+00:00"); other text unchanged.
std::string rfc3339(std::string_view server_text);

} // namespace mig::client
