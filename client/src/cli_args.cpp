#include "cli_args.hpp"

#include <algorithm>
#include <cctype>

namespace mig::client {
namespace {

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size())
        return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
            return false;
    return true;
}

bool option_like(std::string_view a) {
    return a.size() > 1 && a[0] == '-';
}

// The arity of an option argument ("--to", "--wait=5", "-vd"), recording its names; the value
// of the last short option may follow in the same argument ("-dhost=x"): None then.
Arity option_arity(const std::string &a, const std::function<Arity(const std::string &)> &arity,
                   std::vector<std::string> &names) {
    if (a[1] == '-') {
        size_t eq = a.find('=');
        names.push_back(a.substr(0, eq));
        return eq == std::string::npos ? arity(names.back()) : Arity::None;
    }
    for (size_t k = 1; k < a.size(); ++k) {
        names.push_back(std::string{'-', a[k]});
        Arity s = arity(names.back());
        if (s != Arity::None)
            return k + 1 == a.size() ? s : Arity::None;
    }
    return Arity::None;
}

} // namespace

bool looks_like_conninfo(std::string_view arg) {
    if (arg.empty() || arg[0] == '-')
        return false;
    return starts_with_ci(arg, "postgres://") || starts_with_ci(arg, "postgresql://") ||
           arg.find('=') != std::string_view::npos;
}

ArgScan scan_args(const std::vector<std::string> &args,
                  const std::function<Arity(const std::string &)> &arity,
                  const std::vector<std::string> &verbs) {
    ArgScan s;
    auto is_verb = [&verbs](const std::string &a) {
        return std::find(verbs.begin(), verbs.end(), a) != verbs.end();
    };
    bool only_positional = false; // after "--"
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (!only_positional && a == "--") {
            only_positional = true;
            s.rest.push_back(a);
            continue;
        }
        if (!only_positional && option_like(a)) {
            s.rest.push_back(a);
            Arity ar = option_arity(a, arity, s.options);
            bool has_next = i + 1 < args.size();
            if (ar == Arity::One && has_next)
                s.rest.push_back(args[++i]);
            else if (ar == Arity::Optional && has_next && !option_like(args[i + 1]) &&
                     !is_verb(args[i + 1]) && !looks_like_conninfo(args[i + 1]))
                s.rest.push_back(args[++i]);
            continue;
        }
        if (looks_like_conninfo(a)) {
            s.conninfos.push_back(a);
            continue;
        }
        if (s.verb.empty())
            s.verb = a;
        s.rest.push_back(a);
    }
    return s;
}

size_t edit_distance(std::string_view a, std::string_view b) {
    // optimal string alignment: Levenshtein plus the swap of two neighbours
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i)
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string> &candidates) {
    const size_t limit = word.size() <= 4 ? 1 : 2;
    std::optional<std::string> best;
    size_t best_d = limit + 1;
    for (const auto &c : candidates) {
        size_t d = edit_distance(word, c);
        if (d < best_d) {
            best = c;
            best_d = d;
        }
    }
    if (best)
        return best;
    std::optional<std::string> prefixed;
    if (word.size() >= 3)
        for (const auto &c : candidates)
            if (c.compare(0, word.size(), word) == 0) {
                if (prefixed)
                    return std::nullopt; // more than one: no guess
                prefixed = c;
            }
    return prefixed;
}

} // namespace mig::client
