// The stat cache: SHA-256 of up scripts, keyed like git's index by (name, size, mtime, ctime,
// inode), so that `pgmig status` and a no-op `pgmig up` need not read every file (SPEC 5, W6).
// One file per migrations folder in $XDG_CACHE_HOME/pgmig (or ~/.cache/pgmig), named after the
// folder's absolute path. Never a correctness risk:
// - an entry is used only when every stat field matches, and only when the file's mtime and
//   ctime are older than the cache file's own mtime (git's "racy" rule: a file changed in the
//   same clock tick as the cache was written is hashed again);
// - an entry is stored only for a file whose ctime is at least `settle_ns` (2 s) old: a file
//   changed again after it was hashed, even in the same timestamp tick, cannot keep the stat
//   that was recorded (timestamps are coarser than the clock, and FAT's are 2 s);
// - a missing, unreadable, truncated or corrupt cache is ignored (and rewritten);
// - it is written to a temporary file and renamed into place, so readers see old or new.
// Entries are per file name, so up and down scripts (and a directory layout's "dir/up.sql") are
// cached alike. Its methods may be called from several threads while set_shared(true).
#pragma once
#include <mutex>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <string_view>
#include <vector>

namespace mig::client {

class StatCache {
  public:
    // Loads the cache for `dir` (nothing when there is none or it is unusable); lazy: when
    // first used (its file is read and parsed then, off the path of a folder listing).
    explicit StatCache(const std::string &dir, bool lazy = false);
    // Checksum of `rel` when the cache has it for exactly this stat, else nullopt.
    // Fastest when asked in name order (load_folder does): the next entry is tried first.
    std::optional<std::string> lookup(std::string_view rel, const struct stat &st) const;
    // Whether the cache has an entry for `rel` (whatever its stat).
    bool has(std::string_view rel) const;
    // lookup() with the stat taken here (fstatat(dirfd, path), into st) only when the cache has
    // an entry for `rel`: a file it has none for is not stat'ed.
    std::optional<std::string> lookup_at(int dirfd, const char *path, std::string_view rel,
                                         struct stat &st) const;
    // While more than one thread uses the cache, its methods lock (see read_scripts).
    void set_shared(bool shared) { shared_ = shared; }
    // Records a checksum computed from the file's contents read after `st` was taken. Storing
    // what the cache already holds, trusted, changes nothing.
    void store(std::string_view rel, const struct stat &st, const std::string &checksum);
    // Keeps the entry of `rel` (if any) when the cache is saved, without looking it up: for a
    // file whose script was not needed this time (`status` reads no down scripts).
    void keep(std::string_view rel);
    // Writes the cache back if anything changed or was not used (entries not looked up, kept or
    // stored since loading are dropped) since it was loaded or last saved. Errors are ignored.
    void save();
    // Where the cache of `dir` lives ("" when there is no cache directory).
    static std::string path_for(const std::string &dir);
    // How old (ns) a file's ctime must be for its checksum to be stored (tests lower it).
    static inline long long settle_ns = 2000000000LL;

  private:
    struct Entry {
        std::string_view name;     // into text_
        std::string_view checksum; // into text_
        long long size = 0, mtime_ns = 0, ctime_ns = 0;
        unsigned long long ino = 0;
        mutable bool used = false;
    };
    struct Stored {
        std::string name, checksum;
        long long size, mtime_ns, ctime_ns;
        unsigned long long ino;
    };
    // The entry for `rel`, or nullptr.
    const Entry *find(std::string_view rel) const;
    // e's checksum when st matches it (and the racy rule allows), marking it used.
    std::optional<std::string> check(const Entry &e, const struct stat &st) const;
    std::unique_lock<std::mutex> guard() const {
        return shared_ ? std::unique_lock<std::mutex>(mu_) : std::unique_lock<std::mutex>();
    }
    bool shared_ = false;
    void load();
    void ensure_loaded() const;
    bool loaded_ = false;
    std::string path_, abs_;
    long long written_ns_ = 0;   // the cache file's mtime
    std::string text_;           // the cache file as read: names and checksums point into it
    std::vector<Entry> entries_; // as loaded, sorted by name (the file is written so)
    mutable size_t next_ = 0;    // where the next lookup in name order will be
    std::vector<Stored> stored_; // added by store(), replacing a loaded entry of that name
    bool dirty_ = false;
    mutable bool saved_ = false; // save() wrote what is in memory; nothing changed since
    mutable std::mutex mu_;      // the walk position, `used` marks and stored_
};

} // namespace mig::client
