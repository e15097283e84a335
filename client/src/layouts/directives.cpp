// Directives other tools read from the top of a plain numbered migration file (docs/layouts.md,
// "Plain numbered SQL files"): Atlas's `-- atlas:txmode none`, sqlx's `-- no-transaction`.
#include "layouts/layout.hpp"
#include "layouts/lines.hpp"

namespace mig::client {

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
