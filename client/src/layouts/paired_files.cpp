// Up and down files paired by version (docs/layouts.md): golang-migrate's
// VERSION_title.up.sql / .down.sql, and Postgrator's VERSION.do.title.sql / VERSION.undo….
#include "layouts/readers.hpp"
#include "version.hpp"

#include <fmt/format.h>

namespace mig::client {
namespace {

// What tells one tool's names, in messages.
struct PairedNames {
    Layout layout;
    const char *up, *down;                // the two directions' words
    const char *before_word, *after_word; // around the word in the name expected
    const char *other_file;               // why another file is a stray
};

constexpr PairedNames kGolangMigrateNames{
    Layout::GolangMigrate, "up",   "down",
    "VERSION_title.",      ".sql", "not VERSION_title.up.sql / .down.sql"};
constexpr PairedNames kPostgratorNames{
    Layout::Postgrator, "do",         "undo",
    "VERSION.",         ".title.sql", "not VERSION.do.title.sql / VERSION.undo…"};

class PairedFilesReader : public LayoutReader {
  public:
    explicit PairedFilesReader(const PairedNames &names) : names_(names) {}

    // Half the entries are up scripts, half down scripts.
    void reserve(FolderReader &r, size_t entries) override {
        r.reserve(entries / 2 + 1, entries / 2 + 1);
    }

    void entry(FolderReader &r, Claim &c) override {
        std::string_view name = c.name();
        if (c.layout != names_.layout) {
            if (name != "atlas.sum") // Atlas writes golang-migrate folders too (--dir-format)
                r.stray(name, c.stray_dir() ? "directory" : names_.other_file);
            return;
        }
        const GolangNameView &g = c.paired;
        const char *what = g.dir == Direction::Up ? names_.up : names_.down;
        if (!g.versioned) {
            r.errors.push_back(fmt::format("{}: {} file name has no version (expected {}{}{})",
                                           r.path(name), what, names_.before_word, what,
                                           names_.after_word));
            return;
        }
        std::string v = *normalize_version(g.version_raw);
        if (g.dir == Direction::Up) {
            Migration &m = r.next();
            m.version = std::move(v);
            m.name = std::string(g.title);
            m.up_file = r.path(name);
            if (r.read_up(name, m))
                r.commit();
            else
                r.drop();
            return;
        }
        DownScript d;
        if (r.read_down(name, d))
            r.add_down(canonical_version(v), name, std::move(d), v, "down");
    }

  private:
    const PairedNames &names_;
};

bool claims_golang_migrate(Claim &c) {
    auto g = c.entry->is_dir ? std::nullopt : parse_golang_name_view(c.name());
    if (g)
        c.paired = *g;
    return g.has_value();
}

bool claims_postgrator(Claim &c) {
    auto g = c.entry->is_dir ? std::nullopt : parse_postgrator_name_view(c.name());
    if (g)
        c.paired = *g;
    return g.has_value();
}

constexpr ReaderSpec paired_spec(Layout layout, bool (*claims)(Claim &),
                                 std::unique_ptr<LayoutReader> (*make)(const ReaderSpec &)) {
    ReaderSpec spec{layout, Detection::Names, make};
    spec.claims = claims;
    return spec;
}

} // namespace

const ReaderSpec kGolangMigrateReader =
    paired_spec(Layout::GolangMigrate, claims_golang_migrate,
                [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
                    return std::make_unique<PairedFilesReader>(kGolangMigrateNames);
                });
const ReaderSpec kPostgratorReader = paired_spec(
    Layout::Postgrator, claims_postgrator, [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
        return std::make_unique<PairedFilesReader>(kPostgratorNames);
    });

} // namespace mig::client
