// `pgmig new NAME`: the next migration's files in the folder's own layout.
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "version.hpp"

#include <algorithm>
#include <ctime>
#include <fmt/format.h>

namespace mig::client {
namespace {

std::string clean_name(const std::string &name) {
    std::string out;
    for (char c : name) {
        if (c == ' ' || c == '\t' || c == '/' || c == '\\')
            out += '_';
        else
            out += c;
    }
    return out;
}

// `now` ("YYYYMMDDHHMMSS", UTC) as seconds since 1970 (10 digits) or milliseconds (13 digits)
// when the folder's last version is such a Unix time (Sourcegraph's and shmig's seconds,
// node-pg-migrate's milliseconds); "" otherwise.
std::string unix_time_like(const std::string &last, const std::string &now) {
    if ((last.size() != 10 && last.size() != 13) || now.size() != 14 || last[0] != '1' ||
        last.find_first_not_of("0123456789") != std::string::npos)
        return {};
    std::tm t{};
    t.tm_year = std::stoi(now.substr(0, 4)) - 1900;
    t.tm_mon = std::stoi(now.substr(4, 2)) - 1;
    t.tm_mday = std::stoi(now.substr(6, 2));
    t.tm_hour = std::stoi(now.substr(8, 2));
    t.tm_min = std::stoi(now.substr(10, 2));
    t.tm_sec = std::stoi(now.substr(12, 2));
    long long secs = static_cast<long long>(timegm(&t));
    std::string v = std::to_string(last.size() == 13 ? secs * 1000 : secs);
    // a Unix time from the past, not a sequence number that happens to have 10 digits
    return v.size() == last.size() && compare_versions(last, v) <= 0 ? v : std::string();
}

// A Prisma folder: its last migration's script is DIR/migration.sql (no down script).
bool uses_prisma_scripts(const Folder &f) {
    if (f.migrations.empty())
        return false;
    const std::string &up = f.migrations.back().up_file;
    const std::string tail = "/migration.sql";
    return up.size() > tail.size() && up.compare(up.size() - tail.size(), tail.size(), tail) == 0;
}

// Next version: a timestamp when the existing versions are timestamps (>= 12 digits, or Unix
// times) or there are none; otherwise the last version's last group plus one, same zero padding.
std::string next_version(const Folder &f, const std::string &now) {
    if (f.migrations.empty())
        return now;
    const std::string &last = f.migrations.back().version;
    if (std::string unix_now = unix_time_like(last, now); !unix_now.empty())
        return compare_versions(unix_now, last) > 0 ? unix_now : increment_digits(last);
    // diesel's YYYY-MM-DD-HHMMSS-NNNN (version TIMESTAMP.NNNN): now, with a zero sequence;
    // Prisma's second directory of one timestamp (TIMESTAMP.N): now
    if (f.layout == Layout::Directory && last.size() > 15 && last.find('.') == 14 &&
        last.find('.', 15) == std::string::npos) {
        if (uses_prisma_scripts(f))
            return compare_versions(now, last) > 0 ? now : increment_digits(last.substr(0, 14));
        std::string seq = last.substr(15);
        return compare_versions(now, last.substr(0, 14)) > 0
                   ? now + "." + std::string(seq.size(), '0')
                   : last.substr(0, 15) + increment_digits(seq);
    }
    if (last.find('.') == std::string::npos && last.size() >= 12)
        return compare_versions(now, last) > 0 ? now : increment_digits(last);
    size_t dot = last.rfind('.');
    if (dot == std::string::npos)
        return increment_digits(last);
    return last.substr(0, dot + 1) + increment_digits(last.substr(dot + 1));
}

std::string diesel_dashes(const std::string &ts) {
    // 20170926200549 -> 2017-09-26-200549; 20170926200549.0000 -> 2017-09-26-200549-0000
    if (ts.size() != 14 && (ts.size() < 16 || ts[14] != '.'))
        return ts;
    std::string out =
        ts.substr(0, 4) + "-" + ts.substr(4, 2) + "-" + ts.substr(6, 2) + "-" + ts.substr(8, 6);
    return ts.size() == 14 ? out : out + "-" + ts.substr(15);
}

bool has_downs(const Folder &f) {
    return std::any_of(f.migrations.begin(), f.migrations.end(),
                       [](const Migration &m) { return !m.down_file.empty(); });
}

// Layouts whose migrations their own tool writes: where pgmig sends the user instead.
void refuse_tool_written(const Folder &f, const std::string &name) {
    switch (f.layout) {
    case Layout::Sqitch:
        // a new change goes at the end of sqitch.plan too, with its planner: sqitch's job
        throw InputError(fmt::format("{}: a sqitch project: add the change with `sqitch add {}` "
                                     "(it writes deploy/, revert/ and verify/ and appends it to "
                                     "sqitch.plan); pgmig then reads it from the plan",
                                     f.dir, name));
    case Layout::Drizzle:
        // the journal and the schema snapshot are drizzle-kit's to write
        throw InputError(fmt::format("{}: a drizzle-kit folder: generate the migration with "
                                     "`drizzle-kit generate` (`--custom --name {}` for one you "
                                     "write yourself), which also adds it to meta/_journal.json",
                                     f.dir, name));
    case Layout::Graphile:
        // its migrations are a hash chain that graphile-migrate writes when it commits
        throw InputError(fmt::format("{}: graphile-migrate's committed migrations: write the "
                                     "change in current.sql and run `graphile-migrate commit` "
                                     "(it numbers the file and chains its hash); pgmig then "
                                     "reads it here",
                                     f.dir));
    default:
        break;
    }
}

void directory_files(const Folder &f, const std::string &v, const std::string &name,
                     NewFiles &out) {
    std::string dirname = fmt::format("{}_{}", v, name);
    // keep diesel's dashed timestamps when the folder uses them
    if (!f.migrations.empty()) {
        const std::string &last = f.migrations.back().up_file;
        auto slash = last.rfind('/');
        auto prev = slash == std::string::npos ? last : last.substr(0, slash);
        auto pslash = prev.rfind('/');
        std::string base = pslash == std::string::npos ? prev : prev.substr(pslash + 1);
        if (base.size() > 4 && base[4] == '-' && (v.size() == 14 || v.find('.') == 14))
            dirname = fmt::format("{}_{}", diesel_dashes(v), name);
    }
    out.dirs.push_back(dirname);
    if (uses_prisma_scripts(f)) {
        out.files.push_back({dirname + "/migration.sql", ""});
        return;
    }
    out.files.push_back({dirname + "/up.sql", ""});
    out.files.push_back({dirname + "/down.sql", ""});
}

void flyway_files(const Folder &f, const std::string &v, const std::string &name, NewFiles &out) {
    std::string fv = v;
    std::replace(fv.begin(), fv.end(), '.', '_');
    out.files.push_back({fmt::format("V{}__{}.sql", fv, name), ""});
    // undo files only in a folder that has them (they are a Flyway Teams feature)
    if (has_downs(f))
        out.files.push_back({fmt::format("U{}__{}.sql", fv, name), ""});
}

// sql-migrate names files VERSION-title; '_' is kept where the folder uses it.
std::string sql_migrate_name(const Folder &f, const std::string &v, const std::string &name) {
    bool underscore = !f.migrations.empty() && f.relative(f.migrations.back().up_file).find('_') ==
                                                   f.migrations.back().version.size();
    return fmt::format("{}{}{}.sql", v, underscore ? "_" : "-", name);
}

} // namespace

NewFiles plan_new_migration(const Folder &f, const std::string &raw_name, const std::string &now) {
    std::string name = clean_name(raw_name);
    if (name.empty())
        throw InputError("the migration name is empty");
    std::string v = next_version(f, now);
    refuse_tool_written(f, name);
    NewFiles out;
    auto file = [&](std::string path, std::string content) {
        out.files.push_back({std::move(path), std::move(content)});
    };
    const std::string base = fmt::format("{}_{}", v, name);
    switch (f.layout) {
    case Layout::Empty:
    case Layout::GolangMigrate:
    case Layout::Pop: // the generic file, for every dialect (pop wants a down for each up)
        file(base + ".up.sql", "");
        file(base + ".down.sql", "");
        break;
    case Layout::Directory:
        directory_files(f, v, name, out);
        break;
    case Layout::Dbmate:
        file(base + ".sql", "-- migrate:up\n\n\n-- migrate:down\n\n");
        break;
    case Layout::Goose:
        file(base + ".sql", "-- +goose Up\n-- +goose StatementBegin\n\n-- +goose StatementEnd\n\n"
                            "-- +goose Down\n-- +goose StatementBegin\n\n-- +goose StatementEnd\n");
        break;
    case Layout::SqlMigrate:
        file(sql_migrate_name(f, v, name), "-- +migrate Up\n\n-- +migrate Down\n");
        break;
    case Layout::Flyway:
        flyway_files(f, v, name, out);
        break;
    case Layout::Liquibase:
        file(base + ".sql", fmt::format("--liquibase formatted sql\n\n--changeset pgmig:{}\n\n"
                                        "--rollback \n",
                                        base));
        break;
    case Layout::Tern:
        file(base + ".sql", "\n\n---- create above / drop below ----\n\n");
        break;
    case Layout::NodePgMigrate:
        file(base + ".sql", "-- Up Migration\n\n-- Down Migration\n");
        break;
    case Layout::Shmig:
        file(fmt::format("{}-{}.sql", v, name),
             fmt::format("-- Migration: {}\n-- ====  UP  ====\n\n-- ==== DOWN ====\n\n", name));
        break;
    case Layout::Postgrator:
        file(fmt::format("{}.do.{}.sql", v, name), "");
        file(fmt::format("{}.undo.{}.sql", v, name), "");
        break;
    case Layout::Numbered:
        file(base + ".sql", "");
        // a down file only in a folder that has them (Supabase's, sqlx's and Atlas's have none)
        if (has_downs(f))
            file(base + "_down.sql", "");
        break;
    case Layout::Sqitch:
    case Layout::Drizzle:
    case Layout::Graphile:
        break; // refused above
    }
    return out;
}

} // namespace mig::client
