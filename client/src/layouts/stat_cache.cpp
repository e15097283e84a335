#include "layouts/stat_cache.hpp"

#include "sha256.hpp"

#include <cerrno>
#include <charconv>
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

template <class T> bool num(std::string_view s, T &v) {
    auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace

std::string StatCache::path_for(const std::string &dir) {
    std::string base = cache_dir(), abs = absolute(dir);
    if (base.empty() || abs.empty())
        return {};
    return base + "/" + sha256_hex(abs).substr(0, 32);
}

StatCache::StatCache(const std::string &dir) {
    abs_ = absolute(dir);
    std::string base = cache_dir();
    if (abs_.empty() || base.empty())
        return;
    path_ = base + "/" + sha256_hex(abs_).substr(0, 32);
    std::string &text = text_;
    if (!read_all(path_, text, written_ns_)) {
        dirty_ = true;
        return;
    }
    // header line, entry lines "name\tsize\tmtime_ns\tctime_ns\tino\tsha256", trailer "end\tN"
    std::unordered_map<std::string_view, Entry> got;
    got.reserve(text.size() / 100 + 16);
    std::string_view rest(text);
    auto next_line = [&](std::string_view &line) {
        size_t nl = rest.find('\n');
        if (nl == std::string_view::npos)
            return false;
        line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        return true;
    };
    std::string_view line;
    bool ok = next_line(line) && line == fmt::format("{}\t{}", kMagic, abs_);
    bool ended = false;
    while (ok && !ended && next_line(line)) {
        std::string_view f[6];
        size_t n = 0;
        while (n < 6) {
            size_t tab = line.find('\t');
            if (tab == std::string_view::npos || n == 5) {
                f[n++] = line;
                break;
            }
            f[n++] = line.substr(0, tab);
            line.remove_prefix(tab + 1);
        }
        if (n == 2 && f[0] == "end") {
            size_t count = 0;
            ok = num(f[1], count) && count == got.size() && rest.empty();
            ended = true;
            break;
        }
        Entry e;
        if (n != 6 || f[5].size() != 64 || !num(f[1], e.size) || !num(f[2], e.mtime_ns) ||
            !num(f[3], e.ctime_ns) || !num(f[4], e.ino) ||
            f[5].find_first_not_of("0123456789abcdef") != std::string_view::npos) {
            ok = false;
            break;
        }
        e.checksum = f[5];
        got.emplace(f[0], e);
    }
    if (ok && ended) {
        entries_ = std::move(got);
    } else {
        dirty_ = true; // corrupt or truncated: ignored, rewritten
        text_.clear();
    }
}

std::optional<std::string> StatCache::lookup(const std::string &rel, const struct stat &st) const {
    auto it = entries_.find(rel);
    if (it == entries_.end())
        return std::nullopt;
    const Entry &e = it->second;
    long long m = ns_of(st.st_mtim), c = ns_of(st.st_ctim);
    if (e.size != static_cast<long long>(st.st_size) || e.mtime_ns != m || e.ctime_ns != c ||
        e.ino != static_cast<unsigned long long>(st.st_ino) || m >= written_ns_ ||
        c >= written_ns_)
        return std::nullopt;
    e.used = true;
    return std::string(e.checksum);
}

void StatCache::store(const std::string &rel, const struct stat &st, const std::string &checksum) {
    if (path_.empty() || rel.find_first_of("\t\n") != std::string::npos)
        return;
    struct timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    if (ns_of(st.st_ctim) > ns_of(now) - settle_ns || ns_of(st.st_mtim) > ns_of(now) - settle_ns)
        return; // too recent: hashed again next time
    Entry e;
    e.size = static_cast<long long>(st.st_size);
    e.mtime_ns = ns_of(st.st_mtim);
    e.ctime_ns = ns_of(st.st_ctim);
    e.ino = static_cast<unsigned long long>(st.st_ino);
    e.used = true;
    const std::string &name = stored_.emplace_back(rel);
    e.checksum = stored_.emplace_back(checksum);
    entries_.insert_or_assign(std::string_view(name), e);
    dirty_ = true;
}

void StatCache::save() {
    if (path_.empty())
        return;
    size_t kept = 0;
    for (auto &[k, e] : entries_)
        kept += e.used;
    if (!dirty_ && kept == entries_.size())
        return;
    std::string base = path_.substr(0, path_.rfind('/'));
    // mkdir -p of the cache directory (two levels at most: ~/.cache, then pgmig)
    std::string parent = base.substr(0, base.rfind('/'));
    ::mkdir(parent.c_str(), 0700);
    ::mkdir(base.c_str(), 0700);
    std::string out = fmt::format("{}\t{}\n", kMagic, abs_);
    out.reserve(entries_.size() * 120 + out.size() + 32);
    size_t n = 0;
    for (auto &[k, e] : entries_) {
        if (!e.used)
            continue;
        fmt::format_to(std::back_inserter(out), "{}\t{}\t{}\t{}\t{}\t{}\n", k, e.size, e.mtime_ns,
                       e.ctime_ns, e.ino, e.checksum);
        ++n;
    }
    fmt::format_to(std::back_inserter(out), "end\t{}\n", n);
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
}

} // namespace mig::client
