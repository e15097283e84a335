// Reading a migrations folder: list it, claim each entry for a layout, pick the folder's layout,
// hand every entry to that layout's reader (readers.hpp), pair down scripts with up scripts.
#include "errors.hpp"
#include "layouts/readers.hpp"
#include "layouts/sectioned.hpp"
#include "layouts/stat_cache.hpp"
#include "sha256.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fmt/format.h>
#include <future>

namespace mig::client {
namespace {

// A folder with no migration: its files are strays, and .sql files of no layout pgmig reads an
// error (finish()).
class EmptyReader : public LayoutReader {
  public:
    void entry(FolderReader &r, Claim &c) override {
        std::string_view name = c.name();
        if (c.stray_dir())
            r.stray(std::string(name) + "/", "directory without up.sql");
        else if (ends_with(name, ".sql"))
            unread_sql_.push_back(r.path(name));
        else
            r.stray(name, "not a migration file");
    }

    // SQL files and no migration: not an empty folder but one pgmig cannot read (a layout it
    // does not know, or --dir pointing at the wrong folder); `up` must not succeed doing nothing
    void finish(FolderReader &r) override {
        if (unread_sql_.empty())
            return;
        std::string names;
        for (size_t i = 0; i < unread_sql_.size() && i < 3; ++i)
            names += (i ? ", " : "") + unread_sql_[i];
        if (unread_sql_.size() > 3)
            names += fmt::format(" and {} more", unread_sql_.size() - 3);
        r.errors.push_back(fmt::format(
            "{}: no migration found, but {} .sql file(s) are not migrations of any layout pgmig "
            "reads: {} (docs/layouts.md lists the names and markers of each layout)",
            r.dir(), unread_sql_.size(), names));
    }

  private:
    std::vector<std::string> unread_sql_;
};

// A versioned .sql file no name rule took: its content tells its layout (the markers of a
// one-file-per-migration format, or none: a plain numbered file).
void claim_by_content(FolderReader &r, Claim &c) {
    std::string_view name = c.name();
    if (c.entry->is_dir || !ends_with(name, ".sql"))
        return;
    std::string_view stem = name.substr(0, name.size() - 4);
    bool underscored = split_version_title_view(stem).has_value();
    if (!underscored && !split_dashed_version_title_view(stem))
        return;
    auto text = r.read(name);
    if (!text) {
        if (underscored) // still a versioned file (its error is recorded)
            c.layout = Layout::Numbered;
        return;
    }
    auto style = section_style(*text);
    const SectionFormat *format = style ? &format_of(*style) : nullptr;
    // VERSION-title only for a file with the markers of a format whose names have it
    if (!underscored && !(format && format->dashed_names))
        return;
    c.layout = format ? format->layout : Layout::Numbered;
    c.blank = !format && trim_view(*text).empty();
    c.text = std::move(*text);
}

// The first layout after `after` (nullptr: from the top) whose name rule takes the entry.
void claim_by_name(Claim &c, const ReaderSpec *after) {
    bool past = after == nullptr;
    for (const ReaderSpec *spec : layout_readers()) {
        if (!past) {
            past = spec == after;
            continue;
        }
        if (spec->claims && spec->claims(c)) {
            c.layout = spec->layout;
            return;
        }
    }
}

// What each top-level entry is: a file or directory that a layout's name rule takes (the first
// in the table's order), else a versioned .sql file told by its content, else no layout's.
// pop's names with no dialect are golang-migrate's too: without one of its own names (a
// dialect, .autocommit, .fizz) in the folder, they are golang-migrate's.
std::vector<Claim> claim_entries(FolderReader &r, const std::vector<Entry> &entries) {
    std::vector<Claim> claims(entries.size());
    bool pop_own = false;
    for (size_t i = 0; i < entries.size(); ++i) {
        Claim &c = claims[i];
        c.entry = &entries[i];
        claim_by_name(c, nullptr);
        pop_own = pop_own || (c.layout == Layout::Pop && !c.generic);
    }
    for (Claim &c : claims) {
        if (c.layout == Layout::Pop && !pop_own) {
            c.layout = Layout::Empty;
            claim_by_name(c, &kPopReader);
        }
        if (c.layout == Layout::Empty)
            claim_by_content(r, c);
    }
    return claims;
}

using Found = std::pair<const ReaderSpec *, const Claim *>; // a layout, and its first entry

[[noreturn]] void throw_mixed(FolderReader &r, const std::vector<Found> &found) {
    std::string msg = fmt::format("{}: the folder mixes migration layouts:", r.dir());
    for (auto &[spec, c] : found) {
        std::string shown = spec->evidence ? spec->evidence
                                           : std::string(c->name()) + (c->entry->is_dir ? "/" : "");
        msg += fmt::format("\n  {} ({})", r.path(shown), layout_name(spec->layout));
    }
    msg += "\n  keep one layout per folder (see docs/layouts.md)";
    r.errors.insert(r.errors.begin(), msg);
    throw InputError(fmt::format("{}", fmt::join(r.errors, "\n")));
}

// Which layout? The layouts whose entries were claimed, as their Detection says they count
// (readers.hpp): one Project layout at most, whose migration directories or journal make loose
// .sql files data files; plain numbered files only when no Sections layout takes them as its
// up-only migrations; blank files alone, a numbered folder. More than one: InputError.
const ReaderSpec &detect_layout(FolderReader &r, const std::vector<Claim> &claims) {
    std::array<const Claim *, static_cast<size_t>(Layout::Pop) + 1> first{};
    const Claim *first_blank = nullptr;
    for (const Claim &c : claims) {
        const Claim *&slot = c.blank ? first_blank : first[static_cast<size_t>(c.layout)];
        if (!slot)
            slot = &c;
    }
    auto first_of = [&](const ReaderSpec *spec) {
        return first[static_cast<size_t>(spec->layout)];
    };
    bool loose_sql_hidden =
        std::any_of(layout_readers().begin(), layout_readers().end(), [&](const ReaderSpec *spec) {
            return spec->hides_loose_sql && first_of(spec);
        });
    std::vector<Found> found;
    bool project = false, unmarked_taken = false;
    for (const ReaderSpec *spec : layout_readers()) {
        const Claim *c = first_of(spec);
        Detection d = spec->detection;
        if (!c || d == Detection::None || (d == Detection::Project && project) ||
            (d == Detection::Sections && loose_sql_hidden) ||
            (d == Detection::Plain && (loose_sql_hidden || unmarked_taken)))
            continue;
        project = project || d == Detection::Project;
        unmarked_taken = unmarked_taken || (spec->format && spec->format->unmarked_up_only);
        found.emplace_back(spec, c);
    }
    if (found.empty() && first_blank && !loose_sql_hidden)
        found.emplace_back(&kNumberedReader, first_blank);
    if (found.size() > 1)
        throw_mixed(r, found);
    return found.empty() ? kEmptyReader : *found[0].first;
}

// What every folder's migrations get once read: checksums of the scripts in memory, the
// repeatables by name, the warnings; and the stat cache written.
void settle(Folder &f, FolderReader &r, std::shared_ptr<StatCache> cache, const LoadOptions &opt) {
    for (Migration &m : f.migrations) {
        if (m.checksum.empty() && !m.up_unread)
            m.checksum = sha256_hex(m.up_sql);
        if (m.down_sql && !m.down_checksum)
            m.down_checksum = sha256_hex(*m.down_sql);
    }
    for (auto &rep : f.repeatables)
        rep.checksum = sha256_hex(rep.up_sql);
    std::sort(f.repeatables.begin(), f.repeatables.end(),
              [](const Migration &a, const Migration &c) { return a.name < c.name; });
    f.warnings = std::move(r.warnings);
    f.rel_at = join_path(f.dir, "").size();
    if (cache && !opt.defer_reads)
        cache->save();
    f.cache = std::move(cache);
}

} // namespace

const ReaderSpec kEmptyReader{Layout::Empty, Detection::None,
                              [](const ReaderSpec &) -> std::unique_ptr<LayoutReader> {
                                  return std::make_unique<EmptyReader>();
                              }};

size_t LoadOptions::default_stream_above() {
    static const size_t v = [] {
        const char *e = std::getenv("PGMIG_STREAM_ABOVE");
        if (e && *e) {
            char *end = nullptr;
            unsigned long long n = std::strtoull(e, &end, 10);
            if (end && *end == '\0')
                return static_cast<size_t>(n);
        }
        return static_cast<size_t>(4) << 20;
    }();
    return v;
}

std::string script_line(const Migration &m, bool down, int n) {
    if (down) {
        if (m.down_sql)
            return line_of(*m.down_sql, n);
        return m.down_streamed ? line_of_file(m.down_file, n) : std::string();
    }
    if (m.up_streamed)
        return line_of_file(m.up_file, n);
    return line_of(m.up_sql, n);
}

Folder load_folder(const std::string &dir, const LoadOptions &opt) {
    // A cache read up front is parsed while the folder is listed: neither needs the other, and
    // for 10,000 migrations each takes several milliseconds (`status`, docs/performance.md).
    std::future<std::shared_ptr<StatCache>> cache_ahead;
    if (opt.use_cache && !opt.defer_reads)
        cache_ahead = std::async(std::launch::async,
                                 [&dir] { return std::make_shared<StatCache>(dir, false); });
    Listing listing = list_folder(dir);
    FolderReader r(dir, listing.entries, opt);
    std::shared_ptr<StatCache> cache;
    if (opt.use_cache) {
        cache = cache_ahead.valid() ? cache_ahead.get()
                                    : std::make_shared<StatCache>(dir, true); // read when used
        r.use_cache(cache.get());
    }

    std::vector<Claim> claims = claim_entries(r, listing.entries);
    const ReaderSpec &spec = detect_layout(r, claims);
    std::unique_ptr<LayoutReader> reader = spec.make(spec);
    reader->reserve(r, claims.size());
    for (Claim &c : claims)
        reader->entry(r, c);
    reader->finish(r);
    r.pair_downs();
    if (!r.errors.empty())
        throw InputError(fmt::format("{}", fmt::join(r.errors, "\n")));

    Folder f;
    f.dir = dir;
    f.layout = spec.layout;
    f.migrations = r.take_migrations();
    reader->complete(r, f);
    settle(f, r, std::move(cache), opt);
    return f;
}

} // namespace mig::client
