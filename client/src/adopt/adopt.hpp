// `pgmig adopt`: reading the history table of the tool a database was migrated with, and
// matching it with the folder's migrations (docs/adopting.md). Everything here is pure (rows
// and files in, a mapping out): the readers are unit-tested without a server.
#pragma once
#include "layouts/layout.hpp"
#include "sync.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mig::client::adopt {

// The rows of a reader's query, column by column as its SQL selects them (NULL: nullopt).
using Rows = std::vector<std::vector<std::optional<std::string>>>;

// One migration the other tool recorded, under its own identity.
struct Recorded {
    std::string key;     // the tool's identity: a version, or a name where the tool uses names
    std::string says;    // what the tool says, in its words ("applied", "dirty", "success = false")
    bool failed = false; // a failed or dirty row: its migration did not (fully) run
    std::optional<std::string> checksum; // what the tool recorded, when it records one
};

// What a tool's history table says.
struct ToolHistory {
    std::vector<Recorded> recorded; // in the order the tool applied them
    // Every migration at or below this version counts as applied (golang-migrate's one row,
    // Flyway's baseline), unless `recorded` says otherwise.
    std::optional<std::string> applied_up_to;
    std::string applied_up_to_says;
    // Flyway's repeatables, by file name: what the history says of each (pgmig runs every
    // repeatable once on the next `up`: mig.adopt records versions only).
    std::unordered_map<std::string, std::string> repeatables;
    // The checksum of each repeatable's last successful run, by file name.
    std::unordered_map<std::string, std::string> repeatable_checksums;
};

// One tool: the one entry per tool of the table in readers.cpp.
struct Reader {
    const char *tool;   // --from NAME, and the source mig.adopt logs ("applied by NAME")
    const char *table;  // its history table, as the messages name it
    const char *exists; // SQL boolean expression: the table exists (and is this tool's)
    const char *sql;    // reads the history: the columns history() expects
    // What the rows say (some tools need the folder: sqitch's reworked changes, Liquibase's
    // changesets).
    ToolHistory (*history)(const Rows &rows, const Folder &f);
    // The tool's identity of one of the folder's migrations (as Recorded::key), "" for none.
    std::string (*key)(const Migration &m, const Folder &f);
    // Whether m's file has the checksum the tool recorded; nullptr when it records none.
    bool (*checksum_matches)(const Migration &m, const std::string &recorded);
};

// Every reader, in the order detection tries them.
const std::vector<Reader> &readers();
const Reader *find_reader(const std::string &tool);
// "golang-migrate, dbmate, …" for messages.
std::string tool_names();

// --force: which kinds of problem to accept.
struct Force {
    bool missing = false;  // recorded, but no file: ignored
    bool failed = false;   // a failed or dirty row: not adopted (`up` runs it again)
    bool checksum = false; // the file differs from what the tool recorded: adopted anyway
};
// "missing,failed,checksum" ("dirty" = failed, "all"); InputError for anything else.
Force parse_force(const std::string &list);

enum class Problem { None, Missing, Failed, Checksum, Conflict };
enum class Action {
    Adopt,          // recorded as applied by the tool, without running it
    Pending,        // not applied: `pgmig up` runs it
    AlreadyApplied, // pgmig's history has it already, with the same script
    Stop,           // a problem: nothing is changed
    Ignored,        // recorded without a file, accepted by --force missing
    RunsOnUp,       // a repeatable: `pgmig up` runs it once
};
const char *action_text(Action a);
const char *problem_kind(Problem p); // the --force word for it ("" for None, Conflict)

// One line of the mapping: a file of the folder, or a recorded migration without one.
struct Entry {
    const Migration *m = nullptr; // nullptr: recorded, no file
    std::string key;              // the tool's identity
    std::string says;             // what the tool says ("not applied" when nothing)
    Problem problem = Problem::None;
    Action action = Action::Pending;
    std::string why; // the problem, for the report
};

struct Mapping {
    std::vector<Entry> entries; // the folder's migrations in order, repeatables, then the missing
    // The folder's versions to record as applied (mig.adopt), in version order.
    std::vector<std::string> versions() const;
    // The repeatables to record as applied with the folder's script (mig.adopt_repeatable):
    // the tool ran exactly that script. Name and script, copied.
    std::vector<std::pair<std::string, std::string>> repeatables() const;
    size_t count(Action a) const;
};

// Matches the history with the folder, by the tool's identity of each migration.
Mapping plan_adoption(const Reader &r, const Folder &f, const Rows &rows, const Force &force);
// pgmig's own history for the versions to adopt: already applied with the same script is fine
// (a second `adopt` changes nothing); applied with another script, failed or partial stops.
void check_pgmig_history(Mapping &mapping, const std::vector<ServerRow> &status);

// ---- helpers the readers share (keys.cpp) ----

// The file name of a path, and the name of the directory that holds it.
std::string base_name(const std::string &path);
std::string parent_name(const std::string &path);
// The leading digits of a name ("" when none).
std::string leading_digits(const std::string &name);
// The raw bytes of a migration's up file (what the tools checksum), InputError when unreadable.
std::string read_up_file(const Migration &m);
// Flyway's checksum of a script: CRC-32 of its UTF-8 lines without their line endings (a BOM
// at the very start dropped), as a signed 32-bit number.
int flyway_checksum(const std::string &bytes);
// Lower-case hex SHA-1 (sqitch's script_hash).
std::string sha1_hex(const std::string &bytes);

} // namespace mig::client::adopt
