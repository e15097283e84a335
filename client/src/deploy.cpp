#include "deploy.hpp"

#include "errors.hpp"
#include "output.hpp"
#include "text.hpp"
#include "version.hpp"

#include "layouts/scan.hpp"
#include "sha256.hpp"

#include <chrono>
#include <fcntl.h>
#include <cstdlib>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <functional>
#include <thread>

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
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.str(i, "version"), r.str(i, "name"), r.str(i, "action"),
                       r.boolean(i, "transactional"), r.boolean(i, "ends_transaction")});
    return out;
}

const char *kPlanSql = "SELECT version, name, action, transactional, ends_transaction "
                       "FROM mig.plan($1)";

void print_row(const Context &ctx, Progress &bar, const std::string &action,
               const std::string &version, const std::string &name, double secs) {
    bar.clear();
    if (ctx.show_progress())
        fmt::print("{} {} {} ({})\n", paint(fmt::format("{:<11}", action), "32"), version, name,
                   human_duration(secs));
    bar.step(version);
}

} // namespace

const char *const kStatusSql =
    "SELECT version, name, state, kind, batch, applied_at, duration, checksum, "
    "down_checksum, has_down, transactional FROM mig.status()";

std::vector<ServerRow> fetch_status(Conn &c) {
    return read_status(c.exec(kStatusSql));
}

std::vector<ServerRow> read_status(const Result &r) {
    std::vector<ServerRow> out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        ServerRow s;
        s.version = r.str(i, 0);
        s.name = r.str(i, 1);
        s.state = r.str(i, 2);
        s.kind = r.opt(i, 3).value_or("versioned");
        s.batch = r.opt(i, 4);
        s.applied_at = r.opt(i, 5);
        s.duration = r.opt(i, 6);
        s.checksum = r.opt(i, 7);
        s.down_checksum = r.opt(i, 8);
        s.has_down = r.str(i, 9) == "t";
        s.transactional = r.str(i, 10) != "f";
        out.push_back(std::move(s));
    }
    return out;
}

SyncPlan compute_sync(const Folder &f, const std::vector<ServerRow> &status) {
    SyncPlan p;
    std::map<std::string, const ServerRow *> by_version, by_repeatable;
    for (const auto &s : status) {
        if (s.kind == "repeatable")
            by_repeatable[s.name] = &s;
        else
            by_version[canonical_version(s.version)] = &s;
        if (s.kind != "repeatable" &&
            (s.state == "pending" || s.state == "partial" || s.state == "failed"))
            p.pending = true;
    }
    for (const auto &m : f.migrations) {
        auto it = by_version.find(canonical_version(m.version));
        if (it == by_version.end()) {
            p.upload.push_back(&m);
            p.replace.push_back(false);
            continue;
        }
        const ServerRow &s = *it->second;
        bool up_same = s.checksum && *s.checksum == m.checksum;
        bool down_same = s.down_checksum == m.down_checksum;
        if (up_same && down_same)
            continue;
        if (s.state == "pending") {
            p.upload.push_back(&m);
            p.replace.push_back(true);
        } else if (s.state == "baseline") {
            continue; // never runs; nothing to compare against
        } else if (!up_same) {
            p.drift.push_back(fmt::format(
                "{}: migration {} was {} with checksum {}, but the file's checksum is now {}; "
                "an applied migration must not be edited (add a new migration instead)",
                m.up_file, m.version, s.state, s.checksum.value_or("(none)"), m.checksum));
        } else {
            p.drift.push_back(fmt::format(
                "{}: the down script of applied migration {} changed (checksum {} on the "
                "server, {} in the file)",
                m.down_file.empty() ? m.up_file : m.down_file, m.version,
                s.down_checksum.value_or("(none)"), m.down_checksum.value_or("(none)")));
        }
    }
    for (const auto &r : f.repeatables) {
        auto it = by_repeatable.find(r.name);
        if (it == by_repeatable.end() || !it->second->checksum ||
            *it->second->checksum != r.checksum)
            p.repeatables.push_back(&r);
    }
    return p;
}

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

namespace {
// The up script of m when it is not in memory (its checksum came from the stat cache): read
// now, while the server works on the previous upload. It is not hashed again here: the server
// returns the checksum of what it stored, and check_uploaded compares it with the expected one.
std::string read_up_body(const Migration &m) {
    std::vector<std::string> errors;
    auto text = read_script(m.up_file, errors);
    if (!text)
        throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
    return std::move(*text);
}
} // namespace

Query upload_query(const Migration &m, bool replace) {
    Param body = m.up_streamed ? Param(read_up_body(m)) : Param::ref(m.up_sql);
    return {
        "SELECT action, checksum FROM mig.upload($1, $2, $3, $4, $5::jsonb)",
        {m.version, m.name, std::move(body), Param::ref(m.down_sql), upload_options(m, replace)}};
}

void check_uploaded(const Migration &m, const Result &r, int row) {
    if (r.rows() <= row || r.str(row, 1) != m.checksum)
        throw InputError(fmt::format("{}: the file changed while pgmig was running (checksum {} "
                                     "when read, {} when uploaded); nothing was applied",
                                     m.up_file, m.checksum,
                                     r.rows() > row ? r.str(row, 1) : "none"));
}

Query upload_many_query(const std::vector<std::pair<const Migration *, bool>> &ms) {
    // bodies not in memory are read now (kept in `read` until the query is built)
    std::vector<std::string> read(ms.size()), options(ms.size());
    std::vector<const std::string *> versions, names, ups, downs, opts;
    for (size_t i = 0; i < ms.size(); ++i) {
        const Migration &m = *ms[i].first;
        const std::string *up = &m.up_sql;
        if (m.up_streamed) {
            read[i] = read_up_body(m);
            up = &read[i];
        }
        options[i] = upload_options(m, ms[i].second);
        versions.push_back(&m.version);
        names.push_back(&m.name);
        ups.push_back(up);
        downs.push_back(m.down_sql ? &*m.down_sql : nullptr);
        opts.push_back(&options[i]);
    }
    return {"SELECT action, checksum FROM mig.upload_many($1::pg_catalog.text[], "
            "$2::pg_catalog.text[], $3::pg_catalog.text[], $4::pg_catalog.text[], "
            "$5::pg_catalog.text[]::pg_catalog.jsonb[])",
            {Param::binary(binary_text_array(versions)), Param::binary(binary_text_array(names)),
             Param::binary(binary_text_array(ups)), Param::binary(binary_text_array(downs)),
             Param::binary(binary_text_array(opts))}};
}

std::vector<UploadUnit> upload_units(const std::vector<std::pair<const Migration *, bool>> &ups) {
    // Small scripts go many to a call (one message and one insert for up to 500 of them: W1's
    // 1,000 uploads cost ~45 ms one by one, ~18 ms in two calls); big ones one by one, so that
    // a 300 kB body is not copied into and out of an array, and reading the next file overlaps
    // the server's work on this one.
    constexpr size_t kBatchMax = 500, kBatchBytes = 1 << 20, kSmall = size_t{64} * 1024;
    std::vector<UploadUnit> units;
    size_t bytes = 0;
    for (const auto &u : ups) {
        size_t size = u.first->up_streamed ? u.first->up_size : u.first->up_sql.size();
        if (size >= kSmall) {
            units.push_back({{u}, false});
            continue;
        }
        if (units.empty() || !units.back().many || units.back().items.size() >= kBatchMax ||
            bytes + size > kBatchBytes) {
            units.push_back({{}, true});
            bytes = 0;
        }
        units.back().items.push_back(u);
        bytes += size;
    }
    return units;
}

bool upload_streams(const Migration &m) {
    return m.up_streamed && m.up_size > LoadOptions::default_stream_above();
}

void upload_streamed(Conn &c, const Migration &m, bool replace, bool first) {
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
    std::string shown = m.up_file;
    Sha256 h;
    c.copy_in("COPY pgmig_upload_body (up, down) FROM STDIN", [&](const Conn::CopyPut &put) {
        std::string esc;
        std::vector<std::string> errors;
        if (!stream_script_at(AT_FDCWD, m.up_file, shown, errors, [&](std::string_view part) {
                h.update(part);
                copy_escape(part, esc);
                put(esc);
            }))
            throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
        put("\t");
        if (m.down_sql) {
            copy_escape(*m.down_sql, esc);
            put(esc);
        } else {
            put("\\N");
        }
        put("\n");
    });
    trace("upload: copied");
    std::string sum = h.hex();
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

void begin_locked(Conn &c, const Context &ctx) {
    auto start = Clock::now();
    std::string last_holder;
    int polls = 0;
    std::string st = ctx.statement_timeout();
    while (true) {
        auto rs = c.pipeline(
            {{"BEGIN", {}},
             {"SELECT mig.lock(false), pg_catalog.set_config('lock_timeout', $1, true), "
              "pg_catalog.set_config('statement_timeout', "
              "COALESCE($2, pg_catalog.current_setting('statement_timeout')), true)",
              {ctx.lock_timeout(), st.empty() ? std::nullopt : std::optional<std::string>(st)}}});
        if (rs.size() == 2 && rs[1].str(0, 0) == "t")
            return;
        c.exec("ROLLBACK");
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
                       {version, no, std::string(dir), fmt::format("{} seconds", since(t0))});
                if (ctx.opt.verbose > 0)
                    fmt::print("  statement {} of {} {} ({})\n", no, version, name,
                               human_duration(since(t0)));
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
                int off = m ? (down ? m->down_line_offset : m->up_line_offset) : 0;
                site.line = line + off;
                site.col = col;
                if (e.statement_position > 0) {
                    size_t b = char_to_byte(sql, e.statement_position);
                    auto [l, cc] = line_col_at(sql, b);
                    site.line += l - 1;
                    site.col = l == 1 ? col + cc - 1 : cc;
                }
                if (m)
                    site.source = script_line(*m, down, site.line - off);
                if (site.file.empty())
                    site.file = "migration " + version + (down ? " (down)" : "");
                print_pg_error(e, site, ctx.opt.verbose);
                return exit_code_for(e);
            }
        }
    }
    return 0;
}

int deploy(Context &ctx, Conn &c, const Folder &f, const DeployOptions &o,
           std::optional<std::vector<ServerRow>> prefetched) {
    auto t_start = Clock::now();
    trace("deploy: start");
    auto status = prefetched ? std::move(*prefetched) : fetch_status(c);
    trace("deploy: status fetched");
    SyncPlan sp = compute_sync(f, status);
    trace("deploy: compared");
    if (!sp.drift.empty()) {
        for (auto &d : sp.drift)
            error_line(d);
        return EXIT_USAGE;
    }
    if (sp.upload.empty() && !sp.pending && sp.repeatables.empty()) {
        if (o.dry_run && ctx.opt.json)
            fmt::print(
                "{}\n",
                nlohmann::json{{"dry_run", true}, {"migrations", nlohmann::json::array()}}.dump(2));
        else if (ctx.show_progress())
            fmt::print("nothing to do: {} migrations applied\n", f.migrations.size());
        return EXIT_OK;
    }
    if (!o.dry_run)
        ctx.require_yes("up");

    // Uploads are built one at a time as the pipeline sends them (upload_query reads a body not
    // in memory then): reading file i+1 overlaps the server's work on file i.
    std::vector<std::pair<const Migration *, bool>> uploads;
    std::vector<std::pair<const Migration *, bool>> streamed; // big bodies: COPY, one by one
    for (size_t i = 0; i < sp.upload.size(); ++i) {
        if (upload_streams(*sp.upload[i]))
            streamed.emplace_back(sp.upload[i], sp.replace[i]);
        else
            uploads.emplace_back(sp.upload[i], sp.replace[i]);
    }
    std::optional<std::string> target = o.target;
    auto units = upload_units(uploads);
    bool uploaded = uploads.empty() && streamed.empty();
    int applied = 0, attempt = 0;
    nlohmann::json report = nlohmann::json::array();
    size_t total = sp.upload.size() + sp.repeatables.size();
    for (const auto &s : status)
        if (s.state == "pending" || s.state == "partial" || s.state == "failed")
            ++total;
    Progress bar(ctx.stdout_tty && ctx.stderr_tty && !ctx.opt.quiet && !ctx.opt.json,
                 static_cast<int>(total));

    while (true) {
        try {
            begin_locked(c, ctx);
            trace("deploy: locked");
            if (!uploaded)
                for (size_t i = 0; i < streamed.size(); ++i)
                    upload_streamed(c, *streamed[i].first, streamed[i].second, i == 0);
            size_t nup = uploaded ? 0 : units.size();
            auto rs = c.pipeline(nup + 1, [&](size_t i) {
                if (i == nup)
                    return Query{kPlanSql, {target}};
                const auto &u = units[i];
                return u.many ? upload_many_query(u.items)
                              : upload_query(*u.items[0].first, u.items[0].second);
            });
            for (size_t i = 0; i < nup; ++i)
                for (size_t k = 0; k < units[i].items.size(); ++k)
                    check_uploaded(*units[i].items[k].first, rs[i], static_cast<int>(k));
            trace("deploy: uploaded and planned");
            auto plan = read_plan(rs.back());
            if (!uploaded && ctx.opt.verbose > 0)
                fmt::print("uploaded {} migration(s)\n", uploads.size() + streamed.size());

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
                    fmt::print("{}\n",
                               nlohmann::json{{"dry_run", true}, {"migrations", report}}.dump(2));
                else if (!ctx.opt.quiet)
                    fmt::print("dry run: rolled back, nothing changed\n");
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
                if (applied > 0 && !ctx.opt.quiet)
                    fmt::print("committed {} migration(s) before non-transactional migration {}\n",
                               applied, plan[0].version);
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
                                    {plan[n - 1].version}, tick);
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
            if (plan[n - 1].ends_transaction && ctx.opt.verbose > 0)
                fmt::print("committed after {} (adds an enum label)\n", plan[n - 1].version);
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
            if (rc == 1 && !ctx.opt.quiet)
                fmt::print(stderr, "rolled back: nothing from this transaction was applied\n");
            return rc;
        }
    }
    bar.clear();
    if (ctx.show_progress())
        fmt::print("applied {} migration(s) in {}\n", applied, human_duration(since(t_start)));
    return EXIT_OK;
}

} // namespace mig::client
