#include "layouts/scripts.hpp"

#include "layouts/scan.hpp"
#include "layouts/stat_cache.hpp"
#include "sha256.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <thread>

namespace mig::client {
namespace {

void store(Folder &f, const std::string &file, const struct stat &st, const std::string &sum) {
    if (f.cache && S_ISREG(st.st_mode))
        f.cache->store(f.relative(file), st, sum);
}

// The checksum of `file` from the stat cache, when the file's stat matches its entry.
std::optional<std::string> from_cache(Folder &f, const std::string &file, struct stat &st) {
    if (!f.cache)
        return std::nullopt;
    return f.cache->lookup_at(AT_FDCWD, file.c_str(), f.relative(file), st);
}

// Reads one script as read_scripts() does: the checksum is the hash of what was read (the
// body, if small, kept in memory). Returns false when not done (error recorded, or skipped).
bool read_side(Folder &f, const std::string &file, bool up, Migration &m, const ReadOptions &o,
               std::vector<std::string> &errors) {
    bool unread = up ? m.up_unread : m.down_unread;
    bool in_memory = up ? !m.up_streamed : !m.down_streamed;
    if (!unread && (in_memory || !o.want_bodies))
        return true;
    struct stat st {};
    if (unread && o.use_cache) {
        if (auto sum = from_cache(f, file, st)) {
            if (up) {
                m.checksum = std::move(*sum);
                m.up_unread = false;
                m.up_size = static_cast<unsigned long long>(st.st_size);
            } else {
                m.down_checksum = std::move(*sum);
                m.down_unread = false;
            }
            if (!o.want_bodies)
                return true;
        }
    }
    ScriptFile sf = open_script(AT_FDCWD, file, file, errors);
    if (!sf.ok())
        return false;
    auto size = static_cast<unsigned long long>(sf.st.st_size);
    if (up)
        m.up_size = size;
    if (size > o.skip_above)
        return !(up ? m.up_unread : m.down_unread);
    if (up && size > o.stream_above) { // hashed in chunks, never held
        if (!m.up_unread)
            return true;
        Sha256 h;
        if (!stream_open_script(sf, file, errors, [&](std::string_view p) { h.update(p); }))
            return false;
        m.checksum = h.hex();
        m.up_unread = false;
        store(f, file, sf.st, m.checksum);
        return true;
    }
    auto text = read_open_script(sf, file, errors);
    if (!text)
        return false;
    // The hash of what was read: equal to a cached checksum unless the file changed since its
    // stat was compared; then this is the file's content now, and nothing was compared yet.
    std::string sum = sha256_hex(*text);
    store(f, file, sf.st, sum);
    bool keep = text->size() <= o.keep_below;
    if (up) {
        m.checksum = std::move(sum);
        m.up_unread = false;
        if (keep) {
            m.up_sql = std::move(*text);
            m.up_streamed = false;
        }
    } else {
        m.down_checksum = std::move(sum);
        m.down_unread = false;
        if (keep) {
            m.down_sql = std::move(*text);
            m.down_streamed = false;
        }
    }
    return true;
}

} // namespace

bool read_scripts(Folder &f, Migration &m, const ReadOptions &o, std::vector<std::string> &errors) {
    bool ok = read_side(f, m.up_file, true, m, o, errors);
    if (m.has_down() && m.down_streamed)
        ok = read_side(f, m.down_file, false, m, o, errors) && ok;
    return ok;
}

std::vector<std::string> read_scripts(Folder &f, const std::vector<Migration *> &which,
                                      const ReadOptions &o, int threads,
                                      const std::atomic<bool> *stop) {
    std::vector<std::vector<std::string>> errors(which.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < which.size();) {
            if (stop && stop->load(std::memory_order_relaxed))
                break;
            read_scripts(f, *which[i], o, errors[i]);
        }
    };
    std::vector<std::thread> helpers;
    // a second thread only when there is enough to share (starting one costs ~50 us)
    int n = 1;
    while (n < threads && which.size() >= 64 * static_cast<size_t>(n))
        ++n;
    if (n > 1 && f.cache)
        f.cache->set_shared(true);
    for (int t = 1; t < n; ++t)
        helpers.emplace_back(work);
    work();
    for (auto &h : helpers)
        h.join();
    if (n > 1 && f.cache)
        f.cache->set_shared(false);
    std::vector<std::string> out;
    for (auto &e : errors)
        out.insert(out.end(), std::make_move_iterator(e.begin()), std::make_move_iterator(e.end()));
    return out;
}

std::vector<std::string> check_unread(Folder &f) {
    std::vector<Migration *> which;
    for (auto &m : f.migrations)
        if (m.up_unread || m.down_unread)
            which.push_back(&m);
    ReadOptions o;
    o.keep_below = 0; // only checked
    return read_scripts(f, which, o, 2);
}

std::optional<Body> upload_body(Folder &f, Migration &m, bool down, size_t stream_above,
                                std::vector<std::string> &errors) {
    Body b;
    if (!down && !m.up_streamed) {
        b.in_memory = &m.up_sql;
        b.size = m.up_sql.size();
        return b;
    }
    if (down && (m.down_sql || !m.has_down() || !m.down_streamed)) {
        b.in_memory = m.down_sql ? &*m.down_sql : nullptr;
        return b;
    }
    const std::string &file = down ? m.down_file : m.up_file;
    if (!down && !m.up_unread && m.up_size > stream_above) {
        b.too_big = true;
        b.size = m.up_size;
        return b;
    }
    ScriptFile sf = open_script(AT_FDCWD, file, file, errors);
    if (!sf.ok())
        return std::nullopt;
    b.size = static_cast<unsigned long long>(sf.st.st_size);
    if (!down) {
        m.up_size = b.size;
        if (b.size > stream_above) {
            b.too_big = true;
            return b;
        }
    }
    auto text = read_open_script(sf, file, errors);
    if (!text)
        return std::nullopt;
    b.read = std::move(text);
    bool unread = down ? m.down_unread : m.up_unread;
    if (!unread && !down)
        return b; // the server's checksum of the upload is compared with m.checksum
    std::string sum = sha256_hex(*b.read);
    if (!unread && sum != *m.down_checksum) {
        errors.push_back(fmt::format("{}: the file changed while pgmig was running (checksum {} "
                                     "when read, {} when uploaded); nothing was applied",
                                     file, *m.down_checksum, sum));
        return std::nullopt;
    }
    if (unread) {
        store(f, file, sf.st, sum);
        if (down) {
            m.down_checksum = std::move(sum);
            m.down_unread = false;
        } else {
            m.checksum = std::move(sum);
            m.up_unread = false;
        }
    }
    return b;
}

void save_cache(Folder &f) {
    if (!f.cache)
        return;
    // the entries of scripts not needed this time stay (they are still the files' checksums
    // if their stat matches)
    for (const auto &m : f.migrations) {
        if (m.up_unread)
            f.cache->keep(f.relative(m.up_file));
        if (m.down_unread)
            f.cache->keep(f.relative(m.down_file));
    }
    f.cache->save();
}

} // namespace mig::client
