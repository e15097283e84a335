// `pgmig verify`'s report (docs/safety.md, "Proven rollbacks"): mig.verify's rows grouped per
// migration, as text lines, as the --json document's migrations, and the exit code.
#pragma once
#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mig::client {

// One row of mig.verify: version, name, result, phase, kind, identity, before, after, detail.
using VerifyRowText = std::array<std::optional<std::string>, 9>;

struct VerifyDifference {
    std::string kind, identity;
    std::optional<std::string> before, after; // before null: added; after null: removed
};

struct VerifyMigration {
    std::optional<std::string> version; // null: the range as a whole
    std::string name;
    // ok, differs, error, not verifiable, not verified (mig.verify's `result`)
    std::string result;
    std::optional<std::string> phase; // down, up again
    std::optional<std::string> detail;
    std::vector<VerifyDifference> differences;
};

// The rows of one migration (consecutive, same version and result) become one entry.
std::vector<VerifyMigration> group_verify_rows(const std::vector<VerifyRowText> &rows);

struct VerifyCounts {
    int verified = 0, failed = 0, not_verifiable = 0, not_verified = 0;
};
VerifyCounts count_verify(const std::vector<VerifyMigration> &ms);

// EXIT_OK, or EXIT_NOT_VERIFIED when a down script does not restore the schema (or fails, or
// the up run again differs). Not verifiable migrations are reported, not failed.
int verify_exit_code(const VerifyCounts &c);

// The lines for people: one per migration, the differing objects under a failed one, and a
// summary line. `paint(text, ansi)` colours (identity when there is no terminal).
std::string format_verify_report(const std::vector<VerifyMigration> &ms,
                                 std::string (*paint)(const std::string &, const char *));

// The --json document's `migrations`: version, name, action (the result), duration_s (null),
// phase, detail, differences [{kind, identity, before, after}].
nlohmann::json verify_to_json(const std::vector<VerifyMigration> &ms);

} // namespace mig::client
