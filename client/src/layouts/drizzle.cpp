// drizzle-kit's migrations folder: meta/_journal.json lists the migrations (docs/layouts.md,
// Drizzle); each entry's tag names TAG.sql beside meta/.
#include "errors.hpp"
#include "layouts/readers.hpp"
#include "text.hpp"
#include "version.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <set>

namespace mig::client {
namespace {

// A drizzle-kit folder: one migration per entry of meta/_journal.json, in its order, TAG.sql
// the up script (drizzle-kit writes no down scripts). A .sql file the journal does not list is
// not run, as drizzle does not run it either: it is a stray file.
class DrizzleReader : public LayoutReader {
  public:
    void entry(FolderReader &r, Claim &c) override {
        if (c.layout == Layout::Drizzle)
            read_journal(r); // and names the files it does not list
    }

  private:
    void read_journal(FolderReader &r);
    void add_tag(FolderReader &r, const std::string &tag, const std::string &journal);
    void stray_files(FolderReader &r, const std::set<std::string, std::less<>> &listed);
};

void DrizzleReader::read_journal(FolderReader &r) {
    const std::string journal = "meta/_journal.json";
    auto text = r.read(journal);
    if (!text)
        return;
    std::vector<std::string> tags;
    try {
        tags = parse_drizzle_journal(*text, r.path(journal));
    } catch (const InputError &e) {
        r.errors.push_back(e.what());
        return;
    }
    std::set<std::string, std::less<>> listed;
    for (const auto &tag : tags) {
        listed.insert(tag + ".sql");
        add_tag(r, tag, journal);
    }
    stray_files(r, listed);
}

void DrizzleReader::add_tag(FolderReader &r, const std::string &tag, const std::string &journal) {
    std::string file = tag + ".sql";
    auto parts = split_version_title(tag);
    const auto &entries = r.entries();
    bool present = std::any_of(entries.begin(), entries.end(),
                               [&](const Entry &e) { return !e.is_dir && e.name == file; });
    if (!parts || !present) {
        r.errors.push_back(fmt::format("{}: entry \"{}\": {}", r.path(journal), tag,
                                       !parts ? "its name has no version (expected NNNN_name)"
                                              : fmt::format("{} does not exist", r.path(file))));
        return;
    }
    Migration m;
    m.version = *normalize_version(parts->version_raw);
    m.name = parts->title;
    m.up_file = r.path(file);
    if (r.read_up(file, m))
        r.add(std::move(m));
}

void DrizzleReader::stray_files(FolderReader &r, const std::set<std::string, std::less<>> &listed) {
    for (const auto &e : r.entries()) {
        if (e.is_dir) {
            if (e.name != "meta")
                r.stray(std::string(e.name) + "/", "not part of the drizzle-kit folder");
        } else if (!listed.count(e.name)) {
            r.stray(std::string(e.name),
                    ends_with(e.name, ".sql")
                        ? "not in meta/_journal.json, so drizzle does not run it either"
                        : "not part of the drizzle-kit folder");
        }
    }
}

bool claims_journal(Claim &c) {
    const Entry &e = *c.entry;
    return e.is_dir && e.name == "meta" &&
           std::count(e.children.begin(), e.children.end(), "_journal.json");
}

} // namespace

const ReaderSpec kDrizzleReader = [] {
    ReaderSpec spec{Layout::Drizzle, Detection::Project,
                    [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
                        return std::make_unique<DrizzleReader>();
                    }};
    spec.claims = claims_journal;
    spec.evidence = "meta/_journal.json";
    spec.hides_loose_sql = true;
    return spec;
}();

std::vector<std::string> parse_drizzle_journal(const std::string &text, const std::string &path) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        throw InputError(fmt::format("{}: not valid JSON (byte {}): {}", path, e.byte, e.what()));
    } catch (const nlohmann::json::exception &e) { // a number out of range (1e999; fuzzing)
        throw InputError(fmt::format("{}: not valid JSON: {}", path, e.what()));
    }
    if (!j.is_object() || !j.contains("entries") || !j["entries"].is_array())
        throw InputError(fmt::format("{}: no \"entries\" array (not a drizzle-kit journal)", path));
    if (j.contains("dialect") && j["dialect"].is_string() && j["dialect"] != "postgresql" &&
        j["dialect"] != "pg")
        throw InputError(fmt::format("{}: the journal is for dialect \"{}\", not postgresql", path,
                                     j["dialect"].get<std::string>()));
    std::vector<std::string> tags;
    size_t i = 0;
    for (const auto &entry : j["entries"]) {
        if (!entry.is_object() || !entry.contains("tag") || !entry["tag"].is_string())
            throw InputError(fmt::format("{}: entry {} has no \"tag\"", path, i));
        tags.push_back(entry["tag"].get<std::string>());
        ++i;
    }
    return tags;
}

} // namespace mig::client
