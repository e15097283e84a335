#include "status.hpp"

#include "folder_pairs.hpp"
#include "trace.hpp"
#include "version.hpp"

#include <algorithm>

namespace mig::client {
namespace {

// A server row with its file: the file's checksum, and the state that comparing them gives.
void with_file(StatusLine &l, const Migration &m) {
    l.file = m.up_file;
    l.local_checksum = m.checksum;
    if (m.checksum == l.checksum)
        return;
    // a repeatable one re-runs when it changes (up does not refuse it)
    if (l.kind == "repeatable")
        l.state = "changed";
    else if (l.state == "applied")
        l.state = "modified";
}

// A migration of the folder that the server does not know.
StatusLine folder_only(const Migration &m, bool repeatable) {
    StatusLine l;
    if (!repeatable)
        l.version = m.version;
    l.name = m.name;
    l.state = "new";
    l.file = m.up_file;
    l.local_checksum = m.checksum;
    l.kind = repeatable ? "repeatable" : "versioned";
    if (!repeatable) {
        l.has_down = m.has_down();
        l.transactional = !m.no_transaction;
    }
    return l;
}

void add_folder_only(std::vector<StatusLine> &lines, const Folder &f, const FolderPairs &pairs) {
    size_t extra = 0;
    for (size_t k = 0; k < f.migrations.size(); ++k)
        extra += pairs.row_of_migration(k) == FolderPairs::none;
    for (size_t k = 0; k < f.repeatables.size(); ++k)
        extra += pairs.row_of_repeatable(k) == FolderPairs::none;
    lines.reserve(lines.size() + extra);
    for (size_t k = 0; k < f.migrations.size(); ++k)
        if (pairs.row_of_migration(k) == FolderPairs::none)
            lines.push_back(folder_only(f.migrations[k], false));
    for (size_t k = 0; k < f.repeatables.size(); ++k)
        if (pairs.row_of_repeatable(k) == FolderPairs::none)
            lines.push_back(folder_only(f.repeatables[k], true));
}

// Versioned before repeatable; versions in order, repeatables by name.
bool before(const StatusLine &a, const StatusLine &b) {
    if (a.kind != b.kind)
        return a.kind == "versioned";
    if (a.kind == "repeatable")
        return a.name < b.name;
    return compare_versions(a.version, b.version) < 0;
}

} // namespace

void merge_with_folder(std::vector<StatusLine> &lines, Folder *f) {
    if (f) {
        FolderPairs pairs(*f, lines.size(), [&lines](size_t i) {
            const StatusLine &l = lines[i];
            return ServerKey{l.version, l.name, l.checksum, l.kind == "repeatable"};
        });
        pairs.drop_unused_flyway_baseline(*f);
        for (size_t i = 0; i < lines.size(); ++i)
            if (const Migration *m = pairs.local_of_row(*f, i))
                with_file(lines[i], *m);
            else if (lines[i].state == "applied" || lines[i].from_file)
                lines[i].state = "missing-file"; // a pending one: `up` refuses it (discard)
        add_folder_only(lines, *f, pairs);
    }
    // the server's rows come in order: sorting is needed only when the folder added some
    if (!std::is_sorted(lines.begin(), lines.end(), before))
        std::stable_sort(lines.begin(), lines.end(), before);
    trace("status: merged");
}

} // namespace mig::client
