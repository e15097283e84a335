// One directory per migration (docs/layouts.md, "Directory per migration"): VERSION_title/ with
// up.sql and down.sql (golang-migrate's directory form, diesel's, Sourcegraph's), or with
// Prisma's migration.sql; and the metadata files beside them (diesel's metadata.toml,
// Sourcegraph's metadata.yaml).
#include "errors.hpp"
#include "layouts/readers.hpp"
#include "toml_guard.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <toml++/toml.h>

namespace mig::client {
namespace {

// Prisma: each migration's script, and the folder's provider lock file.
const char *const kPrismaScript = "migration.sql";
const char *const kPrismaLock = "migration_lock.toml";

bool has_child(const Entry &e, std::string_view name) {
    return std::count(e.children.begin(), e.children.end(), name) > 0;
}

bool claims_directory(Claim &c) {
    const Entry &e = *c.entry;
    return e.is_dir &&
           (has_child(e, "up.sql") || has_child(e, "down.sql") || has_child(e, kPrismaScript));
}

class DirectoryReader : public LayoutReader {
  public:
    void entry(FolderReader &r, Claim &c) override {
        std::string_view name = c.name();
        if (c.layout == Layout::Directory)
            migration_directory(r, *c.entry);
        else if (c.stray_dir())
            r.stray(std::string(name) + "/", "directory without up.sql");
        else if (name != kPrismaLock) // Prisma's record of the database provider
            r.stray(name, "a loose file in a directory-per-migration folder");
    }

  private:
    void migration_directory(FolderReader &r, const Entry &e);
    void read_beside(FolderReader &r, const Entry &e, Migration &m, bool prisma);

    SameVersionInNameOrder same_version_;
};

void DirectoryReader::migration_directory(FolderReader &r, const Entry &e) {
    auto parts = split_version_title(e.name);
    if (!parts) {
        r.errors.push_back(fmt::format("{}: directory name has no version (expected "
                                       "VERSION_title, e.g. 20240115093000_create_users)",
                                       r.path(e.name)));
        return;
    }
    bool has_up = has_child(e, "up.sql");
    // Prisma's directories hold one migration.sql (the up script; no down)
    bool prisma = !has_up && has_child(e, kPrismaScript);
    if (!has_up && !prisma) {
        r.errors.push_back(
            fmt::format("{}: down.sql without up.sql", r.path(std::string(e.name) + "/down.sql")));
        return;
    }
    Migration m;
    m.version = *normalize_version(parts->version_raw);
    // Prisma names a migration by its directory and runs them in name order: directories of
    // one timestamp (langfuse's _01 … _07) are VERSION, VERSION.1, …
    if (prisma)
        same_version_.apply(m);
    m.name = parts->title;
    std::string up_rel = std::string(e.name) + "/" + (prisma ? kPrismaScript : "up.sql");
    m.up_file = r.path(up_rel);
    r.read_up(up_rel, m);
    read_beside(r, e, m, prisma);
    r.add(std::move(m));
}

// The other files of a migration's directory: its down script, diesel's metadata.toml,
// Sourcegraph's metadata.yaml; anything else is a stray file.
void DirectoryReader::read_beside(FolderReader &r, const Entry &e, Migration &m, bool prisma) {
    std::string dname(e.name);
    for (const auto &c : e.children) {
        if (c == "up.sql" || (prisma && c == kPrismaScript))
            continue;
        if (c == "down.sql") {
            m.down_file = r.path(dname + "/down.sql");
            DownScript d;
            r.read_down(dname + "/down.sql", d);
            d.move_into(m);
        } else if (c == "metadata.toml") {
            if (auto t = r.read(dname + "/metadata.toml")) {
                try {
                    m.no_transaction =
                        !diesel_runs_in_transaction(*t, r.path(dname + "/metadata.toml"));
                } catch (const InputError &err) {
                    r.errors.push_back(err.what());
                }
            }
        } else if (c == "metadata.yaml") {
            // Sourcegraph's: names the migration of a bare-number directory
            if (m.name.empty())
                if (auto t = r.read(dname + "/metadata.yaml"))
                    m.name = sourcegraph_metadata_name(*t);
        } else {
            r.stray(dname + "/" + c, "not up.sql, down.sql, metadata.toml or metadata.yaml");
        }
    }
}

} // namespace

const ReaderSpec kDirectoryReader = [] {
    ReaderSpec spec{Layout::Directory, Detection::Project,
                    [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
                        return std::make_unique<DirectoryReader>();
                    }};
    spec.claims = claims_directory;
    spec.hides_loose_sql = true;
    return spec;
}();

bool diesel_runs_in_transaction(const std::string &toml_text, const std::string &path) {
    try {
        std::string safe = toml_safe_text(toml_text, path); // toml_guard.hpp: toml++ 3.3's UB
        auto tbl = toml::parse(safe, path);
        return tbl["run_in_transaction"].value_or(true);
    } catch (const toml::parse_error &e) {
        throw InputError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                     e.source().begin.column, e.description()));
    }
}

std::string sourcegraph_metadata_name(const std::string &yaml_text) {
    size_t at = 0;
    while (at < yaml_text.size()) {
        size_t end = yaml_text.find('\n', at);
        if (end == std::string::npos)
            end = yaml_text.size();
        std::string_view line(yaml_text.data() + at, end - at);
        at = end + 1;
        if (line.rfind("name:", 0) != 0)
            continue;
        line.remove_prefix(5);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
            line.remove_suffix(1);
        if (line.size() >= 2 && (line.front() == '\'' || line.front() == '"') &&
            line.back() == line.front()) {
            line = line.substr(1, line.size() - 2);
        } else if (size_t hash = line.find(" #"); hash != std::string_view::npos) {
            line = line.substr(0, hash); // a plain scalar's comment
            while (!line.empty() && line.back() == ' ')
                line.remove_suffix(1);
        }
        return std::string(line);
    }
    return {};
}

} // namespace mig::client
