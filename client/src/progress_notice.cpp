#include "progress_notice.hpp"

#include <cstdlib>

namespace mig::client {

std::optional<ProgressNotice> parse_progress_notice(std::string_view m, bool start) {
    constexpr std::string_view prefix = "pgmig: ";
    if (m.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    m.remove_prefix(prefix.size());
    ProgressNotice n;
    for (std::string_view verb : {"applying ", "applied ", "rolling back ", "rolled back "})
        if (m.substr(0, verb.size()) == verb) {
            n.verb = std::string(verb.substr(0, verb.size() - 1));
            m.remove_prefix(verb.size());
            break;
        }
    size_t sp = m.find(' ');
    if (n.verb.empty() || sp == std::string_view::npos || sp == 0)
        return std::nullopt;
    n.version = std::string(m.substr(0, sp));
    m.remove_prefix(sp + 1);
    if (!start) { // "NAME in 1.234 ms": the name may itself hold " in "
        size_t in = m.rfind(" in ");
        if (in == std::string_view::npos || m.size() < in + 7 || m.substr(m.size() - 3) != " ms")
            return std::nullopt;
        std::string ms(m.substr(in + 4, m.size() - in - 7));
        char *end = nullptr;
        double v = std::strtod(ms.c_str(), &end);
        if (end != ms.c_str() + ms.size())
            return std::nullopt;
        n.seconds = v / 1000.0;
        m = m.substr(0, in);
    }
    n.name = std::string(m);
    return n;
}

} // namespace mig::client
