// dry_run_flags.cpp: the lock report's flags, their safer patterns, and what the parser says
// about a statement. PG zone.
#include "dry_run.hpp"

namespace mig {

static const char *const kFlagNames[kFlagCount] = {"access-exclusive", "rewrite",
                                                   "validated-constraint", "not-null-scan",
                                                   "index-without-concurrently"};

// The safer pattern of each flag (docs/safety.md has a worked example of each).
static const char *const kFlagHints[kFlagCount] = {
    "ACCESS EXCLUSIVE blocks every read and write of the table until the deploy commits: set a "
    "lock_timeout, keep the transaction short, or use a form that takes a weaker lock",
    "the table is rewritten while ACCESS EXCLUSIVE is held: add a new column, backfill it in "
    "batches and switch over, or choose a change that needs no rewrite",
    "ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later migration (it takes only "
    "SHARE UPDATE EXCLUSIVE)",
    "ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later "
    "migration, then SET NOT NULL (which uses the valid constraint instead of a scan)",
    "CREATE INDEX CONCURRENTLY in a migration of its own (it runs outside a transaction); for a "
    "PRIMARY KEY or UNIQUE constraint, then ADD CONSTRAINT ... USING INDEX"};

const char *flag_name(int bit_index) {
    return kFlagNames[bit_index];
}

const char *flag_hint(int bit_index) {
    return kFlagHints[bit_index];
}

// The flags an ALTER TABLE's subcommands earn on their table (when it is not empty).
static int alter_table_flags(const AlterTableStmt *a) {
    int flags = 0;
    ListCell *lc;
    foreach (lc, a->cmds) {
        const AlterTableCmd *cmd = (const AlterTableCmd *)lfirst(lc);
        if (cmd->subtype == AT_SetNotNull)
            flags |= kFlagNotNullScan;
        if (cmd->subtype != AT_AddConstraint || cmd->def == nullptr || !IsA(cmd->def, Constraint))
            continue;
        const Constraint *c = (const Constraint *)cmd->def;
        if ((c->contype == CONSTR_CHECK || c->contype == CONSTR_FOREIGN) && !c->skip_validation)
            flags |= kFlagValidatedConstraint;
        if ((c->contype == CONSTR_PRIMARY || c->contype == CONSTR_UNIQUE ||
             c->contype == CONSTR_EXCLUSION) &&
            c->indexname == nullptr)
            flags |= kFlagIndexWithoutConcurrently; // builds its index under ACCESS EXCLUSIVE
    }
    return flags;
}

// Statements this long are not parsed again (a data load is no DDL to flag; parsing it would
// cost a good part of running it).
constexpr int kClassifyMaxBytes = 64 * 1024;

void classify_statement(const char *stmt, int len, StmtClass *out) {
    *out = StmtClass{nullptr, InvalidOid, 0, false};
    if (len >= kClassifyMaxBytes)
        return;
    // NOLINTBEGIN(bugprone-implicit-widening-of-multiplication-result)
    MemoryContext tmp =
        AllocSetContextCreate(CurrentMemoryContext, "pgmig classify", ALLOCSET_SMALL_SIZES);
    // NOLINTEND(bugprone-implicit-widening-of-multiplication-result)
    MemoryContext old = MemoryContextSwitchTo(tmp);
    List *raw = raw_parser(stmt, RAW_PARSE_DEFAULT);
    if (raw != NIL) {
        Node *n = ((RawStmt *)linitial(raw))->stmt;
        out->tag = GetCommandTagName(CreateCommandTag(n)); // static strings
        const RangeVar *rv = nullptr;
        if (IsA(n, IndexStmt) && !((IndexStmt *)n)->concurrent) {
            rv = ((IndexStmt *)n)->relation;
            out->target_flags = kFlagIndexWithoutConcurrently;
        } else if (IsA(n, AlterTableStmt)) {
            rv = ((AlterTableStmt *)n)->relation;
            out->target_flags = alter_table_flags((AlterTableStmt *)n);
        }
        out->truncate = IsA(n, TruncateStmt);
        if (rv && out->target_flags)
            out->target = RangeVarGetRelid(rv, NoLock, true);
        if (!OidIsValid(out->target))
            out->target_flags = 0;
    }
    MemoryContextSwitchTo(old);
    MemoryContextDelete(tmp);
}

} // namespace mig
