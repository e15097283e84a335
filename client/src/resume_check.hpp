// Before a statement of a non-transactional migration runs that is not recorded done: did an
// interrupted deploy run it already? A deploy killed while `CREATE INDEX CONCURRENTLY` runs (or
// between it and its bookkeeping) leaves the index without the record; running the statement
// again fails with "already exists" (docs/troubleshooting.md, "A non-transactional migration is
// partial or failed").
#pragma once
#include "pg_conn.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mig::client {

// An index statement whose effect the catalog shows.
struct IndexStatement {
    enum Kind { CreateConcurrently, DropConcurrently } kind;
    std::string index; // as written (quotes kept), possibly schema-qualified for a DROP
    std::string table; // CREATE: the table, as written
};

// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] table …, and
// DROP INDEX CONCURRENTLY [IF EXISTS] name; nullopt for anything else (an unnamed index too).
// Leading comments and white space are skipped.
std::optional<IndexStatement> parse_index_statement(std::string_view sql);

enum class Resume {
    Run,         // nothing of it is there: run it
    RecordDone,  // its effect is there (a valid index, a dropped one): record it, do not run
    DropThenRun, // an invalid index left by an interrupted build: drop it, then run
};

struct ResumeDecision {
    Resume what = Resume::Run;
    std::string drop_sql; // DropThenRun
    std::string note;     // what was found, for the user
};

// Asks the catalog what an index statement left (one small query; none for other statements).
ResumeDecision decide_resume(Conn &c, std::string_view sql);

// Waits while another backend still runs this statement (an interrupted deploy's backend goes on
// until it notices that its client has gone); `tag` is the statement's pg_stat_activity comment.
void wait_for_orphan(Conn &c, const std::string &tag, bool quiet);

} // namespace mig::client
