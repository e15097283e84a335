// vouch.cpp: vouching for the folder's migrations on the server (vouch.hpp).
#include "vouch.hpp"

#include "layouts/scripts.hpp"
#include "text.hpp"
#include "version.hpp"

#include <fmt/format.h>
#include <unordered_map>

namespace mig::client {
namespace {

// The stored migrations that another role uploaded (or last vouched for).
const char *const kOthersSql =
    "SELECT version, name, uploaded_by, checksum, down_checksum FROM mig.status() "
    "WHERE kind = 'versioned' AND uploaded_by <> current_user";

const char *const kVouchSql = "SELECT version FROM mig.vouch($1::pg_catalog.text[], "
                              "$2::pg_catalog.text[], $3::pg_catalog.text[])";

struct Held {
    std::vector<std::string> versions, ups;
    std::vector<std::optional<std::string>> downs; // nullopt: no down script
    void add(std::string v, std::string up, std::optional<std::string> down) {
        versions.push_back(std::move(v));
        ups.push_back(std::move(up));
        downs.push_back(std::move(down));
    }
};

std::unordered_map<std::string, Migration *> by_version(Folder &f) {
    std::unordered_map<std::string, Migration *> out;
    for (auto &m : f.migrations)
        if (!m.repeatable)
            out.emplace(canonical_version(m.version), &m);
    return out;
}

// The local checksums of the migrations named (read now where unread).
void read_checksums(Folder &f, const std::vector<Migration *> &which) {
    std::vector<Migration *> unread;
    for (auto *m : which)
        if (m->up_unread || m->down_unread)
            unread.push_back(m);
    if (!unread.empty())
        (void)read_scripts(f, unread, ReadOptions{}, 2);
}

std::vector<const std::string *> pointers(const std::vector<std::string> &v) {
    std::vector<const std::string *> out;
    out.reserve(v.size());
    for (const auto &s : v)
        out.push_back(&s);
    return out;
}

// NULL elements for nullopt
std::vector<const std::string *> pointers(const std::vector<std::optional<std::string>> &v) {
    std::vector<const std::string *> out;
    out.reserve(v.size());
    for (const auto &s : v)
        out.push_back(s ? &*s : nullptr);
    return out;
}

} // namespace

void vouch_for_folder(const Context &ctx, Conn &c, const std::function<Folder *()> &folder,
                      bool trust) {
    Result others = c.exec(kOthersSql);
    if (others.rows() == 0)
        return;
    Folder *f = folder();
    std::unordered_map<std::string, Migration *> local;
    if (f)
        local = by_version(*f);
    std::vector<Migration *> mine;
    for (int i = 0; i < others.rows(); i++) {
        auto it = local.find(canonical_version(others.str(i, 0)));
        if (it != local.end())
            mine.push_back(it->second);
    }
    if (f)
        read_checksums(*f, mine);
    Held held;
    int trusted = 0;
    for (int i = 0; i < others.rows(); i++) {
        std::string version = others.str(i, 0);
        auto it = local.find(canonical_version(version));
        if (it != local.end()) {
            const Migration &m = *it->second;
            if (!m.up_unread && !m.down_unread && m.checksum == others.str(i, 3) &&
                m.down_checksum == others.opt(i, 4))
                held.add(version, m.checksum, m.down_checksum);
            continue; // a different file: the deploy reports it
        }
        if (!trust)
            continue; // the server refuses to run it (PM007), naming --trust-uploads
        fmt::print(stderr, "pgmig: trusting migration {} ({}), uploaded by {}: it is not in {}\n",
                   version, printable(others.str(i, 1), false), printable(others.str(i, 2), false),
                   f ? ctx.dir() : "a folder");
        held.add(version, others.str(i, 3), others.opt(i, 4));
        trusted++;
    }
    if (held.versions.empty())
        return;
    // binary text[] parameters (as mig.upload_many's): through the pipeline, which sends them
    Query q{kVouchSql,
            {Param::binary(binary_text_array(pointers(held.versions))),
             Param::binary(binary_text_array(pointers(held.ups))),
             Param::binary(binary_text_array(pointers(held.downs)))}};
    Result r = std::move(c.pipeline({q}).at(0));
    int vouched = r.rows() - trusted;
    if (vouched > 0 && !ctx.opt.quiet)
        fmt::print(stderr,
                   "pgmig: vouched for {} migration(s) uploaded by other roles: the files in {} "
                   "have the same text\n",
                   vouched, ctx.dir());
}

} // namespace mig::client
