// script.cpp: script analysis with PostgreSQL's raw parser. PG zone.
#include "fast_split.hpp" // common/, pure C++: before any PostgreSQL header

#include "script.hpp"

#include "pg_boundary.hpp" // pgmig's SQLSTATEs

namespace mig {

void TextWalker::advance_to(int target) {
    while (byte < target && s[byte] != '\0') {
        if (s[byte] == '\n') {
            line++;
            col = 1;
            byte++;
        } else {
            int l = pg_mblen(s + byte);
            byte += l;
            col++;
        }
        chars++;
    }
}

int skip_space_and_comments(const char *s, int i, int len) {
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
                           s[i] == '\f' || s[i] == '\v'))
            i++;
        if (i + 1 < len && s[i] == '-' && s[i + 1] == '-') {
            while (i < len && s[i] != '\n')
                i++;
            continue;
        }
        if (i + 1 < len && s[i] == '/' && s[i + 1] == '*') {
            int depth = 1;
            i += 2;
            while (i < len && depth > 0) {
                if (i + 1 < len && s[i] == '/' && s[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (i + 1 < len && s[i] == '*' && s[i + 1] == '/') {
                    depth--;
                    i += 2;
                } else {
                    i++;
                }
            }
            continue;
        }
        return i;
    }
}

static void classify(Node *n, StmtInfo *si) {
    si->transactional = true;
    si->txcontrol = false;
    si->txkind = 0;
    si->copy_stdio = false;
    si->adds_enum_value = false;
    switch (nodeTag(n)) {
    case T_IndexStmt:
        if (castNode(IndexStmt, n)->concurrent)
            si->transactional = false;
        break;
    case T_ReindexStmt: {
        ReindexStmt *r = castNode(ReindexStmt, n);
        if (r->kind == REINDEX_OBJECT_SCHEMA || r->kind == REINDEX_OBJECT_SYSTEM ||
            r->kind == REINDEX_OBJECT_DATABASE)
            si->transactional = false;
        for (int i = 0; i < list_length(r->params); i++) {
            DefElem *d = (DefElem *)list_nth(r->params, i);
            if (strcmp(d->defname, "concurrently") == 0) {
                bool on = true;
                if (d->arg && IsA(d->arg, String)) {
                    const char *v = strVal(d->arg);
                    on = !(pg_strcasecmp(v, "false") == 0 || pg_strcasecmp(v, "off") == 0);
                } else if (d->arg && IsA(d->arg, Integer)) {
                    on = intVal(d->arg) != 0;
                } else if (d->arg && IsA(d->arg, Boolean)) {
                    on = boolVal(d->arg);
                }
                if (on)
                    si->transactional = false;
            }
        }
        break;
    }
    case T_DropStmt:
        if (castNode(DropStmt, n)->concurrent)
            si->transactional = false;
        break;
    case T_VacuumStmt:
        if (castNode(VacuumStmt, n)->is_vacuumcmd)
            si->transactional = false;
        break;
    case T_CreatedbStmt:
    case T_DropdbStmt:
    case T_CreateTableSpaceStmt:
    case T_DropTableSpaceStmt:
    case T_AlterSystemStmt:
    case T_CreateSubscriptionStmt:
        si->transactional = false;
        break;
    case T_TransactionStmt:
        si->transactional = false;
        si->txcontrol = true;
        si->txkind = (int)castNode(TransactionStmt, n)->kind;
        break;
    case T_CopyStmt: {
        CopyStmt *c = castNode(CopyStmt, n);
        if (c->filename == nullptr && !c->is_program)
            si->copy_stdio = true;
        break;
    }
    case T_AlterEnumStmt:
        if (castNode(AlterEnumStmt, n)->oldVal == nullptr)
            si->adds_enum_value = true;
        break;
    default:
        break;
    }
}

// See FAST_SCAN_MIN_BYTES and fast_split.hpp. Returns false when the full parser must decide.
static bool fast_scan(const char *sql, int len, ScriptInfo *info, MemoryContext out_cxt) {
    struct Out {
        StmtInfo *st;
        int cap;
        int n;
    } out{(StmtInfo *)MemoryContextAllocZero(out_cxt, sizeof(StmtInfo) * 1024), 1024, 0};
    bool ok = fast_split(sql, (size_t)len, standard_conforming_strings, [&out](int start, int end) {
        if (out.n == out.cap) {
            out.cap *= 2;
            out.st = (StmtInfo *)repalloc(out.st, sizeof(StmtInfo) * out.cap);
        }
        out.st[out.n].start = start;
        out.st[out.n].end = end;
        out.n++;
    });
    if (!ok) {
        pfree(out.st);
        return false;
    }
    for (int i = 0; i < out.n; i++) {
        StmtInfo *si = &out.st[i];
        int e = si->end;
        while (e > si->start && (sql[e - 1] == ' ' || sql[e - 1] == '\t' || sql[e - 1] == '\n' ||
                                 sql[e - 1] == '\r'))
            e--;
        si->end = e;
        si->transactional = true;
        si->txcontrol = false;
        si->txkind = 0;
        si->copy_stdio = false;
        si->adds_enum_value = false;
        si->tag = "";
    }
    info->nstmts = out.n;
    info->stmts = out.st;
    info->transactional = true;
    return true;
}

ScriptInfo analyze_script(const char *volatile sql, int len, const ScriptSite &site,
                          bool allow_fast) {
    ScriptInfo info;
    memset(&info, 0, sizeof info);
    MemoryContext caller = CurrentMemoryContext;
    // ALLOCSET_DEFAULT_SIZES is PostgreSQL's macro (int products of small constants)
    // NOLINTBEGIN(bugprone-implicit-widening-of-multiplication-result)
    MemoryContext parse_cxt =
        AllocSetContextCreate(CurrentMemoryContext, "pgmig parse", ALLOCSET_DEFAULT_SIZES);
    // NOLINTEND(bugprone-implicit-widening-of-multiplication-result)
    List *volatile raw = NIL;
    volatile bool fast = false;
    MemoryContextSwitchTo(parse_cxt);
    PG_TRY();
    {
        if (allow_fast && len >= FAST_SCAN_MIN_BYTES) {
            fast = fast_scan(sql, len, &info, caller); // statements outlive parse_cxt
        }
        if (!fast) {
            // the parser needs a NUL-terminated string; `sql` may be a text datum's bytes
            MemoryContextSwitchTo(caller);
            sql = pnstrdup(sql, (Size)len);
            MemoryContextSwitchTo(parse_cxt);
            raw = raw_parser(sql, RAW_PARSE_DEFAULT);
        }
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller);
        ErrorData *ed = CopyErrorData();
        FlushErrorState();
        decorate_script_error(ed, sql, sql, 0, ed->cursorpos, site);
        ReThrowError(ed);
    }
    PG_END_TRY();
    MemoryContextSwitchTo(caller);
    if (fast) {
        MemoryContextDelete(parse_cxt);
        return info;
    }

    int n = list_length(raw);
    info.nstmts = n;
    info.stmts = (StmtInfo *)palloc0(sizeof(StmtInfo) * (n > 0 ? n : 1));
    int ntx = 0;
    for (int i = 0; i < n; i++) {
        RawStmt *rs = (RawStmt *)list_nth(raw, i);
        StmtInfo *si = &info.stmts[i];
        classify(rs->stmt, si);
        si->tag = GetCommandTagName(CreateCommandTag(rs->stmt));
        int loc = rs->stmt_location < 0 ? 0 : rs->stmt_location;
        int end = rs->stmt_len > 0 ? loc + rs->stmt_len : len;
        si->start = skip_space_and_comments(sql, loc, end);
        while (end > si->start && (sql[end - 1] == ' ' || sql[end - 1] == '\t' ||
                                   sql[end - 1] == '\n' || sql[end - 1] == '\r'))
            end--;
        si->end = end;
        if (si->txcontrol)
            ntx++;
        if (si->copy_stdio && info.copy_stmt == 0)
            info.copy_stmt = i + 1;
        if (si->adds_enum_value)
            info.ends_transaction = true;
    }
    MemoryContextDelete(parse_cxt);

    if (n >= 2 && ntx == 2 && info.stmts[0].txcontrol &&
        (info.stmts[0].txkind == TRANS_STMT_BEGIN || info.stmts[0].txkind == TRANS_STMT_START) &&
        info.stmts[n - 1].txcontrol && info.stmts[n - 1].txkind == TRANS_STMT_COMMIT) {
        info.wrapped = true;
    }
    info.transactional = true;
    for (int i = info.wrapped ? 1 : 0; i < (info.wrapped ? n - 1 : n); i++)
        if (!info.stmts[i].transactional)
            info.transactional = false;
    if (!info.transactional)
        info.wrapped = false;
    return info;
}

static int g_error_line = 0, g_error_col = 0; // of the last decorated error

void last_error_position(int *line, int *col) {
    *line = g_error_line;
    *col = g_error_col;
}

void decorate_script_error(ErrorData *ed, const char *sql, const char *stmt, int stmt_start,
                           int cursor_pos, const ScriptSite &site) {
    if (ed->context) {
        char *needle = psprintf("SQL statement \"%s\"", stmt);
        char *hit = strstr(ed->context, needle);
        if (hit) {
            size_t nl = strlen(needle);
            const char *rest = hit + nl;
            if (*rest == '\n')
                rest++;
            else if (hit > ed->context && hit[-1] == '\n')
                hit--;
            memmove(hit, rest, strlen(rest) + 1);
            if (ed->context[0] == '\0')
                ed->context = nullptr;
        }
        pfree(needle);
    }
    int pos_chars = 0;
    if (cursor_pos > 0)
        pos_chars = cursor_pos;
    else if (ed->internalquery && ed->internalpos > 0 && strcmp(ed->internalquery, stmt) == 0)
        pos_chars = pg_mbstrlen_with_len(sql, stmt_start) + ed->internalpos;

    int line = 0, col = 0;
    int line_start = -1;
    TextWalker w(sql);
    if (pos_chars > 0) {
        while (w.chars < pos_chars - 1 && w.s[w.byte] != '\0')
            w.advance_to(w.byte + 1);
        line = w.line;
        col = w.col;
        line_start = w.byte;
        while (line_start > 0 && sql[line_start - 1] != '\n')
            line_start--;
        size_t slen = strlen(sql);
        if (slen > 4096) {
            // keep only the failing line (at most 1000 bytes of it)
            int e = line_start;
            while (sql[e] != '\0' && sql[e] != '\n' && e - line_start < 1000)
                e++;
            ed->internalquery = pnstrdup(sql + line_start, e - line_start);
            ed->internalpos = col;
        } else {
            ed->internalquery = pstrdup(sql);
            ed->internalpos = pos_chars;
        }
        ed->cursorpos = 0;
    } else {
        int start = skip_space_and_comments(sql, stmt_start, (int)strlen(sql));
        w.advance_to(start);
        line = w.line;
        col = w.col;
    }

    g_error_line = line;
    g_error_col = col;
    char *where;
    const char *f = site.file && site.file[0] ? site.file : nullptr;
    const char *which = site.down ? ", down script" : "";
    if (site.version)
        where = f ? psprintf("migration %s (%s)%s, file %s, line %d, column %d", site.version,
                             site.name, which, f, line, col)
                  : psprintf("migration %s (%s)%s, line %d, column %d", site.version, site.name,
                             which, line, col);
    else if (site.name)
        where = psprintf("repeatable migration %s, line %d, column %d", site.name, line, col);
    else
        where = psprintf("script line %d, column %d", line, col);
    ed->context = ed->context ? psprintf("%s\n%s", ed->context, where) : where;
}

ArrayType *statement_offsets(const ScriptInfo *info) {
    int from = info->wrapped ? 1 : 0;
    int to = info->wrapped ? info->nstmts - 1 : info->nstmts;
    int n = to - from;
    if (n <= 1 && !info->wrapped)
        return nullptr;
    Datum *d = (Datum *)palloc(sizeof(Datum) * 2 * n);
    for (int i = 0; i < n; i++) {
        d[2 * (size_t)i] = Int32GetDatum(info->stmts[from + i].start);
        d[2 * i + 1] = Int32GetDatum(info->stmts[from + i].end);
    }
    return construct_array(d, 2 * n, INT4OID, 4, true, TYPALIGN_INT);
}

ScriptInfo analyze_stored_script(const char *sql, int len, const ScriptSite &site) {
    ScriptInfo si = analyze_script(sql, len, site, true);
    if (si.copy_stmt)
        ereport(ERROR,
                (errcode(kErrUnsupportedStatement),
                 errmsg("migration %s (%s): COPY FROM STDIN / TO STDOUT is not supported in the "
                        "%s script (statement %d)",
                        site.version, site.name, site.down ? "down" : "up", si.copy_stmt),
                 errhint("Load data with INSERT, or with COPY from a server-side file.")));
    return si;
}

} // namespace mig
