// Walking a script line by line, for the layouts whose markers are whole lines.
#pragma once
#include <string>

namespace mig::client {

// Calls f(line, start offset, end offset, line index) for each line ('\r' dropped); stops
// when f returns false.
template <class F> void for_each_line(const std::string &text, F f) {
    size_t start = 0;
    int idx = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        std::string line =
            text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!f(line, start, end == std::string::npos ? text.size() : end + 1, idx))
            return;
        if (end == std::string::npos)
            return;
        start = end + 1;
        ++idx;
    }
}

} // namespace mig::client
