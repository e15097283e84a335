#include "upload.hpp"

#include "errors.hpp"
#include "layouts/scan.hpp"
#include "layouts/scripts.hpp"
#include "output.hpp"
#include "text.hpp"
#include "trace.hpp"

#include <algorithm>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mig::client {

const char *const kUploadColumns = "action, checksum, transactional, ends_transaction, down_error";

std::string upload_options(const Migration &m, bool replace, bool strict) {
    // Written by hand, keys in nlohmann::json's (sorted) order: building and dumping a json
    // object took ~10,000 instructions a migration, 20 % of the client's work in W1.
    std::string o;
    o.reserve(m.up_file.size() + m.down_file.size() + 64);
    auto path = [&o](const char *key, const std::string &file) {
        o += key;
        if (!append_json_string(o, file))
            throw InputError(fmt::format("{}: the file name is not valid UTF-8", file));
    };
    o += '{';
    if (!m.down_file.empty()) {
        path("\"down_file\":", m.down_file);
        o += ',';
    }
    path("\"file\":", m.up_file);
    if (replace)
        o += ",\"replace\":true";
    if (strict)
        o += ",\"strict\":true";
    if (m.no_transaction)
        o += ",\"transaction\":false";
    o += '}';
    return o;
}

std::optional<std::string> upload_flags(const Migration &m, bool replace, bool strict) {
    if (!replace && !m.no_transaction && !strict)
        return std::nullopt;
    std::string o = "{";
    auto add = [&o](const char *kv) {
        if (o.size() > 1)
            o += ',';
        o += kv;
    };
    if (replace)
        add("\"replace\":true");
    if (strict)
        add("\"strict\":true");
    if (m.no_transaction)
        add("\"transaction\":false");
    o += '}';
    return o;
}

void warn_broken_downs(const std::vector<UploadItem> &items, const Result &r) {
    for (size_t row = 0; row < items.size() && static_cast<int>(row) < r.rows(); ++row) {
        if (r.null(static_cast<int>(row), 4))
            continue;
        auto e = nlohmann::json::parse(r.str(static_cast<int>(row), 4), nullptr, false);
        if (e.is_discarded())
            continue;
        const Migration &m = *items[row].m;
        int line = e.value("line", 0);
        // the file's line (a dbmate section, a Liquibase rollback assembled from comments)
        warn(fmt::format("{}:{}:{}: the down script of migration {} does not parse ({}): it is "
                         "stored, and rolling {} back is refused until it is fixed (pgmig "
                         "repair --down {}; --strict refuses it now)",
                         m.down_file.empty() ? m.up_file : m.down_file, m.file_line(true, line),
                         e.value("column", 0), m.version, e.value("message", std::string()),
                         m.version, m.version));
    }
}

namespace {
// A file name as mig.upload_many's files[] / down_files[] take it (text: valid UTF-8).
const std::string *file_name(const std::string &file) {
    if (file.empty())
        return nullptr;
    if (invalid_utf8_at(file) != std::string::npos)
        throw InputError(fmt::format("{}: the file name is not valid UTF-8", file));
    return &file;
}
} // namespace

void check_uploaded(const Migration &m, const Result &r, int row) {
    if (r.rows() <= row || r.str(row, 1) != m.checksum)
        throw InputError(fmt::format("{}: the file changed while pgmig was running (checksum {} "
                                     "when read, {} when uploaded); nothing was applied",
                                     m.up_file, m.checksum,
                                     r.rows() > row ? r.str(row, 1) : "none"));
}

struct UploadBuilder::Ready {
    UploadItem item;
    Body up, down;
};

namespace {
bool in_memory(const Migration &m) {
    return !m.up_streamed && (!m.down_streamed || !m.has_down());
}
} // namespace

UploadBuilder::UploadBuilder(Folder &f, std::vector<UploadItem> items, size_t stream_above)
    : f_(f), items_(std::move(items)), stream_above_(stream_above) {
    std::stable_partition(items_.begin(), items_.end(),
                          [](const UploadItem &it) { return in_memory(*it.m); });
}

size_t UploadBuilder::batch_limit(size_t k) {
    // The first call small, so that the server starts while the next are built (and bodies
    // read); then larger ones, each call costing the server a fixed part (W1's 1,000 uploads:
    // ~45 ms one by one, ~18 ms in two calls).
    constexpr size_t kFirst = 32, kGrowth = 4, kMax = 500;
    size_t n = kFirst;
    for (size_t i = 0; i < k && n < kMax; ++i)
        n *= kGrowth;
    return std::min(n, kMax);
}

std::optional<UploadBuilder::Ready> UploadBuilder::prepare(const UploadItem &it) {
    Ready r{it, {}, {}};
    auto up = upload_body(f_, *it.m, false, stream_above_, errors_);
    if (!up)
        return std::nullopt;
    r.up = std::move(*up);
    if (r.up.too_big)
        return r;
    auto down = upload_body(f_, *it.m, true, stream_above_, errors_);
    if (!down)
        return std::nullopt;
    r.down = std::move(*down);
    return r;
}

void UploadBuilder::fail() {
    // Nothing more is sent: the scripts not sent yet are only read and checked, so that every
    // bad file is reported at once.
    carry_.reset();
    for (; next_ < items_.size(); ++next_) {
        Migration &m = *items_[next_].m;
        auto up = upload_body(f_, m, false, stream_above_, errors_);
        if (up && up->too_big) {
            std::vector<std::string> errs;
            if (!stream_script_at(AT_FDCWD, m.up_file, m.up_file, errs, [](std::string_view) {}))
                errors_.insert(errors_.end(), errs.begin(), errs.end());
        }
        upload_body(f_, m, true, stream_above_, errors_);
    }
    for (const auto &it : streamed_) {
        if (!stream_script_at(AT_FDCWD, it.m->up_file, it.m->up_file, errors_,
                              [](std::string_view) {}))
            continue;
        upload_body(f_, *it.m, true, stream_above_, errors_);
    }
    throw InputError(fmt::format("{}", fmt::join(errors_, "\n")));
}

Query UploadBuilder::many_query(std::vector<Ready> &batch) {
    // File names go as files[] / down_files[] (the server stores them as the options file and
    // down_file without parsing JSON: ~10,000 instructions a migration less); options[] only
    // when a migration has flags.
    std::vector<std::optional<std::string>> flags(batch.size());
    std::vector<const std::string *> versions, names, ups, downs, opts, files, down_files;
    for (auto *v : {&versions, &names, &ups, &downs, &opts, &files, &down_files})
        v->reserve(batch.size());
    std::vector<UploadItem> items;
    items.reserve(batch.size());
    bool any_flags = false;
    for (size_t i = 0; i < batch.size(); ++i) {
        const Migration &m = *batch[i].item.m;
        flags[i] = upload_flags(m, batch[i].item.replace, batch[i].item.strict);
        any_flags = any_flags || flags[i].has_value();
        versions.push_back(&m.version);
        names.push_back(&m.name);
        ups.push_back(batch[i].up.text());
        downs.push_back(batch[i].down.text());
        opts.push_back(flags[i] ? &*flags[i] : nullptr);
        files.push_back(file_name(m.up_file));
        down_files.push_back(file_name(m.down_file));
        items.push_back(batch[i].item);
    }
    sent_.push_back(std::move(items));
    ++many_calls_;
    return {std::string("SELECT ") + kUploadColumns +
                " FROM mig.upload_many("
                "$1::pg_catalog.text[], $2::pg_catalog.text[], $3::pg_catalog.text[], "
                "$4::pg_catalog.text[], $5::pg_catalog.text[]::pg_catalog.jsonb[], "
                "$6::pg_catalog.text[], $7::pg_catalog.text[])",
            {Param::binary(binary_text_array(versions)), Param::binary(binary_text_array(names)),
             Param::binary(binary_text_array(ups)), Param::binary(binary_text_array(downs)),
             any_flags ? Param::binary(binary_text_array(opts)) : Param(std::nullopt),
             Param::binary(binary_text_array(files)),
             Param::binary(binary_text_array(down_files))}};
}

std::optional<Query> UploadBuilder::next() {
    std::vector<Ready> batch;
    size_t bytes = 0, limit = batch_limit(many_calls_);
    batch.reserve(std::min(limit, items_.size() - next_ + 1));
    while (true) {
        std::optional<Ready> r;
        if (carry_) {
            r = std::move(*carry_);
            carry_.reset();
        } else if (next_ < items_.size()) {
            r = prepare(items_[next_++]);
            if (!r)
                fail();
        } else {
            break;
        }
        if (r->up.too_big) {
            streamed_.push_back(r->item);
            continue;
        }
        size_t size = r->up.text()->size();
        if (size >= kSmall) {
            if (!batch.empty()) {
                carry_ = std::make_shared<Ready>(std::move(*r));
                break;
            }
            const Migration &m = *r->item.m;
            sent_.push_back({r->item});
            // a body read now moves into the query; one in memory is referred to
            auto param = [](Body &b) {
                if (b.in_memory)
                    return Param::ref(*b.in_memory);
                return b.read ? Param(std::move(*b.read)) : Param(std::nullopt);
            };
            return Query{std::string("SELECT ") + kUploadColumns +
                             " FROM mig.upload($1, $2, $3, $4, $5::jsonb)",
                         {m.version, m.name, param(r->up), param(r->down),
                          upload_options(m, r->item.replace, r->item.strict)}};
        }
        if (batch.size() >= limit || bytes + size > kBatchBytes) {
            carry_ = std::make_shared<Ready>(std::move(*r));
            break;
        }
        bytes += size;
        batch.push_back(std::move(*r));
    }
    if (batch.empty())
        return std::nullopt;
    trace("upload: batch built");
    return many_query(batch);
}

void UploadBuilder::check(const std::vector<Result> &results) const {
    for (size_t k = 0; k < sent_.size() && k < results.size(); ++k) {
        for (size_t row = 0; row < sent_[k].size(); ++row)
            check_uploaded(*sent_[k][row].m, results[k], static_cast<int>(row));
        warn_broken_downs(sent_[k], results[k]);
    }
}

} // namespace mig::client
