// The layouts pgmig reads, each by a reader of its own registered in one table (readers.cpp):
// how its files are told from other layouts' (detection) and how they become migrations.
// load_folder (folder.cpp) lists the folder, claims each entry for a layout, picks the folder's
// layout and hands every entry to that layout's reader.
#pragma once
#include "layouts/folder_reader.hpp"

#include <memory>
#include <vector>

namespace mig::client {

struct SectionFormat; // sectioned.hpp

// The one layout's reader of a folder, made for each load.
class LayoutReader {
  public:
    virtual ~LayoutReader() = default;
    // Room for the migrations of a folder of `entries` top-level entries.
    virtual void reserve(FolderReader &r, size_t entries) { r.reserve(entries, 0); }
    // Each top-level entry, in name order: the layout's files become migrations (r.add) and
    // down scripts (r.add_down); anything else is a stray file or an error.
    virtual void entry(FolderReader &r, Claim &c) = 0;
    // After the last entry, before down scripts are paired with their up scripts.
    virtual void finish(FolderReader &) {}
    // With the folder's migrations in version order, when no error was found.
    virtual void complete(FolderReader &, Folder &) {}
};

// How a layout is told, and how it competes with the others found in one folder
// (detect_layout(), folder.cpp).
enum class Detection {
    // Its own file or directories decide (sqitch.plan, drizzle-kit's journal, migration
    // directories): the first such layout of the table found is the only one of them counted.
    Project,
    // Files told by their names (golang-migrate, Postgrator, Flyway).
    Names,
    // Versioned .sql files told by their markers (SectionFormat).
    Sections,
    // Versioned .sql files without markers: plain numbered files, unless a Sections layout
    // found takes them for up-only migrations of its own.
    Plain,
    // No layout (Layout::Empty): what a folder of no migration is read as.
    None,
};

struct ReaderSpec {
    Layout layout;
    Detection detection;
    std::unique_ptr<LayoutReader> (*make)(const ReaderSpec &spec);
    // Project and Names: whether a top-level entry is one of the layout's, by its name (the
    // claim may keep what was parsed of it).
    bool (*claims)(Claim &c) = nullptr;
    // Sections: its files' markers and section parser.
    const SectionFormat *format = nullptr;
    // Project: the file shown for it when a folder mixes layouts (nullptr: the entry claimed).
    const char *evidence = nullptr;
    // Project: a folder's loose .sql files are its data files, not another layout's migrations.
    bool hides_loose_sql = false;
};

// Each reader, defined beside its layout's parsers.
extern const ReaderSpec kSqitchReader;        // sqitch.cpp
extern const ReaderSpec kDrizzleReader;       // drizzle.cpp
extern const ReaderSpec kDirectoryReader;     // directory.cpp
extern const ReaderSpec kPopReader;           // pop.cpp
extern const ReaderSpec kGolangMigrateReader; // paired_files.cpp
extern const ReaderSpec kPostgratorReader;    // paired_files.cpp
extern const ReaderSpec kFlywayReader;        // flyway.cpp
extern const ReaderSpec kDbmateReader;        // section_markers.cpp
extern const ReaderSpec kGooseReader;         // section_markers.cpp
extern const ReaderSpec kSqlMigrateReader;    // section_markers.cpp
extern const ReaderSpec kLiquibaseReader;     // liquibase.cpp
extern const ReaderSpec kTernReader;          // tern.cpp
extern const ReaderSpec kNodePgMigrateReader; // node_pg_migrate.cpp
extern const ReaderSpec kGraphileReader;      // graphile.cpp
extern const ReaderSpec kShmigReader;         // section_markers.cpp
extern const ReaderSpec kNumberedReader;      // numbered.cpp
extern const ReaderSpec kEmptyReader;         // folder.cpp

// Every layout's reader, in the order of precedence (readers.cpp says what it decides).
const std::vector<const ReaderSpec *> &layout_readers();
// The one-file-per-migration layouts' formats, in the table's order.
const std::vector<const SectionFormat *> &section_formats();

} // namespace mig::client
