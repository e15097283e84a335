#include "extension_check.hpp"

#include "errors.hpp"
#include "output.hpp"
#include "pg_conn.hpp"

#include <fmt/format.h>

#ifndef PGMIG_VERSION
#error "PGMIG_VERSION is defined by client/CMakeLists.txt (EXTVERSION of the top Makefile)"
#endif

namespace mig::client {
namespace {

// The next '.'-separated group of `v` from `at` (empty past the end); `at` moves past it.
std::string_view next_group(std::string_view v, size_t &at) {
    if (at >= v.size())
        return {};
    size_t dot = v.find('.', at);
    if (dot == std::string_view::npos)
        dot = v.size();
    std::string_view g = v.substr(at, dot - at);
    at = dot + 1;
    return g;
}

bool all_digits(std::string_view g) {
    for (char c : g)
        if (c < '0' || c > '9')
            return false;
    return true;
}

int compare_groups(std::string_view a, std::string_view b) {
    if (all_digits(a) && all_digits(b)) {
        // numbers of any length: without leading zeros, the longer is the greater
        while (a.size() > 1 && a.front() == '0')
            a.remove_prefix(1);
        while (b.size() > 1 && b.front() == '0')
            b.remove_prefix(1);
        if (a.empty())
            a = "0";
        if (b.empty())
            b = "0";
        if (a.size() != b.size())
            return a.size() < b.size() ? -1 : 1;
    }
    int c = a.compare(b);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
}

} // namespace

int compare_release_versions(std::string_view a, std::string_view b) {
    size_t ia = 0, ib = 0;
    while (ia < a.size() || ib < b.size()) {
        if (int c = compare_groups(next_group(a, ia), next_group(b, ib)); c != 0)
            return c;
    }
    return 0;
}

ExtensionMatch match_extension(const std::optional<std::string> &installed,
                               std::string_view client) {
    if (!installed)
        return ExtensionMatch::Missing;
    int c = compare_release_versions(*installed, client);
    return c == 0 ? ExtensionMatch::Same : c < 0 ? ExtensionMatch::Older : ExtensionMatch::Newer;
}

std::string extension_mismatch_message(ExtensionMatch m, const std::string &installed,
                                       std::string_view client) {
    if (m == ExtensionMatch::Older)
        return fmt::format(
            "the pgmig extension in this database is version {}, older than this pgmig client "
            "({}): update it with `ALTER EXTENSION pgmig UPDATE` (as its owner, once the "
            "server has the {} extension files: docs/installing.md), or use a pgmig client {}",
            installed, client, client, installed);
    if (m == ExtensionMatch::Newer)
        return fmt::format("the pgmig extension in this database is version {}, newer than this "
                           "pgmig client ({}): upgrade the client to {}",
                           installed, client, installed);
    return "";
}

void check_extension_version(Conn &c) {
    Result r = c.exec("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pgmig'");
    std::optional<std::string> installed;
    if (r.rows() > 0)
        installed = r.str(0, 0);
    ExtensionMatch m = match_extension(installed, PGMIG_VERSION);
    if (m == ExtensionMatch::Older)
        throw InputError(extension_mismatch_message(m, *installed, PGMIG_VERSION));
    if (m == ExtensionMatch::Newer)
        warn(extension_mismatch_message(m, *installed, PGMIG_VERSION));
}

} // namespace mig::client
