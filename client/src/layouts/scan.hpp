// Reading a folder's entries and script files, with the checks every layout shares.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <vector>

namespace mig::client {

struct Entry {
    // file or directory name inside the folder; points into its Listing, and name.data() is
    // NUL-terminated (usable as a path relative to the folder)
    std::string_view name;
    bool is_dir = false;
    std::vector<std::string> children; // for directories: file names inside (sorted)
};

// A folder's top-level entries, sorted by name, hidden ones (".x") left out. Entry names point
// into `storage` (the kernel's directory records, read with a few large getdents64 calls).
struct Listing {
    std::vector<Entry> entries;
    std::vector<std::unique_ptr<char[]>> storage;
};
Listing list_folder(const std::string &dir);

// A script file open for reading and its fstat (taken before anything is read); closed when
// destroyed.
struct ScriptFile {
    int fd = -1;
    struct stat st {};
    ScriptFile() = default;
    ScriptFile(ScriptFile &&o) noexcept : fd(o.fd), st(o.st) { o.fd = -1; }
    ScriptFile &operator=(ScriptFile &&) = delete;
    ScriptFile(const ScriptFile &) = delete;
    ~ScriptFile();
    bool ok() const { return fd >= 0; }
};
// Opens `rel` inside dirfd (AT_FDCWD: a path); on failure (or a directory) appends
// "SHOWN: reason" to errors and returns a ScriptFile that is not ok().
ScriptFile open_script(int dirfd, const std::string &rel, const std::string &shown,
                       std::vector<std::string> &errors);
// The whole of an open script, checked as read_script_at does.
std::optional<std::string> read_open_script(ScriptFile &f, const std::string &shown,
                                            std::vector<std::string> &errors);
// An open script in chunks, checked as stream_script_at does.
bool stream_open_script(ScriptFile &f, const std::string &shown, std::vector<std::string> &errors,
                        const std::function<void(std::string_view)> &fn, size_t chunk = 1 << 20);

// Reads a script; on failure appends "PATH: reason" to errors and returns nullopt.
// Refuses unreadable files, NUL bytes and invalid UTF-8 (naming line and column).
std::optional<std::string> read_script(const std::string &path, std::vector<std::string> &errors);
// The same, for `rel` inside an open directory (dirfd); `shown` is the path used in messages.
// st_out (if given) receives the fstat of the file taken before it was read (for the stat cache).
std::optional<std::string> read_script_at(int dirfd, const std::string &rel,
                                          const std::string &shown,
                                          std::vector<std::string> &errors,
                                          struct stat *st_out = nullptr);

// Big scripts, never held whole: reads `rel` in chunks of `chunk` bytes, passing each to fn,
// with the same checks as read_script_at (NUL bytes, UTF-8 split across chunks, naming line and
// column). A chunk never ends inside a UTF-8 sequence. On failure appends "PATH: reason" to
// errors and returns false (fn may have seen earlier chunks).
bool stream_script_at(int dirfd, const std::string &rel, const std::string &shown,
                      std::vector<std::string> &errors,
                      const std::function<void(std::string_view)> &fn, size_t chunk = 1 << 20);

// Line n (1-based) of a file, without its newline, reading it in chunks (error reports for
// scripts that are not kept in memory); "" when absent or unreadable. Long lines are cut.
std::string line_of_file(const std::string &path, int n);

} // namespace mig::client
