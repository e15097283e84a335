#include "layouts/folder_reader.hpp"

#include "errors.hpp"
#include "layouts/stat_cache.hpp"
#include "sha256.hpp"

#include <cstdint>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mig::client {

std::string join_path(const std::string &dir, std::string_view rel) {
    std::string out;
    out.reserve(dir.size() + 1 + rel.size());
    out += dir;
    if (!dir.empty() && dir.back() != '/')
        out += '/';
    out += rel;
    return out;
}

FolderReader::FolderReader(const std::string &dir, const std::vector<Entry> &entries,
                           const LoadOptions &opt)
    : dir_(dir), entries_(entries), read_downs_(opt.read_downs), defer_(opt.defer_reads),
      stream_above_(opt.stream_above) {
    dirfd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd_ < 0)
        throw InputError(fmt::format("{}: cannot open the folder", dir));
}

FolderReader::~FolderReader() {
    if (dirfd_ >= 0)
        ::close(dirfd_);
}

void FolderReader::stray(std::string_view rel, const std::string &why) {
    warnings.push_back(fmt::format("{}: ignored ({})", path(rel), why));
}

std::optional<std::string> FolderReader::read(std::string_view rel) {
    return read_script_at(dirfd_, std::string(rel), path(rel), errors);
}

std::optional<std::string> FolderReader::cached(std::string_view rel, struct stat &st) {
    if (!cache_)
        return std::nullopt;
    return cache_->lookup_at(dirfd_, rel.data(), rel, st);
}

bool FolderReader::read_up(std::string_view rel, Migration &m) {
    if (defer_) { // its cache entry is kept by save_cache() if it stays unread
        m.up_unread = m.up_streamed = true;
        return true;
    }
    struct stat st {};
    if (auto sum = cached(rel, st)) {
        m.checksum = std::move(*sum);
        m.up_streamed = true;
        m.up_size = static_cast<unsigned long long>(st.st_size);
        return true;
    }
    std::string shown = path(rel);
    ScriptFile file = open_script(dirfd_, std::string(rel), shown, errors);
    if (!file.ok())
        return false;
    if (stream_above_ != SIZE_MAX && static_cast<uint64_t>(file.st.st_size) > stream_above_) {
        Sha256 h;
        if (!stream_open_script(file, shown, errors,
                                [&](std::string_view part) { h.update(part); }))
            return false;
        m.up_streamed = true;
        m.up_size = static_cast<unsigned long long>(file.st.st_size);
        m.checksum = h.hex();
    } else {
        auto t = read_open_script(file, shown, errors);
        if (!t)
            return false;
        m.up_sql = std::move(*t);
        m.checksum = sha256_hex(m.up_sql);
    }
    if (cache_ && S_ISREG(file.st.st_mode))
        cache_->store(rel, file.st, m.checksum);
    return true;
}

bool FolderReader::read_down(std::string_view rel, DownScript &d) {
    if (defer_ || !read_downs_) {
        d.unread = d.streamed = true;
        if (cache_ && !defer_)
            cache_->keep(rel);
        return true;
    }
    struct stat st {};
    if (auto sum = cached(rel, st)) {
        d.checksum = std::move(sum);
        d.streamed = true;
        return true;
    }
    auto t = read_script_at(dirfd_, std::string(rel), path(rel), errors, &st);
    if (!t)
        return false;
    d.checksum = sha256_hex(*t);
    if (cache_ && S_ISREG(st.st_mode))
        cache_->store(rel, st, *d.checksum);
    d.text = std::move(t);
    return true;
}

bool FolderReader::is_file(const std::string &rel) const {
    struct stat st {};
    return ::fstatat(dirfd_, rel.c_str(), &st, 0) == 0 && S_ISREG(st.st_mode);
}

void FolderReader::reserve(size_t ups, size_t downs) {
    ups_.reserve(ups);
    if (downs)
        downs_.reserve(downs);
}

Migration &FolderReader::next() {
    return *(pending_ = &ups_.pending());
}

void FolderReader::commit() {
    Migration &m = *pending_;
    std::string key = canonical_version(m.version);
    bool after_last = false;
    size_t i = ups_.find(key, &after_last);
    if (i != ups_.npos) {
        errors.push_back(
            fmt::format("duplicate version {}: {} and {}", m.version, ups_[i].up_file, m.up_file));
        ups_.discard();
        return;
    }
    ups_.keep(std::move(key), after_last);
}

void FolderReader::drop() {
    ups_.discard();
}

void FolderReader::add(Migration m) {
    next() = std::move(m);
    commit();
}

void FolderReader::add_down(std::string key, std::string_view rel, DownScript d,
                            const std::string &version, const char *what) {
    bool after_last = false;
    size_t i = downs_.find(key, &after_last);
    if (i != downs_.npos) {
        errors.push_back(fmt::format("duplicate {} scripts for version {}: {} and {}", what,
                                     version, path(downs_[i].rel), path(rel)));
        downs_[i] = {rel, std::move(d), version};
        return;
    }
    downs_.add(std::move(key), Down{rel, std::move(d), version}, after_last);
}

void FolderReader::pair_downs() {
    // both in version order: one walk
    std::vector<size_t> ups = ups_.ordered();
    size_t walk = 0;
    for (size_t di : downs_.ordered()) {
        const std::string &key = downs_.key(di);
        Down &d = downs_[di];
        while (walk < ups.size() && ups_.key(ups[walk]) != key &&
               VersionLess{}(ups_.key(ups[walk]), key))
            ++walk;
        if (walk == ups.size() || ups_.key(ups[walk]) != key) {
            stray(d.rel,
                  fmt::format("down script for version {}, which has no up script", d.version));
            continue;
        }
        Migration &m = ups_[ups[walk]];
        m.down_file = path(d.rel);
        d.script.move_into(m);
    }
}

void SameVersionInNameOrder::apply(Migration &m) {
    std::string key = canonical_version(m.version);
    if (key == last_key_) {
        m.version += "." + std::to_string(++count_);
    } else {
        last_key_ = std::move(key);
        count_ = 0;
    }
}

} // namespace mig::client
