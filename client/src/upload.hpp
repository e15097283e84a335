// What the client sends to mig.upload / mig.upload_many, built as the pipeline sends it.
#pragma once
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mig::client {

// The options argument of m's upload: JSON with file, down_file, replace and transaction
// (false when the file declares it). Throws InputError when a path is not valid UTF-8.
// strict: {"strict": true}, a down script that does not parse is refused (else stored with its
// error, and the migration cannot be rolled back until it is fixed: docs/sql-api.md).
std::string upload_options(const Migration &m, bool replace, bool strict = false);

// The options element of m in a mig.upload_many call, whose files[] / down_files[] carry the file
// names: JSON with replace and transaction (false) only, nullopt when it has neither.
std::optional<std::string> upload_flags(const Migration &m, bool replace, bool strict = false);

struct UploadItem {
    Migration *m;
    bool replace; // {"replace": true}: a pending migration whose file changed
    bool strict = false; // {"strict": true}: a down script that does not parse is refused
};

// The columns of mig.upload's / mig.upload_many's result that the client reads, in order.
extern const char *const kUploadColumns;

// One warning per upload in `r` whose down script does not parse (its down_error column, 4),
// naming FILE:LINE:COL: it is stored with its error, and rolling it back is refused until it is
// fixed (pgmig repair --down V).
void warn_broken_downs(const std::vector<UploadItem> &items, const Result &r);

// Throws InputError when the server's checksum of an upload (row `row` of its result) differs
// from m.checksum (the file changed after it was hashed or its checksum was cached).
void check_uploaded(const Migration &m, const Result &r, int row = 0);

// The uploads of a deploy, one query at a time, built just before the pipeline sends each: a
// body not in memory is read then, so reading overlaps the server's work on the previous query.
// Scripts under 64 kB go many to a mig.upload_many call (bodies as binary text[]), in batches
// that start small, so that the server starts at once, and grow to 500 (or 1 MB); bigger ones
// one mig.upload each; an up script above stream_above is set aside for upload_streamed().
// Items whose bodies are in memory are sent first.
class UploadBuilder {
  public:
    UploadBuilder(Folder &f, std::vector<UploadItem> items,
                  size_t stream_above = LoadOptions::default_stream_above());
    // The next query, or nullopt when every item was sent or set aside. When a script cannot be
    // read, reads and checks every script not sent yet, then throws InputError naming all the
    // bad files (nothing more is sent; the caller rolls back what was).
    std::optional<Query> next();
    // What the k-th query returned by next() uploads, in the order of its result's rows.
    const std::vector<std::vector<UploadItem>> &sent() const { return sent_; }
    // Throws as check_uploaded for every row of the results of the queries (results[k] is
    // the k-th query's), and warns about down scripts that do not parse (warn_broken_downs).
    void check(const std::vector<Result> &results) const;
    // Items whose up script is too big for a parameter (upload_streamed).
    const std::vector<UploadItem> &streamed() const { return streamed_; }

    // How many migrations the k-th mig.upload_many call (0-based) may carry.
    static size_t batch_limit(size_t k);
    static constexpr size_t kSmall = size_t{64} * 1024; // bytes: alone above this
    static constexpr size_t kBatchBytes = size_t{1} << 20;

  private:
    struct Ready; // an item with its bodies
    std::optional<Ready> prepare(const UploadItem &it);
    [[noreturn]] void fail();
    Query many_query(std::vector<Ready> &batch);

    Folder &f_;
    std::vector<UploadItem> items_;
    size_t stream_above_;
    size_t next_ = 0;
    std::vector<std::vector<UploadItem>> sent_;
    std::vector<UploadItem> streamed_;
    std::vector<std::string> errors_;
    size_t many_calls_ = 0;
    std::shared_ptr<Ready> carry_; // prepared, did not fit into the previous query
};

} // namespace mig::client
