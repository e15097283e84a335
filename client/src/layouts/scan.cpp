#include "layouts/scan.hpp"

#include "errors.hpp"
#include "text.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace mig::client {

std::vector<Entry> list_folder(const std::string &dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec))
        throw InputError(fmt::format("migrations folder '{}' does not exist (use --dir, or "
                                     "`pgmig init` to create it)",
                                     dir));
    if (!fs::is_directory(dir, ec))
        throw InputError(fmt::format("'{}' is not a directory", dir));
    std::vector<Entry> out;
    fs::directory_iterator it(dir, ec);
    if (ec)
        throw InputError(fmt::format("{}: cannot list: {}", dir, ec.message()));
    for (const auto &de : it) {
        Entry e;
        e.name = de.path().filename().string();
        if (e.name.empty() || e.name[0] == '.')
            continue;
        e.is_dir = de.is_directory(ec);
        if (e.is_dir) {
            for (const auto &sub : fs::directory_iterator(de.path(), ec))
                e.children.push_back(sub.path().filename().string());
            std::sort(e.children.begin(), e.children.end());
        }
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(),
              [](const Entry &a, const Entry &b) { return a.name < b.name; });
    return out;
}

std::optional<std::string> read_script(const std::string &path, std::vector<std::string> &errors) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
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
    text.resize(static_cast<size_t>(st.st_size));
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
