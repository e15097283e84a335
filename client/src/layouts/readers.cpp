// The table of layout readers (readers.hpp).
#include "layouts/readers.hpp"

#include "layouts/sectioned.hpp"

#include <iterator>

namespace mig::client {
namespace {

// The order decides, in load_folder (folder.cpp):
// - which layout a top-level entry is claimed for: the first whose name rule takes it (sqitch's
//   plan and drizzle-kit's meta/ before migration directories; pop's names, a superset of
//   golang-migrate's, before them; golang-migrate's *.up.sql before Postgrator's and Flyway's
//   names), and by content the versioned .sql files no name took;
// - among the Project layouts found, the one counted (sqitch, then drizzle-kit, then
//   directories);
// - the order layouts are named in when a folder mixes them;
// - that plain numbered files come after every Sections layout that may take them as up-only
//   migrations (tern, node-pg-migrate).
const ReaderSpec *const kTable[] = {
    &kSqitchReader,        &kDrizzleReader,    &kDirectoryReader, &kPopReader,
    &kGolangMigrateReader, &kPostgratorReader, &kFlywayReader,    &kDbmateReader,
    &kGooseReader,         &kSqlMigrateReader, &kLiquibaseReader, &kTernReader,
    &kNodePgMigrateReader, &kGraphileReader,   &kShmigReader,     &kNumberedReader,
    &kEmptyReader,
};
static_assert(std::size(kTable) == static_cast<size_t>(Layout::Pop) + 1,
              "one reader per Layout (Pop is its last value)");

} // namespace

const std::vector<const ReaderSpec *> &layout_readers() {
    static const std::vector<const ReaderSpec *> readers(std::begin(kTable), std::end(kTable));
    return readers;
}

const std::vector<const SectionFormat *> &section_formats() {
    static const std::vector<const SectionFormat *> formats = [] {
        std::vector<const SectionFormat *> out;
        for (const ReaderSpec *spec : layout_readers())
            if (spec->format)
                out.push_back(spec->format);
        return out;
    }();
    return formats;
}

} // namespace mig::client
