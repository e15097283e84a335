// Finding the history table of another migration tool: for `pgmig adopt` (which tool) and
// `pgmig up` (a database another tool migrated, which pgmig knows nothing of yet).
#pragma once
#include "adopt/adopt.hpp"
#include "pg_conn.hpp"
#include "sync.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mig::client {

namespace adopt {
// The tools whose history table exists in the database, in readers() order: one query.
std::vector<const Reader *> tools_present(Conn &c);
} // namespace adopt

// "dbmate's table schema_migrations" (several: joined with " and "), or nullopt when no known
// tool's history table exists.
std::optional<std::string> other_tool_history(Conn &c);

// For `pgmig up`, before it runs anything: when pgmig has no history (`status`, mig.status())
// and another tool's history table exists, rolls back the open transaction and throws
// InputError (exit 2) naming the table and `pgmig adopt`. Not with --ignore-other-tools.
void refuse_unadopted(Conn &c, const std::vector<ServerRow> &status);

// `up --ignore-other-tools` (the flag is added to `up` where `adopt` is registered).
bool &ignore_other_tools();

} // namespace mig::client
