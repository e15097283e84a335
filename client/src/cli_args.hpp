// The command line before CLI11 reads it: which argument is the verb, which positional arguments
// are connection strings (taken as -d, and never echoed: they may hold a password), and the
// closest verb or key to a typo. Pure: no CLI11, no libpq (unit-tested in test/client).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

// How many values an option takes ("--to V", "--wait[=S]", "-v").
enum class Arity { None, One, Optional };

struct ArgScan {
    std::vector<std::string> rest;      // the arguments for CLI11, connection strings removed
    std::vector<std::string> conninfos; // positional arguments that look like connection strings
    std::vector<std::string> options;   // every option name given ("-d", "--dsn", "-v" of "-vq")
    std::string verb;                   // the first other positional argument ("" when none)
};

// A URL (postgres://, postgresql://) or a conninfo (anything with '=') that is not an option.
bool looks_like_conninfo(std::string_view arg);

// args: argv[1..]. arity("-d") / arity("--dsn"): what the option takes (None for unknown ones,
// which CLI11 then reports). An Optional option takes the next argument unless it is an option,
// a verb or a connection string, as CLI11 does.
ArgScan scan_args(const std::vector<std::string> &args,
                  const std::function<Arity(const std::string &)> &arity,
                  const std::vector<std::string> &verbs);

// Edit distance counting a swap of two neighbours as one edit ("stauts" -> "status": 1).
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a typo of it: at most two edits
// (one for words of up to four letters), or `word` (3+ letters) is the start of exactly one.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string> &candidates);

} // namespace mig::client
