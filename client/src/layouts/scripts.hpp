// A loaded folder's scripts that are not in memory, read later than load_folder: to compare them
// with what the server has, or to upload them (LoadOptions::defer_reads, checksums that came
// from the stat cache). Every script read here is checked (NUL bytes, UTF-8, named with line and
// column) and hashed; the checksum of a file that was not read before is stored in the folder's
// stat cache, with the stat taken before it was read.
#pragma once
#include "layouts/layout.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace mig::client {

struct ReadOptions {
    // Take checksums from the stat cache when a file's stat matches (no read).
    bool use_cache = true;
    // Read bodies even when the cache has the checksum (to have them in memory for an upload).
    bool want_bodies = false;
    // Bodies up to this many bytes stay in memory (up_sql, down_sql); bigger ones are hashed
    // and dropped (read again if uploaded).
    size_t keep_below = size_t{64} * 1024;
    // Up scripts above this size are hashed in chunks, never held whole.
    size_t stream_above = LoadOptions::default_stream_above();
    // Up scripts above this size are left unread (reading them would take long): for reading
    // ahead while waiting for the server. SIZE_MAX: none.
    size_t skip_above = SIZE_MAX;
};

// Reads what is unread of m's scripts (with want_bodies: also what is not in memory), so that
// m.checksum and m.down_checksum are known. False when a script cannot be read, or was left
// unread by skip_above; errors gets "PATH: reason" for the former.
bool read_scripts(Folder &f, Migration &m, const ReadOptions &o, std::vector<std::string> &errors);

// read_scripts() for every migration of `which`, spread over `threads` threads. Stops early
// (leaving the rest as it is) when `stop` becomes true. Returns the errors, in the order of
// `which`.
std::vector<std::string> read_scripts(Folder &f, const std::vector<Migration *> &which,
                                      const ReadOptions &o, int threads,
                                      const std::atomic<bool> *stop = nullptr);

// Reads and checks every script of the folder that is still unread (nothing is kept): the
// errors of all bad files, for reporting them together.
std::vector<std::string> check_unread(Folder &f);

// The up or down body of m for an upload: in memory, or read now.
// A checksum m does not have yet is set from what was read (and stored in the cache); for a
// down script whose checksum was known, a different one is an InputError (the file changed
// while pgmig ran: the server returns no down checksum to compare). Errors append "PATH: reason"
// to errors and give nullopt; without a down script, text() is null.
struct Body {
    const std::string *in_memory = nullptr; // m.up_sql or *m.down_sql
    std::optional<std::string> read;        // read from the file now
    unsigned long long size = 0;            // bytes of the file, also when not read (too_big)
    bool too_big = false; // an up script above stream_above: not read (to stream it)
    const std::string *text() const { return in_memory ? in_memory : read ? &*read : nullptr; }
};
std::optional<Body> upload_body(Folder &f, Migration &m, bool down, size_t stream_above,
                                std::vector<std::string> &errors);

// Writes the folder's stat cache (if any, and if anything changed), keeping the entries of the
// scripts still unread.
void save_cache(Folder &f);

} // namespace mig::client
