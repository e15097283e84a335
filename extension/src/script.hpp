// script.hpp: what PostgreSQL's own parser says about a script (statements, classification).
// PG zone.
#pragma once

#include "pg_includes.hpp"

namespace mig {

struct StmtInfo {
    int start;            // byte offset of the statement's first token
    int end;              // byte offset just after its last character (whitespace trimmed)
    bool transactional;   // may run inside a transaction block
    bool txcontrol;       // BEGIN, COMMIT, SAVEPOINT, ...
    int txkind;           // TransactionStmtKind when txcontrol
    bool copy_stdio;      // COPY FROM STDIN / TO STDOUT
    bool adds_enum_value; // ALTER TYPE ... ADD VALUE
    const char *tag;      // command tag (static string)
};

struct ScriptInfo {
    int nstmts;
    StmtInfo *stmts;       // palloc'd in the caller's context
    bool transactional;    // every statement (wrapper excluded) may run in a transaction block
    bool wrapped;          // BEGIN; ... COMMIT; wrapper detected (and transactional body)
    bool ends_transaction; // adds an enum label
    int copy_stmt;         // 1-based number of the first COPY FROM STDIN/TO STDOUT, 0 if none
};

// What an error in a script names in its context line. All fields may be NULL: a version names a
// versioned migration, a name alone a repeatable one; `down` marks the down script, so that an
// error in it (at upload or at rollback) is not taken for one in the up script.
struct ScriptSite {
    const char *version;
    const char *name;
    const char *file;
    bool down;
};

// Scripts of at least this many bytes are first tried with PostgreSQL's scanner only (no
// grammar): see analyze_script.
constexpr int FAST_SCAN_MIN_BYTES = 64 * 1024;

// Parses `sql` (`len` bytes; need not be NUL-terminated: copied when the parser runs) with
// raw_parser in a temporary memory context. When `allow_fast` and the script is at least
// FAST_SCAN_MIN_BYTES long, it is first scanned with the core scanner alone (about 4x faster than
// the grammar): if every statement starts with a plain DDL/DML keyword and no keyword that could
// make it non-transactional, wrapped or multi-statement (CONCURRENTLY, VACUUM, BEGIN, COMMIT, END,
// ATOMIC, COPY, TYPE, ...) appears, statements are split at top-level semicolons and the grammar is
// not run; grammar errors in such a script are then reported when it is applied. Otherwise the full
// parser decides. A syntax error is re-raised with the line and column in its context.
// `site` names the script in that context.
ScriptInfo analyze_script(const char *sql, int len, const ScriptSite &site,
                          bool allow_fast = false);
// analyze_script (allow_fast) of a migration's up or down script that is to be stored: one
// with COPY FROM STDIN / TO STDOUT is refused (PM008), whoever stores it (upload, set_down,
// repair).
ScriptInfo analyze_stored_script(const char *sql, int len, const ScriptSite &site);

// Line/column (1-based, column in characters) and character offset of byte offset `byte`.
// Incremental: call with increasing offsets on the same walker.
struct TextWalker {
    const char *s;
    int byte = 0;
    int line = 1;
    int col = 1;
    int chars = 0;
    explicit TextWalker(const char *str) : s(str) {}
    void advance_to(int target);
};

// Adds "migration V (name)[, down script][, file F], line L, column C" (or "repeatable migration
// NAME, …", or "script line L, column C") to an error about `sql`.
// `stmt` is the piece of `sql` that was being parsed or run (it starts at byte `stmt_start`).
// cursor_pos: for parser errors, the 1-based character position in `sql` (0 otherwise).
// A position inside `stmt` (SPI's internalquery/internalpos) is translated to `sql`'s lines and
// columns, SPI's 'SQL statement "..."' context line is dropped (a script can be megabytes long),
// and a long internal query is trimmed to the failing line.
// The line and column (1-based) that the last decorate_script_error() put in its context line.
void last_error_position(int *line, int *col);

void decorate_script_error(ErrorData *ed, const char *sql, const char *stmt, int stmt_start,
                           int cursor_pos, const ScriptSite &site);

// The byte offset of the first token at or after `i` in s[0, len): whitespace and comments
// (`--`, nested `/* */`) skipped.
int skip_space_and_comments(const char *s, int i, int len);

// Statement byte ranges as a flat int4[] (start0, end0, start1, end1, ...) of what runs of the
// script: every statement, or for a script wrapped in its own BEGIN/COMMIT its body's statements
// (possibly none). NULL when the script runs whole (at most one statement, not wrapped).
ArrayType *statement_offsets(const ScriptInfo *info);

} // namespace mig
