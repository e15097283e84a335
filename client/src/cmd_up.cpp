// pgmig up [--to V] [--dry-run [--fail-on LIST]] [--per-migration]
#include "adopt/detect.hpp"
#include "commands.hpp"
#include "edit_diff.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "layouts/scripts.hpp"
#include "lock_report.hpp"
#include "trace.hpp"
#include "version.hpp"
#include "vouch.hpp"

#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>

namespace mig::client {
namespace {

struct UpOptions {
    std::string to;
    bool dry_run = false;
    bool per_migration = false;
    bool trust_uploads = false;
    bool strict = false;
    std::string fail_on; // --fail-on, as given
};

// What the connection thread hands over: the connection, mig.status(), and whether it took the
// deploy lock (BEGIN; mig.lock) already.
struct Connected {
    std::unique_ptr<Conn> conn;
    std::vector<ServerRow> status;
    bool locked = false;
};

// Reading ahead while the server connects and answers mig.status(): the checksums of the
// scripts, from the stat cache where it has them (nothing is read then: a no-op `up` with a
// warm cache opens no script), else by reading the files, whose bodies (when small) stay in
// memory for the upload. The last versions first: new migrations are usually the last ones.
// Stops as soon as the status is there. Errors are not reported here: a file that could not
// be read stays unread, and is read (and reported) when it is needed.
void read_ahead(Folder &f, const std::atomic<bool> &status_done) {
    std::vector<Migration *> which;
    which.reserve(f.migrations.size());
    for (auto it = f.migrations.rbegin(); it != f.migrations.rend(); ++it)
        which.push_back(&*it);
    ReadOptions ahead;
    ahead.skip_above = 256 << 10; // a big file would keep us past the status's arrival
    read_scripts(f, which, ahead, 1, &status_done);
}

// While the connection thread takes the deploy lock (a round trip), the bodies of the first
// migrations to upload (those the server does not know) are read, so that the first upload
// goes out at once. Stops when the thread is done.
void read_first_uploads(Folder &f, const std::vector<ServerRow> &status,
                        const std::atomic<bool> &done) {
    auto known = pair_with_server(f, status);
    std::vector<Migration *> which;
    for (size_t k = 0; k < f.migrations.size(); ++k) {
        Migration &m = f.migrations[k];
        if ((m.up_streamed || m.down_streamed) && known.row_of_migration(k) == FolderPairs::none)
            which.push_back(&m);
    }
    ReadOptions first;
    first.want_bodies = true;
    first.skip_above = 256 << 10;
    read_scripts(f, which, first, 1, &done);
}

// What the connection thread shares with the main one.
struct Shared {
    Connected c;
    std::atomic<bool> have_status{false}; // c.status is complete
    std::atomic<bool> locking{false};     // the thread is taking the deploy lock
    std::atomic<bool> status_done{false}; // decided whether to lock, or the thread failed
    std::atomic<bool> done{false};        // the thread finished
    std::mutex mu;
    std::condition_variable cv; // status_done became true

    void set_status_done() {
        {
            std::lock_guard<std::mutex> g(mu);
            status_done = true;
        }
        cv.notify_all();
    }
    void wait_status_done() {
        std::unique_lock<std::mutex> g(mu);
        cv.wait(g, [this] { return status_done.load(); });
    }
};

using Versions = std::shared_ptr<const std::vector<std::string>>;

// The connection thread: connects and reads mig.status() (read-only); when the versions alone
// show work to do (a migration the server does not know, or one pending), it also takes the
// deploy lock (one attempt: deploy() waits for it otherwise). `versions`: the folder's
// canonical versions, null when the folder could not be listed.
void connect_and_lock(Context &ctx, Shared &sh, std::future<Versions> versions, bool may_lock) {
    struct Flags { // whatever happens here, the main thread stops waiting for it
        Shared &sh;
        ~Flags() {
            sh.done = true;
            sh.set_status_done();
        }
    } flags{sh};
    sh.c.conn = ctx.connect();
    trace("up: connected");
    sh.c.status = fetch_sync_status(*sh.c.conn);
    trace("up: status read");
    // another tool migrated it: pgmig adopt first. Asked before the deploy transaction begins:
    // inside it, the catalog locks of this query stay held to the end, in the backend's fast-path
    // slots, and made the migrations of docs/performance.md's W3 14 % slower.
    refuse_unadopted(*sh.c.conn, sh.c.status);
    sh.have_status = true;
    auto local = versions.get();
    sh.locking = local && may_lock && has_work_by_versions(*local, sh.c.status);
    sh.set_status_done();
    if (sh.locking) {
        sh.c.locked = try_begin_locked(*sh.c.conn, ctx);
        trace(sh.c.locked ? "up: locked" : "up: lock held by another deployer");
    }
}

// Lists the folder and hands its versions to the connection thread. Bad input stops here,
// after the thread (reported even when the server is down).
Folder list_folder(Context &ctx, std::promise<Versions> &listed, std::future<void> &pending) {
    Folder f;
    try {
        f = ctx.load(true);
    } catch (...) {
        listed.set_value(nullptr);
        try {
            pending.get();
        } catch (...) {
        }
        throw;
    }
    auto local = std::make_shared<std::vector<std::string>>();
    local->reserve(f.migrations.size());
    for (const auto &m : f.migrations)
        local->push_back(canonical_version(m.version));
    listed.set_value(local);
    trace("up: folder listed");
    return f;
}

// Reads scripts while the connection thread works: ahead until mig.status() is there, then,
// while it takes the deploy lock, the first uploads.
void read_while_connecting(Folder &f, Shared &sh) {
    read_ahead(f, sh.status_done);
    trace("up: read ahead");
    sh.wait_status_done();
    if (sh.locking && !sh.done) {
        read_first_uploads(f, sh.c.status, sh.done);
        trace("up: first uploads read");
    }
}

DeployOptions deploy_options(const Context &ctx, const UpOptions &o, const Folder &f, Conn &c) {
    DeployOptions d;
    try {
        if (!o.to.empty())
            d.target = folder_version(f, checked_version(o.to));
    } catch (...) {
        c.rollback_quietly();
        throw;
    }
    d.dry_run = o.dry_run;
    if (!o.fail_on.empty())
        d.fail_on = parse_fail_on(o.fail_on);
    d.per_migration = o.per_migration;
    d.strict = o.strict || ctx.env.strict.value_or(false);
    return d;
}

int run_up(Context &ctx, const UpOptions &o) {
    // A second thread connects (connect_and_lock) while this one lists the folder and reads
    // ahead. Bad input still stops everything before anything is changed.
    trace("up: start");
    if (!o.fail_on.empty())
        (void)parse_fail_on(o.fail_on); // a bad list stops everything before it begins
    std::promise<Versions> listed;
    Shared sh;
    const bool may_lock = !(ctx.env.require_yes && !ctx.opt.yes);
    auto pending = std::async(std::launch::async, connect_and_lock, std::ref(ctx), std::ref(sh),
                              listed.get_future(), may_lock);
    Folder f = list_folder(ctx, listed, pending);
    read_while_connecting(f, sh);
    try {
        pending.get();
    } catch (...) {
        throw_if_bad_unread(f); // bad files first, as when the folder is read before connecting
        throw;
    }
    trace("up: connection ready");
    DeployOptions d = deploy_options(ctx, o, f, *sh.c.conn);
    bool server_has_versions = false;
    for (const auto &row : sh.c.status)
        server_has_versions = server_has_versions || row.kind == "versioned";
    // a no-op up (nothing new, nothing pending: no lock taken) runs nothing, so vouches for nothing
    if (server_has_versions && sh.locking)
        vouch_for_folder(
            ctx, *sh.c.conn, [&f] { return &f; }, o.trust_uploads);
    return deploy(ctx, *sh.c.conn, f, d, std::move(sh.c.status), sh.c.locked);
}

} // namespace

Command register_up(CLI::App &app) {
    auto o = std::make_shared<UpOptions>();
    auto *sub = app.add_subcommand("up", "upload what is new and apply every pending migration");
    sub->add_option("--to", o->to, "apply up to and including this version");
    auto *dry = sub->add_flag("--dry-run", o->dry_run,
                              "really run the migrations in a transaction, report (with the locks "
                              "each statement takes), and roll back");
    sub->add_option("--fail-on", o->fail_on,
                    "with --dry-run: exit 4 when a statement has one of these flags (comma-"
                    "separated: access-exclusive, rewrite, validated-constraint, not-null-scan, "
                    "index-without-concurrently, any)")
        ->needs(dry);
    sub->add_flag("--per-migration", o->per_migration,
                  "commit after each migration (default: one transaction for everything)");
    sub->add_flag("--strict", o->strict,
                  "refuse a down script that does not parse (default: store it with its error, "
                  "warn, and refuse to roll it back until it is fixed)");
    sub->add_flag("--trust-uploads", o->trust_uploads,
                  "also run migrations that only the server has and another role uploaded "
                  "(each is named first; docs/security.md)");
    auto full = std::make_shared<bool>(false);
    add_full_diff_flag(*sub, *full);
    return {sub, [o, full](Context &ctx) {
                ctx.opt.full_diff = *full;
                return run_up(ctx, *o);
            }};
}

} // namespace mig::client
