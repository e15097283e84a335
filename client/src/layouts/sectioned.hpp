// The layouts of one file per migration with up and down sections (docs/layouts.md): dbmate,
// goose, sql-migrate and shmig (section_markers.cpp), Liquibase, tern, node-pg-migrate and
// graphile-migrate (a file each). Each tool's format says how its files are told by their
// content, named and parsed; SectionedReader reads a folder of them.
#pragma once
#include "layouts/readers.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace mig::client {

struct SectionFormat {
    SectionStyle style;
    Layout layout;
    // The marker named when a versioned file of its folder has none.
    const char *marker;
    // The file's up and down scripts (parse_sections()).
    SectionedScript (*parse)(const std::string &text);

    // Detection by content (section_style()), in this order: the file's head decides
    // (Liquibase's header, graphile-migrate's); else the first up marker starting a line
    // (dbmate, goose, sql-migrate, shmig: marked_up_style()); else the first line that shows a
    // format only weakly, as a comment could look like it (tern's separator, node-pg-migrate's
    // marker lines).
    bool (*heads)(const std::string &text) = nullptr;
    bool (*shows)(const std::string &line) = nullptr;

    // Its names may be VERSION-title too (sql-migrate's default, graphile-migrate's), not only
    // VERSION_title.
    bool dashed_names = false;
    // A versioned file without markers is an up-only migration of the folder (tern,
    // node-pg-migrate), not a plain numbered file; parses_unmarked: read by the parser all the
    // same (tern's templates and disable-tx apply to a file without the separator).
    bool unmarked_up_only = false;
    bool parses_unmarked = false;
    // Files of one version run in name order (sql-migrate: nakama's …540-uid-1, …540-uid-2).
    bool same_version_in_name_order = false;
    // The tool's own file beside the migrations (tern's tern.conf), neither migration nor stray.
    const char *tool_file = nullptr;
};

// The format of a style (each has one).
const SectionFormat &format_of(SectionStyle style);

// The style of an up marker starting `line`: dbmate's `-- migrate:up`, goose's `-- +goose Up`,
// sql-migrate's `-- +migrate Up`, shmig's `-- ====  UP  ====`.
std::optional<SectionStyle> marked_up_style(const std::string &line);
// The sections of a file of one of those four styles, as each tool reads them.
SectionedScript parse_marked_sections(const std::string &text, SectionStyle style);

// A folder of one tool's files with sections; the tools with rules of their own beyond their
// format override the checks.
class SectionedReader : public LayoutReader {
  public:
    explicit SectionedReader(const SectionFormat &format) : format_(format) {}
    void entry(FolderReader &r, Claim &c) override;

  protected:
    // False, with the error recorded, for a parsed script pgmig must not run as it is
    // (graphile-migrate's placeholders).
    virtual bool accepts(FolderReader &, const Migration &, const SectionedScript &) {
        return true;
    }
    // The same for an unmarked file taken whole as the up script (node-pg-migrate's loose
    // marker lines).
    virtual bool accepts_unmarked(FolderReader &, const Migration &, const std::string &) {
        return true;
    }

  private:
    void not_a_migration(FolderReader &r, const Claim &c);
    Migration named(FolderReader &r, std::string_view name);
    bool take_sections(FolderReader &r, Migration &m, SectionedScript s);

    const SectionFormat &format_;
    SameVersionInNameOrder same_version_;
};

// A ReaderSpec's `make` for a format with no rules beyond it.
std::unique_ptr<LayoutReader> make_sectioned_reader(const ReaderSpec &spec);
// The ReaderSpec of a format.
constexpr ReaderSpec sectioned_reader_spec(
    const SectionFormat &format,
    std::unique_ptr<LayoutReader> (*make)(const ReaderSpec &) = make_sectioned_reader) {
    ReaderSpec spec{format.layout, Detection::Sections, make};
    spec.format = &format;
    return spec;
}

} // namespace mig::client
