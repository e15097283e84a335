// progress.cpp: pg_stat_activity, the progress NOTICEs and the log lines (progress.hpp). PG zone.
#include "progress.hpp"

#include "pg_boundary.hpp"

namespace mig {

static bool g_progress = false;
static int g_log_level = 0; // 0: off, else an elevel (LOG, DEBUG1, …)

static const struct config_enum_entry kLogLevels[] = {
    {"off", 0, false},           {"debug5", DEBUG5, false}, {"debug4", DEBUG4, false},
    {"debug3", DEBUG3, false},   {"debug2", DEBUG2, false}, {"debug1", DEBUG1, false},
    {"debug", DEBUG2, true},     {"info", INFO, false},     {"notice", NOTICE, false},
    {"warning", WARNING, false}, {"log", LOG, false},       {nullptr, 0, false}};

void progress_init() {
    DefineCustomBoolVariable(
        "pgmig.progress",
        "Sends a NOTICE (SQLSTATE PM900/PM901) as each migration of a batch starts and ends.",
        nullptr, &g_progress, false, PGC_USERSET, 0, nullptr, nullptr, nullptr);
    DefineCustomEnumVariable(
        "pgmig.log_level",
        "Level of the one line per applied or rolled back migration pgmig writes; off: none.",
        nullptr, &g_log_level, 0, kLogLevels, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

static const char *verb(const Todo &t, bool done) {
    if (t.down)
        return done ? "rolled back" : "rolling back";
    return done ? "applied" : "applying";
}

// A name inside the comment must not end it.
static char *comment_safe(const char *s) {
    StringInfoData b;
    initStringInfo(&b);
    for (; *s; s++) {
        appendStringInfoChar(&b, *s);
        if (*s == '*' && s[1] == '/')
            appendStringInfoChar(&b, ' ');
    }
    return b.data;
}

void progress_start(const Todo &t) {
    if (pgstat_track_activities && debug_query_string) {
        char *name = comment_safe(t.name);
        char *q = psprintf("/* pgmig: %s %s %s */ %s", verb(t, false), t.version, name,
                           debug_query_string);
        pgstat_report_activity(STATE_RUNNING, q);
        pfree(q);
        pfree(name);
    }
    if (g_progress)
        ereport(NOTICE, (errcode(kProgressStart),
                         errmsg("pgmig: %s %s %s", verb(t, false), t.version, t.name),
                         errhidestmt(true), errhidecontext(true)));
}

void progress_end(const Todo &t) {
    double ms = (double)t.us / 1000.0;
    if (g_progress)
        ereport(NOTICE, (errcode(kProgressEnd),
                         errmsg("pgmig: %s %s %s in %.3f ms", verb(t, true), t.version, t.name, ms),
                         errhidestmt(true), errhidecontext(true)));
    if (g_log_level != 0)
        ereport(g_log_level, (errmsg("pgmig: %s migration %s (%s) in %.3f ms as %s", verb(t, true),
                                     t.version, t.name, ms, GetUserNameFromId(GetUserId(), false)),
                              errhidestmt(true), errhidecontext(true)));
}

void progress_done() {
    if (pgstat_track_activities && debug_query_string)
        pgstat_report_activity(STATE_RUNNING, debug_query_string);
}

} // namespace mig
