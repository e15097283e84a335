// pgmig verify [--to V] [--from V] [--each] [--scratch] [--trust-uploads]: proves that the down
// scripts restore the schema (mig.verify; docs/safety.md, "Proven rollbacks"). The folder is
// uploaded as `up` uploads it, mig.verify runs in the same transaction, and everything is rolled
// back. --scratch: the whole history, in a database of its own that is created and dropped.
#include "commands.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "json_report.hpp"
#include "output.hpp"
#include "verify_report.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <memory>
#include <unistd.h>

namespace mig::client {
namespace {

struct VerifyOptions {
    std::string to, from;
    bool each = false;
    bool scratch = false;
    bool trust_uploads = false;
};

const char *const kVerifySql =
    "SELECT v.version, v.name, v.result, v.phase, v.kind, v.identity, v.before, v.after, "
    "v.detail FROM mig.verify($1, $2, $3::pg_catalog.bool, $4::pg_catalog.bool) v";

std::vector<VerifyRowText> read_rows(const Result &r) {
    std::vector<VerifyRowText> rows(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i)
        for (int k = 0; k < 9; ++k)
            rows[static_cast<size_t>(i)][static_cast<size_t>(k)] = r.opt(i, k);
    return rows;
}

std::string paint_stdout(const std::string &s, const char *ansi) {
    return paint(s, ansi);
}

// In deploy()'s first transaction, after the uploads: mig.verify, then ROLLBACK, then the report.
int verify_in_transaction(const Context &ctx, Conn &c, const VerifyOptions &o,
                          const std::optional<std::string> &to,
                          const std::optional<std::string> &from) {
    Result r;
    try {
        r = c.exec(kVerifySql,
                   {to, from, o.each ? "true" : "false", o.trust_uploads ? "true" : "false"});
    } catch (...) {
        c.rollback_quietly();
        throw;
    }
    c.exec("ROLLBACK");
    auto ms = group_verify_rows(read_rows(r));
    int rc = verify_exit_code(count_verify(ms));
    if (ctx.opt.json) {
        json_report::set("migrations", verify_to_json(ms));
        json_report::set("scratch", o.scratch);
    } else if (!ctx.opt.quiet || rc != EXIT_OK) {
        fmt::print("{}", format_verify_report(ms, paint_stdout));
    }
    if (rc != EXIT_OK)
        error_line("a down script does not restore the schema (see above; docs/safety.md)");
    return rc;
}

// The folder uploaded and verified on the connection c (deploy(): the code path of `up`).
int verify_on(Context &ctx, Conn &c, Folder &f, const VerifyOptions &o) {
    std::optional<std::string> to, from;
    if (!o.to.empty())
        to = folder_version(f, checked_version(o.to));
    if (!o.from.empty())
        from = folder_version(f, checked_version(o.from));
    DeployOptions d;
    d.target = to;
    d.instead_of_apply = [&ctx, &o, to, from](Conn &conn) {
        return verify_in_transaction(ctx, conn, o, to, from);
    };
    return deploy(ctx, c, f, d);
}

// The scratch database of --scratch: created, and dropped when this goes out of scope, also
// after an error or SIGINT (Conn::exec refuses to send then: the DROP goes through libpq
// directly). The connection to it must be closed first.
class ScratchDatabase {
  public:
    ScratchDatabase(Conn &admin, std::string name) : admin_(admin), name_(std::move(name)) {}
    ~ScratchDatabase() {
        std::string sql = fmt::format("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", name_);
        PQclear(PQexec(admin_.raw(), sql.c_str()));
    }
    ScratchDatabase(const ScratchDatabase &) = delete;
    ScratchDatabase &operator=(const ScratchDatabase &) = delete;
    void create() { admin_.exec(fmt::format("CREATE DATABASE \"{}\" TEMPLATE template0", name_)); }
    const std::string &name() const { return name_; }

  private:
    Conn &admin_;
    std::string name_;
};

// CREATEDB (or superuser), or an error that says what to do.
void require_createdb(Conn &c) {
    auto r = c.exec("SELECT r.rolcreatedb OR r.rolsuper, r.rolname FROM pg_catalog.pg_roles r "
                    "WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER");
    if (r.rows() == 1 && r.flag(0, 0))
        return;
    std::string role = r.rows() == 1 ? r.str(0, 1) : "this role";
    throw InputError(fmt::format(
        "verify --scratch creates a database of its own, and role \"{}\" may not create "
        "databases\n  grant it: ALTER ROLE \"{}\" CREATEDB; or verify the pending migrations of "
        "an existing database (pgmig verify without --scratch)",
        role, role));
}

// --scratch: the whole history from an empty schema, in pgmig_verify_<pid>.
int verify_scratch(Context &ctx, const VerifyOptions &o) {
    Folder f = ctx.load();
    auto admin = ctx.connect(false); // the database named need not have pgmig
    require_createdb(*admin);
    ScratchDatabase db(*admin, fmt::format("pgmig_verify_{}", getpid()));
    db.create();
    if (ctx.opt.verbose > 0)
        fmt::print(stderr, "created scratch database {}\n", db.name());
    struct RestoreDbname { // the scratch connections go to db; later ones (none) would not
        Context &ctx;
        ~RestoreDbname() { ctx.dbname.clear(); }
    } restore{ctx};
    ctx.dbname = db.name();
    auto c = ctx.connect_quietly(admin->password());
    try {
        c->exec("CREATE EXTENSION pgmig");
    } catch (const PgError &e) {
        throw InputError(fmt::format("cannot create the extension in the scratch database {}: {}\n"
                                     "  CREATE EXTENSION pgmig needs a superuser, and the "
                                     "extension installed on the server (docs/installing.md)",
                                     db.name(), e.message));
    }
    int rc = verify_on(ctx, *c, f, o);
    c.reset(); // closed before the database is dropped
    return rc;
}

int run_verify(Context &ctx, const VerifyOptions &o) {
    if (o.scratch)
        return verify_scratch(ctx, o);
    Folder f = ctx.load();
    auto c = ctx.connect();
    return verify_on(ctx, *c, f, o);
}

} // namespace

Command register_verify(CLI::App &app) {
    auto o = std::make_shared<VerifyOptions>();
    auto *sub = app.add_subcommand(
        "verify", "prove that the down scripts restore the schema (runs up, down, up; rolls back)");
    sub->add_option("--to", o->to, "verify the pending migrations up to and including this one");
    sub->add_option("--from", o->from,
                    "verify from this version on (pending migrations below it are applied first, "
                    "in the same rolled-back transaction)");
    sub->add_flag("--each", o->each,
                  "migration by migration: each down must undo its own up (slower; also catches "
                  "a down that a later one hides)");
    sub->add_flag("--scratch", o->scratch,
                  "the whole history from an empty schema, in a database created and dropped for "
                  "it (needs CREATEDB)");
    sub->add_flag("--trust-uploads", o->trust_uploads,
                  "also run migrations that another role uploaded (docs/security.md)");
    return {sub, [o](Context &ctx) { return run_verify(ctx, *o); }};
}

} // namespace mig::client
