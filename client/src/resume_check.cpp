#include "resume_check.hpp"

#include <cctype>
#include <chrono>
#include <fmt/format.h>
#include <thread>

namespace mig::client {
namespace {

// A tiny reader over SQL text: keywords and identifiers, skipping white space and comments.
struct Words {
    std::string_view s;
    size_t at = 0;

    void skip() {
        while (at < s.size()) {
            if (std::isspace(static_cast<unsigned char>(s[at]))) {
                ++at;
            } else if (s.compare(at, 2, "--") == 0) {
                size_t nl = s.find('\n', at);
                at = nl == std::string_view::npos ? s.size() : nl + 1;
            } else if (s.compare(at, 2, "/*") == 0) {
                size_t end = s.find("*/", at + 2);
                at = end == std::string_view::npos ? s.size() : end + 2;
            } else {
                return;
            }
        }
    }
    // the next keyword, case-insensitively, consumed when it matches
    bool keyword(std::string_view kw) {
        skip();
        if (s.size() - at < kw.size())
            return false;
        for (size_t i = 0; i < kw.size(); ++i)
            if (std::toupper(static_cast<unsigned char>(s[at + i])) != kw[i])
                return false;
        size_t end = at + kw.size();
        if (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '_'))
            return false;
        at = end;
        return true;
    }
    // one identifier part: "quoted ""x""" or a plain word
    std::string part() {
        skip();
        size_t b = at;
        if (at < s.size() && s[at] == '"') {
            for (++at; at < s.size(); ++at)
                if (s[at] == '"') {
                    if (at + 1 < s.size() && s[at + 1] == '"')
                        ++at;
                    else
                        return std::string(s.substr(b, ++at - b));
                }
            return "";
        }
        while (at < s.size() && (std::isalnum(static_cast<unsigned char>(s[at])) || s[at] == '_' ||
                                 s[at] == '$' || static_cast<unsigned char>(s[at]) >= 0x80))
            ++at;
        return std::string(s.substr(b, at - b));
    }
    // a standard string literal 'it''s', unquoted; empty when there is none (E'…' too)
    std::string literal() {
        skip();
        if (at >= s.size() || s[at] != '\'')
            return "";
        std::string out;
        for (++at; at < s.size(); ++at) {
            if (s[at] != '\'') {
                out += s[at];
            } else if (at + 1 < s.size() && s[at + 1] == '\'') {
                out += '\'';
                ++at;
            } else {
                ++at;
                return out;
            }
        }
        return "";
    }
    // a parenthesized option list, skipped; true when it names `word`
    bool options_name(std::string_view word) {
        skip();
        if (at >= s.size() || s[at] != '(')
            return false;
        size_t end = s.find(')', at);
        if (end == std::string_view::npos)
            return false;
        Words in{s.substr(at + 1, end - at - 1)};
        at = end + 1;
        while (in.at < in.s.size()) {
            if (in.keyword(word))
                return true;
            if (in.part().empty())
                ++in.at;
        }
        return false;
    }
    // a possibly qualified name: a.b
    std::string name() {
        std::string n = part();
        while (!n.empty()) {
            skip();
            if (at >= s.size() || s[at] != '.')
                break;
            ++at;
            std::string more = part();
            if (more.empty())
                return "";
            n += "." + more;
        }
        return n;
    }
};

} // namespace

namespace {

// REINDEX [(options)] INDEX|TABLE [CONCURRENTLY] name, CONCURRENTLY in one place or the other
std::optional<IndexStatement> parse_reindex(Words &w) {
    bool concurrently = w.options_name("CONCURRENTLY");
    bool index = w.keyword("INDEX");
    if (!index && !w.keyword("TABLE"))
        return std::nullopt;
    concurrently = w.keyword("CONCURRENTLY") || concurrently;
    std::string name = w.name();
    if (!concurrently || name.empty())
        return std::nullopt;
    if (index)
        return IndexStatement{IndexStatement::ReindexConcurrently, name, ""};
    return IndexStatement{IndexStatement::ReindexConcurrently, "", name};
}

// ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'label' …
std::optional<IndexStatement> parse_add_value(Words &w) {
    if (!w.keyword("TYPE"))
        return std::nullopt;
    std::string type = w.name();
    if (type.empty() || !w.keyword("ADD") || !w.keyword("VALUE"))
        return std::nullopt;
    if (w.keyword("IF") && !(w.keyword("NOT") && w.keyword("EXISTS")))
        return std::nullopt;
    std::string label = w.literal();
    if (label.empty())
        return std::nullopt;
    return IndexStatement{IndexStatement::AddEnumValue, type, label};
}

} // namespace

std::optional<IndexStatement> parse_index_statement(std::string_view sql) {
    Words w{sql};
    if (w.keyword("REINDEX"))
        return parse_reindex(w);
    if (w.keyword("ALTER"))
        return parse_add_value(w);
    if (w.keyword("CREATE")) {
        w.keyword("UNIQUE");
        if (!w.keyword("INDEX") || !w.keyword("CONCURRENTLY"))
            return std::nullopt;
        if (w.keyword("IF") && !(w.keyword("NOT") && w.keyword("EXISTS")))
            return std::nullopt;
        size_t before = w.at;
        if (w.keyword("ON")) // no name: PostgreSQL chooses one, nothing to look for
            return std::nullopt;
        w.at = before;
        std::string index = w.part();
        if (index.empty() || !w.keyword("ON"))
            return std::nullopt;
        w.keyword("ONLY");
        std::string table = w.name();
        if (table.empty())
            return std::nullopt;
        return IndexStatement{IndexStatement::CreateConcurrently, index, table};
    }
    if (w.keyword("DROP")) {
        if (!w.keyword("INDEX") || !w.keyword("CONCURRENTLY"))
            return std::nullopt;
        if (w.keyword("IF") && !w.keyword("EXISTS"))
            return std::nullopt;
        std::string index = w.name();
        w.skip();
        if (index.empty() || (w.at < sql.size() && sql[w.at] != ';' && !w.keyword("CASCADE") &&
                              !w.keyword("RESTRICT")))
            return std::nullopt; // several indexes, or not what it seemed
        return IndexStatement{IndexStatement::DropConcurrently, index, ""};
    }
    return std::nullopt;
}

namespace {

ResumeDecision decide_drop(Conn &c, const IndexStatement &st) {
    // the index as the statement's own search_path finds it
    auto r = c.exec("SELECT pg_catalog.to_regclass($1) IS NULL", {st.index});
    if (r.str(0, 0) == "t")
        return {Resume::RecordDone,
                {},
                fmt::format("index {} is not there (already dropped): recorded done", st.index)};
    return {};
}

// an index of that name on that table, in the table's schema
ResumeDecision decide_create(Conn &c, const IndexStatement &st) {
    auto r = c.exec(
        "SELECT i.indisvalid, pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.||) '.' "
        "OPERATOR(pg_catalog.||) pg_catalog.quote_ident(x.relname) "
        "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON x.oid OPERATOR(pg_catalog.=) "
        "i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) "
        "x.relnamespace WHERE i.indrelid OPERATOR(pg_catalog.=) pg_catalog.to_regclass($1) "
        "AND x.relname OPERATOR(pg_catalog.=) (pg_catalog.parse_ident($2))[1]",
        {st.table, st.index});
    if (r.rows() == 0)
        return {};
    if (r.str(0, 0) == "t")
        return {Resume::RecordDone,
                {},
                fmt::format("index {} exists and is valid (built by an interrupted deploy): "
                            "recorded done",
                            r.str(0, 1))};
    return {Resume::DropThenRun,
            {"DROP INDEX CONCURRENTLY IF EXISTS " + r.str(0, 1)},
            fmt::format("index {} exists but is invalid (its build was interrupted): dropping it "
                        "and building it again",
                        r.str(0, 1))};
}

// What a cut REINDEX CONCURRENTLY leaves: invalid indexes named NAME_ccnew or NAME_ccold
// (numbered when taken) on the table. Running it again is safe either way, once they are gone.
ResumeDecision decide_reindex(Conn &c, const IndexStatement &st) {
    auto r = c.exec(
        "WITH t AS (SELECT coalesce(pg_catalog.to_regclass($2), (SELECT i.indrelid FROM "
        "pg_catalog.pg_index i WHERE i.indexrelid OPERATOR(pg_catalog.=) "
        "pg_catalog.to_regclass($1))) AS rel, CASE WHEN $1 IS NULL THEN '' ELSE "
        "(pg_catalog.parse_ident($1))[pg_catalog.array_upper(pg_catalog.parse_ident($1), 1)] "
        "END AS base) "
        "SELECT pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.||) '.' "
        "OPERATOR(pg_catalog.||) pg_catalog.quote_ident(x.relname) "
        "FROM t, pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON x.oid "
        "OPERATOR(pg_catalog.=) i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid "
        "OPERATOR(pg_catalog.=) x.relnamespace WHERE i.indrelid OPERATOR(pg_catalog.=) t.rel "
        "AND NOT i.indisvalid AND pg_catalog.starts_with(x.relname, t.base) "
        "AND x.relname OPERATOR(pg_catalog.~) '_cc(new|old)[0-9]*$' ORDER BY 1",
        {st.index.empty() ? std::nullopt : std::optional<std::string>(st.index),
         st.table.empty() ? std::nullopt : std::optional<std::string>(st.table)});
    if (r.rows() == 0)
        return {}; // nothing left: running it (again) is what REINDEX is for
    ResumeDecision d{Resume::DropThenRun, {}, ""};
    std::string names;
    for (int i = 0; i < r.rows(); ++i) {
        d.drop_sql.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + r.str(i, 0));
        names += (i ? ", " : "") + r.str(i, 0);
    }
    d.note = fmt::format("invalid index(es) {} left by an interrupted REINDEX CONCURRENTLY: "
                         "dropping them and running it again",
                         names);
    return d;
}

ResumeDecision decide_add_value(Conn &c, const IndexStatement &st) {
    auto r = c.exec("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_enum e WHERE e.enumtypid "
                    "OPERATOR(pg_catalog.=) pg_catalog.to_regtype($1) AND e.enumlabel "
                    "OPERATOR(pg_catalog.=) $2)",
                    {st.index, st.table});
    if (r.str(0, 0) != "t")
        return {};
    return {Resume::RecordDone,
            {},
            fmt::format("type {} has the label '{}' already: recorded done", st.index, st.table)};
}

} // namespace

ResumeDecision decide_resume(Conn &c, std::string_view sql) {
    auto st = parse_index_statement(sql);
    if (!st)
        return {};
    switch (st->kind) {
    case IndexStatement::DropConcurrently:
        return decide_drop(c, *st);
    case IndexStatement::CreateConcurrently:
        return decide_create(c, *st);
    case IndexStatement::ReindexConcurrently:
        return decide_reindex(c, *st);
    case IndexStatement::AddEnumValue:
        return decide_add_value(c, *st);
    }
    return {};
}

bool repeatable_statement(std::string_view sql) {
    Words w{sql};
    for (const char *kw : {"VACUUM", "ANALYZE", "ANALYSE", "REINDEX", "CLUSTER", "REFRESH",
                           "CHECKPOINT", "SET", "RESET"})
        if (w.keyword(kw))
            return true;
    if (w.keyword("ALTER"))
        return w.keyword("SYSTEM");
    bool create = w.keyword("CREATE");
    if (!create && !w.keyword("DROP"))
        return false;
    // the IF [NOT] EXISTS among the first words (after the kind of object)
    for (int i = 0; i < 6 && w.at < sql.size(); ++i) {
        if (w.keyword("IF"))
            return create ? w.keyword("NOT") && w.keyword("EXISTS") : w.keyword("EXISTS");
        if (w.part().empty())
            return false;
    }
    return false;
}

bool transaction_control(std::string_view sql) {
    Words w{sql};
    for (const char *kw :
         {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"})
        if (w.keyword(kw))
            return true;
    return w.keyword("PREPARE") && w.keyword("TRANSACTION");
}

void wait_for_orphan(Conn &c, const std::string &tag, bool quiet) {
    bool said = false;
    while (true) {
        auto r =
            c.exec("SELECT pid FROM pg_catalog.pg_stat_activity WHERE pid OPERATOR(pg_catalog.<>) "
                   "pg_catalog.pg_backend_pid() AND state OPERATOR(pg_catalog.=) 'active' "
                   "AND pg_catalog.starts_with(query, $1)",
                   {tag});
        if (r.rows() == 0)
            return;
        if (!said && !quiet)
            fmt::print(stderr,
                       "waiting for pid {}, which still runs this statement for a deploy that "
                       "was interrupted (the server stops it once it notices that its client "
                       "has gone)\n",
                       r.str(0, 0));
        said = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

} // namespace mig::client
