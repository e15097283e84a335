#include "layouts/layout.hpp"
#include "text.hpp"
#include "version.hpp"

#include <algorithm>
#include <tuple>

namespace mig::client {

const char *layout_name(Layout l) {
    switch (l) {
    case Layout::Empty:
        return "empty";
    case Layout::GolangMigrate:
        return "golang-migrate";
    case Layout::Directory:
        return "directory";
    case Layout::Dbmate:
        return "dbmate";
    case Layout::Flyway:
        return "flyway";
    case Layout::Goose:
        return "goose";
    case Layout::SqlMigrate:
        return "sql-migrate";
    case Layout::Liquibase:
        return "liquibase";
    case Layout::Sqitch:
        return "sqitch";
    case Layout::Numbered:
        return "numbered";
    case Layout::Tern:
        return "tern";
    case Layout::NodePgMigrate:
        return "node-pg-migrate";
    case Layout::Graphile:
        return "graphile-migrate";
    case Layout::Postgrator:
        return "postgrator";
    case Layout::Shmig:
        return "shmig";
    case Layout::Drizzle:
        return "drizzle";
    case Layout::Pop:
        return "pop";
    }
    return "?";
}

std::optional<std::pair<std::string_view, std::string_view>>
split_version_title_view(std::string_view stem) {
    size_t pos = stem.find('_');
    std::string_view token = stem.substr(0, pos);
    if (token.empty() || token[0] < '0' || token[0] > '9')
        return std::nullopt;
    bool plain = true; // digits only: a version as it is
    for (char c : token) {
        if (c >= '0' && c <= '9')
            continue;
        if (c != '.' && c != '-')
            return std::nullopt;
        plain = false;
    }
    if (!plain && !normalize_version(token))
        return std::nullopt;
    return std::make_pair(token, pos == std::string_view::npos ? std::string_view()
                                                               : stem.substr(pos + 1));
}

std::optional<std::pair<std::string_view, std::string_view>>
split_dashed_version_title_view(std::string_view stem) {
    if (stem.empty() || stem[0] < '0' || stem[0] > '9')
        return std::nullopt;
    size_t i = 0;
    while (i < stem.size() &&
           ((stem[i] >= '0' && stem[i] <= '9') || stem[i] == '.' || stem[i] == '-'))
        ++i;
    if (i == stem.size() || stem[i - 1] != '-')
        return std::nullopt;
    std::string_view token = stem.substr(0, i - 1);
    if (!normalize_version(token))
        return std::nullopt;
    return std::make_pair(token, stem.substr(i));
}

std::optional<NameParts> split_version_title(std::string_view stem) {
    auto v = split_version_title_view(stem);
    if (!v)
        return std::nullopt;
    NameParts p;
    p.version_raw = std::string(v->first);
    p.title = std::string(v->second);
    return p;
}

std::optional<GolangNameView> parse_golang_name_view(std::string_view file) {
    Direction d;
    std::string_view stem;
    if (ends_with(file, ".up.sql")) {
        d = Direction::Up;
        stem = file.substr(0, file.size() - 7);
    } else if (ends_with(file, ".down.sql")) {
        d = Direction::Down;
        stem = file.substr(0, file.size() - 9);
    } else {
        return std::nullopt;
    }
    GolangNameView g{{}, {}, d, false};
    if (auto p = split_version_title_view(stem)) {
        g.version_raw = p->first;
        g.title = p->second;
        g.versioned = true;
    } else {
        g.title = stem;
    }
    return g;
}

std::optional<GolangNameView> parse_postgrator_name_view(std::string_view file) {
    if (!ends_with(file, ".sql"))
        return std::nullopt;
    std::string_view stem = file.substr(0, file.size() - 4);
    size_t dot = stem.find('.');
    if (dot == std::string_view::npos)
        return std::nullopt;
    std::string_view version = stem.substr(0, dot), rest = stem.substr(dot + 1);
    size_t end = rest.find('.');
    std::string_view action = rest.substr(0, end);
    Direction d;
    if (action == "do")
        d = Direction::Up;
    else if (action == "undo")
        d = Direction::Down;
    else
        return std::nullopt;
    // a name of another layout that happens to hold `.do.` (`V1__x.do.sql`, `001_a.do.sql`) is
    // not Postgrator's, even without a version
    if (version.find('_') != std::string_view::npos)
        return std::nullopt;
    GolangNameView g{{},
                     end == std::string_view::npos ? std::string_view() : rest.substr(end + 1),
                     d,
                     !version.empty()};
    for (char c : version)
        if (c < '0' || c > '9')
            g.versioned = false;
    if (g.versioned)
        g.version_raw = version;
    else
        g.title = stem;
    return g;
}

namespace {

bool lower_alnum(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    });
}

// pop's CanonicalDialect() over the dialects it registers (gobuffalo/pop dialect_*.go)
std::string_view pop_dialect(std::string_view d) {
    if (d.empty())
        return "all";
    if (d == "postgres" || d == "postgresql" || d == "pg" || d == "pgx")
        return "postgres";
    if (d == "cockroach" || d == "cockroachdb" || d == "crdb")
        return "cockroach";
    if (d == "sqlite3" || d == "sqlite")
        return "sqlite3";
    if (d == "mysql" || d == "mariadb")
        return d;
    return {};
}

} // namespace

std::optional<PopName> parse_pop_name(std::string_view file) {
    // ^(\d+)_([^.]+)(\.[a-z0-9]+)?(\.autocommit)?\.(up|down)\.(sql|fizz)$ (popx's
    // MigrationFileRegexp; pop's own lacks .autocommit)
    PopName p;
    std::string_view stem;
    for (auto [suffix, dir, fizz] : {std::tuple{".up.sql", Direction::Up, false},
                                     std::tuple{".down.sql", Direction::Down, false},
                                     std::tuple{".up.fizz", Direction::Up, true},
                                     std::tuple{".down.fizz", Direction::Down, true}})
        if (ends_with(file, suffix)) {
            stem = file.substr(0, file.size() - std::string_view(suffix).size());
            p.dir = dir;
            p.fizz = fizz;
            break;
        }
    size_t us = stem.find('_');
    if (stem.empty() || us == 0 || us == std::string_view::npos)
        return std::nullopt;
    p.version = stem.substr(0, us);
    if (!std::all_of(p.version.begin(), p.version.end(),
                     [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::string_view rest = stem.substr(us + 1);
    size_t dot = rest.find('.');
    p.name = rest.substr(0, dot);
    if (p.name.empty())
        return std::nullopt;
    std::string_view tail =
        dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    if (ends_with(tail, "autocommit") && (tail.size() == 10 || ends_with(tail, ".autocommit"))) {
        p.autocommit = true;
        tail = tail.substr(0, tail.size() > 10 ? tail.size() - 11 : 0);
    }
    if (!tail.empty() && !lower_alnum(tail))
        return std::nullopt;
    p.dialect_raw = tail;
    p.dialect = pop_dialect(tail);
    return p;
}

std::optional<GolangName> parse_golang_name(const std::string &file) {
    auto v = parse_golang_name_view(file);
    if (!v)
        return std::nullopt;
    GolangName g{{}, v->dir, v->versioned};
    g.parts.version_raw = std::string(v->version_raw);
    g.parts.title = std::string(v->title);
    return g;
}

std::optional<FlywayName> parse_flyway_name(const std::string &file) {
    if (!ends_with(file, ".sql") || file.size() < 4)
        return std::nullopt;
    std::string stem = file.substr(0, file.size() - 4);
    if (starts_with(stem, "R__")) {
        if (stem.size() == 3)
            return std::nullopt;
        return FlywayName{FlywayKind::Repeatable, "", stem.substr(3)};
    }
    if (stem.empty() || (stem[0] != 'V' && stem[0] != 'U' && stem[0] != 'B'))
        return std::nullopt;
    size_t sep = stem.find("__", 1);
    if (sep == std::string::npos || sep == 1)
        return std::nullopt;
    auto v = normalize_version(stem.substr(1, sep - 1), true);
    if (!v)
        return std::nullopt;
    FlywayKind kind = stem[0] == 'V'   ? FlywayKind::Versioned
                      : stem[0] == 'U' ? FlywayKind::Undo
                                       : FlywayKind::Baseline;
    return FlywayName{kind, *v, stem.substr(sep + 2)};
}

} // namespace mig::client
