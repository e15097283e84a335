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
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <fcntl.h>
#include <unordered_map>
#include <unistd.h>

namespace mig::client {
namespace {

// Prisma (directory layout): each migration's script, and the folder's provider lock file.
const char *const kPrismaScript = "migration.sql";
const char *const kPrismaLock = "migration_lock.toml";

std::string join_path(const std::string &dir, std::string_view rel) {
    std::string out;
    out.reserve(dir.size() + 1 + rel.size());
    out += dir;
    if (!dir.empty() && dir.back() != '/')
        out += '/';
    out += rel;
    return out;
}

bool blank(const std::string &s) {
    return trim(s).empty();
}

// Items by canonical version, kept in the order they arrive; duplicates are found as they
// arrive. Files come in name order, which is version order when versions have equal widths:
// a new key is then compared with the last one only (no tree, no hashing). The first key out of
// order switches to a hash index.
template <class T> class ByVersion {
  public:
    static constexpr size_t npos = static_cast<size_t>(-1);
    void reserve(size_t n) {
        keys_.reserve(n);
        items_.reserve(n);
    }
    size_t size() const { return keys_.size(); }
    const std::string &key(size_t i) const { return keys_[i]; }
    T &operator[](size_t i) { return items_[i]; }
    // Index of the item whose key is `key`, or npos; *after_last = whether the key sorts after
    // every key so far.
    size_t find(const std::string &key, bool *after_last = nullptr) const {
        if (after_last)
            *after_last = false;
        if (keys_.empty())
            return npos;
        if (in_order_) {
            if (VersionLess{}(keys_.back(), key)) {
                if (after_last)
                    *after_last = true;
                return npos;
            }
            auto it = std::lower_bound(keys_.begin(), keys_.end(), key, VersionLess{});
            return it != keys_.end() && *it == key ? static_cast<size_t>(it - keys_.begin()) : npos;
        }
        auto it = index_.find(key);
        return it == index_.end() ? npos : it->second;
    }
    // Adds an item whose key find() did not find. `after_last`: find() saw that it sorts after
    // every key so far (saves comparing it again).
    void add(std::string key, T item, bool after_last = false) {
        items_.push_back(std::move(item));
        keep(std::move(key), after_last);
    }
    // Building an item in place: pending() appends an empty one, then keep() (its key, which
    // find() did not find) or discard().
    T &pending() { return items_.emplace_back(); }
    void keep(std::string key, bool after_last) {
        if (!after_last && in_order_ && !keys_.empty() && !VersionLess{}(keys_.back(), key)) {
            in_order_ = false;
            index_.reserve(keys_.size() * 2);
            for (size_t i = 0; i < keys_.size(); ++i)
                index_.emplace(keys_[i], i);
        }
        if (!in_order_)
            index_.emplace(key, keys_.size());
        keys_.push_back(std::move(key));
    }
    void discard() { items_.pop_back(); }
    // Indices in version order.
    std::vector<size_t> ordered() const {
        std::vector<size_t> order(keys_.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        if (!in_order_)
            std::sort(order.begin(), order.end(),
                      [this](size_t a, size_t b) { return VersionLess{}(keys_[a], keys_[b]); });
        return order;
    }
    // The items in version order (moved out; nothing is moved when they came in order).
    std::vector<T> take_ordered() {
        if (in_order_)
            return std::move(items_);
        std::vector<T> out;
        out.reserve(items_.size());
        for (size_t i : ordered())
            out.push_back(std::move(items_[i]));
        return out;
    }

  private:
    std::vector<std::string> keys_;
    std::vector<T> items_;
    bool in_order_ = true;
    std::unordered_map<std::string, size_t> index_; // once out of order
};

// Collects migrations by canonical version and reports duplicates naming both files.
struct Registry {
    ByVersion<Migration> by_version; // canonical -> migration
    std::vector<std::string> &errors;
    Migration *pending_ = nullptr;

    // A migration built in place (10,000 of them are never moved): fill next(), then commit()
    // or drop() it.
    Migration &next() { return *(pending_ = &by_version.pending()); }
    void commit() {
        Migration &m = *pending_;
        std::string key = canonical_version(m.version);
        bool after_last = false;
        size_t i = by_version.find(key, &after_last);
        if (i != by_version.npos) {
            errors.push_back(fmt::format("duplicate version {}: {} and {}", m.version,
                                         by_version[i].up_file, m.up_file));
            by_version.discard();
            return;
        }
        by_version.keep(std::move(key), after_last);
    }
    void drop() { by_version.discard(); }
    void add(Migration m) {
        next() = std::move(m);
        commit();
    }
};

// A down script as the folder is read (moved into its migration when paired).
struct DownScript {
    std::optional<std::string> text;     // in memory
    std::optional<std::string> checksum; // known (hashed, or from the stat cache)
    bool streamed = false, unread = false;
    void move_into(Migration &m) {
        m.down_sql = std::move(text);
        m.down_checksum = std::move(checksum);
        m.down_streamed = streamed;
        m.down_unread = unread;
    }
};

struct Builder {
    const std::string &dir;
    std::vector<std::string> errors;
    std::vector<std::string> warnings;
    bool read_downs = true;
    bool defer = false; // LoadOptions::defer_reads

    void stray(std::string_view rel, const std::string &why) {
        warnings.push_back(fmt::format("{}: ignored ({})", join_path(dir, rel), why));
    }

    int dirfd = -1;

    size_t stream_above = SIZE_MAX;

    std::optional<std::string> read(std::string_view rel) {
        return read_script_at(dirfd, std::string(rel), join_path(dir, rel), errors);
    }
    // The checksum the stat cache has for `rel`, if the file's stat matches. A name the cache
    // has no entry for is not even stat'ed. rel.data() is NUL-terminated.
    std::optional<std::string> cached(std::string_view rel, struct stat &st) {
        if (!cache)
            return std::nullopt;
        return cache->lookup_at(dirfd, rel.data(), rel, st);
    }
    // An up script: left unread (defer), or its checksum from the cache, or read whole, or
    // (above stream_above bytes) checked and hashed in chunks and not kept. False when
    // unreadable (the error is recorded). rel.data() is NUL-terminated.
    bool read_up(std::string_view rel, Migration &m) {
        if (defer) { // its cache entry is kept by save_cache() if it stays unread
            m.up_unread = m.up_streamed = true;
            return true;
        }
        struct stat st {};
        if (auto sum = cached(rel, st)) {
            m.checksum = std::move(*sum);
            m.up_streamed = true;
            m.up_size = static_cast<unsigned long long>(st.st_size);
            return true;
        }
        std::string shown = join_path(dir, rel);
        ScriptFile file = open_script(dirfd, std::string(rel), shown, errors);
        if (!file.ok())
            return false;
        if (stream_above != SIZE_MAX && static_cast<uint64_t>(file.st.st_size) > stream_above) {
            Sha256 h;
            if (!stream_open_script(file, shown, errors,
                                    [&](std::string_view part) { h.update(part); }))
                return false;
            m.up_streamed = true;
            m.up_size = static_cast<unsigned long long>(file.st.st_size);
            m.checksum = h.hex();
        } else {
            auto t = read_open_script(file, shown, errors);
            if (!t)
                return false;
            m.up_sql = std::move(*t);
            m.checksum = sha256_hex(m.up_sql);
        }
        if (cache && S_ISREG(file.st.st_mode))
            cache->store(rel, file.st, m.checksum);
        return true;
    }
    // A down script, the same way (never streamed: down scripts are read whole). Not read at
    // all without read_downs (`status`), but its cache entry is kept. rel.data() is
    // NUL-terminated.
    bool read_down(std::string_view rel, DownScript &d) {
        if (defer || !read_downs) {
            d.unread = d.streamed = true;
            if (cache && !defer)
                cache->keep(rel);
            return true;
        }
        struct stat st {};
        if (auto sum = cached(rel, st)) {
            d.checksum = std::move(sum);
            d.streamed = true;
            return true;
        }
        auto t = read_script_at(dirfd, std::string(rel), join_path(dir, rel), errors, &st);
        if (!t)
            return false;
        d.checksum = sha256_hex(*t);
        if (cache && S_ISREG(st.st_mode))
            cache->store(rel, st, *d.checksum);
        d.text = std::move(t);
        return true;
    }

    StatCache *cache = nullptr;

    ~Builder() {
        if (dirfd >= 0)
            ::close(dirfd);
    }
};

// A sqitch project: one migration per change of sqitch.plan, in plan order, its version the
// change's position (1, 2, …: sqitch plans only grow at the end), deploy/SCRIPT.sql the up
// script and revert/SCRIPT.sql the down. Scripts in deploy/ or revert/ that no change names are
// stray files; verify/ is sqitch's own (not run).
void load_sqitch_plan(Builder &b, Registry &reg, const std::vector<Entry> &entries) {
    const std::string plan_path = join_path(b.dir, "sqitch.plan");
    auto text = b.read("sqitch.plan");
    if (!text)
        return;
    std::vector<SqitchChange> changes;
    try {
        changes = parse_sqitch_plan(*text, plan_path);
    } catch (const InputError &e) {
        b.errors.push_back(e.what());
        return;
    }
    auto dir_entry = [&](std::string_view name) -> const Entry * {
        for (const auto &e : entries)
            if (e.is_dir && e.name == name)
                return &e;
        return nullptr;
    };
    const Entry *deploy = dir_entry("deploy");
    const Entry *revert = dir_entry("revert");
    // A change's scripts may be in subdirectories (names with '/'): asked by path.
    auto has_file = [&](const std::string &rel) {
        struct stat st {};
        return ::fstatat(b.dirfd, rel.c_str(), &st, 0) == 0 && S_ISREG(st.st_mode);
    };
    std::set<std::string> used; // the first path component of each script's name
    int position = 0;
    for (const auto &c : changes) {
        ++position;
        std::string file = c.script + ".sql";
        used.insert(file.substr(0, file.find('/')));
        if (!has_file("deploy/" + file)) {
            b.errors.push_back(fmt::format("{}:{}: change {}: {} does not exist", plan_path, c.line,
                                           c.name, join_path(b.dir, "deploy/" + file)));
            continue;
        }
        Migration m;
        m.version = std::to_string(position);
        m.name = c.name;
        std::string up_rel = "deploy/" + file;
        m.up_file = join_path(b.dir, up_rel);
        if (!b.read_up(up_rel, m))
            continue;
        if (has_file("revert/" + file)) {
            std::string down_rel = "revert/" + file;
            DownScript d;
            if (b.read_down(down_rel, d)) {
                m.down_file = join_path(b.dir, down_rel);
                d.move_into(m);
            }
        }
        reg.add(std::move(m));
    }
    for (const Entry *d : {deploy, revert})
        if (d)
            for (const auto &child : d->children)
                if (!used.count(child))
                    b.stray(std::string(d->name) + "/" + child, "no change of sqitch.plan");
}

// graphile-migrate's settings: .gmrc in the project, two levels above migrations/committed (or
// one, for a folder pointed at directly); "" when there is none.
std::string read_gmrc(const std::string &dir) {
    for (const char *rel : {"../../.gmrc", "../.gmrc"}) {
        std::ifstream in(join_path(dir, rel), std::ios::binary);
        if (in)
            return std::string(std::istreambuf_iterator<char>(in), {});
    }
    return {};
}

// A drizzle-kit folder: one migration per entry of meta/_journal.json, in its order, TAG.sql
// the up script (drizzle-kit writes no down scripts). A .sql file the journal does not list is
// not run, as drizzle does not run it either: it is a stray file.
void load_drizzle_journal(Builder &b, Registry &reg, const std::vector<Entry> &entries) {
    const std::string journal = "meta/_journal.json";
    auto text = b.read(journal);
    if (!text)
        return;
    std::vector<std::string> tags;
    try {
        tags = parse_drizzle_journal(*text, join_path(b.dir, journal));
    } catch (const InputError &e) {
        b.errors.push_back(e.what());
        return;
    }
    std::set<std::string, std::less<>> listed;
    for (const auto &tag : tags) {
        std::string file = tag + ".sql";
        listed.insert(file);
        auto parts = split_version_title(tag);
        bool present = std::any_of(entries.begin(), entries.end(),
                                   [&](const Entry &e) { return !e.is_dir && e.name == file; });
        if (!parts || !present) {
            b.errors.push_back(
                fmt::format("{}: entry \"{}\": {}", join_path(b.dir, journal), tag,
                            !parts ? "its name has no version (expected NNNN_name)"
                                   : fmt::format("{} does not exist", join_path(b.dir, file))));
            continue;
        }
        Migration m;
        m.version = *normalize_version(parts->version_raw);
        m.name = parts->title;
        m.up_file = join_path(b.dir, file);
        if (b.read_up(file, m))
            reg.add(std::move(m));
    }
    for (const auto &e : entries) {
        if (e.is_dir) {
            if (e.name != "meta")
                b.stray(std::string(e.name) + "/", "not part of the drizzle-kit folder");
        } else if (!listed.count(e.name)) {
            b.stray(std::string(e.name),
                    ends_with(e.name, ".sql")
                        ? "not in meta/_journal.json, so drizzle does not run it either"
                        : "not part of the drizzle-kit folder");
        }
    }
}

// Kind of a top-level file, before the layout is known.
enum class Kind {
    Golang,
    Flyway,
    Dbmate,
    Goose,
    SqlMigrate,
    Numbered,
    BlankSql,
    SqitchPlan,
    Liquibase,
    Tern,
    NodePgMigrate,
    Graphile,
    Postgrator,
    Shmig,
    DrizzleMeta,
    Stray,
    Dir,
    StrayDir
};

// The layouts of one file per migration with up and down sections: the kind of file each
// reads (by its marker style), the marker named when a file of its folder lacks it, whether a
// file without markers is an up-only migration there (tern, node-pg-migrate) and whether its
// names may be VERSION-title.
struct Sectioned {
    Layout layout;
    Kind kind;
    SectionStyle style;
    const char *marker;
    bool unmarked_up_only;
    bool dashed_names;
};
const Sectioned kSectioned[] = {
    {Layout::Dbmate, Kind::Dbmate, SectionStyle::Dbmate, "-- migrate:up", false, true},
    {Layout::Goose, Kind::Goose, SectionStyle::Goose, "-- +goose Up", false, true},
    {Layout::SqlMigrate, Kind::SqlMigrate, SectionStyle::SqlMigrate, "-- +migrate Up", false, true},
    {Layout::Liquibase, Kind::Liquibase, SectionStyle::Liquibase, "--liquibase formatted sql",
     false, true},
    {Layout::Tern, Kind::Tern, SectionStyle::Tern, "---- create above / drop below ----", true,
     false},
    {Layout::NodePgMigrate, Kind::NodePgMigrate, SectionStyle::NodePgMigrate, "-- Up Migration",
     true, false},
    {Layout::Graphile, Kind::Graphile, SectionStyle::Graphile, "--! Previous:", false, true},
    {Layout::Shmig, Kind::Shmig, SectionStyle::Shmig, "-- ====  UP  ====", false, true},
};
const Sectioned *sectioned_by_style(SectionStyle style) {
    for (const auto &x : kSectioned)
        if (x.style == style)
            return &x;
    return nullptr;
}
const Sectioned *sectioned_by_layout(Layout layout) {
    for (const auto &x : kSectioned)
        if (x.layout == layout)
            return &x;
    return nullptr;
}

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
    if (down) {
        if (m.down_sql)
            return line_of(*m.down_sql, n);
        return m.down_streamed ? line_of_file(m.down_file, n) : std::string();
    }
    if (m.up_streamed)
        return line_of_file(m.up_file, n);
    return line_of(m.up_sql, n);
}

namespace {

// Flyway runs the latest baseline migration (B5__…) on a database with no migration yet, then
// the V migrations above it. With the V migrations it stands for still in the folder, running
// them is the same and pgmig does that (its databases may have them applied); without them, the
// latest B is the folder's first migration. Older B scripts are superseded.
void use_flyway_baseline(Folder &f, std::vector<Migration> bs, std::vector<std::string> &warnings) {
    if (bs.empty())
        return;
    std::sort(bs.begin(), bs.end(), [](const Migration &a, const Migration &c) {
        return compare_versions(a.version, c.version) < 0;
    });
    Migration &latest = bs.back();
    for (size_t i = 0; i + 1 < bs.size(); ++i)
        warnings.push_back(fmt::format("{}: ignored (a Flyway baseline migration superseded by {})",
                                       bs[i].up_file, latest.up_file));
    if (!f.migrations.empty() &&
        compare_versions(f.migrations.front().version, latest.version) <= 0) {
        warnings.push_back(fmt::format(
            "{}: ignored (a Flyway baseline migration: the V migrations it stands for, from {}, "
            "are in the folder and run instead)",
            latest.up_file, f.migrations.front().up_file));
        return;
    }
    f.migrations.insert(f.migrations.begin(), std::move(latest));
}

} // namespace

Folder load_folder(const std::string &dir, const LoadOptions &opt) {
    // A cache read up front is parsed while the folder is listed: neither needs the other, and
    // for 10,000 migrations each takes several milliseconds (`status`, docs/performance.md).
    std::future<std::shared_ptr<StatCache>> cache_ahead;
    if (opt.use_cache && !opt.defer_reads)
        cache_ahead = std::async(std::launch::async,
                                 [&dir] { return std::make_shared<StatCache>(dir, false); });
    auto listing = list_folder(dir);
    const std::vector<Entry> &entries = listing.entries;
    Builder b{dir, {}, {}, opt.read_downs, opt.defer_reads};
    b.stream_above = opt.stream_above;
    b.dirfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (b.dirfd < 0)
        throw InputError(fmt::format("{}: cannot open the folder", dir));
    std::shared_ptr<StatCache> cache;
    if (opt.use_cache) {
        cache = cache_ahead.valid() ? cache_ahead.get()
                                    : std::make_shared<StatCache>(dir, true); // read when used
        b.cache = cache.get();
    }
    std::map<std::string, std::string, std::less<>> contents; // rel -> text (top-level .sql)
    std::vector<std::pair<Kind, const Entry *>> kinds;
    kinds.reserve(entries.size());
    std::vector<std::optional<GolangNameView>> golang(entries.size()); // parsed once, by entry

    for (const auto &e : entries) {
        Kind k;
        if (e.is_dir && e.name == "meta" &&
            std::count(e.children.begin(), e.children.end(), "_journal.json")) {
            k = Kind::DrizzleMeta;
        } else if (e.is_dir) {
            bool has = std::count(e.children.begin(), e.children.end(), "up.sql") ||
                       std::count(e.children.begin(), e.children.end(), "down.sql") ||
                       std::count(e.children.begin(), e.children.end(), kPrismaScript);
            k = has ? Kind::Dir : Kind::StrayDir;
        } else if (e.name == "sqitch.plan") {
            k = Kind::SqitchPlan;
        } else if ((golang[&e - entries.data()] = parse_golang_name_view(e.name))) {
            k = Kind::Golang;
        } else if ((golang[&e - entries.data()] = parse_postgrator_name_view(e.name))) {
            k = Kind::Postgrator;
        } else if (parse_flyway_name(std::string(e.name))) {
            k = Kind::Flyway;
        } else if (ends_with(e.name, ".sql") &&
                   (split_version_title_view(e.name.substr(0, e.name.size() - 4)) ||
                    split_dashed_version_title_view(e.name.substr(0, e.name.size() - 4)))) {
            // VERSION-title (sql-migrate's default, graphile-migrate's) only for a file with
            // markers of a layout whose names have it; dbmate's, tern's, node-pg-migrate's and
            // numbered files' names have '_'
            bool underscored =
                split_version_title_view(e.name.substr(0, e.name.size() - 4)).has_value();
            auto text = b.read(e.name);
            if (!text) {
                k = underscored ? Kind::Numbered : Kind::Stray;
            } else {
                auto style = section_style(*text);
                k = style ? sectioned_by_style(*style)->kind
                          : (blank(*text) ? Kind::BlankSql : Kind::Numbered);
                if (!underscored && (!style || !sectioned_by_style(*style)->dashed_names))
                    k = Kind::Stray;
                else
                    contents[std::string(e.name)] = std::move(*text);
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
            first_of[k] = std::string(e->name);
    Folder f;
    f.dir = dir;
    auto has = [&](Kind k) { return first_of.count(k) > 0; };
    std::vector<std::pair<Layout, std::string>> seen;
    if (has(Kind::SqitchPlan)) // the plan decides: anything else is a stray file
        seen.emplace_back(Layout::Sqitch, "sqitch.plan");
    else if (has(Kind::DrizzleMeta)) // so does drizzle-kit's journal
        seen.emplace_back(Layout::Drizzle, "meta/_journal.json");
    else if (has(Kind::Dir))
        seen.emplace_back(Layout::Directory, first_of[Kind::Dir] + "/");
    if (has(Kind::Golang))
        seen.emplace_back(Layout::GolangMigrate, first_of[Kind::Golang]);
    if (has(Kind::Postgrator))
        seen.emplace_back(Layout::Postgrator, first_of[Kind::Postgrator]);
    if (has(Kind::Flyway))
        seen.emplace_back(Layout::Flyway, first_of[Kind::Flyway]);
    if (!has(Kind::Dir) && !has(Kind::DrizzleMeta)) {
        bool numbered_taken = false; // files without markers are that layout's up-only ones
        for (const auto &x : kSectioned)
            if (has(x.kind)) {
                seen.emplace_back(x.layout, first_of[x.kind]);
                numbered_taken = numbered_taken || x.unmarked_up_only;
            }
        if (has(Kind::Numbered) && !numbered_taken)
            seen.emplace_back(Layout::Numbered, first_of[Kind::Numbered]);
        if (seen.empty() && has(Kind::BlankSql))
            seen.emplace_back(Layout::Numbered, first_of[Kind::BlankSql]);
    }
    if (seen.size() > 1) {
        std::string msg = fmt::format("{}: the folder mixes migration layouts:", dir);
        for (auto &[l, file] : seen)
            msg += fmt::format("\n  {} ({})", join_path(dir, file), layout_name(l));
        msg += "\n  keep one layout per folder (see docs/layouts.md)";
        b.errors.insert(b.errors.begin(), msg);
        throw InputError(fmt::format("{}", fmt::join(b.errors, "\n")));
    }
    f.layout = seen.empty() ? Layout::Empty : seen[0].first;

    Registry reg{{}, b.errors};
    bool paired_files = f.layout == Layout::GolangMigrate || f.layout == Layout::Postgrator;
    reg.by_version.reserve(paired_files ? entries.size() / 2 + 1 : entries.size());
    struct Down {
        std::string_view rel; // an entry's name
        DownScript script;
        std::string version; // as written
    };
    ByVersion<Down> downs; // canonical -> down script
    if (paired_files)
        downs.reserve(entries.size() / 2 + 1);
    // a later duplicate replaces the first (both named in the error)
    auto add_down = [&](std::string key, std::string_view rel, DownScript script,
                        const std::string &version, const char *what) {
        bool after_last = false;
        size_t i = downs.find(key, &after_last);
        if (i != downs.npos) {
            b.errors.push_back(fmt::format("duplicate {} scripts for version {}: {} and {}", what,
                                           version, join_path(dir, downs[i].rel),
                                           join_path(dir, rel)));
            downs[i] = {rel, std::move(script), version};
            return;
        }
        downs.add(std::move(key), Down{rel, std::move(script), version}, after_last);
    };

    struct ScriptConfig {
        std::string script;    // the script it configures (a name beside it)
        std::string_view file; // SCRIPT.conf
        FlywayScriptConfig config;
    };
    std::vector<ScriptConfig> script_configs;                  // Flyway's
    std::optional<std::vector<std::string>> gmrc_placeholders; // graphile-migrate's, when needed
    std::vector<std::string> unread_sql;     // .sql files of a folder with no migration
    std::vector<Migration> flyway_baselines; // Flyway's B…__ scripts
    // Prisma and sql-migrate run migrations of one version in name order (the names come
    // sorted): VERSION, then VERSION.1, VERSION.2, …
    std::string same_last_key;
    int same_count = 0;
    auto same_version_in_name_order = [&](Migration &m) {
        std::string key = canonical_version(m.version);
        if (key == same_last_key) {
            m.version += "." + std::to_string(++same_count);
        } else {
            same_last_key = std::move(key);
            same_count = 0;
        }
    };

    for (auto &[k, e] : kinds) {
        std::string_view name = e->name;
        switch (f.layout) {
        case Layout::Directory: {
            std::string dname(name);
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
                // Prisma's directories hold one migration.sql (the up script; no down)
                bool prisma =
                    !has_up && std::count(e->children.begin(), e->children.end(), kPrismaScript);
                if (!has_up && !prisma) {
                    b.errors.push_back(fmt::format("{}: down.sql without up.sql",
                                                   join_path(dir, dname + "/down.sql")));
                    continue;
                }
                Migration m;
                m.version = *normalize_version(parts->version_raw);
                // Prisma names a migration by its directory and runs them in name order:
                // directories of one timestamp (langfuse's _01 … _07) are VERSION, VERSION.1, …
                if (prisma)
                    same_version_in_name_order(m);
                m.name = parts->title;
                std::string up_rel = dname + "/" + (prisma ? kPrismaScript : "up.sql");
                m.up_file = join_path(dir, up_rel);
                b.read_up(up_rel, m);
                for (const auto &c : e->children) {
                    if (c == "up.sql" || (prisma && c == kPrismaScript))
                        continue;
                    if (c == "down.sql") {
                        m.down_file = join_path(dir, dname + "/down.sql");
                        DownScript d;
                        b.read_down(dname + "/down.sql", d);
                        d.move_into(m);
                    } else if (c == "metadata.toml") {
                        if (auto t = b.read(dname + "/metadata.toml")) {
                            try {
                                m.no_transaction = !diesel_runs_in_transaction(
                                    *t, join_path(dir, dname + "/metadata.toml"));
                            } catch (const InputError &err) {
                                b.errors.push_back(err.what());
                            }
                        }
                    } else if (c == "metadata.yaml") {
                        // Sourcegraph's: names the migration of a bare-number directory
                        if (m.name.empty())
                            if (auto t = b.read(dname + "/metadata.yaml"))
                                m.name = sourcegraph_metadata_name(*t);
                    } else {
                        b.stray(dname + "/" + c,
                                "not up.sql, down.sql, metadata.toml or metadata.yaml");
                    }
                }
                reg.add(std::move(m));
            } else if (k == Kind::StrayDir) {
                b.stray(dname + "/", "directory without up.sql");
            } else if (name == kPrismaLock) {
                // Prisma's record of the database provider: belongs to the folder
            } else {
                b.stray(name, "a loose file in a directory-per-migration folder");
            }
            break;
        }
        case Layout::GolangMigrate:
        case Layout::Postgrator: {
            // up and down files paired by version: golang-migrate's VERSION_title.up.sql,
            // Postgrator's VERSION.do.title.sql
            bool postgrator = f.layout == Layout::Postgrator;
            if (k != (postgrator ? Kind::Postgrator : Kind::Golang)) {
                if (name == "atlas.sum")
                    break; // Atlas writes golang-migrate folders too (--dir-format)
                b.stray(name, k == Kind::StrayDir ? "directory"
                              : postgrator        ? "not VERSION.do.title.sql / VERSION.undo…"
                                                  : "not VERSION_title.up.sql / .down.sql");
                break;
            }
            auto &g = golang[e - entries.data()];
            if (!g->versioned) {
                const char *what = g->dir == Direction::Up ? (postgrator ? "do" : "up")
                                                           : (postgrator ? "undo" : "down");
                b.errors.push_back(fmt::format("{}: {} file name has no version (expected {}{}{})",
                                               join_path(dir, name), what,
                                               postgrator ? "VERSION." : "VERSION_title.", what,
                                               postgrator ? ".title.sql" : ".sql"));
                break;
            }
            std::string v = *normalize_version(g->version_raw);
            if (g->dir == Direction::Up) {
                Migration &m = reg.next();
                m.version = std::move(v);
                m.name = std::string(g->title);
                m.up_file = join_path(dir, name);
                if (b.read_up(name, m))
                    reg.commit();
                else
                    reg.drop();
            } else {
                DownScript d;
                if (!b.read_down(name, d))
                    break;
                add_down(canonical_version(v), name, std::move(d), v, "down");
            }
            break;
        }
        case Layout::Dbmate:
        case Layout::Goose:
        case Layout::SqlMigrate:
        case Layout::Liquibase:
        case Layout::Tern:
        case Layout::NodePgMigrate:
        case Layout::Graphile:
        case Layout::Shmig: {
            // one file per migration with up and down sections, in one of several dialects
            const Sectioned &sec = *sectioned_by_layout(f.layout);
            bool up_only = k == Kind::Numbered && sec.unmarked_up_only;
            if (k != sec.kind && k != Kind::BlankSql && !up_only) {
                if (f.layout == Layout::Tern && name == "tern.conf")
                    break; // tern's settings (its default place is the migrations folder)
                if (k == Kind::Numbered)
                    b.errors.push_back(fmt::format("{}: no '{}' section ({} folder)",
                                                   join_path(dir, name), sec.marker,
                                                   layout_name(f.layout)));
                else
                    b.stray(name, fmt::format("not a {} migration", layout_name(f.layout)));
                break;
            }
            std::string_view stem = name.substr(0, name.size() - 4);
            auto parts = split_version_title_view(stem);
            if (!parts)
                parts = split_dashed_version_title_view(stem);
            std::string text;
            if (auto it = contents.find(name); it != contents.end()) {
                text = std::move(it->second);
                contents.erase(it);
            }
            Migration m;
            m.version = *normalize_version(parts->first);
            // sql-migrate orders files of one number by name (nakama's …540-uid-1, …540-uid-2)
            if (f.layout == Layout::SqlMigrate)
                same_version_in_name_order(m);
            m.name = std::string(parts->second);
            m.up_file = join_path(dir, name);
            // tern's file without a separator is still tern's (its templates, disable-tx)
            if (k == sec.kind || (up_only && f.layout == Layout::Tern)) {
                auto s = parse_sections(text, sec.style);
                text.clear();
                text.shrink_to_fit();
                if (!s.unsupported.empty()) {
                    b.errors.push_back(
                        fmt::format("{}:{}: {}", m.up_file, s.unsupported_line, s.unsupported));
                    break;
                }
                if (f.layout == Layout::Graphile) {
                    if (!gmrc_placeholders)
                        gmrc_placeholders = graphile_placeholders(read_gmrc(dir));
                    auto [line, key] = graphile_placeholder_use(s.up, *gmrc_placeholders);
                    if (line) {
                        b.errors.push_back(fmt::format(
                            "{}:{}: graphile-migrate's placeholder {} is not substituted by pgmig "
                            "(what ran would not be what was checksummed): write its value "
                            "into the script",
                            m.up_file, line, key));
                        break;
                    }
                }
                m.up_sql = std::move(s.up);
                m.up_line_offset = s.up_offset;
                m.no_transaction = s.up_no_transaction;
                if (s.down) {
                    m.down_sql = std::move(s.down);
                    m.down_file = m.up_file;
                    m.down_line_offset = s.down_offset;
                    m.down_line_map = std::move(s.down_lines);
                }
            } else if (up_only) {
                // node-pg-migrate would split this file at a line pgmig does not take for a
                // marker: refuse it rather than run a down section as part of the up
                if (f.layout == Layout::NodePgMigrate)
                    if (int line = node_pg_migrate_loose_line(text)) {
                        b.errors.push_back(
                            fmt::format("{}:{}: {}", m.up_file, line, kNodePgMigrateLooseMarker));
                        break;
                    }
                m.up_sql = std::move(text);
            }
            reg.add(std::move(m));
            break;
        }
        case Layout::Flyway: {
            auto fw = k == Kind::Flyway ? parse_flyway_name(std::string(name)) : std::nullopt;
            if (!fw) {
                std::string_view script = name.substr(0, name.size() - 5);
                if (ends_with(name, ".sql.conf") && parse_flyway_name(std::string(script))) {
                    // its script's configuration: applied once the migrations are known
                    if (auto t = b.read(name)) {
                        try {
                            auto c = parse_flyway_script_config(*t, join_path(dir, name));
                            for (const auto &key : c.ignored)
                                b.warnings.push_back(fmt::format("{}: {} is not used by pgmig",
                                                                 join_path(dir, name), key));
                            script_configs.push_back({std::string(script), name, c});
                        } catch (const InputError &err) {
                            b.errors.push_back(err.what());
                        }
                    }
                } else if (auto event = flyway_callback_event(name); !event.empty()) {
                    b.stray(name, fmt::format("a Flyway {} callback: pgmig runs no callbacks; run "
                                              "it yourself after `pgmig up`, or make it an "
                                              "R__ migration if it is idempotent",
                                              event));
                } else {
                    b.stray(name, "not V{version}__{description}.sql, U…, B… or R__…");
                }
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
            if (fw->kind == FlywayKind::Baseline) {
                Migration m;
                m.version = fw->version;
                m.name = fw->description;
                m.up_file = join_path(dir, name);
                m.flyway_baseline = true;
                if (b.read_up(name, m))
                    flyway_baselines.push_back(std::move(m));
                break;
            }
            if (fw->kind == FlywayKind::Undo) {
                DownScript d;
                if (b.read_down(name, d))
                    add_down(canonical_version(fw->version), name, std::move(d), fw->version,
                             "undo");
                break;
            }
            auto text = b.read(name); // repeatable: read now, compared by its checksum
            if (!text)
                break;
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
            break;
        }
        case Layout::Numbered: {
            if (name == "atlas.sum")
                break; // Atlas's checksums of the folder's files: belongs to the folder
            if (k != Kind::Numbered && k != Kind::BlankSql) {
                b.stray(name, k == Kind::StrayDir ? "directory" : "not NNN_name.sql");
                break;
            }
            break; // paired below
        }
        case Layout::Sqitch:
            if (k == Kind::SqitchPlan)
                load_sqitch_plan(b, reg, entries);
            else if (!(k == Kind::StrayDir &&
                       (name == "deploy" || name == "revert" || name == "verify")) &&
                     name != "sqitch.conf")
                b.stray(k == Kind::StrayDir ? std::string(name) + "/" : std::string(name),
                        "not part of the sqitch project");
            break;
        case Layout::Drizzle:
            if (k == Kind::DrizzleMeta)
                load_drizzle_journal(b, reg, entries); // and names the files it does not list
            break;
        case Layout::Empty:
            if (k == Kind::StrayDir)
                b.stray(std::string(name) + "/", "directory without up.sql");
            else if (ends_with(name, ".sql"))
                unread_sql.push_back(join_path(dir, name));
            else
                b.stray(name, "not a migration file");
            break;
        }
    }
    // SQL files and no migration: not an empty folder but one pgmig cannot read (a layout it
    // does not know, or --dir pointing at the wrong folder); `up` must not succeed doing nothing
    if (!unread_sql.empty()) {
        std::string names;
        for (size_t i = 0; i < unread_sql.size() && i < 3; ++i)
            names += (i ? ", " : "") + unread_sql[i];
        if (unread_sql.size() > 3)
            names += fmt::format(" and {} more", unread_sql.size() - 3);
        b.errors.push_back(fmt::format(
            "{}: no migration found, but {} .sql file(s) are not migrations of any layout pgmig "
            "reads: {} (docs/layouts.md lists the names and markers of each layout)",
            dir, unread_sql.size(), names));
    }

    if (f.layout == Layout::Numbered) {
        // NNN_name_down.sql is a down script when another file has the same version.
        std::map<std::string, std::vector<std::string_view>> files_by_version;
        for (auto &[k, e] : kinds)
            if (k == Kind::Numbered || k == Kind::BlankSql) {
                auto p = split_version_title(e->name.substr(0, e->name.size() - 4));
                files_by_version[canonical_version(*normalize_version(p->version_raw))].push_back(
                    e->name);
            }
        for (auto &[key, files] : files_by_version) {
            std::vector<std::string_view> ups, dns;
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
                if (auto it = contents.find(n); it != contents.end())
                    m.up_sql = std::move(it->second);
                m.no_transaction = numbered_file_no_transaction(m.up_sql);
                reg.add(std::move(m));
            }
            if (dns.size() > 1)
                b.errors.push_back(fmt::format("duplicate down scripts for version {}: {} and {}",
                                               key, join_path(dir, dns[0]),
                                               join_path(dir, dns[1])));
            if (!dns.empty()) {
                auto it = contents.find(dns[0]);
                DownScript d;
                d.text = it != contents.end() ? std::move(it->second) : "";
                add_down(key, dns[0], std::move(d), key, "down");
            }
        }
    }

    // Pair downs with ups by version (titles may differ): both in version order, one walk.
    std::vector<size_t> ups = reg.by_version.ordered();
    size_t walk = 0;
    for (size_t di : downs.ordered()) {
        const std::string &key = downs.key(di);
        Down &d = downs[di];
        while (walk < ups.size() && reg.by_version.key(ups[walk]) != key &&
               VersionLess{}(reg.by_version.key(ups[walk]), key))
            ++walk;
        if (walk == ups.size() || reg.by_version.key(ups[walk]) != key) {
            b.stray(d.rel,
                    fmt::format("down script for version {}, which has no up script", d.version));
            continue;
        }
        Migration &m = reg.by_version[ups[walk]];
        m.down_file = join_path(dir, d.rel);
        d.script.move_into(m);
    }

    if (!b.errors.empty())
        throw InputError(fmt::format("{}", fmt::join(b.errors, "\n")));

    // in version order: canonical keys compare as their versions do
    f.migrations = reg.by_version.take_ordered();
    use_flyway_baseline(f, std::move(flyway_baselines), b.warnings);
    for (const auto &sc : script_configs) {
        std::string script = join_path(dir, sc.script);
        auto of_script = [&](const Migration &m) { return m.up_file == script; };
        auto it = std::find_if(f.migrations.begin(), f.migrations.end(), of_script);
        auto rt = std::find_if(f.repeatables.begin(), f.repeatables.end(), of_script);
        if (it != f.migrations.end())
            it->no_transaction = it->no_transaction || sc.config.no_transaction;
        else if (rt != f.repeatables.end())
            rt->no_transaction = rt->no_transaction || sc.config.no_transaction;
        else if (sc.script[0] != 'U') // an undo script's transaction is the server parser's call
            b.warnings.push_back(fmt::format("{}: ignored (configures {}, which is not there)",
                                             join_path(dir, sc.file), sc.script));
    }
    for (Migration &m : f.migrations) {
        if (m.checksum.empty() && !m.up_unread)
            m.checksum = sha256_hex(m.up_sql);
        if (m.down_sql && !m.down_checksum)
            m.down_checksum = sha256_hex(*m.down_sql);
    }
    for (auto &r : f.repeatables)
        r.checksum = sha256_hex(r.up_sql);
    std::sort(f.repeatables.begin(), f.repeatables.end(),
              [](const Migration &a, const Migration &c) { return a.name < c.name; });
    f.warnings = std::move(b.warnings);
    f.rel_at = join_path(dir, "").size();
    if (cache && !opt.defer_reads)
        cache->save();
    f.cache = std::move(cache);
    return f;
}

} // namespace mig::client
