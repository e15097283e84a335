// graphile-migrate's committed migrations: NNNNNN[-message].sql whose header has `--! Previous:`
// (docs/layouts.md). Up scripts only: graphile-migrate has no down migrations.
#include "layouts/layout.hpp"
#include "layouts/lines.hpp"

#include <cctype>
#include <regex>

namespace mig::client {

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

DbmateScript parse_graphile(const std::string &text) {
    DbmateScript s;
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
