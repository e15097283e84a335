// pgmig up [--to V] [--dry-run] [--per-migration]
#include "adopt/detect.hpp"
#include "commands.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "layouts/scripts.hpp"
#include "version.hpp"
#include "vouch.hpp"

#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
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
    ServerIndex known(status);
    std::vector<Migration *> which;
    for (auto &m : f.migrations)
        if ((m.up_streamed || m.down_streamed) && !known.find(canonical_version(m.version)))
            which.push_back(&m);
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

int run_up(Context &ctx, const UpOptions &o) {
    // A second thread connects and reads mig.status() (read-only) while this one lists the
    // folder and reads ahead; when the versions alone show work to do (a migration the server
    // does not know, or one pending), it also takes the deploy lock. Bad input still stops
    // everything before anything is changed, and is reported even when the server is down.
    trace("up: start");
    std::promise<std::shared_ptr<const std::vector<std::string>>> listed;
    auto versions = listed.get_future();
    Shared sh;
    const bool may_lock = !(ctx.env.require_yes && !ctx.opt.yes);
    auto pending = std::async(std::launch::async, [&] {
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
        sh.have_status = true;
        auto local = versions.get();
        sh.locking = local && may_lock && has_work_by_versions(*local, sh.c.status);
        sh.set_status_done();
        if (sh.locking) {
            sh.c.locked = try_begin_locked(*sh.c.conn, ctx);
            trace(sh.c.locked ? "up: locked" : "up: lock held by another deployer");
        }
    });
    auto wait_quietly = [&pending] {
        try {
            pending.get();
        } catch (...) {
        }
    };
    Folder f;
    try {
        f = ctx.load(true);
    } catch (...) {
        listed.set_value(nullptr);
        wait_quietly();
        throw;
    }
    auto local = std::make_shared<std::vector<std::string>>();
    local->reserve(f.migrations.size());
    for (const auto &m : f.migrations)
        local->push_back(canonical_version(m.version));
    listed.set_value(local);
    trace("up: folder listed");
    read_ahead(f, sh.status_done);
    trace("up: read ahead");
    sh.wait_status_done();
    if (sh.locking && !sh.done) {
        read_first_uploads(f, sh.c.status, sh.done);
        trace("up: first uploads read");
    }
    try {
        pending.get();
    } catch (...) {
        throw_if_bad_unread(f); // bad files first, as when the folder is read before connecting
        throw;
    }
    trace("up: connection ready");
    DeployOptions d;
    try {
        if (!o.to.empty())
            d.target = folder_version(f, checked_version(o.to));
    } catch (...) {
        sh.c.conn->rollback_quietly();
        throw;
    }
    d.dry_run = o.dry_run;
    d.per_migration = o.per_migration;
    bool server_has_versions = false;
    for (const auto &row : sh.c.status)
        server_has_versions = server_has_versions || row.kind == "versioned";
    refuse_unadopted(*sh.c.conn, sh.c.status); // another tool migrated it: pgmig adopt first
    vouch_for_folder(ctx, *sh.c.conn, f, o.trust_uploads, server_has_versions);
    return deploy(ctx, *sh.c.conn, f, d, std::move(sh.c.status), sh.c.locked);
}

} // namespace

Command register_up(CLI::App &app) {
    auto o = std::make_shared<UpOptions>();
    auto *sub = app.add_subcommand("up", "upload what is new and apply every pending migration");
    sub->add_option("--to", o->to, "apply up to and including this version");
    sub->add_flag("--dry-run", o->dry_run,
                  "really run the migrations in a transaction, report, and roll back");
    sub->add_flag("--per-migration", o->per_migration,
                  "commit after each migration (default: one transaction for everything)");
    sub->add_flag("--trust-uploads", o->trust_uploads,
                  "also run migrations that only the server has and another role uploaded "
                  "(each is named first; docs/security.md)");
    return {sub, [o](Context &ctx) { return run_up(ctx, *o); }};
}

} // namespace mig::client
