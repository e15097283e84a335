#include "status.hpp"

#include "output.hpp"
#include "trace.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unordered_set>

namespace mig::client {
namespace {

// The columns status shows (not down_checksum: 640 kB less to send and convert for 10,000 rows);
// the duration in seconds (no interval text to parse, whatever the session's IntervalStyle).
// applied_at in the session's DateStyle for the table, RFC 3339 (through to_json) for --json,
// which alone shows applied_by.
const char *const kListSql =
    "SELECT version, name, state, kind, batch, {}, extract(epoch FROM duration), checksum, "
    "has_down, transactional, "
    "CASE WHEN down_error IS NOT NULL THEN format('%s:%s:%s: %s', "
    "coalesce(down_error->>'file', 'down script'), down_error->>'line', down_error->>'column', "
    "down_error->>'message') END, {} FROM mig.status()";
enum { V, N, S, K, B, AT, D, CK, HD, TX, DE, BY };

std::vector<StatusLine> read_lines(const Result &r) {
    std::vector<StatusLine> lines;
    // room for the folder's migrations that the server does not know yet
    lines.reserve(static_cast<size_t>(r.rows()) + 64);
    for (int i = 0; i < r.rows(); ++i) {
        StatusLine &l = lines.emplace_back();
        l.version = r.view(i, V);
        l.name = r.view(i, N);
        l.state = r.view(i, S);
        l.kind = r.null(i, K) ? std::string_view("versioned") : r.view(i, K);
        l.batch = r.view(i, B);
        l.applied_at = r.view(i, AT);
        if (!r.null(i, D)) {
            l.duration_s = r.number(i, D);
            l.duration = human_duration(l.duration_s);
        }
        l.applied_by = r.view(i, BY);
        l.checksum = r.view(i, CK);
        l.has_down = r.flag(i, HD);
        l.transactional = r.view(i, TX) != "f";
        l.down_error = r.view(i, DE);
    }
    return lines;
}

bool unfinished(const StatusLine &l) {
    return l.state == "partial" || l.state == "failed";
}

// How far a partial or failed (non-transactional) migration got: asked only when there is one,
// so a status of 10,000 applied migrations sends no more columns. A down script run part-way
// counts its own statements.
void read_progress(Conn &c, std::vector<StatusLine> &lines) {
    if (std::none_of(lines.begin(), lines.end(), unfinished))
        return;
    Result p = c.exec("SELECT m.version, coalesce(a.statements_done, 0), m.statements, "
                      "coalesce(a.down_statements_done, 0), m.down_statements "
                      "FROM mig.applied a JOIN mig.migration m ON m.vkey OPERATOR(pg_catalog.=) "
                      "a.vkey WHERE NOT a.complete");
    for (int k = 0; k < p.rows(); ++k)
        for (auto &l : lines)
            if (l.kind != "repeatable" && l.version == p.view(k, 0)) {
                l.done = static_cast<int>(p.integer(k, 1));
                l.statements = static_cast<int>(p.integer(k, 2));
                l.down_done = static_cast<int>(p.integer(k, 3));
                l.down_statements = static_cast<int>(p.integer(k, 4));
            }
}

// Which pending migrations were uploaded from a file (`pgmig up` records it; one uploaded from
// SQL without a file stays `pending` without one): a pending one whose file is gone is
// `missing-file`, which `up` refuses to run. Asked only when something is pending.
void read_recorded_files(Conn &c, std::vector<StatusLine> &lines) {
    if (std::none_of(lines.begin(), lines.end(),
                     [](const StatusLine &l) { return l.state == "pending"; }))
        return;
    Result p = c.exec("SELECT m.version FROM mig.migration m WHERE NOT EXISTS (SELECT FROM "
                      "mig.applied a WHERE a.vkey OPERATOR(pg_catalog.=) m.vkey) AND "
                      "m.options OPERATOR(pg_catalog.->>) 'file' IS NOT NULL");
    std::unordered_set<std::string_view> from_file;
    for (int k = 0; k < p.rows(); ++k)
        from_file.insert(p.view(k, 0));
    for (auto &l : lines)
        l.from_file = l.state == "pending" && l.kind != "repeatable" && from_file.count(l.version);
}

} // namespace

ServerStatus fetch_server_status(Conn &c, bool rfc3339) {
    ServerStatus out;
    static const std::string table = fmt::format(kListSql, "applied_at", "NULL");
    static const std::string json = fmt::format(
        kListSql, "pg_catalog.to_json(applied_at) OPERATOR(pg_catalog.#>>) '{}'", "applied_by");
    c.send(rfc3339 ? json : table);
    out.rows = c.receive();
    trace("status: rows received");
    out.lines = read_lines(out.rows);
    read_progress(c, out.lines);
    read_recorded_files(c, out.lines);
    out.drift = fetch_drift_status(c);
    trace("status: rows converted");
    return out;
}

} // namespace mig::client
