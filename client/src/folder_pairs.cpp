#include "folder_pairs.hpp"

#include "version.hpp"

#include <algorithm>
#include <unordered_map>

namespace mig::client {

FolderPairs::FolderPairs(const Folder &f, size_t n, const std::function<ServerKey(size_t)> &row)
    : row_of_migration_(f.migrations.size(), none), row_of_repeatable_(f.repeatables.size(), none),
      local_of_row_(n, none) {
    pair_versioned(f, n, row);
    pair_repeatables(f, n, row);
}

void FolderPairs::pair_versioned(const Folder &f, size_t n,
                                 const std::function<ServerKey(size_t)> &row) {
    const auto &local = f.migrations;
    size_t cursor = 0;
    auto find = [&](std::string_view v) -> size_t {
        if (cursor < local.size() && compare_versions(local[cursor].version, v) == 0)
            return cursor;
        auto it = std::lower_bound(local.begin(), local.end(), v,
                                   [](const Migration &m, std::string_view x) {
                                       return compare_versions(m.version, x) < 0;
                                   });
        if (it == local.end() || compare_versions(it->version, v) != 0)
            return none;
        return static_cast<size_t>(it - local.begin());
    };
    for (size_t i = 0; i < n; ++i) {
        ServerKey key = row(i);
        if (key.repeatable)
            continue;
        server_has_versions_ = true;
        size_t k = find(key.version);
        if (k == none || row_of_migration_[k] != none)
            continue;
        row_of_migration_[k] = i;
        local_of_row_[i] = k;
        cursor = k + 1;
        if (k == 0)
            first_row_.emplace(std::string(key.name), std::string(key.checksum));
    }
}

void FolderPairs::pair_repeatables(const Folder &f, size_t n,
                                   const std::function<ServerKey(size_t)> &row) {
    if (f.repeatables.empty())
        return;
    std::unordered_map<std::string_view, size_t> by_name;
    for (size_t k = 0; k < f.repeatables.size(); ++k)
        by_name.emplace(f.repeatables[k].name, k);
    for (size_t i = 0; i < n; ++i) {
        ServerKey key = row(i);
        if (!key.repeatable)
            continue;
        auto it = by_name.find(key.name);
        if (it == by_name.end())
            continue;
        row_of_repeatable_[it->second] = i;
        local_of_row_[i] = kRepeatable | it->second;
        by_name.erase(it);
    }
}

const Migration *FolderPairs::local_of_row(const Folder &f, size_t i) const {
    size_t k = local_of_row_[i];
    if (k == none)
        return nullptr;
    return k & kRepeatable ? &f.repeatables[k & ~kRepeatable] : &f.migrations[k];
}

void FolderPairs::drop_unused_flyway_baseline(Folder &f) {
    if (f.migrations.empty() || !f.migrations.front().flyway_baseline || !server_has_versions_)
        return;
    const Migration &b = f.migrations.front();
    if (first_row_ && is_flyway_baseline_row(b, first_row_->second, first_row_->first))
        return;
    f.migrations.erase(f.migrations.begin());
    if (row_of_migration_.front() != none)
        local_of_row_[row_of_migration_.front()] = none;
    row_of_migration_.erase(row_of_migration_.begin());
    for (size_t &k : local_of_row_)
        if (k != none && !(k & kRepeatable))
            --k;
    first_row_.reset();
}

bool is_flyway_baseline_row(const Migration &baseline, std::string_view checksum,
                            std::string_view name) {
    return (!checksum.empty() && checksum == baseline.checksum) || name == baseline.name;
}

const Migration *find_migration(const Folder &f, std::string_view version) {
    auto it = std::lower_bound(
        f.migrations.begin(), f.migrations.end(), version,
        [](const Migration &m, std::string_view v) { return compare_versions(m.version, v) < 0; });
    return it != f.migrations.end() && compare_versions(it->version, version) == 0 ? &*it : nullptr;
}

} // namespace mig::client
