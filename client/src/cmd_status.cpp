// pgmig status [--json]: the server's mig.status() merged with the local folder.
#include "commands.hpp"
#include "deploy.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "version.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <nlohmann/json.hpp>

namespace mig::client {
namespace {

// One output row; text fields point into the server's result or the loaded folder (both outlive
// the lines), so merging 10,000 rows copies no strings.
struct Line {
    std::string_view version, name, state, kind, batch, applied_at, file, local_checksum, checksum;
    std::string duration;
    int done = -1, statements = -1; // a partial or failed migration's statements done, of all
    int down_done = 0, down_statements = 0; // of its down script, when a rollback stopped
    bool has_down = false, transactional = true;
};

// The columns status shows (not down_checksum: 640 kB less to send and convert for 10,000 rows).
const char *const kListSql = "SELECT version, name, state, kind, batch, applied_at, duration, "
                             "checksum, has_down, transactional FROM mig.status()";
enum { V, N, S, K, B, AT, D, CK, HD, TX };

std::string_view short_time(std::string_view ts) {
    return ts.substr(0, 19);
}

int run_status(Context &ctx) {
    // A second thread connects, sends the query and receives (and converts) its rows
    // while this one reads the folder: the server works on mig.status() meanwhile,
    // and never waits for a full socket buffer to be read.
    trace("status: start");
    std::unique_ptr<Conn> c;
    Result res;
    std::vector<Line> lines; // the server's rows, converted by the worker too
    std::exception_ptr db_error;
    std::thread worker([&] {
        try {
            c = ctx.connect();
            trace("status: connected");
            c->send(kListSql);
            res = c->receive();
            trace("status: rows received");
            PGresult *r = res.get();
            int nrows = PQntuples(r);
            auto val = [r](int i, int col) -> std::string_view {
                return PQgetisnull(r, i, col)
                           ? std::string_view()
                           : std::string_view(PQgetvalue(r, i, col), PQgetlength(r, i, col));
            };
            // room for the folder's migrations that the server does not know yet
            lines.reserve(static_cast<size_t>(nrows) + 64);
            for (int i = 0; i < nrows; ++i) {
                Line &l = lines.emplace_back();
                l.version = val(i, V);
                l.name = val(i, N);
                l.state = val(i, S);
                l.kind = PQgetisnull(r, i, K) ? std::string_view("versioned") : val(i, K);
                l.batch = val(i, B);
                l.applied_at = val(i, AT);
                if (!PQgetisnull(r, i, D))
                    l.duration = human_duration(interval_seconds(val(i, D)));
                l.checksum = val(i, CK);
                l.has_down = val(i, HD) == "t";
                l.transactional = val(i, TX) != "f";
            }
            // how far a partial or failed (non-transactional) migration got: asked only when
            // there is one, so a status of 10,000 applied migrations sends no more columns
            if (std::any_of(lines.begin(), lines.end(), [](const Line &l) {
                    return l.state == "partial" || l.state == "failed";
                })) {
                // (a down script run part-way counts its own statements)
                Result p = c->exec(
                    "SELECT m.version, coalesce(a.statements_done, 0), m.statements, "
                    "coalesce(a.down_statements_done, 0), m.down_statements "
                    "FROM mig.applied a JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) "
                    "a.vkey WHERE NOT a.complete");
                for (int k = 0; k < p.rows(); ++k)
                    for (auto &l : lines)
                        if (l.kind != "repeatable" && l.version == p.str(k, 0)) {
                            l.done = std::stoi(p.str(k, 1));
                            l.statements = std::stoi(p.str(k, 2));
                            l.down_done = std::stoi(p.str(k, 3));
                            l.down_statements = p.null(k, 4) ? 0 : std::stoi(p.str(k, 4));
                        }
            }
            trace("status: rows converted");
        } catch (...) {
            db_error = std::current_exception();
        }
    });
    struct Joiner {
        std::thread &t;
        ~Joiner() {
            if (t.joinable())
                t.join();
        }
    } joiner{worker};
    std::optional<Folder> f;
    std::exception_ptr folder_error;
    LoadOptions lo;
    lo.read_downs = false;
    lo.use_cache = !ctx.opt.no_cache;
    try {
        f = load_folder(ctx.dir(), lo);
    } catch (const InputError &) {
        // without --dir (or a configured dir) a missing folder is fine: server only
        if (ctx.dir_given())
            folder_error = std::current_exception();
    } catch (...) {
        folder_error = std::current_exception();
    }
    trace("status: folder read");
    worker.join();
    // the order of the sequential version: cannot connect, then the folder's
    // problems, then the query's error
    if (db_error && !c)
        std::rethrow_exception(db_error);
    if (folder_error)
        std::rethrow_exception(folder_error);
    if (f)
        for (auto &w : f->warnings)
            warn(w);
    if (db_error)
        std::rethrow_exception(db_error);
    size_t nrows = lines.size();
    if (f && !f->migrations.empty() && f->migrations.front().flyway_baseline) {
        bool versions = false, it = false;
        const Migration &b = f->migrations.front();
        std::string key = canonical_version(b.version);
        for (const Line &l : lines)
            if (l.kind != "repeatable") {
                versions = true;
                it = it || (canonical_version(l.version) == key &&
                            is_flyway_baseline_row(b, l.checksum, l.name));
            }
        drop_unused_flyway_baseline(*f, versions, it);
    }
    // Local migrations are in version order, and so are the server's rows: the next
    // unmatched local one is usually the match (else a binary search finds it).
    const std::vector<Migration> no_migrations;
    const std::vector<Migration> &local = f ? f->migrations : no_migrations;
    std::vector<char> matched(local.size(), 0);
    size_t cursor = 0;
    auto find_local = [&](std::string_view v) -> const Migration * {
        size_t k = cursor;
        if (k >= local.size() || compare_versions(local[k].version, v) != 0) {
            auto it = std::lower_bound(local.begin(), local.end(), v,
                                       [](const Migration &m, std::string_view x) {
                                           return compare_versions(m.version, x) < 0;
                                       });
            if (it == local.end() || compare_versions(it->version, v) != 0)
                return nullptr;
            k = static_cast<size_t>(it - local.begin());
        }
        if (matched[k])
            return nullptr;
        matched[k] = 1;
        cursor = k + 1;
        return &local[k];
    };
    std::unordered_map<std::string_view, const Migration *> local_rep;
    if (f)
        for (auto &m : f->repeatables)
            local_rep.emplace(m.name, &m);
    for (size_t i = 0; i < nrows; ++i) {
        Line &l = lines[i];
        bool repeatable = l.kind == "repeatable";
        const Migration *m = nullptr;
        if (repeatable) {
            auto it = local_rep.find(l.name);
            if (it != local_rep.end()) {
                m = it->second;
                local_rep.erase(it);
            }
        } else {
            m = find_local(l.version);
        }
        if (m) {
            l.file = m->up_file;
            l.local_checksum = m->checksum;
            if (m->checksum != l.checksum)
                // a repeatable one re-runs when it changes (up does not refuse it)
                l.state = repeatable             ? std::string_view("changed")
                          : l.state == "applied" ? std::string_view("modified")
                                                 : l.state;
        } else if (f && l.state != "pending") {
            if (l.state == "applied")
                l.state = "missing-file";
        }
    }
    // only the folder's migrations that the server does not know are added
    lines.reserve(lines.size() +
                  static_cast<size_t>(std::count(matched.begin(), matched.end(), 0)) +
                  local_rep.size());
    for (size_t k = 0; k < local.size(); ++k) {
        if (matched[k])
            continue;
        const Migration *m = &local[k];
        Line l;
        l.version = m->version;
        l.name = m->name;
        l.state = "new";
        l.file = m->up_file;
        l.local_checksum = m->checksum;
        l.kind = "versioned";
        l.has_down = m->has_down();
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
        auto opt = [](std::string_view s) -> nlohmann::json {
            return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
        };
        for (auto &l : lines) {
            out.push_back(
                {{"version",
                  l.kind == "repeatable" ? nlohmann::json(nullptr) : nlohmann::json(l.version)},
                 {"name", l.name},
                 {"state", l.state},
                 {"kind", l.kind},
                 {"batch", l.batch.empty() ? nlohmann::json(nullptr)
                                           : nlohmann::json(std::stol(std::string(l.batch)))},
                 {"applied_at", opt(l.applied_at)},
                 {"duration", opt(l.duration)},
                 {"file", opt(l.file)},
                 {"checksum", opt(l.checksum)},
                 {"local_checksum", opt(l.local_checksum)},
                 {"has_down", l.has_down},
                 {"transactional", l.transactional},
                 {"statements_done", l.done < 0 ? nlohmann::json(nullptr) : nlohmann::json(l.done)},
                 {"statements",
                  l.statements < 0 ? nlohmann::json(nullptr) : nlohmann::json(l.statements)},
                 {"down_statements_done",
                  l.down_done > 0 ? nlohmann::json(l.down_done) : nlohmann::json(nullptr)}});
        }
        fmt::print("{}\n", out.dump(2));
        return 0;
    }
    // how far a partial or failed migration got: in the last column, after its time so far
    for (auto &l : lines)
        if (l.down_done > 0)
            l.duration +=
                fmt::format("{}rolled back part-way: {} of {} down statements done",
                            l.duration.empty() ? "" : ", ", l.down_done, l.down_statements);
        else if (l.done >= 0)
            l.duration += fmt::format("{}{} of {} statements done", l.duration.empty() ? "" : ", ",
                                      l.done, l.statements);
    // names longer than 40 characters are cut to 39 and '~', at a character boundary
    auto chars = [](std::string_view v) {
        size_t n = 0;
        for (char ch : v)
            n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
        return n;
    };
    auto shorten = [&chars](std::string_view v, std::string &out) -> std::string_view {
        if (v.size() <= 40 || chars(v) <= 40)
            return v;
        size_t cut = 0;
        for (size_t seen = 0; cut < v.size(); ++cut)
            if ((static_cast<unsigned char>(v[cut]) & 0xC0) != 0x80 && seen++ == 39)
                break;
        out.assign(v.substr(0, cut));
        out += '~';
        return out;
    };
    size_t wv = 7, wn = 4, ws = 5;
    for (auto &l : lines) {
        wv = std::max(wv, l.version.size());
        wn = std::max(wn, std::min<size_t>(chars(l.name), 40));
        ws = std::max(ws, l.state.size());
    }
    // the whole table is formatted into one buffer and written at once
    fmt::memory_buffer buf;
    fmt::format_to(std::back_inserter(buf),
                   FMT_STRING("{:<{}}  {:<{}}  {:<{}}  {:>5}  {:<19}  {}\n"), "version", wv, "name",
                   wn, "state", ws, "batch", "applied_at", "duration");
    bool colour = ctx.stdout_tty && output_color();
    // "{:<w}" / "{:>w}" without fmt's width computation (ASCII: width = bytes)
    auto pad = [&buf](std::string_view v, size_t w, bool right) {
        bool ascii = std::all_of(v.begin(), v.end(),
                                 [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
        if (!ascii) {
            if (right)
                fmt::format_to(std::back_inserter(buf), "{:>{}}", v, w);
            else
                fmt::format_to(std::back_inserter(buf), "{:<{}}", v, w);
            return;
        }
        static constexpr std::string_view kSpaces = "                                        ";
        size_t fill = v.size() < w ? w - v.size() : 0;
        if (!right)
            buf.append(v);
        while (fill > 0) {
            size_t k = std::min(fill, kSpaces.size());
            buf.append(kSpaces.substr(0, k));
            fill -= k;
        }
        if (right)
            buf.append(v);
    };
    auto ascii = [](std::string_view v) {
        unsigned char any = 0;
        for (char ch : v)
            any |= static_cast<unsigned char>(ch);
        return any < 0x80;
    };
    // a field padded to w, then two spaces
    auto put = [](char *&p, std::string_view v, size_t w, bool right) {
        size_t fill = v.size() < w ? w - v.size() : 0;
        if (right) {
            std::memset(p, ' ', fill);
            p += fill;
        }
        std::memcpy(p, v.data(), v.size());
        p += v.size();
        if (!right) {
            std::memset(p, ' ', fill);
            p += fill;
        }
        p[0] = p[1] = ' ';
        p += 2;
    };
    size_t row_max = wv + wn + ws + 5 + 19 + size_t{5} * 2 + 1; // plus the fields' own lengths
    buf.reserve(buf.size() + lines.size() * (row_max + 24));
    std::string name;
    for (auto &l : lines) {
        std::string_view shown = shorten(l.name, name);
        std::string_view ver = l.kind == "repeatable" ? "R" : l.version;
        if (colour) {
            const char *col = l.state == "applied"                         ? "32"
                              : (l.state == "pending" || l.state == "new") ? "33"
                                                                           : "31";
            std::string state = paint(fmt::format("{:<{}}", l.state, ws), col);
            fmt::format_to(std::back_inserter(buf),
                           FMT_STRING("{:<{}}  {:<{}}  {}  {:>5}  {:<19}  {}\n"), ver, wv, shown,
                           wn, state, l.batch, short_time(l.applied_at), l.duration);
        } else if (std::string_view at = short_time(l.applied_at);
                   ascii(ver) && ascii(shown) && ascii(l.state) && ascii(l.batch) && ascii(at)) {
            // the usual row: written in place (width = bytes)
            size_t old = buf.size();
            buf.resize(old + row_max + ver.size() + shown.size() + l.state.size() + l.batch.size() +
                       at.size() + l.duration.size());
            char *p = buf.data() + old;
            put(p, ver, wv, false);
            put(p, shown, wn, false);
            put(p, l.state, ws, false);
            put(p, l.batch, 5, true);
            put(p, at, 19, false);
            p = std::copy(l.duration.begin(), l.duration.end(), p);
            *p++ = '\n';
            buf.resize(static_cast<size_t>(p - buf.data()));
        } else {
            pad(ver, wv, false);
            buf.append(std::string_view("  "));
            pad(shown, wn, false);
            buf.append(std::string_view("  "));
            pad(l.state, ws, false);
            buf.append(std::string_view("  "));
            pad(l.batch, 5, true);
            buf.append(std::string_view("  "));
            pad(at, 19, false);
            buf.append(std::string_view("  "));
            buf.append(std::string_view(l.duration));
            buf.push_back('\n');
        }
    }
    std::fwrite(buf.data(), 1, buf.size(), stdout);
    trace("status: printed");
    return 0;
}

} // namespace

Command register_status(CLI::App &app) {
    auto *sub = app.add_subcommand("status", "every migration: version, name, state, batch, "
                                             "applied_at, duration (--json for scripts)");
    return {sub, run_status};
}

} // namespace mig::client
