// Prisma Migrate: _prisma_migrations (id, checksum, finished_at, migration_name, logs,
// rolled_back_at, started_at, applied_steps_count), a row per attempt. Applied: a row with
// finished_at set and rolled_back_at not; failed: a row with neither (`prisma migrate resolve
// --rolled-back` sets rolled_back_at). The name is the migration's directory. Source:
// prisma/prisma-engines schema-engine/connectors/sql-schema-connector/src/flavour/postgres.rs
// (create_migrations_table), schema-engine/connectors/schema-connector/src/
// migration_persistence.rs (MigrationRecord) and checksum.rs (SHA-256 of migration.sql, matched
// with either line ending, and without zero padding in tables of old versions).
#include "adopt/readers.hpp"

#include "sha256.hpp"

#include <fmt/format.h>
#include <unordered_map>

namespace mig::client::adopt {
namespace {

enum Col { kName, kChecksum, kFinished, kRolledBack };

// Prisma's old format: each byte in hex without zero padding (prisma-engines issue 1887).
std::string unpadded(const std::string &hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        if (hex[i] != '0')
            out += hex[i];
        out += hex[i + 1];
    }
    return out;
}

std::string replace_all(std::string s, const std::string &from, const std::string &to) {
    for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size())
        s.replace(at, from.size(), to);
    return s;
}

} // namespace

ToolHistory prisma_history(const Rows &rows, const Folder &) {
    struct State {
        std::optional<Recorded> applied, failed;
    };
    std::unordered_map<std::string, State> by_name;
    std::vector<std::string> order;
    for (const auto &row : rows) {
        if (!row[kName])
            continue;
        const std::string &name = *row[kName];
        if (!by_name.count(name))
            order.push_back(name);
        State &s = by_name[name];
        bool finished = row[kFinished].value_or("f") == "t";
        bool rolled_back = row[kRolledBack].value_or("f") == "t";
        if (finished && !rolled_back)
            s.applied = Recorded{name, "applied", false, row[kChecksum]};
        else if (!finished && !rolled_back)
            s.failed = Recorded{name, "failed (finished_at is null)", true, std::nullopt};
    }
    ToolHistory h;
    for (const auto &name : order) {
        const State &s = by_name[name];
        if (s.applied)
            h.recorded.push_back(*s.applied);
        else if (s.failed)
            h.recorded.push_back(*s.failed);
    }
    return h;
}

std::string prisma_key(const Migration &m, const Folder &) {
    return parent_name(m.up_file);
}

bool prisma_checksum_matches(const Migration &m, const std::string &recorded) {
    std::string text = read_up_file(m);
    for (const std::string &variant :
         {text, replace_all(text, "\r\n", "\n"), replace_all(text, "\n", "\r\n")}) {
        std::string sum = sha256_hex(variant);
        if ((recorded.size() == 64 ? sum : unpadded(sum)) == recorded)
            return true;
    }
    return false;
}

} // namespace mig::client::adopt
