// `pgmig status`: fetch (status_fetch.cpp) → merge with the folder (status_merge.cpp) → render
// (status_json.cpp, status_table.cpp). cmd_status.cpp runs the fetch on a second thread while
// it reads the folder.
#pragma once
#include "drift.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

// One output row; text fields point into the server's result or the loaded folder (both outlive
// the lines), so merging 10,000 rows copies no strings.
struct StatusLine {
    std::string_view version, name, state, kind, batch, applied_at, file, local_checksum, checksum;
    std::string_view down_error; // "FILE:LINE:COL: message": the stored down script does not parse
    std::string_view applied_by;
    std::string duration;                   // for people ("12 ms")
    double duration_s = -1;                 // for --json; < 0: none
    int done = -1, statements = -1;         // a partial or failed migration's statements done
    int down_done = 0, down_statements = 0; // of its down script, when a rollback stopped
    bool has_down = false, transactional = true;
    bool from_file = false;        // pending, uploaded from a file (mig.migration's options "file")
    std::vector<std::string> diff; // modified: what the file changed (edit_diff.hpp)
};

// The server's side: mig.status()'s rows (the lines point into `rows`).
struct ServerStatus {
    Result rows;
    std::vector<StatusLine> lines;
    std::optional<DriftStatus> drift; // nullopt: the extension has no drift capture
};

// Queries mig.status() (and how far partial or failed migrations got, when there are any), and
// mig.drift_status().
// rfc3339: applied_at as RFC 3339 (for --json), whatever the session's DateStyle.
ServerStatus fetch_server_status(Conn &c, bool rfc3339 = false);

// Adds the folder to the server's lines (f: null without a folder): each row's file and local
// checksum, states the comparison changes (modified, changed, missing-file: applied, or pending
// and uploaded from a file, without a file now), and the folder's
// migrations the server does not know (new); then sorts them. Drops an unused Flyway baseline
// from f (FolderPairs::drop_unused_flyway_baseline).
void merge_with_folder(std::vector<StatusLine> &lines, Folder *f);

// `status --json`: the lines as the report's migrations (docs/json.md).
void status_to_json(const std::vector<StatusLine> &lines);
// Whether `status --exit-code` exits 4: something pending, new, modified, missing or failed.
bool needs_attention(const std::vector<StatusLine> &lines);
// The table; colour: the state column painted. Adds a partial migration's progress to its
// duration column.
void print_status_table(std::vector<StatusLine> &lines, bool colour);
// Under the table: each modified migration's diff (StatusLine::diff).
void print_status_diffs(const std::vector<StatusLine> &lines);

} // namespace mig::client
