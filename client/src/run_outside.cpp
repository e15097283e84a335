#include "run_outside.hpp"

#include "errors.hpp"
#include "errors_report.hpp"
#include "folder_pairs.hpp"
#include "deploy_lock.hpp"
#include "lock_retry.hpp"
#include "outside_lease.hpp"
#include "output.hpp"
#include "resume_check.hpp"
#include "text.hpp"

#include <chrono>
#include <fmt/format.h>
#include <optional>
#include <vector>

namespace mig::client {
namespace {

using Clock = std::chrono::steady_clock;

// What is run: one direction of one migration.
struct Script {
    const std::string &version, &name;
    bool down;
    const Migration *m; // in the folder, or null
    std::string dir() const { return down ? "down" : "up"; }
};

// A statement of mig.statements(): its number, text, where it starts in the script, whether it
// is recorded done.
struct Statement {
    std::string no, sql;
    int line = 0, col = 0;
    bool done = false;
    bool in_block = false; // PostgreSQL runs it inside a transaction block (mig.split)
};

// Whether a connection pooler is in between: the server's pg_backend_pid() is not the pid libpq
// was given at connection (PgBouncer, in any pool mode, hands out its own). Then the next
// transaction may run on another server connection, and what is set for the session may stay
// behind on one that the pooler's other clients get next.
bool behind_pooler(Conn &c) {
    return c.exec("SELECT pg_catalog.pg_backend_pid()").integer(0, 0) != c.server_pid();
}

// No transaction to scope them to: lock_timeout and statement_timeout for the session; and
// client_connection_check_interval, so that a statement whose client was killed (a CI timeout)
// stops within a second instead of building its index to the end. Not behind a pooler: the
// statements may run on another server connection, and the settings would stay on this one for
// the pooler's next client (docs/cli.md, "Through a connection pooler").
void set_session_timeouts(Conn &c, const Context &ctx) {
    if (behind_pooler(c)) {
        static bool said = false;
        if (!said && !ctx.opt.quiet)
            fmt::print(stderr, "note: through a connection pooler, --lock-timeout and "
                               "--statement-timeout do not apply to the statements of a "
                               "non-transactional migration (the server's settings do)\n");
        said = true;
        return;
    }
    std::string st = ctx.statement_timeout();
    c.exec("SELECT pg_catalog.set_config('lock_timeout', $1, false), "
           "pg_catalog.set_config('statement_timeout', "
           "COALESCE($2, pg_catalog.current_setting('statement_timeout')), false), "
           "pg_catalog.set_config('client_connection_check_interval', '1s', false)",
           {ctx.lock_timeout(), st.empty() ? std::nullopt : std::optional<std::string>(st)});
}

std::vector<Statement> read_statements(Conn &c, const Script &s) {
    auto r = c.exec("SELECT s.stmt_no, s.sql, s.line, s.col, s.done, coalesce((SELECT "
                    "pg_catalog.bool_and(x.transactional) FROM mig.split(s.sql) x), false) "
                    "FROM mig.statements($1, $2) s",
                    {s.version, s.dir()});
    std::vector<Statement> out;
    out.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.str(i, 0), r.str(i, 1), static_cast<int>(r.integer(i, 2)),
                       static_cast<int>(r.integer(i, 3)), r.flag(i, 4), r.flag(i, 5)});
    return out;
}

// Every up statement is recorded done, yet the migration is not complete: its down script ran
// part-way (a failed `pgmig down`) and undid some of it. Resuming would run nothing and loop;
// re-running the up script is not safe. Returns normally when another deployer finished it
// meanwhile; throws InputError otherwise.
void refuse_part_way_rolled_back(Conn &c, const Script &s) {
    auto a = c.exec("SELECT a.complete, coalesce(a.down_statements_done, 0), m.down_statements "
                    "FROM mig.applied a JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) "
                    "a.vkey WHERE a.vkey OPERATOR(pg_catalog.=) mig.version_key($1)",
                    {s.version});
    if (a.rows() == 0 || a.str(0, 0) == "t")
        return;
    throw InputError(fmt::format(
        "migration {} ({}) is part-way rolled back ({} of {} down statements done): finish "
        "the rollback with `pgmig down` (it resumes there), then run `pgmig up`",
        s.version, s.name, a.str(0, 1), a.str(0, 2)));
}

// Another deployer may have run the statement since mig.statements() was read.
bool done_meanwhile(Conn &c, const Script &s, const Statement &st) {
    auto now_done = c.exec("SELECT done FROM mig.statements($1, $2) WHERE stmt_no = $3::int",
                           {s.version, s.dir(), st.no});
    return now_done.rows() == 0 || now_done.str(0, 0) == "t";
}

// What pg_stat_activity shows while the statement runs: a comment naming it before its text.
// ASCII only, so that its length in characters is its length in bytes (statement_site).
std::string activity_comment(const Script &s, const Statement &st, size_t total) {
    std::string c =
        fmt::format("/* pgmig: {} {} statement {} of {} */ ", s.version, s.dir(), st.no, total);
    for (char ch : c)
        if (static_cast<unsigned char>(ch) >= 0x80)
            return "";
    return c;
}

// Who holds locks on the relations a statement names (mig.lock_blockers, docs/safety.md), as
// "; the locks it needs are held by …"; "" when nobody does, or the extension cannot say.
std::string lock_holders(Conn &c, const std::string &sql) {
    try {
        auto r = c.exec("SELECT mig.lock_blockers($1)", {sql});
        if (r.rows() == 1 && !r.null(0, 0))
            return "; the locks it needs are held by " + r.str(0, 0);
    } catch (const PgError &) {
    }
    return "";
}

// How a statement runs: in a transaction with its record when PostgreSQL allows it in one
// (mig.split says so), so that no interruption separates the two; otherwise at top level, then
// recorded.
struct Runner {
    const Context &ctx;
    Conn &c;
    const Script &s;
    size_t total;
    bool cut = false; // a deploy that died was running this statement (its dead lease says so)

    void record(const Statement &st, double secs) {
        c.exec("SELECT mig.record_statement($1, $2::int, $3, $4::interval)",
               {s.version, st.no, s.dir(), interval_literal(secs)});
    }
    // in one transaction with its record
    void in_transaction(const Statement &st, Clock::time_point t0) {
        c.exec("BEGIN");
        try {
            as_written(st, t0);
            c.exec("COMMIT");
        } catch (const PgError &) {
            c.rollback_quietly();
            throw;
        }
    }
    void at_top_level(const Statement &st, Clock::time_point t0) {
        if (cut && !repeatable_statement(st.sql))
            throw InputError(refusal(st));
        as_written(st, t0);
    }
    void as_written(const Statement &st, Clock::time_point t0) {
        c.exec(activity_comment(s, st, total) + st.sql);
        record(st, std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::string refusal(const Statement &st) const;
    // Runs one statement and records it done (retrying after a lock timeout); the lease renewed
    // first, naming it.
    void run(const Statement &st) {
        with_statement_retry(
            c, ctx.lock_policy(),
            fmt::format("connection lost while running migration {}", s.version),
            [&](const PgError &, int retry, double wait) {
                return fmt::format("lock timeout in migration {} {} statement {} of {} (attempt {} "
                                   "of {}){}; retrying in {:.2f} s",
                                   s.version, s.dir(), st.no, total, retry,
                                   ctx.lock_policy().retries + 1, lock_holders(c, st.sql), wait);
            },
            [&] {
                take_lease(c, s.version, s.down, std::stoi(st.no));
                auto t0 = Clock::now();
                // the script's own transaction control, and what runs inside a transaction it
                // opened, run as written
                if (c.in_transaction() || transaction_control(st.sql))
                    as_written(st, t0);
                else if (st.in_block)
                    in_transaction(st, t0);
                else
                    at_top_level(st, t0);
                if (ctx.opt.verbose > 0)
                    fmt::print(
                        "  {} {}: {} statement {} of {} done ({})\n", s.version, s.name, s.dir(),
                        st.no, total,
                        human_duration(std::chrono::duration<double>(Clock::now() - t0).count()));
            });
    }
};

// A statement that cannot run in a transaction, cannot be checked in the catalog, is not safe to
// repeat, and was running when a deploy died: pgmig does not guess whether it took effect.
std::string Runner::refusal(const Statement &st) const {
    std::string first = st.sql.substr(0, st.sql.find('\n'));
    if (first.size() > 100)
        first = first.substr(0, 100) + "...";
    return fmt::format(
        "migration {} {} statement {} was running when a deploy was interrupted, and pgmig "
        "cannot tell whether it took effect:\n    {}\n  Check the database. If it took effect, "
        "record it done: SELECT mig.record_statement('{}', {}, '{}'); if it did not, let pgmig "
        "run it: SELECT * FROM mig.lease('forget'); then run pgmig {} again "
        "(docs/troubleshooting.md, \"A non-transactional migration is partial or failed\")",
        s.version, s.dir(), st.no, first, s.version, st.no, s.dir(), s.dir());
}

// A statement not recorded done may have run all the same, in a deploy that was interrupted
// (resume_check.hpp): records it done when its effect is there (true), drops what an
// interrupted index build left (an invalid index), waiting first for a backend that may still
// be building it.
bool resume_statement(const Context &ctx, Conn &c, const Script &s, const Statement &st,
                      size_t total) {
    // a name the catalog functions refuse: the statement itself will say what is wrong
    auto decide = [&] {
        try {
            return decide_resume(c, st.sql);
        } catch (const PgError &) {
            return ResumeDecision{};
        }
    };
    ResumeDecision d = decide();
    if (d.what == Resume::DropThenRun) {
        std::string tag = activity_comment(s, st, total);
        wait_for_orphan(c, tag.substr(0, tag.rfind(" of ")), ctx.opt.quiet);
        d = decide(); // the build may have ended meanwhile
    }
    if (d.what == Resume::Run)
        return false;
    if (!ctx.opt.quiet)
        fmt::print(stderr, "note: migration {} {} statement {}: {}\n", s.version, s.dir(), st.no,
                   d.note);
    if (d.what == Resume::DropThenRun) {
        for (const auto &drop : d.drop_sql)
            c.exec(drop);
        return false;
    }
    c.exec("SELECT mig.record_statement($1, $2::int, $3, $4::interval)",
           {s.version, st.no, s.dir(), interval_literal(0)});
    return true;
}

// Where the error is: the statement's line and column in the script, then in its file.
ErrorSite statement_site(PgError e, const Script &s, const Statement &st, size_t total) {
    if (e.statement_position > 0) // the position counts the activity comment too
        e.statement_position -= static_cast<int>(activity_comment(s, st, total).size());
    ErrorSite site;
    site.file = s.m ? (s.down ? s.m->down_file : s.m->up_file) : "migration " + s.version;
    int in_script = st.line; // the line in the script, then in its file
    site.col = st.col;
    if (e.statement_position > 0) {
        size_t b = char_to_byte(st.sql, e.statement_position);
        auto [l, cc] = line_col_at(st.sql, b);
        in_script += l - 1;
        site.col = l == 1 ? st.col + cc - 1 : cc;
    }
    site.line = s.m ? s.m->file_line(s.down, in_script) : in_script;
    if (s.m)
        site.source = script_line(*s.m, s.down, in_script);
    if (site.file.empty())
        site.file = "migration " + s.version + (s.down ? " (down)" : "");
    return site;
}

// Records the failure on the server (best effort), reports it; returns the exit code.
int report_failure(const Context &ctx, Conn &c, const PgError &e, const Script &s,
                   const Statement &st, size_t total) {
    try {
        c.exec("SELECT mig.record_failure($1, $2::int, $3, $4, $5)",
               {s.version, st.no, e.sqlstate, e.message, s.dir()});
    } catch (const PgError &) {
    }
    print_pg_error(e, statement_site(e, s, st, total), ctx.opt.verbose);
    return exit_code_for(e);
}

// The lease, taken under the deploy lock (waiting while another deployer holds either), unless
// the caller took it in the transaction that decided to run this migration.
std::optional<Lease> lease_for(const Context &ctx, Conn &c, const Script &s,
                               const std::optional<LeaseTaken> &taken) {
    if (taken)
        return taken->dead;
    begin_locked(c, ctx);
    auto dead = take_lease(c, s.version, s.down, 0);
    c.exec("COMMIT");
    return dead;
}

// Gives the lease back when the migration ends, however it ends, except after a refusal to
// guess: the lease, left to die, keeps naming the statement in doubt for the next run.
struct LeaseRelease {
    Conn &c;
    bool keep = false;
    ~LeaseRelease() {
        if (!keep)
            release_lease(c);
    }
};

} // namespace

int run_outside_transaction(const Context &ctx, Conn &c, const Folder *f,
                            const std::string &version, const std::string &name, bool down,
                            const std::optional<LeaseTaken> &taken) {
    set_session_timeouts(c, ctx);
    Script s{version, name, down, f ? find_migration(*f, version) : nullptr};
    auto dead = lease_for(ctx, c, s, taken);
    LeaseRelease release{c};
    auto statements = read_statements(c, s);
    bool left = false; // a statement not recorded done
    for (const auto &st : statements)
        left = left || !st.done;
    if (!down && !left) {
        refuse_part_way_rolled_back(c, s);
        return EXIT_OK; // another deployer finished it meanwhile
    }
    Runner runner{ctx, c, s, statements.size()};
    for (const auto &st : statements) {
        if (st.done || done_meanwhile(c, s, st))
            continue;
        // in doubt: what a deploy that died was running, unless the catalog can tell
        runner.cut = dead && dead->version == version && dead->direction == s.dir() &&
                     std::to_string(dead->stmt_no) == st.no && !parse_index_statement(st.sql);
        try {
            take_lease(c, s.version, s.down, std::stoi(st.no));
            if (resume_statement(ctx, c, s, st, statements.size()))
                continue;
            runner.run(st);
        } catch (const PgError &e) {
            return report_failure(ctx, c, e, s, st, statements.size());
        } catch (const InputError &) {
            release.keep = true;
            throw;
        }
    }
    return EXIT_OK;
}

} // namespace mig::client
