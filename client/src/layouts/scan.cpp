#include "layouts/scan.hpp"

#include "errors.hpp"
#include "text.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <fmt/format.h>

namespace mig::client {

namespace {

// names in a directory (no "." / ".."), with whether each is a directory
std::vector<std::pair<std::string, bool>> read_dir(const std::string &dir) {
    std::vector<std::pair<std::string, bool>> out;
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

std::vector<Entry> list_folder(const std::string &dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0)
        throw InputError(fmt::format("migrations folder '{}' does not exist (use --dir, or "
                                     "`pgmig init` to create it)",
                                     dir));
    if (!S_ISDIR(st.st_mode))
        throw InputError(fmt::format("'{}' is not a directory", dir));
    std::vector<Entry> out;
    for (auto &[name, is_dir] : read_dir(dir)) {
        if (name.empty() || name[0] == '.')
            continue;
        Entry e;
        e.name = name;
        e.is_dir = is_dir;
        if (is_dir) {
            for (auto &[child, cdir] : read_dir(dir + "/" + name))
                e.children.push_back(child);
            std::sort(e.children.begin(), e.children.end());
        }
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(),
              [](const Entry &a, const Entry &b) { return a.name < b.name; });
    return out;
}

std::optional<std::string> read_script(const std::string &path, std::vector<std::string> &errors) {
    return read_script_at(AT_FDCWD, path, path, errors);
}

std::optional<std::string> read_script_at(int dirfd, const std::string &rel,
                                          const std::string &path,
                                          std::vector<std::string> &errors) {
    int fd = ::openat(dirfd, rel.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) {
        errors.push_back(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
        if (fd >= 0)
            ::close(fd);
        return std::nullopt;
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        errors.push_back(fmt::format("{}: is a directory, not a script", path));
        return std::nullopt;
    }
    std::string text;
    // one byte more than the size, so that reading the end needs no reallocation
    text.resize(static_cast<size_t>(st.st_size) + 1);
    size_t got = 0;
    while (true) {
        if (got == text.size())
            text.resize(text.size() + 4096); // the file grew, or st_size was 0 (procfs...)
        ssize_t n = ::read(fd, &text[got], text.size() - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            errors.push_back(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0)
            break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
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
