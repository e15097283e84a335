// pgmig repair V [--down] [--force] [--dry-run]: the folder's scripts of an applied migration
// stored again, after a reviewed edit (docs/cli.md, "repair"). The up script through
// mig.repair (comments and whitespace only, unless --force), the down script through
// mig.set_down; both in one transaction.
#include "commands.hpp"
#include "json_report.hpp"
#include "deploy_lock.hpp"
#include "error_codes.hpp"
#include "errors.hpp"
#include "errors_report.hpp"
#include "folder_pairs.hpp"
#include "line_diff.hpp"
#include "repair.hpp"
#include "sync.hpp"
#include "text.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace mig::client {
namespace {

struct RepairOptions {
    std::string version;
    bool down = false, force = false, dry_run = false;
};

// What was (or would be) stored, for the report.
struct RepairDone {
    std::string version, name, old_up, new_up;
    bool up_changed = false, statements_changed = false, down_changed = false;
    std::optional<std::string> old_down, new_down;
    std::vector<std::string> diff; // of the up scripts (line_diff)
};

const char *const kRepairSql =
    "SELECT version, name, old_checksum, new_checksum, statements_changed "
    "FROM mig.repair($1, $2, $3, $4)";
// the stored up script, to show what the edit changed (deployers may read mig.migration)
const char *const kStoredUpSql =
    "SELECT m.up_sql FROM mig.migration m WHERE m.version OPERATOR(pg_catalog.=) $1";
const char *const kSetDownSql = "SELECT mig.set_down($1, $2, $3)";

const ServerRow &server_row(const std::vector<ServerRow> &status, const std::string &v,
                            const Folder &f) {
    for (const auto &s : status)
        if (s.kind != "repeatable" && compare_versions(s.version, v) == 0)
            return s;
    throw InputError(fmt::format("unknown version \"{}\": the database has no migration of that "
                                 "version (the next pgmig up uploads the files of {})",
                                 v, f.dir));
}

// The refusals the client can tell before sending anything.
void check_request(const RepairOptions &o, const ServerRow &s, const HeldScripts &h,
                   const Migration &m) {
    if (s.state == "pending")
        throw InputError(fmt::format("migration {} is pending, not applied: there is nothing to "
                                     "repair (the next pgmig up uploads its file again)",
                                     s.version));
    if (o.down && h.up_checksum != s.checksum)
        throw InputError(fmt::format(
            "{}: the up script of migration {} is not the applied one (checksum {} in the "
            "database, {} in the file): after a reviewed edit, pgmig repair {} stores both",
            m.up_file, s.version, s.checksum.value_or("(none)"), h.up_checksum, s.version));
    if (!o.down && !h.down && s.down_checksum && h.up_checksum != s.checksum)
        throw InputError(fmt::format(
            "migration {} has a down script in the database but no down file in the folder: "
            "restore it first (repair stores what the folder holds, and a stored down script is "
            "never removed)",
            s.version));
    if (o.down && !h.down)
        throw InputError(
            fmt::format("migration {} has no down file in the folder ({})", s.version, m.up_file));
}

// In the open transaction: the up script (unless only the down was asked or it is the same),
// then the down script when it differs.
RepairDone store(Conn &c, const RepairOptions &o, const ServerRow &s, const HeldScripts &h) {
    RepairDone d;
    d.version = s.version;
    d.name = s.name;
    d.old_up = s.checksum.value_or("");
    d.new_up = h.up_checksum;
    d.old_down = s.down_checksum;
    d.new_down = s.down_checksum;
    if (!o.down && h.up_checksum != s.checksum) {
        Result stored = c.exec(kStoredUpSql, {Param::ref(s.version)});
        // the stored down script stays the migration's until set_down below replaces it,
        // in this same transaction
        if (stored.rows() == 1)
            d.diff = line_diff(stored.str(0, 0), h.up, 20);
        try {
            Result r =
                c.exec(kRepairSql, {Param::ref(s.version), Param::ref(h.up),
                                    Param::ref(s.down_checksum), o.force ? "true" : "false"});
            d.statements_changed = r.str(0, 4) == "t";
        } catch (const PgError &e) {
            if (e.sqlstate == mig::sqlstate::kStatementsChanged) // what the refusal is about
                for (const auto &line : d.diff)
                    fmt::print(stderr, "  {}\n", printable(line, false));
            throw;
        }
        d.up_changed = true;
    }
    if (h.down && h.down_checksum != s.down_checksum) {
        c.exec(kSetDownSql,
               {Param::ref(s.version), Param::ref(*h.down), Param::ref(h.up_checksum)});
        d.down_changed = true;
        d.new_down = h.down_checksum;
    }
    return d;
}

nlohmann::json or_null(const std::optional<std::string> &s) {
    return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
}

void report(const Context &ctx, const RepairDone &d, bool dry_run) {
    if (ctx.opt.json) { // the document of docs/json.md, with what was replaced
        if (d.up_changed || d.down_changed)
            json_report::migration(d.version, d.name, dry_run ? "would repair" : "repaired", -1);
        json_report::set("dry_run", dry_run);
        json_report::set("repair", nlohmann::json{{"version", d.version},
                                                  {"name", d.name},
                                                  {"up_changed", d.up_changed},
                                                  {"old_checksum", d.old_up},
                                                  {"new_checksum", d.new_up},
                                                  {"statements_changed", d.statements_changed},
                                                  {"down_changed", d.down_changed},
                                                  {"old_down_checksum", or_null(d.old_down)},
                                                  {"new_down_checksum", or_null(d.new_down)},
                                                  {"diff", d.diff}});
        return;
    }
    if (ctx.opt.quiet)
        return;
    const char *verb = dry_run ? "would replace" : "replaced";
    std::string name = printable(d.name, false);
    if (!d.up_changed && !d.down_changed)
        fmt::print("migration {} ({}): the database has the folder's scripts already: nothing to "
                   "repair\n",
                   d.version, name);
    if (d.up_changed)
        fmt::print("migration {} ({}): {} the up script: checksum {} -> {} ({})\n", d.version, name,
                   verb, d.old_up, d.new_up,
                   d.statements_changed ? "its statements changed: --force"
                                        : "comments and whitespace only");
    for (const auto &line : d.diff)
        fmt::print("  {}\n", printable(line, false));
    if (d.down_changed)
        fmt::print("migration {} ({}): {} the down script: checksum {} -> {}\n", d.version, name,
                   verb, d.old_down.value_or("none"), d.new_down.value_or("none"));
    if (dry_run)
        fmt::print("dry run: nothing was changed\n");
}

int run_repair(Context &ctx, const RepairOptions &o) {
    std::string v = checked_version(o.version);
    if (!o.dry_run)
        ctx.require_yes("repair");
    Folder f = ctx.load();
    v = folder_version(f, v);
    Migration *m = const_cast<Migration *>(find_migration(f, v));
    if (!m)
        throw InputError(fmt::format("no migration of version {} in {}: repair stores a file of "
                                     "the folder (a pending migration without a file: pgmig "
                                     "discard {})",
                                     v, f.dir, v));
    HeldScripts h = read_held(f, *m);
    auto c = ctx.connect();
    auto status = fetch_status(*c);
    const ServerRow &s = server_row(status, v, f);
    check_request(o, s, h, *m);
    try {
        begin_locked(*c, ctx);
        RepairDone d = store(*c, o, s, h);
        c->exec(o.dry_run ? "ROLLBACK" : "COMMIT");
        report(ctx, d, o.dry_run);
    } catch (const PgError &e) {
        c->rollback_quietly();
        return report_error(e, &f, false, ctx.opt.verbose);
    }
    return EXIT_OK;
}

} // namespace

Command register_repair(CLI::App &app) {
    auto o = std::make_shared<RepairOptions>();
    auto *sub = app.add_subcommand(
        "repair", "after a reviewed edit of an applied migration's file: store the folder's "
                  "scripts of V in the database (the up script: comments and whitespace only, "
                  "unless --force)");
    sub->add_option("V", o->version, "the applied migration's version")->required();
    sub->add_flag("--down", o->down,
                  "store only the down script of V (added or fixed); the up script must be the "
                  "applied one");
    sub->add_flag("--force", o->force,
                  "accept an up script whose statements changed (the database must already "
                  "match it: nothing runs)");
    sub->add_flag("--dry-run", o->dry_run, "show what would change, change nothing");
    return {sub, [o](Context &ctx) { return run_repair(ctx, *o); }};
}

} // namespace mig::client
