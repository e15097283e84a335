// Layout detection and assembly of a folder's migrations.
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "layouts/scan.hpp"
#include "layouts/stat_cache.hpp"
#include "sha256.hpp"
#include "text.hpp"
#include "version.hpp"

#include <algorithm>
#include <cstdlib>
#include <sys/stat.h>
#include <fmt/format.h>
#include <map>
#include <fcntl.h>
#include <unistd.h>

namespace mig::client {
namespace {

std::string join_path(const std::string &dir, const std::string &rel) {
    if (dir.empty() || dir.back() == '/')
        return dir + rel;
    return dir + "/" + rel;
}

bool blank(const std::string &s) {
    return trim(s).empty();
}

// Canonical versions in version order (files usually come in that order: inserting at the end
// is then one comparison, and the result needs no sorting).
template <class T> using VersionMap = std::map<std::string, T, VersionLess>;

// Collects migrations by canonical version and reports duplicates naming both files.
struct Registry {
    VersionMap<Migration> by_version; // canonical -> migration
    std::vector<std::string> &errors;

    void add(Migration m) {
        std::string key = canonical_version(m.version);
        auto it = by_version.empty() || VersionLess{}(by_version.rbegin()->first, key)
                      ? by_version.end()
                      : by_version.lower_bound(key);
        if (it != by_version.end() && it->first == key) {
            errors.push_back(fmt::format("duplicate version {}: {} and {}", m.version,
                                         it->second.up_file, m.up_file));
            return;
        }
        by_version.emplace_hint(it, std::move(key), std::move(m));
    }
};

struct Builder {
    const std::string &dir;
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
    bool read_downs = true;

    void stray(const std::string &rel, const std::string &why) {
        warnings.push_back(fmt::format("{}: ignored ({})", join_path(dir, rel), why));
    }

    int dirfd = -1;

    size_t stream_above = SIZE_MAX;

    std::optional<std::string> read(const std::string &rel) {
        return read_script_at(dirfd, rel, join_path(dir, rel), errors);
    }
    // An up script: read whole, or (above stream_above bytes) checked and hashed in chunks and
    // not kept. False when unreadable (the error is recorded).
    bool read_up(const std::string &rel, Migration &m) {
        struct stat st {};
        bool have = ::fstatat(dirfd, rel.c_str(), &st, 0) == 0 && S_ISREG(st.st_mode);
        if (have && cache) {
            if (auto sum = cache->lookup(rel, st)) {
                m.checksum = std::move(*sum);
                m.up_streamed = true;
                m.up_size = static_cast<unsigned long long>(st.st_size);
                return true;
            }
        }
        if (have && stream_above != SIZE_MAX &&
            static_cast<uint64_t>(st.st_size) > stream_above) {
            Sha256 h;
            if (!stream_script_at(dirfd, rel, join_path(dir, rel), errors,
                                  [&](std::string_view part) { h.update(part); }))
                return false;
            m.up_streamed = true;
            m.up_size = static_cast<unsigned long long>(st.st_size);
            m.checksum = h.hex();
        } else {
            auto t = read(rel);
            if (!t)
                return false;
            m.up_sql = std::move(*t);
            m.checksum = sha256_hex(m.up_sql);
        }
        if (have && cache)
            cache->store(rel, st, m.checksum);
        return true;
    }

    StatCache *cache = nullptr;

    ~Builder() {
        if (dirfd >= 0)
            ::close(dirfd);
    }
};

// Kind of a top-level file, before the layout is known.
enum class Kind { Golang, Flyway, Dbmate, Numbered, BlankSql, Stray, Dir, StrayDir };

} // namespace

size_t LoadOptions::default_stream_above() {
    static const size_t v = [] {
        const char *e = std::getenv("PGMIG_STREAM_ABOVE");
        if (e && *e) {
            char *end = nullptr;
            unsigned long long n = std::strtoull(e, &end, 10);
            if (end && *end == '\0')
                return static_cast<size_t>(n);
        }
        return static_cast<size_t>(4) << 20;
    }();
    return v;
}

std::string script_line(const Migration &m, bool down, int n) {
    if (down)
        return m.down_sql ? line_of(*m.down_sql, n) : std::string();
    if (m.up_streamed)
        return line_of_file(m.up_file, n);
    return line_of(m.up_sql, n);
}

Folder load_folder(const std::string &dir, const LoadOptions &opt) {
    auto entries = list_folder(dir);
    Builder b{dir, {}, {}, opt.read_downs};
    b.stream_above = opt.stream_above;
    b.dirfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (b.dirfd < 0)
        throw InputError(fmt::format("{}: cannot open the folder", dir));
    std::optional<StatCache> cache;
    if (opt.use_cache) {
        cache.emplace(dir);
        b.cache = &*cache;
    }
    std::map<std::string, std::string> contents; // rel path -> text (top-level .sql files)
    std::vector<std::pair<Kind, const Entry *>> kinds;
    kinds.reserve(entries.size());
    std::vector<std::optional<GolangName>> golang(entries.size()); // parsed once, by entry

    for (const auto &e : entries) {
        Kind k;
        if (e.is_dir) {
            bool has = std::count(e.children.begin(), e.children.end(), "up.sql") ||
                       std::count(e.children.begin(), e.children.end(), "down.sql");
            k = has ? Kind::Dir : Kind::StrayDir;
        } else if ((golang[&e - entries.data()] = parse_golang_name(e.name))) {
            k = Kind::Golang;
        } else if (parse_flyway_name(e.name)) {
            k = Kind::Flyway;
        } else if (ends_with(e.name, ".sql") &&
                   split_version_title(e.name.substr(0, e.name.size() - 4))) {
            auto text = b.read(e.name);
            if (!text) {
                k = Kind::Numbered;
            } else {
                k = has_dbmate_marker(*text) ? Kind::Dbmate
                                             : (blank(*text) ? Kind::BlankSql : Kind::Numbered);
                contents[e.name] = std::move(*text);
            }
        } else {
            k = Kind::Stray;
        }
        kinds.emplace_back(k, &e);
    }

    // Which layout? Directories win over loose .sql files (which are then data files).
    std::map<Kind, std::string> first_of;
    for (auto &[k, e] : kinds)
        if (!first_of.count(k))
            first_of[k] = e->name;
    Folder f;
    f.dir = dir;
    auto has = [&](Kind k) { return first_of.count(k) > 0; };
    std::vector<std::pair<Layout, std::string>> seen;
    if (has(Kind::Dir))
        seen.emplace_back(Layout::Directory, first_of[Kind::Dir] + "/");
    if (has(Kind::Golang))
        seen.emplace_back(Layout::GolangMigrate, first_of[Kind::Golang]);
    if (has(Kind::Flyway))
        seen.emplace_back(Layout::Flyway, first_of[Kind::Flyway]);
    if (!has(Kind::Dir)) {
        if (has(Kind::Dbmate))
            seen.emplace_back(Layout::Dbmate, first_of[Kind::Dbmate]);
        if (has(Kind::Numbered))
            seen.emplace_back(Layout::Numbered, first_of[Kind::Numbered]);
        if (seen.empty() && has(Kind::BlankSql))
            seen.emplace_back(Layout::Numbered, first_of[Kind::BlankSql]);
    }
    if (seen.size() > 1) {
        std::string msg = fmt::format("{}: the folder mixes migration layouts:", dir);
        for (auto &[l, file] : seen)
            msg += fmt::format("\n  {} ({})", join_path(dir, file), layout_name(l));
        msg += "\nkeep one layout per folder (see docs/layouts.md)";
        b.errors.insert(b.errors.begin(), msg);
        throw InputError(fmt::format("{}", fmt::join(b.errors, "\n")));
    }
    f.layout = seen.empty() ? Layout::Empty : seen[0].first;

    Registry reg{{}, b.errors};
    struct Down {
        std::string rel, text, version; // version as written
    };
    VersionMap<Down> downs; // canonical -> down script
    // a later duplicate replaces the first (both named in the error)
    auto add_down = [&](std::string key, const std::string &rel, std::string text,
                        const std::string &version, const char *what) {
        auto it = downs.empty() || VersionLess{}(downs.rbegin()->first, key)
                      ? downs.end()
                      : downs.lower_bound(key);
        if (it != downs.end() && it->first == key) {
            b.errors.push_back(fmt::format("duplicate {} scripts for version {}: {} and {}", what,
                                           version, join_path(dir, it->second.rel),
                                           join_path(dir, rel)));
            it->second = {rel, std::move(text), version};
            return;
        }
        downs.emplace_hint(it, std::move(key), Down{rel, std::move(text), version});
    };

    for (auto &[k, e] : kinds) {
        const std::string &name = e->name;
        switch (f.layout) {
        case Layout::Directory: {
            if (k == Kind::Dir) {
                auto parts = split_version_title(name);
                if (!parts) {
                    b.errors.push_back(
                        fmt::format("{}: directory name has no version (expected "
                                    "VERSION_title, e.g. 20240115093000_create_users)",
                                    join_path(dir, name)));
                    continue;
                }
                bool has_up = std::count(e->children.begin(), e->children.end(), "up.sql");
                if (!has_up) {
                    b.errors.push_back(fmt::format("{}: down.sql without up.sql",
                                                   join_path(dir, name + "/down.sql")));
                    continue;
                }
                Migration m;
                m.version = *normalize_version(parts->version_raw);
                m.name = parts->title;
                m.up_file = join_path(dir, name + "/up.sql");
                b.read_up(name + "/up.sql", m);
                for (const auto &c : e->children) {
                    if (c == "up.sql")
                        continue;
                    if (c == "down.sql") {
                        m.down_file = join_path(dir, name + "/down.sql");
                        m.down_sql = b.read_downs ? b.read(name + "/down.sql") : std::string();
                    } else if (c == "metadata.toml") {
                        if (auto t = b.read(name + "/metadata.toml")) {
                            try {
                                m.no_transaction = !diesel_runs_in_transaction(
                                    *t, join_path(dir, name + "/metadata.toml"));
                            } catch (const InputError &err) {
                                b.errors.push_back(err.what());
                            }
                        }
                    } else {
                        b.stray(name + "/" + c, "not up.sql, down.sql or metadata.toml");
                    }
                }
                reg.add(std::move(m));
            } else if (k == Kind::StrayDir) {
                b.stray(name + "/", "directory without up.sql");
            } else {
                b.stray(name, "a loose file in a directory-per-migration folder");
            }
            break;
        }
        case Layout::GolangMigrate: {
            if (k != Kind::Golang) {
                b.stray(name,
                        k == Kind::StrayDir ? "directory" : "not VERSION_title.up.sql / .down.sql");
                break;
            }
            auto &g = golang[e - entries.data()];
            if (!g->versioned) {
                b.errors.push_back(fmt::format("{}: {} file name has no version (expected "
                                               "VERSION_title.{}.sql)",
                                               join_path(dir, name),
                                               g->dir == Direction::Up ? "up" : "down",
                                               g->dir == Direction::Up ? "up" : "down"));
                break;
            }
            std::string v = *normalize_version(g->parts.version_raw);
            if (g->dir == Direction::Up) {
                Migration m;
                m.version = v;
                m.name = g->parts.title;
                m.up_file = join_path(dir, name);
                if (b.read_up(name, m))
                    reg.add(std::move(m));
            } else {
                auto text = b.read_downs ? b.read(name) : std::string();
                if (!text)
                    break;
                add_down(canonical_version(v), name, std::move(*text), v, "down");
            }
            break;
        }
        case Layout::Dbmate: {
            if (k != Kind::Dbmate && k != Kind::BlankSql) {
                if (k == Kind::Numbered)
                    b.errors.push_back(fmt::format("{}: no '-- migrate:up' section (dbmate folder)",
                                                   join_path(dir, name)));
                else
                    b.stray(name, "not a dbmate migration");
                break;
            }
            auto parts = split_version_title(name.substr(0, name.size() - 4));
            std::string text = std::move(contents[name]);
            contents.erase(name);
            Migration m;
            m.version = *normalize_version(parts->version_raw);
            m.name = parts->title;
            m.up_file = join_path(dir, name);
            if (k == Kind::Dbmate) {
                auto s = parse_dbmate(text);
                text.clear();
                text.shrink_to_fit();
                m.up_sql = std::move(s.up);
                m.up_line_offset = s.up_offset;
                m.no_transaction = s.up_no_transaction;
                if (s.down) {
                    m.down_sql = std::move(s.down);
                    m.down_file = m.up_file;
                    m.down_line_offset = s.down_offset;
                }
            }
            reg.add(std::move(m));
            break;
        }
        case Layout::Flyway: {
            auto fw = k == Kind::Flyway ? parse_flyway_name(name) : std::nullopt;
            if (!fw) {
                b.stray(name, "not V{version}__{description}.sql, U…, or R__…");
                break;
            }
            if (fw->kind == FlywayKind::Versioned) {
                Migration m;
                m.version = fw->version;
                m.name = fw->description;
                m.up_file = join_path(dir, name);
                if (b.read_up(name, m))
                    reg.add(std::move(m));
                break;
            }
            auto text = b.read(name);
            if (!text)
                break;
            if (fw->kind == FlywayKind::Repeatable) {
                Migration m;
                m.name = fw->description;
                m.up_file = join_path(dir, name);
                m.up_sql = std::move(*text);
                m.repeatable = true;
                for (const auto &r : f.repeatables)
                    if (r.name == m.name)
                        b.errors.push_back(fmt::format("duplicate repeatable migration: {} and {}",
                                                       r.up_file, m.up_file));
                f.repeatables.push_back(std::move(m));
            } else {
                add_down(canonical_version(fw->version), name, std::move(*text), fw->version,
                         "undo");
            }
            break;
        }
        case Layout::Numbered: {
            if (k != Kind::Numbered && k != Kind::BlankSql) {
                b.stray(name, k == Kind::StrayDir ? "directory" : "not NNN_name.sql");
                break;
            }
            break; // paired below
        }
        case Layout::Empty:
            if (k == Kind::StrayDir)
                b.stray(name + "/", "directory without up.sql");
            else
                b.stray(name, "not a migration file");
            break;
        }
    }

    if (f.layout == Layout::Numbered) {
        // NNN_name_down.sql is a down script when another file has the same version.
        std::map<std::string, std::vector<std::string>> files_by_version;
        for (auto &[k, e] : kinds)
            if (k == Kind::Numbered || k == Kind::BlankSql) {
                auto p = split_version_title(e->name.substr(0, e->name.size() - 4));
                files_by_version[canonical_version(*normalize_version(p->version_raw))].push_back(
                    e->name);
            }
        for (auto &[key, files] : files_by_version) {
            std::vector<std::string> ups, dns;
            for (auto &n : files) {
                bool down_name = ends_with(n, "_down.sql") || ends_with(n, ".down.sql");
                (down_name && files.size() > 1 ? dns : ups).push_back(n);
            }
            for (auto &n : ups) {
                auto p = split_version_title(n.substr(0, n.size() - 4));
                Migration m;
                m.version = *normalize_version(p->version_raw);
                m.name = p->title;
                m.up_file = join_path(dir, n);
                if (contents.count(n))
                    m.up_sql = std::move(contents[n]);
                reg.add(std::move(m));
            }
            if (dns.size() > 1)
                b.errors.push_back(fmt::format("duplicate down scripts for version {}: {} and {}",
                                               key, join_path(dir, dns[0]),
                                               join_path(dir, dns[1])));
            if (!dns.empty()) {
                add_down(key, dns[0], contents.count(dns[0]) ? std::move(contents[dns[0]]) : "",
                         key, "down");
            }
        }
    }

    // Pair downs with ups by version (titles may differ).
    // (both maps in version order: one walk)
    auto walk = reg.by_version.begin();
    for (auto &[key, d] : downs) {
        while (walk != reg.by_version.end() && VersionLess{}(walk->first, key))
            ++walk;
        auto it = walk != reg.by_version.end() && walk->first == key ? walk : reg.by_version.end();
        if (it == reg.by_version.end()) {
            b.stray(d.rel,
                    fmt::format("down script for version {}, which has no up script", d.version));
            continue;
        }
        it->second.down_file = join_path(dir, d.rel);
        it->second.down_sql = std::move(d.text);
    }

    if (!b.errors.empty())
        throw InputError(fmt::format("{}", fmt::join(b.errors, "\n")));

    f.migrations.reserve(reg.by_version.size());
    for (auto &[key, m] : reg.by_version) {
        if (m.checksum.empty())
            m.checksum = sha256_hex(m.up_sql);
        if (m.down_sql && b.read_downs)
            m.down_checksum = sha256_hex(*m.down_sql);
        f.migrations.push_back(std::move(m));
    }
    auto by_version = [](const Migration &a, const Migration &c) {
        return compare_versions(a.version, c.version) < 0;
    };
    // canonical keys of equal-width versions are already in order (one pass checks it)
    if (!std::is_sorted(f.migrations.begin(), f.migrations.end(), by_version))
        std::sort(f.migrations.begin(), f.migrations.end(), by_version);
    for (auto &r : f.repeatables)
        r.checksum = sha256_hex(r.up_sql);
    std::sort(f.repeatables.begin(), f.repeatables.end(),
              [](const Migration &a, const Migration &c) { return a.name < c.name; });
    f.warnings = std::move(b.warnings);
    if (cache)
        cache->save();
    return f;
}

} // namespace mig::client
