// Before a statement of a non-transactional migration runs that is not recorded done: did an
// interrupted deploy run it already? (Statements that can run in a transaction block run in one
// with their record, run_outside.cpp: only those that cannot are in doubt.) A deploy killed while
// `CREATE INDEX CONCURRENTLY` runs (or between it and its bookkeeping) leaves the index without the
// record; running the statement again fails with "already exists" (docs/troubleshooting.md, "A
// non-transactional migration is partial or failed").
#pragma once
#include "pg_conn.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

// A statement whose effect (or what its interruption left) the catalog shows.
struct IndexStatement {
    enum Kind { CreateConcurrently, DropConcurrently, ReindexConcurrently, AddEnumValue } kind;
    std::string index; // as written (quotes kept), possibly schema-qualified for a DROP or
                       // REINDEX INDEX; AddEnumValue: the type
    std::string table; // CREATE, REINDEX TABLE: the table, as written; AddEnumValue: the label
};

// CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] table …,
// DROP INDEX CONCURRENTLY [IF EXISTS] name, REINDEX [(…)] INDEX|TABLE CONCURRENTLY name (or
// with CONCURRENTLY among the options), ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'label' …;
// nullopt for anything else (an unnamed index too). Leading comments and white space are skipped.
std::optional<IndexStatement> parse_index_statement(std::string_view sql);

// Whether running the statement again leaves the same result whatever its first run did
// (VACUUM, ANALYZE, REINDEX, CLUSTER, REFRESH MATERIALIZED VIEW, CHECKPOINT, ALTER SYSTEM,
// SET, RESET, and CREATE … IF NOT EXISTS / DROP … IF EXISTS).
bool repeatable_statement(std::string_view sql);

// BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION:
// a script's own transaction control (such a script is non-transactional), run as written.
bool transaction_control(std::string_view sql);

enum class Resume {
    Run,         // nothing of it is there: run it
    RecordDone,  // its effect is there (a valid index, a dropped one): record it, do not run
    DropThenRun, // an invalid index left by an interrupted build: drop it, then run
};

struct ResumeDecision {
    Resume what = Resume::Run;
    std::vector<std::string> drop_sql; // DropThenRun: one statement each (run outside a block)
    std::string note;                  // what was found, for the user
};

// Asks the catalog what such a statement left (one small query; none for other statements).
ResumeDecision decide_resume(Conn &c, std::string_view sql);

// Waits while another backend still runs this statement (an interrupted deploy's backend goes on
// until it notices that its client has gone); `tag` is the statement's pg_stat_activity comment.
void wait_for_orphan(Conn &c, const std::string &tag, bool quiet);

} // namespace mig::client
