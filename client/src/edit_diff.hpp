// edit_diff.hpp: what changed in the file of an applied migration: the stored script against
// the file's as a unified diff, and whether only line endings or trailing whitespace differ
// (docs/troubleshooting.md, "An applied migration was edited").
#pragma once
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace mig::client {

// An applied migration's script that no longer matches its file.
struct EditedScript {
    Migration *m = nullptr;
    bool down = false;
};

// Lines of diff shown unless --full asks for all.
constexpr size_t kDiffLines = 20;

// The explanation printed under the error: a sentence when only the layout differs, then the
// unified diff of the stored script ("--- applied V (in the database)") against the file's
// ("+++ FILE"), at most max_lines lines of hunks (0: all). Reads the stored script (deployers
// may read mig.migration) and the file; a script that cannot be read, or is too big to diff,
// gets a line saying so instead.
std::vector<std::string> explain_edit(Conn &c, Folder &f, const EditedScript &e, size_t max_lines);

// The drift errors of `messages` (SyncPlan::drift), each with its explain_edit() under it.
void print_edit_errors(Conn &c, Folder &f, const std::vector<std::string> &messages,
                       const std::vector<EditedScript> &edited, bool full);

// `--full` on a verb that compares the folder with the database.
void add_full_diff_flag(CLI::App &sub, bool &full);

} // namespace mig::client
