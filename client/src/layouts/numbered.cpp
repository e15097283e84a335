// Plain numbered SQL files (docs/layouts.md, "Plain numbered SQL files"): NNN_title.sql, each
// the up script of its version, NNN_title_down.sql its down script; and the directives other
// tools read from the top of such a file (Atlas's `-- atlas:txmode none`, sqlx's
// `-- no-transaction`).
#include "layouts/lines.hpp"
#include "layouts/readers.hpp"
#include "text.hpp"
#include "version.hpp"

#include <fmt/format.h>
#include <map>

namespace mig::client {
namespace {

class NumberedReader : public LayoutReader {
  public:
    void entry(FolderReader &r, Claim &c) override {
        std::string_view name = c.name();
        if (name == "atlas.sum")
            return; // Atlas's checksums of the folder's files: belongs to the folder
        if (c.layout != Layout::Numbered)
            return r.stray(name, c.stray_dir() ? "directory" : "not NNN_name.sql");
        by_version_[canonical_version(*normalize_version(version_of(name)))].push_back(&c);
    }

    // NNN_name_down.sql is a down script when another file has the same version.
    void finish(FolderReader &r) override {
        for (auto &[key, files] : by_version_) {
            std::vector<Claim *> ups, downs;
            for (Claim *c : files) {
                bool down_name =
                    ends_with(c->name(), "_down.sql") || ends_with(c->name(), ".down.sql");
                (down_name && files.size() > 1 ? downs : ups).push_back(c);
            }
            for (Claim *c : ups)
                add_up(r, *c);
            if (downs.size() > 1)
                r.errors.push_back(fmt::format("duplicate down scripts for version {}: {} and {}",
                                               key, r.path(downs[0]->name()),
                                               r.path(downs[1]->name())));
            if (!downs.empty()) {
                DownScript d;
                d.text = std::move(downs[0]->text);
                r.add_down(key, downs[0]->name(), std::move(d), key, "down");
            }
        }
    }

  private:
    static std::string_view version_of(std::string_view name) {
        return split_version_title_view(name.substr(0, name.size() - 4))->first;
    }

    void add_up(FolderReader &r, Claim &c) {
        auto p = split_version_title_view(c.name().substr(0, c.name().size() - 4));
        Migration m;
        m.version = *normalize_version(p->first);
        m.name = std::string(p->second);
        m.up_file = r.path(c.name());
        m.up_sql = std::move(c.text);
        m.no_transaction = numbered_file_no_transaction(m.up_sql);
        r.add(std::move(m));
    }

    // the folder's files by canonical version, each version's in name order
    std::map<std::string, std::vector<Claim *>> by_version_;
};

} // namespace

const ReaderSpec kNumberedReader{Layout::Numbered, Detection::Plain,
                                 [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
                                     return std::make_unique<NumberedReader>();
                                 }};

bool numbered_file_no_transaction(const std::string &text) {
    bool none = false;
    for_each_line(text, [&](const std::string &line, size_t, size_t, int idx) {
        if (idx == 0 && line == "-- no-transaction") { // sqlx: the first line exactly
            none = true;
            return false;
        }
        if (line.rfind("--", 0) != 0) // Atlas: among the file's leading comment lines
            return line.find_first_not_of(" \t") == std::string::npos;
        size_t at = line.find("atlas:txmode");
        if (at != std::string::npos && line.find_first_not_of("- \t") == at) {
            size_t v = line.find_first_not_of(" \t", at + 12);
            none = v != std::string::npos && line.compare(v, 4, "none") == 0 &&
                   line.find_first_not_of(" \t", v + 4) == std::string::npos;
            return !none;
        }
        return true;
    });
    return none;
}

} // namespace mig::client
