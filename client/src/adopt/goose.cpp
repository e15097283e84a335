// goose: goose_db_version (id identity, version_id bigint, is_applied boolean, tstamp), a row
// per up (is_applied true) and, in older goose, per down (false); the latest row of a version
// says whether it is applied. Version 0 is the row goose inserts when it creates the table.
// Source: pressly/goose internal/dialects/postgres.go (CreateTable, InsertVersion,
// ListMigrations ORDER BY id DESC); the version is the file name's number
// (`{version}_{name}.sql`, parsed as an int64).
#include "adopt/readers.hpp"

#include "version.hpp"

#include <unordered_map>

namespace mig::client::adopt {

ToolHistory goose_history(const Rows &rows, const Folder &) {
    // rows in id order: the last row of each version wins
    std::unordered_map<std::string, bool> applied;
    std::vector<std::string> order;
    for (const auto &row : rows) {
        if (!row[0] || *row[0] == "0")
            continue;
        std::string v = canonical_version(*row[0]);
        if (!applied.count(v))
            order.push_back(v);
        applied[v] = row[1].value_or("f") == "t";
    }
    ToolHistory h;
    for (const auto &v : order)
        if (applied[v])
            h.recorded.push_back({v, "applied", false, std::nullopt});
    return h;
}

std::string goose_key(const Migration &m, const Folder &) {
    std::string digits = leading_digits(base_name(m.up_file));
    return digits.empty() ? std::string() : canonical_version(digits);
}

} // namespace mig::client::adopt
