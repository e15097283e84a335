// graphile-migrate's committed migrations: NNNNNN[-message].sql whose header has `--! Previous:`
// (docs/layouts.md). Up scripts only: graphile-migrate has no down migrations.
#include "layouts/lines.hpp"
#include "layouts/sectioned.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <regex>

namespace mig::client {
namespace {

// graphile-migrate's settings: .gmrc in the project, two levels above migrations/committed (or
// one, for a folder pointed at directly); "" when there is none.
std::string read_gmrc(const std::string &dir) {
    for (const char *rel : {"../../.gmrc", "../.gmrc"}) {
        std::ifstream in(join_path(dir, rel), std::ios::binary);
        if (in)
            return std::string(std::istreambuf_iterator<char>(in), {});
    }
    return {};
}

constexpr SectionFormat kGraphileFormat = [] {
    SectionFormat f{SectionStyle::Graphile, Layout::Graphile, "--! Previous:", parse_graphile};
    f.heads = is_graphile_committed;
    f.dashed_names = true;
    return f;
}();

class GraphileReader : public SectionedReader {
  public:
    GraphileReader() : SectionedReader(kGraphileFormat) {}

  protected:
    bool accepts(FolderReader &r, const Migration &m, const SectionedScript &s) override {
        if (!placeholders_) // read once, for the folder's first script
            placeholders_ = graphile_placeholders(read_gmrc(r.dir()));
        auto [line, key] = graphile_placeholder_use(s.up, *placeholders_);
        if (line)
            r.errors.push_back(fmt::format(
                "{}:{}: graphile-migrate's placeholder {} is not substituted by pgmig (what ran "
                "would not be what was checksummed): write its value into the script",
                m.up_file, line, key));
        return line == 0;
    }

  private:
    std::optional<std::vector<std::string>> placeholders_;
};

} // namespace

const ReaderSpec kGraphileReader =
    sectioned_reader_spec(kGraphileFormat, [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
        return std::make_unique<GraphileReader>();
    });

bool is_graphile_committed(const std::string &text) {
    // the header is the file's first lines `--! Key[: value]`, in any order
    bool previous = false;
    for_each_line(text, [&](const std::string &line, size_t, size_t, int) {
        if (line.rfind("--! ", 0) != 0 || line.size() < 5 || line[4] < 'A' || line[4] > 'Z')
            return false;
        previous = previous || line.rfind("--! Previous:", 0) == 0;
        return !previous;
    });
    return previous;
}

SectionedScript parse_graphile(const std::string &text) {
    SectionedScript s;
    s.has_up = true;
    s.up = text; // the `--!` header lines are comments to the server
    // `--! no-transaction` among the header's lines (they end at the first line of SQL)
    for_each_line(text, [&](const std::string &line, size_t, size_t, int) {
        if (line.rfind("--!", 0) != 0)
            return line.find_first_not_of(" \t") == std::string::npos; // blank: go on
        size_t word = line.find_first_not_of(" \t", 3);
        if (word != std::string::npos && line.compare(word, 14, "no-transaction") == 0)
            s.up_no_transaction = true;
        return true;
    });
    return s;
}

std::vector<std::string> graphile_placeholders(const std::string &gmrc_text) {
    // the reserved two are always substituted; the others are the keys of .gmrc's
    // "placeholders" (graphile-migrate requires them to look like :ABC_DEF)
    std::vector<std::string> keys{":DATABASE_NAME", ":DATABASE_OWNER"};
    static const std::regex key(R"re(["'](:[A-Z][0-9A-Z_]+)["']\s*:)re");
    for (auto it = std::sregex_iterator(gmrc_text.begin(), gmrc_text.end(), key);
         it != std::sregex_iterator(); ++it)
        if (std::find(keys.begin(), keys.end(), (*it)[1].str()) == keys.end())
            keys.push_back((*it)[1].str());
    return keys;
}

std::pair<int, std::string> graphile_placeholder_use(const std::string &text,
                                                     const std::vector<std::string> &keys) {
    std::pair<int, std::string> found{0, {}};
    for_each_line(text, [&](const std::string &line, size_t, size_t, int idx) {
        for (const auto &k : keys)
            for (size_t at = line.find(k); at != std::string::npos; at = line.find(k, at + 1)) {
                size_t end = at + k.size(); // graphile-migrate's \b after the key
                if (end < line.size() &&
                    (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_'))
                    continue;
                found = {idx + 1, k};
                return false;
            }
        return true;
    });
    return found;
}

} // namespace mig::client
