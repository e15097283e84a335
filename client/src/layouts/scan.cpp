#include "layouts/scan.hpp"

#include "errors.hpp"
#include "text.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>

namespace mig::client {

namespace {

// names in a directory (no "." / ".."), with whether each is a directory
std::vector<std::pair<std::string, bool>> read_dir(const std::string &dir) {
    std::vector<std::pair<std::string, bool>> out;
    out.reserve(64);
    DIR *d = ::opendir(dir.c_str());
    if (!d)
        throw InputError(fmt::format("{}: cannot list: {}", dir, std::strerror(errno)));
    while (dirent *de = ::readdir(d)) {
        std::string name = de->d_name;
        if (name == "." || name == "..")
            continue;
        bool is_dir = de->d_type == DT_DIR;
        if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
            struct stat st {};
            is_dir = ::fstatat(::dirfd(d), de->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
        }
        out.emplace_back(std::move(name), is_dir);
    }
    ::closedir(d);
    return out;
}

} // namespace

namespace {

// A name to sort: its first 8 bytes as a big-endian number decide most comparisons.
struct SortItem {
    uint64_t prefix;
    const char *name;
    uint32_t len;
    bool is_dir;
};

uint64_t prefix_of(const char *s, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i)
        v = (v << 8) | (i < n ? static_cast<unsigned char>(s[i]) : 0u);
    return v;
}

// std::string's order (bytes compared as unsigned char, a prefix first)
inline bool name_less(const SortItem &a, const SortItem &b) {
    if (a.prefix != b.prefix)
        return a.prefix < b.prefix;
    size_t n = a.len < b.len ? a.len : b.len;
    if (int c = std::memcmp(a.name, b.name, n))
        return c < 0;
    return a.len < b.len;
}

// the record layout getdents64 fills in (struct linux_dirent64)
struct Dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[1];
};

} // namespace

Listing list_folder(const std::string &dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        throw InputError(fmt::format("migrations folder '{}' does not exist (use --dir, or "
                                     "`pgmig init` to create it)",
                                     dir));
    if (!S_ISDIR(st.st_mode))
        throw InputError(fmt::format("'{}' is not a directory", dir));
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        throw InputError(fmt::format("{}: cannot list: {}", dir, std::strerror(errno)));
    // The kernel's records are kept as they are: names are NUL-terminated inside them, so
    // nothing is copied. 256 kB a call: 20,000 names in four calls (readdir uses 32 kB).
    Listing out;
    std::vector<long> sizes; // bytes of records in each chunk
    size_t records = 0;
    constexpr size_t kChunk = 256 << 10;
    while (true) {
        std::unique_ptr<char[]> chunk(new char[kChunk]); // not zeroed
        long got = ::syscall(SYS_getdents64, fd, chunk.get(), kChunk);
        if (got < 0) {
            int e = errno;
            ::close(fd);
            throw InputError(fmt::format("{}: cannot list: {}", dir, std::strerror(e)));
        }
        if (got == 0)
            break;
        for (long off = 0; off < got; ++records)
            off += reinterpret_cast<Dirent64 *>(chunk.get() + off)->d_reclen;
        out.storage.push_back(std::move(chunk));
        sizes.push_back(got);
    }
    std::vector<SortItem> items;
    items.reserve(records);
    for (size_t c = 0; c < sizes.size(); ++c) {
        for (long off = 0; off < sizes[c];) {
            auto *d = reinterpret_cast<Dirent64 *>(out.storage[c].get() + off);
            off += d->d_reclen;
            const char *name = d->d_name;
            if (name[0] == '.' || name[0] == '\0') // hidden, ".", ".."
                continue;
            size_t len = std::strlen(name);
            bool is_dir = d->d_type == DT_DIR;
            if (d->d_type == DT_UNKNOWN || d->d_type == DT_LNK) {
                struct stat cst {};
                is_dir = ::fstatat(fd, name, &cst, 0) == 0 && S_ISDIR(cst.st_mode);
            }
            items.push_back({prefix_of(name, len), name, static_cast<uint32_t>(len), is_dir});
        }
    }
    ::close(fd);
    std::sort(items.begin(), items.end(),
              [](const SortItem &a, const SortItem &b) { return name_less(a, b); });
    out.entries.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
        Entry &e = out.entries[i];
        e.name = std::string_view(items[i].name, items[i].len);
        e.is_dir = items[i].is_dir;
        if (e.is_dir) {
            for (auto &[child, cdir] : read_dir(dir + "/" + std::string(e.name)))
                e.children.push_back(std::move(child));
            std::sort(e.children.begin(), e.children.end());
        }
    }
    return out;
}

std::optional<std::string> read_script(const std::string &path, std::vector<std::string> &errors) {
    return read_script_at(AT_FDCWD, path, path, errors, nullptr);
}

ScriptFile::~ScriptFile() {
    if (fd >= 0)
        ::close(fd);
}

ScriptFile open_script(int dirfd, const std::string &rel, const std::string &path,
                       std::vector<std::string> &errors) {
    ScriptFile f;
    f.fd = ::openat(dirfd, rel.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0 || ::fstat(f.fd, &f.st) != 0) {
        errors.push_back(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
        if (f.fd >= 0)
            ::close(f.fd);
        f.fd = -1;
        return f;
    }
    if (S_ISDIR(f.st.st_mode)) {
        ::close(f.fd);
        f.fd = -1;
        errors.push_back(fmt::format("{}: is a directory, not a script", path));
    }
    return f;
}

std::optional<std::string> read_script_at(int dirfd, const std::string &rel,
                                          const std::string &path, std::vector<std::string> &errors,
                                          struct stat *st_out) {
    ScriptFile f = open_script(dirfd, rel, path, errors);
    if (!f.ok())
        return std::nullopt;
    if (st_out)
        *st_out = f.st;
    return read_open_script(f, path, errors);
}

std::optional<std::string> read_open_script(ScriptFile &f, const std::string &path,
                                            std::vector<std::string> &errors) {
    const struct stat &st = f.st;
    int fd = f.fd;
    std::string text;
    // One byte more than the size: a regular file that still has the size fstat gave is read by
    // one read(), which returns short at its end (no second read() to see EOF). A file that
    // grew fills the buffer, one that shrank (or a short read) reads on until EOF.
    const size_t expected = static_cast<size_t>(st.st_size);
    text.resize(expected + 1);
    size_t got = 0;
    while (true) {
        if (got == text.size())
            text.resize(text.size() + 4096); // the file grew, or st_size was 0 (procfs...)
        ssize_t n = ::read(fd, &text[got], text.size() - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            errors.push_back(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
            return std::nullopt;
        }
        if (n == 0)
            break;
        got += static_cast<size_t>(n);
        if (S_ISREG(st.st_mode) && expected > 0 && got == expected)
            break; // short of the one byte more: the end
    }
    text.resize(got);
    if (size_t nul = text.find('\0'); nul != std::string::npos) {
        auto [l, c] = line_col_at(text, nul);
        errors.push_back(fmt::format("{}:{}:{}: contains a NUL byte (binary file?)", path, l, c));
        return std::nullopt;
    }
    if (size_t bad = invalid_utf8_at(text); bad != std::string::npos) {
        auto [l, c] = line_col_at(text, bad);
        errors.push_back(fmt::format("{}:{}:{}: not valid UTF-8 (byte 0x{:02x}); save the file as "
                                     "UTF-8",
                                     path, l, c, static_cast<unsigned char>(text[bad])));
        return std::nullopt;
    }
    return text;
}

} // namespace mig::client

namespace mig::client {

namespace {
// Length a UTF-8 sequence starting with lead byte c claims (1 for ASCII and invalid leads).
size_t utf8_len(unsigned char c) {
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 1;
}
} // namespace

bool stream_script_at(int dirfd, const std::string &rel, const std::string &path,
                      std::vector<std::string> &errors,
                      const std::function<void(std::string_view)> &fn, size_t chunk) {
    ScriptFile f = open_script(dirfd, rel, path, errors);
    return f.ok() && stream_open_script(f, path, errors, fn, chunk);
}

bool stream_open_script(ScriptFile &f, const std::string &path, std::vector<std::string> &errors,
                        const std::function<void(std::string_view)> &fn, size_t chunk) {
    int fd = f.fd;
    if (chunk < 8)
        chunk = 8;
    std::string buf(chunk + 4, '\0');
    size_t have = 0; // bytes in buf (an incomplete UTF-8 sequence carried over, then new data)
    long line = 1;   // line of buf[0]
    long col = 1;    // column (characters) of buf[0]
    bool eof = false;
    auto fail_at = [&](size_t off, const std::string &what) {
        auto [l, c] = line_col_at(std::string_view(buf.data(), have), off);
        long ln = line + l - 1, cn = l == 1 ? col + c - 1 : c;
        errors.push_back(fmt::format("{}:{}:{}: {}", path, ln, cn, what));
        return false;
    };
    while (!eof) {
        while (have < chunk) {
            ssize_t n = ::read(fd, &buf[have], chunk - have);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                errors.push_back(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
                return false;
            }
            if (n == 0) {
                eof = true;
                break;
            }
            have += static_cast<size_t>(n);
        }
        // cut before a sequence the next read completes
        size_t cut = have;
        if (!eof)
            for (size_t back = 1; back <= 3 && back <= have; ++back) {
                unsigned char c = static_cast<unsigned char>(buf[have - back]);
                if ((c & 0xC0) == 0x80)
                    continue;
                if (c >= 0xC0 && utf8_len(c) > back)
                    cut = have - back;
                break;
            }
        std::string_view part(buf.data(), cut);
        if (const void *z = std::memchr(part.data(), '\0', part.size()))
            return fail_at(static_cast<const char *>(z) - part.data(),
                           "contains a NUL byte (binary file?)");
        if (size_t bad = invalid_utf8_at(part); bad != std::string_view::npos)
            return fail_at(bad,
                           fmt::format("not valid UTF-8 (byte 0x{:02x}); save the file as UTF-8",
                                       static_cast<unsigned char>(part[bad])));
        fn(part);
        size_t last_nl = part.rfind('\n');
        size_t from = 0;
        if (last_nl != std::string_view::npos) {
            line += static_cast<long>(std::count(part.begin(), part.end(), '\n'));
            col = 1;
            from = last_nl + 1;
        }
        for (size_t i = from; i < part.size(); ++i)
            if ((static_cast<unsigned char>(part[i]) & 0xC0) != 0x80)
                ++col;
        std::memmove(&buf[0], &buf[cut], have - cut);
        have -= cut;
    }
    return true;
}

std::string line_of_file(const std::string &path, int n) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || n < 1) {
        if (fd >= 0)
            ::close(fd);
        return {};
    }
    constexpr size_t kMax = 4096; // the caret display needs no more
    std::string out, buf(1 << 16, '\0');
    int line = 1;
    bool done = false;
    while (!done) {
        ssize_t got = ::read(fd, &buf[0], buf.size());
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        for (ssize_t i = 0; i < got; ++i) {
            if (buf[i] == '\n') {
                if (line == n) {
                    done = true;
                    break;
                }
                ++line;
            } else if (line == n && out.size() < kMax) {
                out += buf[i];
            }
        }
    }
    ::close(fd);
    if (!out.empty() && out.back() == '\r')
        out.pop_back();
    return out;
}

} // namespace mig::client
