// pgmig status [--json]: fetch mig.status() → merge with the folder → render (status.hpp).
#include "commands.hpp"
#include "edit_diff.hpp"
#include "errors.hpp"
#include "json_report.hpp"
#include "output.hpp"
#include "placeholders.hpp"
#include "status.hpp"
#include "trace.hpp"

#include <CLI/CLI.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <thread>

namespace mig::client {
namespace {

// What the second thread fetches: the connection (null if it failed), the server's rows, or
// the error.
struct ServerSide {
    std::unique_ptr<Conn> conn;
    ServerStatus status;
    std::exception_ptr error;
};

void fetch_server_side(Context &ctx, ServerSide &out) {
    try {
        out.conn = ctx.connect();
        trace("status: connected");
        out.status = fetch_server_status(*out.conn, ctx.opt.json);
    } catch (...) {
        out.error = std::current_exception();
    }
}

// The folder, or its error. Without --dir (or a configured dir) a missing folder is fine:
// the server's rows only.
struct FolderSide {
    std::optional<Folder> f;
    std::exception_ptr error;
};

FolderSide load_status_folder(const Context &ctx) {
    FolderSide out;
    LoadOptions lo;
    lo.read_downs = false;
    lo.use_cache = !ctx.opt.no_cache;
    try {
        out.f = load_folder(ctx.dir(), lo);
    } catch (const InputError &) {
        if (ctx.dir_given())
            out.error = std::current_exception();
    } catch (...) {
        out.error = std::current_exception();
    }
    try { // Flyway's ${name}: the text that runs is what the server's checksum covers
        if (out.f)
            expand_folder(ctx, *out.f);
    } catch (...) {
        out.f.reset();
        out.error = std::current_exception();
    }
    trace("status: folder read");
    return out;
}

// Errors in the order of doing it one after the other: cannot connect, then the folder's
// problems (its warnings only after a successful connection), then the query's error.
void raise_in_order(const ServerSide &server, const FolderSide &folder) {
    if (server.error && !server.conn)
        std::rethrow_exception(server.error);
    if (folder.error)
        std::rethrow_exception(folder.error);
    if (folder.f)
        for (auto &w : folder.f->warnings)
            warn(w);
    if (server.error)
        std::rethrow_exception(server.error);
}

// Each modified migration's diff against what was applied (few: one query each).
void add_edit_diffs(std::vector<StatusLine> &lines, Folder *f, Conn &c, bool full) {
    if (!f)
        return;
    for (auto &l : lines) {
        if (l.state != "modified")
            continue;
        for (auto &m : f->migrations)
            if (m.up_file == l.file) {
                l.diff = explain_edit(c, *f, {&m, false}, full ? 0 : kDiffLines);
                break;
            }
    }
}

int run_status(Context &ctx, bool exit_code) {
    // A second thread connects, sends the query and receives (and converts) its rows while
    // this one reads the folder: the server works on mig.status() meanwhile, and never waits
    // for a full socket buffer to be read.
    trace("status: start");
    ServerSide server;
    std::thread worker([&] { fetch_server_side(ctx, server); });
    struct Joiner {
        std::thread &t;
        ~Joiner() {
            if (t.joinable())
                t.join();
        }
    } joiner{worker};
    FolderSide folder = load_status_folder(ctx);
    worker.join();
    raise_in_order(server, folder);
    auto &lines = server.status.lines;
    merge_with_folder(lines, folder.f ? &*folder.f : nullptr);
    add_edit_diffs(lines, folder.f ? &*folder.f : nullptr, *server.conn, ctx.opt.full_diff);
    if (ctx.opt.json) {
        status_to_json(lines);
        json_report::set("drift", drift_status_json(server.status.drift));
    } else {
        print_status_table(lines, ctx.stdout_tty && output_color());
        print_status_diffs(lines);
    }
    if (server.status.drift)
        warn_about_drift(*server.status.drift);
    return exit_code && needs_attention(lines) ? EXIT_NOT_UP_TO_DATE : EXIT_OK;
}

} // namespace

Command register_status(CLI::App &app) {
    auto *sub = app.add_subcommand("status", "every migration: version, name, state, batch, "
                                             "applied_at, duration (--json for scripts)");
    auto exit_code = std::make_shared<bool>(false);
    auto full = std::make_shared<bool>(false);
    add_full_diff_flag(*sub, *full);
    sub->add_flag("--exit-code", *exit_code,
                  "exit 4 when a migration is pending, new, modified, missing or failed (a CI "
                  "gate)");
    return {sub, [exit_code, full](Context &ctx) {
                ctx.opt.full_diff = *full;
                return run_status(ctx, *exit_code);
            }};
}

} // namespace mig::client
