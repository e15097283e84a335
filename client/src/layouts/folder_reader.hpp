// Reading one migrations folder: what every layout's reader shares (readers.hpp). Its files,
// read through one open descriptor and the stat cache; the migrations found so far, by version;
// the down scripts waiting for their up scripts; and the problems found.
#pragma once
#include "layouts/by_version.hpp"
#include "layouts/layout.hpp"
#include "layouts/scan.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

class StatCache;

// dir/rel ('/' added only when dir does not end with one).
std::string join_path(const std::string &dir, std::string_view rel);

// A top-level entry of the folder and the layout it is a file (or directory) of, told before
// the folder's layout is known (load_folder, folder.cpp).
struct Claim {
    const Entry *entry = nullptr;
    Layout layout = Layout::Empty; // Empty: no layout's (a stray file or directory)
    // A versioned .sql file of white space only (its layout Numbered): a migration of any
    // one-file-per-migration layout, and alone a plain numbered one.
    bool blank = false;
    // A name another layout's rule takes too (pop's VERSION_name.up.sql is golang-migrate's):
    // the layout counts only when one of its claims is not generic (claim_entries, folder.cpp).
    bool generic = false;
    GolangNameView paired{}; // golang-migrate's or Postgrator's name, parsed
    std::string text;        // a versioned .sql file, read to tell its layout
    std::string_view name() const { return entry->name; }
    // A directory that no layout claims.
    bool stray_dir() const { return entry->is_dir && layout == Layout::Empty; }
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

class FolderReader {
  public:
    // Opens `dir`, whose top-level entries are `entries` (InputError when it cannot be opened).
    FolderReader(const std::string &dir, const std::vector<Entry> &entries, const LoadOptions &opt);
    ~FolderReader();
    FolderReader(const FolderReader &) = delete;
    FolderReader &operator=(const FolderReader &) = delete;

    const std::string &dir() const { return dir_; }
    const std::vector<Entry> &entries() const { return entries_; }
    // The path shown for `rel` in messages and kept in migrations (dir/rel).
    std::string path(std::string_view rel) const { return join_path(dir_, rel); }
    // Scripts' checksums are looked up in (and stored into) this cache from now on.
    void use_cache(StatCache *cache) { cache_ = cache; }

    std::vector<std::string> errors;   // each naming its file; load_folder throws them together
    std::vector<std::string> warnings; // kept in Folder::warnings
    // A file (or "dir/") that is not one of the layout's: a warning saying why.
    void stray(std::string_view rel, const std::string &why);

    // ---- files (relative to the folder; rel.data() NUL-terminated) ----
    // A whole file, checked (read_script_at, scan.hpp); nullopt with the error recorded.
    std::optional<std::string> read(std::string_view rel);
    // An up script: left unread (LoadOptions::defer_reads), or its checksum from the cache, or
    // read whole, or (above stream_above bytes) checked and hashed in chunks and not kept.
    // False when unreadable (the error is recorded).
    bool read_up(std::string_view rel, Migration &m);
    // A down script, the same way (never streamed: down scripts are read whole). Not read at
    // all without LoadOptions::read_downs (`status`), but its cache entry is kept.
    bool read_down(std::string_view rel, DownScript &d);
    // Whether `rel` (which may hold '/') is a regular file.
    bool is_file(const std::string &rel) const;

    // ---- migrations by canonical version (duplicates are errors naming both files) ----
    void reserve(size_t ups, size_t downs);
    // A migration built in place (10,000 of them are never moved): fill next(), then commit()
    // or drop() it.
    Migration &next();
    void commit();
    void drop();
    void add(Migration m);
    // The down script of version `key` (canonical; `version` as written, `what` "down" or
    // "undo" for messages); a later duplicate replaces the first, both named in an error.
    void add_down(std::string key, std::string_view rel, DownScript d, const std::string &version,
                  const char *what);
    // Each down script into the migration of its version (titles may differ); one with no up
    // script is a stray file.
    void pair_downs();
    // The migrations in version order (moved out).
    std::vector<Migration> take_migrations() { return ups_.take_ordered(); }

  private:
    // The checksum the stat cache has for `rel`, if the file's stat matches. A name the cache
    // has no entry for is not even stat'ed.
    std::optional<std::string> cached(std::string_view rel, struct stat &st);

    const std::string &dir_;
    const std::vector<Entry> &entries_;
    bool read_downs_;
    bool defer_; // LoadOptions::defer_reads
    size_t stream_above_;
    int dirfd_ = -1;
    StatCache *cache_ = nullptr;

    struct Down {
        std::string_view rel; // an entry's name
        DownScript script;
        std::string version; // as written
    };
    ByVersion<Migration> ups_;
    ByVersion<Down> downs_;
    Migration *pending_ = nullptr;
};

// Prisma and sql-migrate run migrations of one version in name order (the names come sorted):
// VERSION, then VERSION.1, VERSION.2, …
class SameVersionInNameOrder {
  public:
    void apply(Migration &m);

  private:
    std::string last_key_;
    int count_ = 0;
};

} // namespace mig::client
