// gobuffalo/pop's file migrations, as Ory Kratos, Hydra and Keto write them (docs/layouts.md,
// pop): `VERSION_name.up.sql` for every database, `VERSION_name.postgres.up.sql` for PostgreSQL
// alone, `.mysql.`, `.cockroach.`, `.sqlite3.` for the others; Ory's popx adds `.autocommit`.
// Of one version and direction, pop runs the file of its dialect when there is one, else the
// generic one (popx's Migrations.sortAndFilter, pop's UpMigrations.Less); pgmig does the same
// for PostgreSQL and leaves the other dialects' files alone.
#include "layouts/readers.hpp"
#include "version.hpp"

#include <fmt/format.h>
#include <map>
#include <utility>

namespace mig::client {
namespace {

class PopReader : public LayoutReader {
  public:
    void reserve(FolderReader &r, size_t entries) override {
        r.reserve(entries / 4 + 1, entries / 4 + 1);
    }

    void entry(FolderReader &r, Claim &c) override {
        std::string_view name = c.name();
        auto p = c.layout == Layout::Pop ? parse_pop_name(name) : std::nullopt;
        if (!p) {
            r.stray(name,
                    c.stray_dir() ? "directory" : "not VERSION_name[.DIALECT].up.sql / .down.sql");
            return;
        }
        if (p->dialect.empty()) { // pop ignores it too ("unsupported dialect")
            r.stray(name, fmt::format("a file for dialect '{}', which pop does not know",
                                      p->dialect_raw));
            return;
        }
        if (!p->for_postgres())
            return; // another database's script: pop on PostgreSQL does not run it either
        if (p->fizz && p->dialect != "all") { // pop refuses it
            r.errors.push_back(fmt::format("{}: a fizz migration is for every dialect: pop "
                                           "refuses a dialect in its name",
                                           r.path(name)));
            return;
        }
        Slot &slot = chosen_[{canonical_version(std::string(p->version)), p->dir}];
        bool specific = p->dialect == "postgres";
        if (slot.name.empty() || specific > slot.specific) {
            slot = Slot{name, *p, specific, {}};
        } else if (specific == slot.specific) {
            slot.duplicates.push_back(name); // two files where pop runs one: an error
        }
    }

    // Each version's chosen up and down files become its migration and down script.
    void finish(FolderReader &r) override {
        for (auto &[key, slot] : chosen_) {
            for (std::string_view dup : slot.duplicates)
                r.errors.push_back(fmt::format("{}: duplicate of {} (pop runs one file per "
                                               "version and dialect)",
                                               r.path(dup), r.path(slot.name)));
            if (slot.pop.fizz) {
                r.errors.push_back(fmt::format(
                    "{}: a fizz migration (pop's DSL, not SQL): pgmig runs SQL only; write its "
                    "SQL (`soda` prints it) into {}_{}.postgres.{}.sql beside it",
                    r.path(slot.name), slot.pop.version, slot.pop.name,
                    slot.pop.dir == Direction::Up ? "up" : "down"));
                continue;
            }
            std::string v = std::string(slot.pop.version);
            if (slot.pop.dir == Direction::Down) {
                DownScript d;
                if (r.read_down(slot.name, d))
                    r.add_down(key.first, slot.name, std::move(d), v, "down");
                continue;
            }
            Migration &m = r.next();
            m.version = std::move(v);
            m.name = std::string(slot.pop.name);
            m.up_file = r.path(slot.name);
            m.no_transaction = slot.pop.autocommit;
            if (r.read_up(slot.name, m))
                r.commit();
            else
                r.drop();
        }
    }

  private:
    struct Slot {
        std::string_view name; // the file pop would run
        PopName pop;
        bool specific = false; // .postgres. (beats the generic file)
        std::vector<std::string_view> duplicates;
    };
    std::map<std::pair<std::string, Direction>, Slot> chosen_;
};

// Every pop name is claimed; a folder whose names are all golang-migrate's too (no dialect,
// .autocommit or .fizz) is read as golang-migrate's (claim_entries, folder.cpp).
bool claims_pop(Claim &c) {
    if (c.entry->is_dir)
        return false;
    auto p = parse_pop_name(c.name());
    if (p)
        c.generic = p->generic();
    return p.has_value();
}

} // namespace

const ReaderSpec kPopReader = [] {
    ReaderSpec spec{Layout::Pop, Detection::Names,
                    [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
                        return std::make_unique<PopReader>();
                    }};
    spec.claims = claims_pop;
    return spec;
}();

} // namespace mig::client
