// pgmig status [--json]: the server's mig.status() merged with the local folder.
#include "commands.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <thread>
#include <unordered_map>
#include <nlohmann/json.hpp>

namespace mig::client {
namespace {

struct Line {
    std::string version, name, state, batch, applied_at, duration, file, local_checksum, checksum,
        kind;
    bool has_down = false, transactional = true;
};

std::string short_time(const std::string &ts) {
    return ts.substr(0, 19);
}

} // namespace

Command register_status(CLI::App &app) {
    auto *sub = app.add_subcommand("status", "every migration: version, name, state, batch, "
                                             "applied_at, duration (--json for scripts)");
    return {sub, [](Context &ctx) {
                // the server works on mig.status() while the folder is read
                trace("status: start");
                auto c = ctx.connect();
                trace("status: connected");
                c->send(kStatusSql);
                // ... and its rows are received (and converted) by a second thread, so that the
                // server never waits for a full socket buffer to be read
                std::vector<ServerRow> rows;
                std::exception_ptr recv_error;
                std::thread receiver([&] {
                    try {
                        rows = read_status(c->receive());
                    } catch (...) {
                        recv_error = std::current_exception();
                    }
                });
                struct Joiner {
                    std::thread &t;
                    ~Joiner() {
                        if (t.joinable())
                            t.join();
                    }
                } joiner{receiver};
                std::optional<Folder> f;
                LoadOptions lo;
                lo.read_downs = false;
                lo.use_cache = !ctx.opt.no_cache;
                if (ctx.dir_given()) {
                    f = load_folder(ctx.dir(), lo);
                    for (auto &w : f->warnings)
                        warn(w);
                } else {
                    try {
                        f = load_folder(ctx.dir(), lo);
                    } catch (const InputError &) {
                    }
                }
                trace("status: folder read");
                receiver.join();
                if (recv_error)
                    std::rethrow_exception(recv_error);
                trace("status: rows received");
                std::vector<Line> lines;
                lines.reserve(rows.size() + (f ? f->migrations.size() : 0));
                std::unordered_map<std::string, const Migration *> local;
                std::unordered_map<std::string, const Migration *> local_rep;
                if (f) {
                    local.reserve(f->migrations.size());
                    for (auto &m : f->migrations)
                        local[canonical_version(m.version)] = &m;
                    for (auto &m : f->repeatables)
                        local_rep[m.name] = &m;
                }
                for (auto &s : rows) {
                    Line l;
                    l.version = s.version;
                    l.name = s.name;
                    l.state = s.state;
                    l.kind = s.kind;
                    l.batch = s.batch.value_or("");
                    l.applied_at = s.applied_at.value_or("");
                    l.duration = s.duration ? human_duration(interval_seconds(*s.duration)) : "";
                    l.checksum = s.checksum.value_or("");
                    l.has_down = s.has_down;
                    l.transactional = s.transactional;
                    const Migration *m = nullptr;
                    if (s.kind == "repeatable") {
                        auto it = local_rep.find(s.name);
                        if (it != local_rep.end()) {
                            m = it->second;
                            local_rep.erase(it);
                        }
                    } else {
                        auto it = local.find(canonical_version(s.version));
                        if (it != local.end()) {
                            m = it->second;
                            local.erase(it);
                        }
                    }
                    if (m) {
                        l.file = m->up_file;
                        l.local_checksum = m->checksum;
                        if (m->checksum != l.checksum)
                            l.state = s.state == "applied"
                                          ? "modified"
                                          : (s.kind == "repeatable" ? "changed" : s.state);
                    } else if (f && s.state != "pending") {
                        l.state = s.state == "applied" ? "missing-file" : s.state;
                    }
                    lines.push_back(std::move(l));
                }
                for (auto &[k, m] : local) {
                    Line l;
                    l.version = m->version;
                    l.name = m->name;
                    l.state = "new";
                    l.file = m->up_file;
                    l.local_checksum = m->checksum;
                    l.kind = "versioned";
                    l.has_down = m->down_sql.has_value();
                    l.transactional = !m->no_transaction;
                    lines.push_back(std::move(l));
                }
                for (auto &[k, m] : local_rep) {
                    Line l;
                    l.name = m->name;
                    l.state = "new";
                    l.file = m->up_file;
                    l.local_checksum = m->checksum;
                    l.kind = "repeatable";
                    lines.push_back(std::move(l));
                }
                auto before = [](const Line &a, const Line &b) {
                    if (a.kind != b.kind)
                        return a.kind == "versioned";
                    if (a.kind == "repeatable")
                        return a.name < b.name;
                    return compare_versions(a.version, b.version) < 0;
                };
                // the server's rows come in order: sorting is needed only when local-only
                // migrations were appended
                if (!std::is_sorted(lines.begin(), lines.end(), before))
                    std::stable_sort(lines.begin(), lines.end(), before);
                trace("status: merged");
                if (ctx.opt.json) {
                    nlohmann::json out = nlohmann::json::array();
                    for (auto &l : lines) {
                        auto opt = [](const std::string &s) -> nlohmann::json {
                            return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
                        };
                        out.push_back(
                            {{"version", l.kind == "repeatable" ? nlohmann::json(nullptr)
                                                                : nlohmann::json(l.version)},
                             {"name", l.name},
                             {"state", l.state},
                             {"kind", l.kind},
                             {"batch", l.batch.empty() ? nlohmann::json(nullptr)
                                                       : nlohmann::json(std::stol(l.batch))},
                             {"applied_at", opt(l.applied_at)},
                             {"duration", opt(l.duration)},
                             {"file", opt(l.file)},
                             {"checksum", opt(l.checksum)},
                             {"local_checksum", opt(l.local_checksum)},
                             {"has_down", l.has_down},
                             {"transactional", l.transactional}});
                    }
                    fmt::print("{}\n", out.dump(2));
                    return 0;
                }
                size_t wv = 7, wn = 4, ws = 5;
                for (auto &l : lines) {
                    wv = std::max(wv, l.version.size());
                    wn = std::max(wn, std::min<size_t>(l.name.size(), 40));
                    ws = std::max(ws, l.state.size());
                }
                fmt::print("{:<{}}  {:<{}}  {:<{}}  {:>5}  {:<19}  {}\n", "version", wv, "name", wn,
                           "state", ws, "batch", "applied_at", "duration");
                for (auto &l : lines) {
                    std::string name = l.name.size() > 40 ? l.name.substr(0, 39) + "~" : l.name;
                    std::string state = fmt::format("{:<{}}", l.state, ws);
                    const char *col = l.state == "applied"                         ? "32"
                                      : (l.state == "pending" || l.state == "new") ? "33"
                                                                                   : "31";
                    if (!ctx.stdout_tty)
                        col = "0";
                    fmt::print("{:<{}}  {:<{}}  {}  {:>5}  {:<19}  {}\n",
                               l.kind == "repeatable" ? "R" : l.version, wv, name, wn,
                               ctx.stdout_tty && output_color() ? paint(state, col) : state,
                               l.batch, short_time(l.applied_at), l.duration);
                }
                return 0;
            }};
}

} // namespace mig::client
