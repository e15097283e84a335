// The one pairing of a folder's migrations with the server's rows of mig.status(): `status`
// shows it (status_merge.cpp), `up` and the commands that compare uploads by it (sync.cpp).
#pragma once
#include "layouts/layout.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

// What the pairing reads of one server row.
struct ServerKey {
    std::string_view version, name, checksum;
    bool repeatable = false;
};

// Versioned migrations pair by version (equal when they compare equal: "0001" and "1"),
// repeatable ones by name. The folder's migrations are in version order, and so are the
// server's versioned rows: the next unpaired migration is usually the match, else a binary
// search finds it (no hashing of 10,000 versions).
class FolderPairs {
  public:
    static constexpr size_t none = static_cast<size_t>(-1);

    // rows: row(i) for the server's rows i < n.
    FolderPairs(const Folder &f, size_t n, const std::function<ServerKey(size_t)> &row);

    // The server row of f.migrations[k] / f.repeatables[k], or none.
    size_t row_of_migration(size_t k) const { return row_of_migration_[k]; }
    size_t row_of_repeatable(size_t k) const { return row_of_repeatable_[k]; }
    // The folder's migration or repeatable paired with server row i, or nullptr.
    const Migration *local_of_row(const Folder &f, size_t i) const;

    // Flyway's baseline migration (the folder's first, Migration::flyway_baseline) is for a
    // database without migrations: where the server has versioned migrations but not it, it is
    // removed from the folder (as Flyway ignores it there), and from the pairs. Needs its
    // checksum when the server has a row of its version (is_flyway_baseline_row).
    void drop_unused_flyway_baseline(Folder &f);

  private:
    static constexpr size_t kRepeatable = size_t{1} << (sizeof(size_t) * 8 - 1);
    void pair_versioned(const Folder &f, size_t n, const std::function<ServerKey(size_t)> &row);
    void pair_repeatables(const Folder &f, size_t n, const std::function<ServerKey(size_t)> &row);

    std::vector<size_t> row_of_migration_, row_of_repeatable_;
    // per server row: an index into f.migrations, or kRepeatable | an index into f.repeatables
    std::vector<size_t> local_of_row_;
    bool server_has_versions_ = false;
    // the name and checksum of the server row paired with the folder's first migration
    std::optional<std::pair<std::string, std::string>> first_row_;
};

// Whether a server row of the baseline's version is the baseline itself: it has its checksum,
// or (edited: drift, reported) its name. A database that ran the V migrations has the last V
// it replaced there.
bool is_flyway_baseline_row(const Migration &baseline, std::string_view checksum,
                            std::string_view name);

// The folder's migration of `version` (compared as versions), or nullptr.
const Migration *find_migration(const Folder &f, std::string_view version);

} // namespace mig::client
