// entry_drift.cpp: the SQL entry points of drift capture (drift.hpp): the event trigger function,
// the install script's mig._drift_quiet_session, and mig._in_bookkeeping for the trigger that
// stores the catalog's fingerprint when a deploy is logged.
#include "args.hpp" // pure C++ first
#include "version_order.hpp"

#include "bookkeeping.hpp"
#include "drift.hpp"
#include "pg_boundary.hpp"

#include <optional>

namespace mig {
namespace {

// "/* pgmig: VERSION DIRECTION statement N of T */ SQL": how client/src/run_outside.cpp sends a
// statement of a non-transactional migration.
struct StatementMarker {
    std::string version, direction, sql;
    int stmt_no = 0;
};

std::optional<StatementMarker> parse_marker(const std::string &q) {
    static const std::string prefix = "/* pgmig: ";
    if (q.compare(0, prefix.size(), prefix) != 0)
        return std::nullopt;
    size_t close = q.find(" */ ", prefix.size());
    if (close == std::string::npos)
        return std::nullopt;
    std::string head = q.substr(prefix.size(), close - prefix.size());
    StatementMarker m;
    size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
    if (sp1 == std::string::npos || sp2 == std::string::npos)
        return std::nullopt;
    m.version = head.substr(0, sp1);
    m.direction = head.substr(sp1 + 1, sp2 - sp1 - 1);
    std::string rest = head.substr(sp2 + 1); // "statement N of T"
    static const std::string word = "statement ";
    if (rest.compare(0, word.size(), word) != 0 || !parse_version(m.version) ||
        (m.direction != "up" && m.direction != "down"))
        return std::nullopt;
    size_t digits = word.size(), end = digits;
    while (end < rest.size() && end - digits < 9 && rest[end] >= '0' && rest[end] <= '9')
        m.stmt_no = m.stmt_no * 10 + (rest[end++] - '0');
    if (end == digits || rest.compare(end, 4, " of ") != 0)
        return std::nullopt;
    // psql sends the statement's semicolon; the client does not
    size_t last = q.find_last_not_of(" \t\r\n");
    if (last != std::string::npos && last > close + 3 && q[last] == ';')
        last = q.find_last_not_of(" \t\r\n", last - 1);
    m.sql =
        last == std::string::npos || last < close + 4 ? "" : q.substr(close + 4, last - close - 3);
    return m;
}

} // namespace
} // namespace mig

extern "C" {

// The event trigger of pgmig_drift_ddl and pgmig_drift_drop. It fires for every DDL statement,
// a migration's too: drift_wanted() answers those at once, before any C++ frame is set up.
PG_FUNCTION_INFO_V1(mig_drift_capture);
Datum mig_drift_capture(PG_FUNCTION_ARGS) {
    if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
        elog(ERROR, "mig._drift_capture must be called as an event trigger");
    auto *et = reinterpret_cast<EventTriggerData *>(fcinfo->context);
    if (!mig::drift_wanted() || mig::drift_ignored_tag(et->tag) ||
        mig::drift_grant_on_temp_only(et->parsetree))
        PG_RETURN_VOID();
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        auto *t = reinterpret_cast<EventTriggerData *>(fc->context);
        const char *query = debug_query_string;
        if (auto m = mig::parse_marker(query ? query : "")) {
            bool ours = mig::pg_call([&]() noexcept {
                return mig::drift_is_stored_statement(m->version.c_str(), m->direction.c_str(),
                                                      m->stmt_no, m->sql.c_str());
            });
            if (ours)
                return (Datum)0;
        }
        mig::pg_call(
            [&]() noexcept { mig::drift_record(t->event, GetCommandTagName(t->tag), query); });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_in_bookkeeping);
Datum mig_in_bookkeeping(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    PG_RETURN_BOOL(mig::in_bookkeeping());
}

PG_FUNCTION_INFO_V1(mig_drift_quiet_session);
Datum mig_drift_quiet_session(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    mig::drift_quiet_session();
    PG_RETURN_VOID();
}

} // extern "C"
