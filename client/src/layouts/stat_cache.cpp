#include "layouts/stat_cache.hpp"

#include "sha256.hpp"

#include <cerrno>
#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <type_traits>
#include <ctime>
#include <cstdlib>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <vector>

namespace mig::client {
namespace {

constexpr const char *kMagic = "pgmig-stat-cache 1";

long long ns_of(const struct timespec &t) {
    return static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

std::string absolute(const std::string &dir) {
    char *r = ::realpath(dir.c_str(), nullptr);
    if (!r)
        return {};
    std::string out = r;
    std::free(r);
    return out;
}

std::string cache_dir() {
    const char *x = std::getenv("XDG_CACHE_HOME");
    if (x && *x == '/')
        return std::string(x) + "/pgmig";
    const char *h = std::getenv("HOME");
    if (h && *h == '/')
        return std::string(h) + "/.cache/pgmig";
    return {};
}

bool read_all(const std::string &path, std::string &out, long long &mtime_ns) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return false;
    }
    mtime_ns = ns_of(st.st_mtim);
    out.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < out.size()) {
        ssize_t n = ::read(fd, &out[got], out.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    out.resize(got);
    return true;
}

// Digits (with a leading '-' when T is signed) up to `stop`; p moves past it.
template <class T> bool num_until(const char *&p, const char *end, char stop, T &v) {
    bool neg = false;
    if constexpr (std::is_signed_v<T>) {
        if (p < end && *p == '-') {
            neg = true;
            ++p;
        }
    }
    const char *start = p;
    const char *lim = end - p > 19 ? p + 19 : end; // at most 19 digits: no overflow
    unsigned long long n = 0;
    unsigned d;
    while (p < lim && (d = static_cast<unsigned char>(*p) - unsigned('0')) < 10) {
        n = n * 10 + d;
        ++p;
    }
    if (p == start || p == end || *p != stop)
        return false;
    ++p;
    if constexpr (std::is_signed_v<T>) {
        if (n > static_cast<unsigned long long>(LLONG_MAX))
            return false;
        v = neg ? -static_cast<T>(n) : static_cast<T>(n);
    } else {
        v = static_cast<T>(n);
    }
    return true;
}

bool lower_hex(const char *p) { // 64 characters of [0-9a-f]
    static const auto table = [] {
        std::array<unsigned char, 256> t{};
        t.fill(1);
        for (int c = '0'; c <= '9'; ++c)
            t[c] = 0;
        for (int c = 'a'; c <= 'f'; ++c)
            t[c] = 0;
        return t;
    }();
    unsigned bad = 0;
    for (int i = 0; i < 64; ++i)
        bad |= table[static_cast<unsigned char>(p[i])];
    return bad == 0;
}

} // namespace

std::string StatCache::path_for(const std::string &dir) {
    std::string base = cache_dir(), abs = absolute(dir);
    if (base.empty() || abs.empty())
        return {};
    return base + "/" + sha256_hex(abs).substr(0, 32);
}

StatCache::StatCache(const std::string &dir, bool lazy) {
    abs_ = absolute(dir);
    std::string base = cache_dir();
    if (abs_.empty() || base.empty())
        return;
    path_ = base + "/" + sha256_hex(abs_).substr(0, 32);
    if (!lazy)
        load();
}

void StatCache::ensure_loaded() const {
    if (!loaded_)
        const_cast<StatCache *>(this)->load();
}

void StatCache::load() {
    loaded_ = true;
    if (path_.empty())
        return;
    std::string &text = text_;
    if (!read_all(path_, text, written_ns_)) {
        dirty_ = true;
        return;
    }
    // header line, entry lines "name\tsize\tmtime_ns\tctime_ns\tino\tsha256" (in name order
    // since pgmig 0.1's second cache writer; sorted here when not), trailer "end\tN"
    std::vector<Entry> got;
    got.reserve(text.size() / 100 + 16);
    std::string header = fmt::format("{}\t{}\n", kMagic, abs_);
    const char *p = text.data(), *end = text.data() + text.size();
    bool ok = text.compare(0, header.size(), header) == 0;
    if (ok)
        p += header.size();
    bool ended = false, sorted = true;
    while (ok && p < end) {
        const char *tab = static_cast<const char *>(std::memchr(p, '\t', end - p));
        const char *nl = static_cast<const char *>(std::memchr(p, '\n', end - p));
        if (!tab || !nl || nl < tab) {
            ok = false;
            break;
        }
        Entry e;
        e.name = std::string_view(p, tab - p);
        p = tab + 1;
        if (e.name == "end" && static_cast<const char *>(std::memchr(p, '\t', nl - p)) == nullptr) {
            size_t count = 0;
            ok = num_until(p, end, '\n', count) && count == got.size() && p == end;
            ended = true;
            break;
        }
        if (!num_until(p, end, '\t', e.size) || !num_until(p, end, '\t', e.mtime_ns) ||
            !num_until(p, end, '\t', e.ctime_ns) || !num_until(p, end, '\t', e.ino) ||
            end - p < 65 || p[64] != '\n' || !lower_hex(p)) {
            ok = false;
            break;
        }
        e.checksum = std::string_view(p, 64);
        p += 65;
        if (!got.empty() && !(got.back().name < e.name))
            sorted = false;
        got.push_back(e);
    }
    if (ok && ended && !sorted) { // written by an older pgmig: sorted once, rewritten sorted
        std::sort(got.begin(), got.end(),
                  [](const Entry &x, const Entry &y) { return x.name < y.name; });
        for (size_t i = 1; i < got.size() && ok; ++i)
            ok = got[i - 1].name != got[i].name;
        dirty_ = true;
    }
    if (ok && ended) {
        entries_ = std::move(got);
    } else {
        dirty_ = true; // corrupt or truncated: ignored, rewritten
        text_.clear();
    }
}

const StatCache::Entry *StatCache::find(std::string_view rel) const {
    ensure_loaded();
    // names asked in order (the next entry), the same again, or in reverse order
    if (next_ < entries_.size() && entries_[next_].name == rel)
        return &entries_[next_++];
    if (next_ >= 1 && next_ - 1 < entries_.size() && entries_[next_ - 1].name == rel)
        return &entries_[next_ - 1];
    if (next_ >= 2 && next_ - 2 < entries_.size() && entries_[next_ - 2].name == rel) {
        --next_;
        return &entries_[next_ - 1];
    }
    // a name that would sit right where the walk is: not there (`status` keeps the entries of
    // 10,000 down scripts it does not read, most of which a cache written by status lacks)
    if (next_ <= entries_.size() && (next_ == entries_.size() || rel < entries_[next_].name) &&
        (next_ == 0 || entries_[next_ - 1].name < rel))
        return nullptr;
    auto it = std::lower_bound(entries_.begin(), entries_.end(), rel,
                               [](const Entry &e, std::string_view r) { return e.name < r; });
    if (it == entries_.end() || it->name != rel)
        return nullptr;
    next_ = static_cast<size_t>(it - entries_.begin()) + 1;
    return &*it;
}

bool StatCache::has(std::string_view rel) const {
    auto g = guard();
    return find(rel) != nullptr;
}

std::optional<std::string> StatCache::lookup_at(int dirfd, const char *path, std::string_view rel,
                                                struct stat &st) const {
    auto stat_ok = [&] { return ::fstatat(dirfd, path, &st, 0) == 0 && S_ISREG(st.st_mode); };
    if (!shared_) {
        const Entry *e = find(rel);
        if (!e || !stat_ok())
            return std::nullopt;
        return check(*e, st);
    }
    {
        auto g = guard();
        if (!find(rel))
            return std::nullopt;
    }
    // not locked while the kernel works (two threads read scripts)
    if (!stat_ok())
        return std::nullopt;
    return lookup(rel, st);
}

void StatCache::keep(std::string_view rel) {
    auto g = guard();
    if (const Entry *e = find(rel); e && !e->used) {
        e->used = true;
        saved_ = false;
    }
}

std::optional<std::string> StatCache::lookup(std::string_view rel, const struct stat &st) const {
    auto g = guard();
    const Entry *e = find(rel);
    if (!e)
        return std::nullopt;
    return check(*e, st);
}

std::optional<std::string> StatCache::check(const Entry &e, const struct stat &st) const {
    long long m = ns_of(st.st_mtim), c = ns_of(st.st_ctim);
    if (e.size != static_cast<long long>(st.st_size) || e.mtime_ns != m || e.ctime_ns != c ||
        e.ino != static_cast<unsigned long long>(st.st_ino) || m >= written_ns_ || c >= written_ns_)
        return std::nullopt;
    if (!e.used) {
        e.used = true;
        saved_ = false;
    }
    return std::string(e.checksum);
}

void StatCache::store(std::string_view rel, const struct stat &st, const std::string &checksum) {
    if (path_.empty() || rel.find_first_of("\t\n") != std::string_view::npos)
        return;
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    long long m = ns_of(st.st_mtim), c = ns_of(st.st_ctim);
    if (c > ns_of(now) - settle_ns || m > ns_of(now) - settle_ns)
        return; // too recent: hashed again next time
    auto g = guard();
    if (const Entry *old = find(rel)) {
        if (old->checksum == checksum && old->size == static_cast<long long>(st.st_size) &&
            old->mtime_ns == m && old->ctime_ns == c &&
            old->ino == static_cast<unsigned long long>(st.st_ino) && m < written_ns_ &&
            c < written_ns_) {
            if (!old->used) { // what the cache holds already, and trusted: nothing to write
                old->used = true;
                saved_ = false;
            }
            return;
        }
        old->used = false; // replaced (not written back)
    }
    // a name stored twice keeps its last entry (save() drops the earlier ones)
    stored_.push_back({std::string(rel), checksum, static_cast<long long>(st.st_size),
                       ns_of(st.st_mtim), ns_of(st.st_ctim),
                       static_cast<unsigned long long>(st.st_ino)});
    dirty_ = true;
    saved_ = false;
}

void StatCache::save() {
    auto g = guard();
    if (path_.empty())
        return;
    ensure_loaded();
    size_t kept = 0;
    for (auto &e : entries_)
        kept += e.used;
    if (saved_ || (!dirty_ && kept == entries_.size()))
        return;
    std::string base = path_.substr(0, path_.rfind('/'));
    // mkdir -p of the cache directory (two levels at most: ~/.cache, then pgmig)
    std::string parent = base.substr(0, base.rfind('/'));
    ::mkdir(parent.c_str(), 0700);
    ::mkdir(base.c_str(), 0700);
    // in name order, so that the next run's lookups (in name order too) walk it
    struct Row {
        std::string_view name, checksum;
        long long size, mtime_ns, ctime_ns;
        unsigned long long ino;
    };
    std::vector<Row> rows;
    rows.reserve(kept + stored_.size());
    for (auto &e : entries_)
        if (e.used)
            rows.push_back({e.name, e.checksum, e.size, e.mtime_ns, e.ctime_ns, e.ino});
    for (auto &s : stored_)
        rows.push_back({s.name, s.checksum, s.size, s.mtime_ns, s.ctime_ns, s.ino});
    // by name; of a name stored more than once, the last one stored
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row &x, const Row &y) { return x.name < y.name; });
    size_t w = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        if (i + 1 < rows.size() && rows[i + 1].name == rows[i].name)
            continue;
        rows[w++] = rows[i];
    }
    rows.resize(w);
    std::string out = fmt::format("{}\t{}\n", kMagic, abs_);
    out.reserve(rows.size() * 120 + out.size() + 32);
    for (auto &r : rows)
        fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\t{}\t{}\n", r.name, r.size,
                       r.mtime_ns, r.ctime_ns, r.ino, r.checksum);
    fmt::format_to(std::back_inserter(out), "end\t{}\n", rows.size());
    std::string tmp = path_ + ".XXXXXX";
    std::vector<char> name(tmp.begin(), tmp.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data());
    if (fd < 0)
        return;
    size_t put = 0;
    while (put < out.size()) {
        ssize_t w = ::write(fd, out.data() + put, out.size() - put);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        put += static_cast<size_t>(w);
    }
    bool ok = put == out.size();
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(name.data(), path_.c_str()) != 0)
        ::unlink(name.data());
    else
        saved_ = true;
}

} // namespace mig::client
