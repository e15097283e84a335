// pgmig adopt [--from TOOL] [--force KINDS] [--dry-run]: records in pgmig exactly what the tool
// that migrated the database so far says it applied (docs/adopting.md). Reads that tool's
// history table (left as it is), matches it with the folder, then in one transaction uploads the
// folder's migrations (as `up` does) and calls mig.adopt(versions, tool).
#include "adopt/adopt.hpp"
#include "adopt/detect.hpp"
#include "adopt/report.hpp"
#include "commands.hpp"
#include "edit_diff.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "layouts/scripts.hpp"
#include "output.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <memory>

namespace mig::client {
namespace {

struct AdoptOptions {
    std::string from;
    std::string force;
    bool dry_run = false;
};

const char *const kAdoptSql = "SELECT version FROM mig.adopt($1::pg_catalog.text[], $2)";
const char *const kAdoptRepeatableSql =
    "SELECT name FROM mig.adopt_repeatable($1, $2, $3) WHERE action OPERATOR(pg_catalog.=) "
    "'adopted'";

// The reader of --from, or of the one tool whose history table exists.
const adopt::Reader &choose_reader(Conn &c, const std::string &from) {
    auto present = adopt::tools_present(c);
    std::string found;
    for (const auto *r : present)
        found += fmt::format("{}{} ({})", found.empty() ? "" : ", ", r->tool, r->table);
    if (!from.empty()) {
        const adopt::Reader *r = adopt::find_reader(from);
        if (!r)
            throw InputError(
                fmt::format("--from: unknown tool \"{}\" (known: {})", from, adopt::tool_names()));
        if (std::find(present.begin(), present.end(), r) == present.end())
            throw InputError(fmt::format("no {} history in this database: table {} does not "
                                         "exist{}",
                                         r->tool, r->table,
                                         found.empty() ? "" : " (found: " + found + ")"));
        return *r;
    }
    if (present.empty())
        throw InputError(fmt::format("no history table of a known tool in this database (known: "
                                     "{}); name the tool with --from TOOL",
                                     adopt::tool_names()));
    if (present.size() > 1)
        throw InputError(fmt::format("the history tables of several tools exist: {}; say which "
                                     "one to adopt with --from TOOL",
                                     found));
    return *present[0];
}

adopt::Rows read_rows(Conn &c, const adopt::Reader &r) {
    Result res;
    try {
        res = c.exec(r.sql);
    } catch (const PgError &e) { // a table of that name that is not the tool's, or no privilege
        throw InputError(fmt::format("cannot read {} as {}'s history table: {} ({})", r.table,
                                     r.tool, e.message, e.sqlstate));
    }
    int cols = PQnfields(res.get());
    adopt::Rows rows(static_cast<size_t>(res.rows()));
    for (int i = 0; i < res.rows(); ++i) {
        rows[i].reserve(static_cast<size_t>(cols));
        for (int k = 0; k < cols; ++k)
            rows[i].push_back(res.opt(i, k));
    }
    return rows;
}

// Uploads what the server does not have (the same pipeline as `up`), then mig.adopt, in one
// transaction that holds the deploy lock. Returns the exit code.
int upload_and_adopt(const Context &ctx, Conn &c, Folder &f, const std::vector<ServerRow> &status,
                     const adopt::Reader &r, const std::vector<std::string> &versions,
                     const std::vector<std::pair<std::string, std::string>> &repeatables) {
    read_known_scripts(f, status);
    auto sp = compute_sync(f, status);
    if (!sp.drift.empty()) {
        print_edit_errors(c, f, sp.drift, sp.edited, ctx.opt.full_diff);
        return EXIT_USAGE;
    }
    std::vector<UploadItem> todo;
    for (size_t i = 0; i < sp.upload.size(); ++i)
        todo.push_back({sp.upload[i], sp.replace[i]});
    std::vector<const std::string *> ptrs;
    ptrs.reserve(versions.size());
    for (const auto &v : versions)
        ptrs.push_back(&v);
    try {
        begin_locked(c, ctx);
        UploadBuilder ub(f, todo);
        auto rs = c.pipeline([&](size_t) { return ub.next(); });
        ub.check(rs);
        for (size_t i = 0; i < ub.streamed().size(); ++i)
            upload_streamed(c, f, *ub.streamed()[i].m, ub.streamed()[i].replace, i == 0);
        std::vector<Query> qs;
        if (!versions.empty())
            qs.push_back({kAdoptSql, {Param::binary(binary_text_array(ptrs)), Param(r.tool)}});
        for (const auto &[name, sql] : repeatables)
            qs.push_back({kAdoptRepeatableSql, {Param(name), Param::ref(sql), Param(r.tool)}});
        int adopted = 0;
        for (const auto &res : c.pipeline(qs))
            adopted += res.rows();
        c.exec("COMMIT");
        save_cache(f);
        if (!ctx.opt.quiet && !ctx.opt.json)
            fmt::print("adopted {} migration(s) that {} applied (its table {} is left as it "
                       "is)\n",
                       adopted, r.tool, r.table);
    } catch (const PgError &e) {
        c.rollback_quietly();
        return report_error(e, &f, false, ctx.opt.verbose);
    } catch (...) {
        c.rollback_quietly();
        throw;
    }
    return EXIT_OK;
}

int run_adopt(Context &ctx, const AdoptOptions &o) {
    adopt::Force force = o.force.empty() ? adopt::Force{} : adopt::parse_force(o.force);
    Folder f = ctx.load();
    auto c = ctx.connect();
    const adopt::Reader &r = choose_reader(*c, o.from);
    adopt::Rows rows = read_rows(*c, r);
    auto status = fetch_sync_status(*c);
    adopt::Mapping mp = adopt::plan_adoption(r, f, rows, force);
    adopt::check_pgmig_history(mp, status);
    if (o.dry_run || ctx.opt.verbose > 0 || ctx.opt.json)
        adopt::print_mapping(ctx, r, f, mp, o.dry_run);
    if (mp.count(adopt::Action::Stop) > 0) {
        adopt::print_problems(r, f, mp);
        error_line("nothing was changed");
        return EXIT_USAGE;
    }
    size_t pending = mp.count(adopt::Action::Pending);
    if (o.dry_run) {
        if (!ctx.opt.quiet && !ctx.opt.json)
            fmt::print("dry run: would adopt {} migration(s) applied by {}; {} pending for "
                       "pgmig up; nothing was changed\n",
                       mp.count(adopt::Action::Adopt), r.tool, pending);
        return EXIT_OK;
    }
    if (mp.count(adopt::Action::Adopt) == 0) {
        if (!ctx.opt.quiet && !ctx.opt.json)
            fmt::print("nothing to adopt: {} migration(s) already applied in pgmig, {} pending "
                       "for pgmig up\n",
                       mp.count(adopt::Action::AlreadyApplied), pending);
        return EXIT_OK;
    }
    ctx.require_yes("adopt");
    // compute_sync may drop a Flyway baseline script from f.migrations: the mapping's pointers
    // are not used past this line
    std::vector<std::string> versions = mp.versions();
    auto repeatables = mp.repeatables();
    int rc = upload_and_adopt(ctx, *c, f, status, r, versions, repeatables);
    if (rc == EXIT_OK && pending > 0 && !ctx.opt.quiet && !ctx.opt.json)
        fmt::print("{} migration(s) not applied by {}: pgmig up runs them\n", pending, r.tool);
    return rc;
}

} // namespace

Command register_adopt(CLI::App &app) {
    auto o = std::make_shared<AdoptOptions>();
    auto *sub = app.add_subcommand(
        "adopt", "switch from another migration tool: record what its history table says was "
                 "applied, without running anything");
    sub->add_option("--from", o->from,
                    "the tool (default: the one whose history table exists): " +
                        adopt::tool_names());
    sub->add_option("--force", o->force,
                    "accept these problems (comma-separated): missing (recorded, no file: "
                    "ignored), failed (failed or dirty: not adopted, up runs it), checksum "
                    "(the file changed since: adopted), all");
    sub->add_flag("--dry-run", o->dry_run,
                  "show the mapping (file, version, what the tool says, action) and change "
                  "nothing");
    // `up` refuses a database another tool migrated until it is adopted; this is its way out
    try {
        app.get_subcommand("up")->add_flag(
            "--ignore-other-tools", ignore_other_tools(),
            "run even when pgmig has no history and another tool's history table exists (see "
            "pgmig adopt)");
    } catch (const CLI::OptionNotFound &) { // registered before `up`: no such flag then
    }
    auto full = std::make_shared<bool>(false);
    add_full_diff_flag(*sub, *full);
    return {sub, [o, full](Context &ctx) {
                ctx.opt.full_diff = *full;
                return run_adopt(ctx, *o);
            }};
}

} // namespace mig::client
