// Migration folders: the layouts pgmig reads, and what a folder yields.
// Everything here is pure (files in, migrations out): no server, unit-tested.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mig::client {

class StatCache;

enum class Layout {
    Empty,
    GolangMigrate,
    Directory,
    Dbmate,
    Flyway,
    Numbered,
    Goose,
    SqlMigrate,
    Sqitch,
    Liquibase,
    Tern,
    NodePgMigrate,
    Graphile,
    Postgrator,
    Shmig,
    Drizzle,
    Pop
};
const char *layout_name(Layout l);

struct Migration {
    std::string version;   // normalised ('-' dropped, Flyway '_' -> '.'), leading zeros kept
    std::string name;      // title from the file name ("" when none)
    std::string up_file;   // path shown in messages (folder/…)
    std::string down_file; // "" when none
    std::string up_sql;    // "" when up_streamed
    std::optional<std::string> down_sql; // nullopt: no down script, or down_streamed
    int up_line_offset = 0;              // lines before the up script in its file (dbmate sections)
    int down_line_offset = 0;
    bool no_transaction = false;    // declared by dbmate transaction:false / diesel metadata.toml
    bool repeatable = false;        // Flyway R__
    bool keep_placeholders = false; // Flyway's placeholderReplacement=false (script config)
    // Flyway's baseline migration (B{version}__…): the state of every version up to its own, for
    // a database with no migration yet (unused_flyway_baseline(), sync.hpp)
    bool flyway_baseline = false;
    // The up script is not in memory (up_sql stays ""): a big one (LoadOptions::stream_above),
    // hashed while read in chunks, or one whose checksum came from the stat cache. deploy()
    // reads it from up_file when it uploads it (streaming it when big).
    bool up_streamed = false;
    unsigned long long up_size = 0; // bytes of up_file (when up_streamed and known)
    std::string checksum;           // SHA-256 of the up script ("" while up_unread)
    // The down script is not in memory (down_sql stays nullopt): its checksum came from the
    // stat cache, or it was not read yet (down_unread). Read from down_file when uploaded.
    bool down_streamed = false;
    std::optional<std::string> down_checksum; // nullopt: no down script, or down_unread
    // Not read yet (LoadOptions::defer_reads, or a down script `status` does not need): no
    // checksum. read_scripts() (scripts.hpp) reads them; up_unread implies up_streamed,
    // down_unread down_streamed.
    bool up_unread = false;
    bool down_unread = false;

    // The file's line of each line of the down script when it is not one run of the file's
    // lines (Liquibase's rollbacks, assembled last changeset first); empty otherwise.
    std::vector<int> down_line_map;

    bool has_down() const { return !down_file.empty(); }
    // The line in up_file / down_file of line n (1-based) of the up or down script.
    int file_line(bool down, int n) const {
        if (down && n >= 1 && static_cast<size_t>(n) <= down_line_map.size())
            return down_line_map[n - 1];
        return n + (down ? down_line_offset : up_line_offset);
    }
};

struct Folder {
    std::string dir;
    Layout layout = Layout::Empty;
    std::vector<Migration> migrations;  // versioned, in version order
    std::vector<Migration> repeatables; // Flyway R__, by name
    std::vector<std::string> warnings;  // stray files and the like, each naming the file
    // The stat cache the folder was loaded with (null without): scripts read later store their
    // checksums in it, and save_cache() writes it.
    std::shared_ptr<StatCache> cache;
    // `dir` as it starts every path in the migrations (file names are relative after it)
    size_t rel_at = 0;
    std::string_view relative(const std::string &path) const {
        return std::string_view(path).substr(rel_at);
    }
};

struct LoadOptions {
    // false: down scripts are found but not read (down_sql stays "" and down_checksum empty);
    // enough for `pgmig status`, and half the reading
    bool read_downs = true;
    // Up scripts larger than this (bytes) are checked and hashed in chunks and not kept
    // (golang-migrate, directory and Flyway V layouts; dbmate and numbered files are parsed
    // whole). Default 4 MiB, or PGMIG_STREAM_ABOVE; SIZE_MAX keeps every body.
    size_t stream_above = default_stream_above();
    static size_t default_stream_above();
    // Use the stat cache (stat_cache.hpp) for the scripts' checksums: their bodies are then not
    // read (up_streamed, down_streamed). For `status` and `up`; off with --no-cache.
    bool use_cache = false;
    // The golang-migrate, directory and Flyway layouts' scripts (found by their names) are not
    // opened at all: they are left up_unread / down_unread, for read_scripts() to read when
    // they are needed (`up`: to compare with what the server has, or to upload). Whatever the
    // names tell (layout, versions, duplicates, pairs) is still checked here. The cache is then
    // not saved by load_folder: Folder::cache is, by save_cache().
    bool defer_reads = false;
};

// Line n (1-based) of a migration's script: from memory, or re-read from its file when the
// body was streamed.
std::string script_line(const Migration &m, bool down, int n);

// Reads and checks a whole folder. Throws InputError listing every problem found (missing
// folder, unreadable / non-UTF-8 files, mixed layouts, duplicate versions, unversioned up files).
Folder load_folder(const std::string &dir, const LoadOptions &opt = {});

// ---- pieces, exposed for tests ----

struct NameParts {
    std::string version_raw;
    std::string title;
};
// "{version}_{title}" or "{version}": version = text before the first '_', made of digits,
// '.' and '-' and starting with a digit.
std::optional<NameParts> split_version_title(std::string_view stem);
// The same as views into `stem` (no copies): {version_raw, title}.
std::optional<std::pair<std::string_view, std::string_view>>
split_version_title_view(std::string_view stem);
// sql-migrate's "{version}-{title}" (`20190101120000-create-users`, `1-init`): the version is
// the leading run of digits, '.' and '-' up to the last '-' before the title.
std::optional<std::pair<std::string_view, std::string_view>>
split_dashed_version_title_view(std::string_view stem);

enum class Direction { Up, Down };
struct GolangName {
    NameParts parts;
    Direction dir;
    bool versioned;
};
// "*.up.sql" / "*.down.sql"; nullopt for other names. versioned=false when no version.
std::optional<GolangName> parse_golang_name(const std::string &file);
// The same as views into `file` (no copies).
struct GolangNameView {
    std::string_view version_raw, title;
    Direction dir;
    bool versioned;
};
std::optional<GolangNameView> parse_golang_name_view(std::string_view file);
// Postgrator's "{version}.do[.{title}].sql" (up) and "{version}.undo[.{title}].sql" (down);
// versioned=false when the version is not all digits; nullopt when it holds '_' (another
// layout's name).
std::optional<GolangNameView> parse_postgrator_name_view(std::string_view file);

// gobuffalo/pop's (and Ory's popx) `VERSION_name[.DIALECT][.autocommit].up|down.sql|fizz`
// (`20150100000001000000_networks.postgres.up.sql`): name without dots, DIALECT lower-case
// letters and digits. nullopt for other names.
struct PopName {
    std::string_view version, name;
    std::string_view dialect_raw; // as written ("" when none)
    // pop's canonical dialect: "all" (none), "postgres" (postgresql, pg, pgx), "cockroach"
    // (cockroachdb, crdb), "sqlite3" (sqlite), "mysql", "mariadb"; "" for one pop does not know
    std::string_view dialect;
    bool autocommit = false; // popx's `.autocommit`: no transaction
    bool fizz = false;       // pop's fizz DSL, not SQL
    Direction dir = Direction::Up;
    // What pgmig runs on PostgreSQL: the generic file and the postgres one (pop's dialect).
    bool for_postgres() const { return dialect == "all" || dialect == "postgres"; }
    // Also a golang-migrate name: no dialect pop knows, not autocommit, not fizz.
    bool generic() const { return !fizz && !autocommit && (dialect == "all" || dialect.empty()); }
};
std::optional<PopName> parse_pop_name(std::string_view file);

enum class FlywayKind { Versioned, Undo, Repeatable, Baseline };
struct FlywayName {
    FlywayKind kind;
    std::string version; // normalised ("" for repeatable)
    std::string description;
};
std::optional<FlywayName> parse_flyway_name(const std::string &file);

// A migration file with up and down sections, read: what every section-marker format's parser
// (dbmate, goose, sql-migrate, shmig, Liquibase, tern, node-pg-migrate, graphile-migrate) returns.
struct SectionedScript {
    bool has_up = false;
    std::string up;
    int up_offset = 0;
    bool up_no_transaction = false;
    std::optional<std::string> down;
    int down_offset = 0;
    std::vector<int> down_lines; // the file's line of each down line (Liquibase), else empty
    std::string unsupported;     // a marker pgmig cannot honour (goose ENVSUB ON), and its line
    int unsupported_line = 0;
};
// The markers of a one-file-per-migration layout with up and down sections: dbmate's
// `-- migrate:up`, goose's `-- +goose Up` (NO TRANSACTION for the file), sql-migrate's
// `-- +migrate Up [notransaction]`, shmig's `-- ====  UP  ====` / `-- ==== DOWN ====` (an
// empty down section: no down script), Liquibase's `--liquibase formatted sql` header with its
// changesets. Their StatementBegin/End lines are comments to the server's parser, which splits
// statements itself.
enum class SectionStyle {
    Dbmate,
    Goose,
    SqlMigrate,
    Shmig,
    Liquibase,
    Tern,
    NodePgMigrate,
    Graphile
};
// Liquibase's or graphile-migrate's header when the file starts with it, else the style of the
// file's first dbmate, goose or sql-migrate up marker (at the start of a line), else tern's
// separator or a node-pg-migrate marker line, if any.
std::optional<SectionStyle> section_style(const std::string &text);
bool has_dbmate_marker(const std::string &text);
// The up and down scripts of a file of that style, by its format's parser (parse_liquibase for
// Liquibase's, parse_tern for tern's, …; sectioned.hpp).
SectionedScript parse_sections(const std::string &text, SectionStyle style);
SectionedScript parse_dbmate(const std::string &text);
// Liquibase's formatted SQL: a file whose first non-blank line is `--liquibase formatted sql`.
bool is_liquibase_formatted(const std::string &text);
// Its changesets in order are the up script (those for another DBMS blanked); their `--rollback`
// lines, last changeset first, the down script (none when a changeset has no rollback);
// runInTransaction:false makes it non-transactional; runAlways/runOnChange, contexts and labels,
// preconditions and custom delimiters are `unsupported`.
SectionedScript parse_liquibase(const std::string &text);

// tern: the line `---- create above / drop below ----` (surrounding blanks allowed).
bool is_tern_separator(const std::string &line);
// The text above the separator is the up script, below it the down script (none without the
// separator or when only white space follows it, as in tern); `---- tern: disable-tx ----`
// above it makes it non-transactional; tern's `{{ ... }}` templates are `unsupported`.
SectionedScript parse_tern(const std::string &text);

// node-pg-migrate: true for an `-- Up Migration` line, false for `-- Down Migration`
// (case-insensitive, `--` and dashes as node-pg-migrate allows), nullopt otherwise. The marker
// must be alone on its line.
std::optional<bool> node_pg_migrate_marker(const std::string &line);
// The first line node-pg-migrate would split at that is not a marker line of its own
// (`-- Down migration: drops x`), 1-based; 0 when none.
int node_pg_migrate_loose_line(const std::string &text);
inline constexpr const char *kNodePgMigrateLooseMarker =
    "node-pg-migrate splits the file at this line, but pgmig reads a marker only alone on its "
    "line: write it as '-- Up Migration' or '-- Down Migration'";
// The sections after each marker; a down marker without an up marker, a repeated marker and a
// loose marker line are `unsupported`. No down marker: no down script.
SectionedScript parse_node_pg_migrate(const std::string &text);

// graphile-migrate's committed migration: the header (the file's first `--! Key: value` lines,
// `--! AllowInvalidHash` among them) has `--! Previous:`.
bool is_graphile_committed(const std::string &text);
// The whole file is the up script (no down); `--! no-transaction` among the header lines makes
// it non-transactional.
SectionedScript parse_graphile(const std::string &text);
// The placeholders graphile-migrate substitutes: :DATABASE_NAME, :DATABASE_OWNER and the keys of
// the "placeholders" of its .gmrc (its text, or "" when there is none).
std::vector<std::string> graphile_placeholders(const std::string &gmrc_text);
// The first use of one of them in a script: {line (1-based), placeholder}, or {0, ""}.
std::pair<int, std::string> graphile_placeholder_use(const std::string &text,
                                                     const std::vector<std::string> &keys);

// diesel's metadata.toml: true unless run_in_transaction = false. Throws InputError.
bool diesel_runs_in_transaction(const std::string &toml_text, const std::string &path);

// A change of sqitch.plan: its name, the stem of its deploy/revert scripts (NAME, or NAME@TAG
// for an occurrence that was reworked later) and its line in the plan.
struct SqitchChange {
    std::string name;
    std::string script;
    int line;
};
// The plan's changes in plan order (tags only name reworked scripts). Throws InputError naming
// the plan's line for what it cannot read.
std::vector<SqitchChange> parse_sqitch_plan(const std::string &text, const std::string &path);

// Flyway's script configuration (`V1__x.sql.conf`, Java properties): executeInTransaction=false
// makes the script's migration non-transactional; placeholderReplacement=false keeps its `${…}`;
// `encoding` other than UTF-8 and `shouldExecute` throw InputError naming the file and line; other
// keys are listed as ignored.
struct FlywayScriptConfig {
    bool no_transaction = false;
    bool keep_placeholders = false; // placeholderReplacement=false: `${…}` is the script's text
    std::vector<std::string> ignored;
};
FlywayScriptConfig parse_flyway_script_config(const std::string &text, const std::string &path);
// The Flyway event a SQL callback file is for (`afterMigrate.sql`,
// `beforeMigrate__grants.sql`), or "".
std::string flyway_callback_event(std::string_view file);

// A Flyway placeholder (`${flyway:defaultSchema}`, `${name}`) left in a script that reaches the
// server (`$${name}`, placeholderReplacement=false; placeholders.hpp expands the others), for
// the hint at a syntax error: the one that starts at byte `at` of text, or ""; and the first
// one of a script as {line (1-based), placeholder}, or {0, ""}.
std::string placeholder_at(std::string_view text, size_t at);
std::pair<int, std::string> flyway_placeholder_use(std::string_view text);

// A plain numbered file that asks to run outside a transaction: `-- no-transaction` as its first
// line (sqlx) or `-- atlas:txmode none` among its leading comment lines (Atlas).
bool numbered_file_no_transaction(const std::string &text);

// drizzle-kit's meta/_journal.json: its entries' tags in order (each names TAG.sql). Throws
// InputError naming the file for what is not such a journal (or one for another dialect).
std::vector<std::string> parse_drizzle_journal(const std::string &text, const std::string &path);

// Sourcegraph's metadata.yaml: the value of its top-level `name:` key (quotes removed), or empty.
// Only that key is read: `parent(s)` order what the versions already order, and whether a
// statement can run in a transaction (`createIndexConcurrently`) is the server parser's call.
std::string sourcegraph_metadata_name(const std::string &yaml_text);

// ---- pgmig new ----
struct NewFiles {
    std::vector<std::pair<std::string, std::string>> files; // relative path, content
    std::vector<std::string> dirs;                          // relative dirs to create
};
// Next migration for `folder` named `name`; `now` is "YYYYMMDDHHMMSS" (UTC).
NewFiles plan_new_migration(const Folder &folder, const std::string &name, const std::string &now);

} // namespace mig::client
