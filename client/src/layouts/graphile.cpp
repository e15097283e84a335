// graphile-migrate's committed migrations: NNNNNN[-message].sql whose header has `--! Previous:`
// (docs/layouts.md). Up scripts only: graphile-migrate has no down migrations.
#include "layouts/layout.hpp"
#include "layouts/lines.hpp"

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

} // namespace mig::client
