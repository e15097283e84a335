// Section markers of the one-file-per-migration layouts (section_markers.cpp, sectioned.cpp,
// tern.cpp, node_pg_migrate.cpp, graphile.cpp): detection by content, and every style's parser
// on every input (a file of one style is read by another's parser only when detection errs).
#include "fuzz.hpp"
#include "layouts/layout.hpp"
#include "layouts/sectioned.hpp"

using namespace mig::client;

namespace {

const SectionStyle kStyles[] = {SectionStyle::Dbmate,        SectionStyle::Goose,
                                SectionStyle::SqlMigrate,    SectionStyle::Shmig,
                                SectionStyle::Liquibase,     SectionStyle::Tern,
                                SectionStyle::NodePgMigrate, SectionStyle::Graphile};

void check(const SectionedScript &s, const std::string &text) {
    FUZZ_CHECK(s.up_offset >= 0 && s.down_offset >= 0);
    FUZZ_CHECK(s.up.size() <= text.size() + 1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text = mig::fuzz::text_of(data, size);
    section_style(text);
    has_dbmate_marker(text);
    node_pg_migrate_loose_line(text);
    is_graphile_committed(text);
    numbered_file_no_transaction(text);
    graphile_placeholder_use(text, {":DATABASE_NAME", ":DATABASE_OWNER", ":X"});
    flyway_placeholder_use(text);
    for (size_t at = 0; at < text.size() && at < 64; at += 7)
        placeholder_at(text, at);
    std::string first_line = text.substr(0, text.find('\n'));
    marked_up_style(first_line);
    is_tern_separator(first_line);
    node_pg_migrate_marker(first_line);
    for (SectionStyle st : kStyles)
        mig::fuzz::tolerating_input_errors([&] { check(parse_sections(text, st), text); });
    return 0;
}
