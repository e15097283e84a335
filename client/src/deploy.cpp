#include "deploy.hpp"

#include "errors.hpp"
#include "output.hpp"
#include "text.hpp"
#include "version.hpp"

#include "layouts/scan.hpp"
#include "layouts/scripts.hpp"
#include "sha256.hpp"

#include <algorithm>
#include <chrono>
#include <fcntl.h>
#include <cstdlib>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <functional>
#include <thread>
#include <unordered_set>

namespace mig::client {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

const Migration *find_local(const Folder &f, const std::string &version) {
    std::string key = canonical_version(version);
    for (const auto &m : f.migrations)
        if (canonical_version(m.version) == key)
            return &m;
    return nullptr;
}

struct PlanRow {
    std::string version, name, action;
    bool transactional = true, ends_transaction = false;
};

std::vector<PlanRow> read_plan(const Result &r) {
    std::vector<PlanRow> out;
    out.reserve(static_cast<size_t>(r.rows()));
    // columns looked up once (by name per row, this took ~2.7M instructions for W1's 1,000)
    const int v = r.col("version"), n = r.col("name"), a = r.col("action"),
              tx = r.col("transactional"), ends = r.col("ends_transaction");
    for (int i = 0; i < r.rows(); ++i)
        out.push_back(
            {r.str(i, v), r.str(i, n), r.str(i, a), r.str(i, tx) == "t", r.str(i, ends) == "t"});
    return out;
}

const char *kPlanSql = "SELECT version, name, action, transactional, ends_transaction "
                       "FROM mig.plan($1)";

// What mig.plan(target) would return, from the uploads' own results (columns action, checksum,
// transactional, ends_transaction), when the server had nothing pending before them: the
// uploaded migrations up to target, in version order. nullopt when the batch needs the server's
// plan (a non-transactional migration, or an enum label added before the last migration): the
// plan's rows then decide where transactions end.
std::optional<std::vector<PlanRow>> plan_from_uploads(const UploadBuilder &ub,
                                                      const std::vector<Result> &rs,
                                                      const std::optional<std::string> &target) {
    std::vector<PlanRow> plan;
    const auto &sent = ub.sent();
    for (size_t k = 0; k < sent.size() && k < rs.size(); ++k)
        for (size_t row = 0; row < sent[k].size(); ++row) {
            const Migration &m = *sent[k][row].m;
            if (target && compare_versions(m.version, *target) > 0)
                continue;
            int i = static_cast<int>(row);
            plan.push_back(
                {m.version, m.name, "apply", rs[k].str(i, 2) == "t", rs[k].str(i, 3) == "t"});
        }
    std::sort(plan.begin(), plan.end(), [](const PlanRow &a, const PlanRow &b) {
        return compare_versions(a.version, b.version) < 0;
    });
    for (size_t i = 0; i < plan.size(); ++i)
        if (!plan[i].transactional || (plan[i].ends_transaction && i + 1 < plan.size()))
            return std::nullopt;
    return plan;
}

void print_row(const Context &ctx, Progress &bar, const std::string &action,
               const std::string &version, const std::string &name, double secs) {
    bar.clear();
    if (ctx.show_progress())
        fmt::print("{} {} {} ({})\n", paint(fmt::format("{:<11}", action), "32"), version, name,
                   human_duration(secs));
    bar.step(version);
}

} // namespace

namespace {

// COPY text format: backslash, newline, carriage return and tab escaped
void copy_escape(std::string_view in, std::string &out) {
    out.clear();
    out.reserve(in.size() + in.size() / 8 + 16);
    size_t from = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        char e;
        switch (in[i]) {
        case '\\':
            e = '\\';
            break;
        case '\n':
            e = 'n';
            break;
        case '\r':
            e = 'r';
            break;
        case '\t':
            e = 't';
            break;
        default:
            continue;
        }
        out.append(in.data() + from, i - from);
        out += '\\';
        out += e;
        from = i + 1;
    }
    out.append(in.data() + from, in.size() - from);
}
} // namespace

void upload_streamed(Conn &c, Folder &f, Migration &m, bool replace, bool first) {
    // The body goes through COPY into a temporary table of this transaction, read from the file
    // in 1 MB chunks: the client never holds it whole (SPEC 5, W4), and nothing outlives the
    // transaction (safe behind a transaction pooler).
    if (first)
        c.exec("CREATE TEMP TABLE pgmig_upload_body (up text, down text) ON COMMIT DROP; "
               "ALTER TABLE pgmig_upload_body ALTER up SET STORAGE EXTERNAL, "
               "ALTER down SET STORAGE EXTERNAL");
    else
        c.exec("TRUNCATE pgmig_upload_body");
    trace("upload: temp table");
    std::vector<std::string> errors;
    auto down = upload_body(f, m, true, SIZE_MAX, errors); // read whole, as every down script
    if (!down)
        throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
    std::string shown = m.up_file;
    Sha256 h;
    c.copy_in("COPY pgmig_upload_body (up, down) FROM STDIN", [&](const Conn::CopyPut &put) {
        std::string esc;
        if (!stream_script_at(AT_FDCWD, m.up_file, shown, errors, [&](std::string_view part) {
                h.update(part);
                copy_escape(part, esc);
                put(esc);
            }))
            throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
        put("\t");
        if (const std::string *text = down->text()) {
            copy_escape(*text, esc);
            put(esc);
        } else {
            put("\\N");
        }
        put("\n");
    });
    trace("upload: copied");
    std::string sum = h.hex();
    if (m.up_unread) { // not read before: what was sent is what the file holds
        m.checksum = sum;
        m.up_unread = false;
    }
    if (sum != m.checksum)
        throw InputError(fmt::format("{}: the file changed while pgmig was running (checksum {} "
                                     "when read, {} when uploaded); nothing was applied",
                                     m.up_file, m.checksum, sum));
    auto r = c.exec("SELECT action, checksum FROM mig.upload($1, $2, "
                    "(SELECT up FROM pgmig_upload_body), (SELECT down FROM pgmig_upload_body), "
                    "$3::jsonb)",
                    {m.version, m.name, upload_options(m, replace)});
    trace("upload: registered");
    if (r.rows() != 1 || r.str(0, 1) != m.checksum)
        throw PgError(fmt::format("migration {}: the server's checksum of the streamed body ({}) "
                                  "differs from the file's ({})",
                                  m.version, r.rows() == 1 ? r.str(0, 1) : "none", m.checksum),
                      "XX000");
}

void lock_backoff(int attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500 << (attempt - 1)));
}

namespace {

// Runs one Flyway R__ migration (the server skips it when its checksum was applied already);
// returns whether it ran and how long it took.
std::pair<bool, double> apply_repeatable(Conn &c, const Migration &r) {
    auto res = c.exec("SELECT action, duration FROM mig.apply_repeatable($1, $2, $3::jsonb)",
                      {r.name, Param::ref(r.up_sql), nlohmann::json{{"file", r.up_file}}.dump()});
    double secs = res.null(0, 1) ? 0 : interval_seconds(res.str(0, 1));
    return {res.str(0, 0) == "applied", secs};
}

// Applies the repeatables still to do (after every versioned migration), printing a row each.
void apply_repeatables(const Context &ctx, Conn &c, Progress &bar, SyncPlan &sp, int &applied) {
    for (auto *r : sp.repeatables) {
        auto [ran, secs] = apply_repeatable(c, *r);
        if (ran) {
            print_row(ctx, bar, "repeatable", "R", r->name, secs);
            ++applied;
        }
    }
    sp.repeatables.clear();
}

} // namespace

bool try_begin_locked(Conn &c, const Context &ctx) {
    std::string st = ctx.statement_timeout();
    auto rs = c.pipeline(
        {{"BEGIN", {}},
         {"SELECT mig.lock(false), pg_catalog.set_config('lock_timeout', $1, true), "
          "pg_catalog.set_config('statement_timeout', "
          "COALESCE($2, pg_catalog.current_setting('statement_timeout')), true)",
          {ctx.lock_timeout(), st.empty() ? std::nullopt : std::optional<std::string>(st)}}});
    if (rs.size() == 2 && rs[1].str(0, 0) == "t")
        return true;
    c.exec("ROLLBACK");
    return false;
}

void begin_locked(Conn &c, const Context &ctx) {
    auto start = Clock::now();
    std::string last_holder;
    int polls = 0;
    while (true) {
        if (try_begin_locked(c, ctx))
            return;
        std::string holder = "another transaction";
        auto h = c.exec("SELECT pid, application_name, usename, xact_start FROM mig.lock_holder()");
        if (h.rows() > 0)
            holder = fmt::format("pid {} ({}, user {}, since {})", h.str(0, 0),
                                 h.str(0, 1).empty() ? "no application_name" : h.str(0, 1),
                                 h.str(0, 2), h.str(0, 3));
        if (since(start) >= ctx.lock_wait())
            throw ConnectError(fmt::format("deploy lock not obtained within {} s: held by {}",
                                           ctx.lock_wait(), holder));
        if (holder != last_holder && !ctx.opt.quiet)
            fmt::print(stderr, "waiting for the deploy lock, held by {}\n", holder);
        last_holder = holder;
        ++polls;
        std::this_thread::sleep_for(std::chrono::milliseconds(polls < 10 ? 100 : 500));
    }
}

int run_outside_transaction(const Context &ctx, Conn &c, const Folder *f,
                            const std::string &version, const std::string &name, bool down) {
    const char *dir = down ? "down" : "up";
    std::string st = ctx.statement_timeout();
    c.exec("SELECT pg_catalog.set_config('lock_timeout', $1, false), "
           "pg_catalog.set_config('statement_timeout', "
           "COALESCE($2, pg_catalog.current_setting('statement_timeout')), false)",
           {ctx.lock_timeout(), st.empty() ? std::nullopt : std::optional<std::string>(st)});
    auto r = c.exec("SELECT stmt_no, sql, line, col, done FROM mig.statements($1, $2)",
                    {version, std::string(dir)});
    bool left = false; // an up statement not recorded done
    for (int i = 0; i < r.rows() && !left; ++i)
        left = r.str(i, 4) != "t";
    if (!down && !left) {
        // every up statement is recorded done, yet the migration is not complete: its down
        // script ran part-way (a failed `pgmig down`) and undid some of it. Resuming would run
        // nothing and loop; re-running the up script is not safe.
        auto a = c.exec("SELECT a.complete, coalesce(a.down_statements_done, 0), m.down_statements "
                        "FROM mig.applied a JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) "
                        "a.vkey WHERE a.vkey OPERATOR(pg_catalog.=) mig.version_key($1)",
                        {version});
        if (a.rows() == 0 || a.str(0, 0) == "t")
            return EXIT_OK; // another deployer finished it meanwhile
        throw InputError(fmt::format(
            "migration {} ({}) is part-way rolled back ({} of {} down statements done): finish "
            "the rollback with `pgmig down` (it resumes there), then run `pgmig up`",
            version, name, a.str(0, 1), a.str(0, 2)));
    }
    const Migration *m = f ? find_local(*f, version) : nullptr;
    for (int i = 0; i < r.rows(); ++i) {
        if (r.str(i, 4) == "t")
            continue;
        std::string no = r.str(i, 0), sql = r.str(i, 1);
        int line = std::stoi(r.str(i, 2)), col = std::stoi(r.str(i, 3));
        // another deployer may have run it since mig.statements() was read
        auto now_done = c.exec("SELECT done FROM mig.statements($1, $2) WHERE stmt_no = $3::int",
                               {version, std::string(dir), no});
        if (now_done.rows() == 0 || now_done.str(0, 0) == "t")
            continue;
        for (int attempt = 0;; ++attempt) {
            auto t0 = Clock::now();
            try {
                c.exec(sql);
                c.exec("SELECT mig.record_statement($1, $2::int, $3, $4::interval)",
                       {version, no, std::string(dir), interval_literal(since(t0))});
                if (ctx.opt.verbose > 0)
                    fmt::print("  {} {}: {} statement {} of {} done ({})\n", version, name, dir, no,
                               r.rows(), human_duration(since(t0)));
                break;
            } catch (const PgError &e) {
                if (!c.ok())
                    throw ConnectError(
                        fmt::format("connection lost while running migration {}", version));
                if (e.sqlstate == "55P03" && attempt < 3) {
                    warn(fmt::format("lock timeout in migration {} statement {}; retrying", version,
                                     no));
                    lock_backoff(attempt + 1);
                    continue;
                }
                try {
                    c.exec("SELECT mig.record_failure($1, $2::int, $3, $4, $5)",
                           {version, no, e.sqlstate, e.message, std::string(dir)});
                } catch (const PgError &) {
                }
                ErrorSite site;
                site.file = m ? (down ? m->down_file : m->up_file) : "migration " + version;
                int in_script = line; // the line in the script, then in its file
                site.col = col;
                if (e.statement_position > 0) {
                    size_t b = char_to_byte(sql, e.statement_position);
                    auto [l, cc] = line_col_at(sql, b);
                    in_script += l - 1;
                    site.col = l == 1 ? col + cc - 1 : cc;
                }
                site.line = m ? m->file_line(down, in_script) : in_script;
                if (m)
                    site.source = script_line(*m, down, in_script);
                if (site.file.empty())
                    site.file = "migration " + version + (down ? " (down)" : "");
                print_pg_error(e, site, ctx.opt.verbose);
                return exit_code_for(e);
            }
        }
    }
    return 0;
}

bool knows_version(const Folder &f, const std::vector<ServerRow> &status,
                   const std::string &version) {
    for (const auto &m : f.migrations)
        if (compare_versions(m.version, version) == 0)
            return true;
    for (const auto &r : status)
        if (r.kind != "repeatable" && compare_versions(r.version, version) == 0)
            return true;
    return false;
}

int deploy(Context &ctx, Conn &c, Folder &f, const DeployOptions &o,
           std::optional<std::vector<ServerRow>> prefetched, bool locked) {
    auto t_start = Clock::now();
    trace("deploy: start");
    auto status = prefetched ? std::move(*prefetched) : fetch_sync_status(c);
    trace("deploy: status fetched");
    SyncPlan sp;
    try {
        ServerIndex index(status);
        read_known_scripts(f, index);
        sp = compute_sync(f, status, index);
        if (o.target) // what is above the target is not uploaded (nor parsed) by this run
            for (size_t i = sp.upload.size(); i-- > 0;)
                if (compare_versions(sp.upload[i]->version, *o.target) > 0) {
                    sp.upload.erase(sp.upload.begin() + static_cast<std::ptrdiff_t>(i));
                    sp.replace.erase(sp.replace.begin() + static_cast<std::ptrdiff_t>(i));
                }
        trace("deploy: compared");
        if (!sp.drift.empty())
            throw_if_bad_unread(f); // bad files first, as when the folder was read whole
    } catch (...) {
        if (locked)
            c.rollback_quietly();
        throw;
    }
    if (!sp.drift.empty()) {
        if (locked)
            c.rollback_quietly();
        for (auto &d : sp.drift)
            error_line(d);
        return EXIT_USAGE;
    }
    if (o.target && !knows_version(f, status, *o.target)) {
        // mig.plan refuses such a target (PM006); the plan built from a first upload's results
        // must too, instead of stopping silently at the version below it
        if (locked)
            c.rollback_quietly();
        error_line(fmt::format("unknown version \"{}\": no migration in {} or in the database has "
                               "it (see pgmig status)",
                               *o.target, f.dir));
        return EXIT_USAGE;
    }
    if (sp.upload.empty() && !sp.pending && sp.repeatables.empty()) {
        if (locked)
            c.rollback_quietly();
        save_cache(f);
        if (o.dry_run && ctx.opt.json)
            fmt::print(
                "{}\n",
                nlohmann::json{{"dry_run", true}, {"migrations", nlohmann::json::array()}}.dump(2));
        else if (ctx.show_progress())
            fmt::print("nothing to do: {} migrations applied\n", f.migrations.size());
        return EXIT_OK;
    }
    if (!o.dry_run) {
        try {
            ctx.require_yes("up");
        } catch (...) {
            if (locked)
                c.rollback_quietly();
            throw;
        }
    }

    std::vector<UploadItem> uploads;
    for (size_t i = 0; i < sp.upload.size(); ++i)
        uploads.push_back({sp.upload[i], sp.replace[i]});
    std::optional<std::string> target = o.target;
    bool uploaded = uploads.empty();
    // The stat cache is written while the server applies (the client only waits then).
    bool cache_saved = false;
    auto save_cache_once = [&] {
        if (!cache_saved)
            save_cache(f);
        cache_saved = true;
    };
    int applied = 0, attempt = 0;
    int reported = 0; // applied migrations already named in a "committed N" line
    nlohmann::json report = nlohmann::json::array();
    size_t total = sp.upload.size() + sp.repeatables.size();
    for (const auto &s : status)
        if (s.state == "pending" || s.state == "partial" || s.state == "failed")
            ++total;
    Progress bar(ctx.stdout_tty && ctx.stderr_tty && !ctx.opt.quiet && !ctx.opt.json,
                 static_cast<int>(total));

    while (true) {
        try {
            if (!locked)
                begin_locked(c, ctx);
            locked = false; // the next transaction takes the lock itself
            trace("deploy: locked");
            std::vector<Result> rs;
            std::vector<PlanRow> plan;
            if (!uploaded) {
                // Uploads are built one at a time as the pipeline sends them (bodies not in
                // memory read then): reading file i+1 overlaps the server's work on file i.
                // mig.plan follows in the same pipeline unless a big body must go by COPY first.
                UploadBuilder ub(f, uploads);
                // With nothing pending on the server before, the uploads' results tell what
                // mig.plan would (plan_from_uploads), unless the batch has a non-transactional
                // migration or an enum label: mig.plan is then asked after the uploads.
                bool own_plan = !o.dry_run && !o.per_migration && !sp.pending;
                bool planned = false;
                rs = c.pipeline([&](size_t i) -> std::optional<Query> {
                    if (i == 1) // query 0 is on its way (sent before query 1 is made)
                        trace("upload: first call sent");
                    if (auto q = ub.next())
                        return q;
                    if (planned || own_plan || !ub.streamed().empty())
                        return std::nullopt;
                    planned = true;
                    return Query{kPlanSql, {target}};
                });
                ub.check(rs);
                for (size_t i = 0; i < ub.streamed().size(); ++i)
                    upload_streamed(c, f, *ub.streamed()[i].m, ub.streamed()[i].replace, i == 0);
                std::optional<std::vector<PlanRow>> own;
                if (own_plan && ub.streamed().empty())
                    own = plan_from_uploads(ub, rs, target);
                if (own)
                    plan = std::move(*own);
                else
                    plan = read_plan(planned ? rs.back() : c.exec(kPlanSql, {target}));
            } else {
                plan = read_plan(c.exec(kPlanSql, {target}));
            }
            trace("deploy: uploaded and planned");
            if (!uploaded && ctx.opt.verbose > 0)
                fmt::print("uploaded {} migration(s)\n", uploads.size());

            if (o.dry_run) {
                // Runs what one transaction can: up to a non-transactional migration, or up to
                // and including one that adds an enum label (later ones may use the label,
                // which needs a commit that a dry run never makes).
                bool blocked = false, enum_stop = false;
                size_t i = 0;
                for (; i < plan.size(); ++i) {
                    if (!plan[i].transactional) {
                        blocked = true;
                        break;
                    }
                    if (plan[i].ends_transaction && i + 1 < plan.size()) {
                        ++i;
                        blocked = enum_stop = true;
                        break;
                    }
                }
                if (i > 0) {
                    auto t0 = Clock::now();
                    auto r = c.exec("SELECT version, name, action, duration FROM mig.apply($1)",
                                    {plan[i - 1].version});
                    (void)t0;
                    for (int k = 0; k < r.rows(); ++k) {
                        double secs = r.null(k, 3) ? 0 : interval_seconds(r.str(k, 3));
                        const Migration *m = find_local(f, r.str(k, 0));
                        report.push_back({{"version", r.str(k, 0)},
                                          {"name", r.str(k, 1)},
                                          {"file", m ? m->up_file : ""},
                                          {"action", "apply"},
                                          {"transactional", true},
                                          {"duration_ms", std::round(secs * 1e6) / 1e3}});
                        if (!ctx.opt.json && !ctx.opt.quiet)
                            fmt::print("would apply {} {} ({})\n", r.str(k, 0), r.str(k, 1),
                                       human_duration(secs));
                    }
                }
                for (; i < plan.size(); ++i) {
                    const Migration *m = find_local(f, plan[i].version);
                    bool outside = !plan[i].transactional;
                    report.push_back({{"version", plan[i].version},
                                      {"name", plan[i].name},
                                      {"file", m ? m->up_file : ""},
                                      {"action", outside ? "outside-transaction" : "not-executed"},
                                      {"transactional", plan[i].transactional},
                                      {"duration_ms", nullptr}});
                    if (!ctx.opt.json && !ctx.opt.quiet)
                        fmt::print("{} {} {}\n",
                                   outside ? "would run outside a transaction (not executed):"
                                   : enum_stop
                                       ? "would apply after the new enum label is committed (not "
                                         "executed):"
                                       : "would apply after it (not executed):",
                                   plan[i].version, plan[i].name);
                }
                if (!blocked)
                    for (auto *r : sp.repeatables) {
                        double secs = apply_repeatable(c, *r).second;
                        report.push_back({{"version", nullptr},
                                          {"name", r->name},
                                          {"file", r->up_file},
                                          {"action", "apply-repeatable"},
                                          {"transactional", true},
                                          {"duration_ms", std::round(secs * 1e6) / 1e3}});
                        if (!ctx.opt.json && !ctx.opt.quiet)
                            fmt::print("would apply repeatable {} ({})\n", r->name,
                                       human_duration(secs));
                    }
                c.exec("ROLLBACK");
                if (ctx.opt.json)
                    fmt::print(
                        "{}\n",
                        nlohmann::json{{"dry_run", true}, {"ok", true}, {"migrations", report}}
                            .dump(2));
                else if (!ctx.opt.quiet)
                    fmt::print("dry run: rolled back, nothing changed\n");
                save_cache_once();
                return EXIT_OK;
            }

            if (plan.empty()) {
                apply_repeatables(ctx, c, bar, sp, applied);
                c.exec("COMMIT");
                uploaded = true;
                break;
            }
            if (!plan[0].transactional) {
                c.exec("COMMIT");
                uploaded = true;
                if (applied > reported && !ctx.opt.quiet)
                    fmt::print("committed {} migration(s) before non-transactional migration {}\n",
                               applied - reported, plan[0].version);
                reported = applied + 1; // it, once it ran
                if (ctx.show_progress())
                    fmt::print("running {} {} outside a transaction, statement by statement\n",
                               plan[0].version, plan[0].name);
                auto t0 = Clock::now();
                int rc = run_outside_transaction(ctx, c, &f, plan[0].version, plan[0].name, false);
                if (rc != 0)
                    return rc;
                print_row(ctx, bar, "applied", plan[0].version, plan[0].name, since(t0));
                ++applied;
                attempt = 0;
                continue;
            }
            // one transaction: up to a migration that ends it, the one before a
            // non-transactional one, or (with --per-migration) just one
            size_t n = 0;
            while (n < plan.size() && plan[n].transactional) {
                ++n;
                if (o.per_migration || plan[n - 1].ends_transaction)
                    break;
            }
            std::function<void()> tick;
            auto t_apply = Clock::now();
            if (bar.enabled())
                tick = [&] {
                    bar.tick(
                        fmt::format("applying {} migration(s)... {:.1f} s", n, since(t_apply)));
                };
            auto r = c.exec_ticking("SELECT version, name, action, duration FROM mig.apply($1)",
                                    {plan[n - 1].version}, tick, save_cache_once);
            trace("deploy: applied");
            for (int k = 0; k < r.rows(); ++k) {
                double secs = r.null(k, 3) ? 0 : interval_seconds(r.str(k, 3));
                print_row(ctx, bar, r.str(k, 2), r.str(k, 0), r.str(k, 1), secs);
                ++applied;
            }
            bool last = n == plan.size();
            if (last)
                apply_repeatables(ctx, c, bar, sp, applied);
            c.exec("COMMIT");
            trace("deploy: committed");
            uploaded = true;
            attempt = 0;
            if (last)
                break;
            // what a reader of the log must know, as for a non-transactional migration: what
            // is committed stays applied if a later migration fails
            if (plan[n - 1].ends_transaction && !ctx.opt.quiet)
                fmt::print("committed {} migration(s), up to {}, which adds an enum label (the "
                           "next ones can use it only after a commit)\n",
                           applied - reported, plan[n - 1].version);
            if (plan[n - 1].ends_transaction)
                reported = applied;
        } catch (const InputError &) {
            c.rollback_quietly(); // a file changed or became unreadable mid-deploy
            throw;
        } catch (const PgError &e) {
            bool alive = c.ok();
            c.rollback_quietly();
            if (!alive)
                throw ConnectError("connection lost during the deploy");
            if (e.sqlstate == "55P03" && attempt < 3) {
                ++attempt;
                warn(fmt::format("lock timeout ({}); retrying the transaction ({} of 3)", e.message,
                                 attempt));
                lock_backoff(attempt);
                continue;
            }
            bar.clear();
            int rc = report_error(e, &f, false, ctx.opt.verbose);
            if (o.dry_run && ctx.opt.json) {
                // a script reading stdout learns that the dry run failed, and where
                auto site = site_from_context(e, &f, false);
                nlohmann::json err = {{"message", e.message},
                                      {"sqlstate", e.sqlstate},
                                      {"file", site ? nlohmann::json(site->file) : nullptr},
                                      {"line", site ? nlohmann::json(site->line) : nullptr},
                                      {"column", site ? nlohmann::json(site->col) : nullptr}};
                fmt::print("{}\n", nlohmann::json{{"dry_run", true},
                                                  {"ok", false},
                                                  {"error", err},
                                                  {"migrations", report}}
                                       .dump(2));
            }
            if (rc == 1 && !ctx.opt.quiet) {
                if (applied > 0)
                    fmt::print(stderr,
                               "rolled back: nothing from this transaction was applied; the {} "
                               "migration(s) committed before it stay applied\n",
                               applied);
                else
                    fmt::print(stderr, "rolled back: nothing from this transaction was applied\n");
            }
            return rc;
        }
    }
    bar.clear();
    save_cache_once();
    if (ctx.show_progress())
        fmt::print("applied {} migration(s) in {}\n", applied, human_duration(since(t_start)));
    return EXIT_OK;
}

} // namespace mig::client
