// Scripts read after the folder is listed (LoadOptions::defer_reads): read_scripts, the stat
// cache for down scripts, upload bodies, the upload builder's batches, and the work decision.
#include "cache_home.hpp"
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "layouts/scripts.hpp"
#include "layouts/stat_cache.hpp"
#include "sha256.hpp"
#include "sync.hpp"
#include "tmpdir.hpp"
#include "upload.hpp"
#include "version.hpp"

#include <chrono>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <thread>

using namespace mig::client;

namespace {

void write_golang(const TmpDir &d, int n, int from = 1) {
    for (int i = from; i < from + n; ++i) {
        d.write(fmt::format("{:04}_m.up.sql", i), fmt::format("CREATE TABLE t{} ();\n", i));
        d.write(fmt::format("{:04}_m.down.sql", i), fmt::format("DROP TABLE t{};\n", i));
    }
}

Folder deferred(const std::string &dir, bool cache = true) {
    LoadOptions lo;
    lo.defer_reads = true;
    lo.use_cache = cache;
    return load_folder(dir, lo);
}

std::vector<Migration *> all(Folder &f) {
    std::vector<Migration *> out;
    for (auto &m : f.migrations)
        out.push_back(&m);
    return out;
}

// The number of elements of a binary text[] parameter (mig.upload_many's first argument).
uint32_t array_length(const std::string &bin) {
    if (bin.size() < 20)
        return 0;
    auto *p = reinterpret_cast<const unsigned char *>(bin.data()) + 12;
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

} // namespace

TEST(Deferred, ListingOpensNoScriptButChecksNames) {
    TmpDir d;
    write_golang(d, 3);
    d.write("0002_m.up.sql", "SELECT 'caf\xe9';\n"); // bad, but not read
    Folder f = deferred(d.path(), false);
    ASSERT_EQ(f.migrations.size(), 3u);
    for (auto &m : f.migrations) {
        EXPECT_TRUE(m.up_unread && m.up_streamed);
        EXPECT_TRUE(m.down_unread && m.down_streamed);
        EXPECT_TRUE(m.checksum.empty());
        EXPECT_TRUE(m.has_down());
    }
    // what the names tell is still checked at once
    d.write("02_dup.up.sql", "SELECT 1;\n");
    EXPECT_THROW(deferred(d.path(), false), InputError);
}

TEST(Deferred, ReadScriptsHashesAndReportsEveryBadFile) {
    TmpDir d;
    write_golang(d, 200);
    d.write("0010_m.up.sql", "SELECT 'caf\xe9';\n");
    d.write("0150_m.down.sql", std::string("DROP TABLE t150;\0", 17));
    Folder f = deferred(d.path(), false);
    auto errors = read_scripts(f, all(f), ReadOptions{}, 2);
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_NE(errors[0].find("0010_m.up.sql:1:12: not valid UTF-8"), std::string::npos)
        << errors[0];
    EXPECT_NE(errors[1].find("0150_m.down.sql:1:17: contains a NUL byte"), std::string::npos)
        << errors[1];
    const Migration &m = f.migrations[4];
    EXPECT_FALSE(m.up_unread || m.down_unread);
    EXPECT_EQ(m.checksum, sha256_hex("CREATE TABLE t5 ();\n"));
    EXPECT_EQ(m.down_checksum, sha256_hex("DROP TABLE t5;\n"));
    EXPECT_EQ(m.up_sql, "CREATE TABLE t5 ();\n"); // small bodies stay
    EXPECT_TRUE(f.migrations[9].up_unread);       // the bad one stays unread
    EXPECT_EQ(check_unread(f).size(), 2u);
}

TEST(Deferred, StopFlagLeavesTheRestUnread) {
    TmpDir d;
    write_golang(d, 10);
    Folder f = deferred(d.path(), false);
    std::atomic<bool> stop{true};
    EXPECT_TRUE(read_scripts(f, all(f), ReadOptions{}, 1, &stop).empty());
    for (auto &m : f.migrations)
        EXPECT_TRUE(m.up_unread);
}

// Files written in the same clock tick as the cache is saved are not trusted (the racy rule):
// the tests that want cache hits let a tick pass first.
void let_a_tick_pass() {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

TEST(Deferred, DownScriptsCachedToo) {
    CacheHome ch;
    TmpDir d;
    write_golang(d, 5);
    let_a_tick_pass();
    {
        Folder f = deferred(d.path());
        EXPECT_TRUE(read_scripts(f, all(f), ReadOptions{}, 1).empty());
        save_cache(f);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // the eager load (what `status` and `redo` use) takes both checksums from the cache
    LoadOptions lo;
    lo.use_cache = true;
    Folder f = load_folder(d.path(), lo);
    for (auto &m : f.migrations) {
        EXPECT_TRUE(m.up_streamed) << m.version;
        EXPECT_TRUE(m.down_streamed) << m.version;
        EXPECT_FALSE(m.down_sql) << m.version;
        EXPECT_FALSE(m.checksum.empty());
        ASSERT_TRUE(m.down_checksum);
    }
    EXPECT_EQ(*f.migrations[2].down_checksum, sha256_hex("DROP TABLE t3;\n"));
    // `status` (no down scripts read) keeps their entries
    lo.read_downs = false;
    load_folder(d.path(), lo);
    Folder again = deferred(d.path());
    ReadOptions only_cache;
    EXPECT_TRUE(read_scripts(again, all(again), only_cache, 1).empty());
    EXPECT_TRUE(again.migrations[2].down_streamed) << "taken from the cache, not read";
}

TEST(Deferred, UnreadEntriesSurviveASave) {
    CacheHome ch;
    TmpDir d;
    write_golang(d, 3);
    let_a_tick_pass();
    {
        Folder f = deferred(d.path());
        read_scripts(f, all(f), ReadOptions{}, 1);
        save_cache(f);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    {
        Folder f = deferred(d.path());
        std::vector<Migration *> first{&f.migrations[0]};
        read_scripts(f, first, ReadOptions{}, 1);
        save_cache(f); // the two others stay unread: their entries are kept
    }
    Folder f = deferred(d.path());
    read_scripts(f, all(f), ReadOptions{}, 1);
    for (auto &m : f.migrations)
        EXPECT_TRUE(m.up_streamed) << m.up_file << ": from the cache";
}

TEST(Deferred, UploadBodyOfAChangedDownScriptIsRefused) {
    TmpDir d;
    write_golang(d, 1);
    Folder f = deferred(d.path(), false);
    Migration &m = f.migrations[0];
    m.down_unread = false; // as if its checksum had come from the cache
    m.down_checksum = sha256_hex("something else");
    std::vector<std::string> errors;
    EXPECT_FALSE(upload_body(f, m, true, SIZE_MAX, errors));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("the file changed while pgmig was running"), std::string::npos);
    // an unread up script gets its checksum from what is read for the upload
    errors.clear();
    auto up = upload_body(f, m, false, SIZE_MAX, errors);
    ASSERT_TRUE(up);
    EXPECT_EQ(*up->text(), "CREATE TABLE t1 ();\n");
    EXPECT_EQ(m.checksum, sha256_hex("CREATE TABLE t1 ();\n"));
    EXPECT_FALSE(m.up_unread);
    // above stream_above: not read, for COPY
    auto big = upload_body(f, m, false, 5, errors);
    ASSERT_TRUE(big);
    EXPECT_TRUE(big->too_big);
    EXPECT_FALSE(big->text());
}

TEST(UploadBuilder, BatchesStartSmallAndGrow) {
    EXPECT_EQ(UploadBuilder::batch_limit(0), 32u);
    EXPECT_EQ(UploadBuilder::batch_limit(1), 128u);
    EXPECT_EQ(UploadBuilder::batch_limit(2), 500u);
    EXPECT_EQ(UploadBuilder::batch_limit(9), 500u);
    TmpDir d;
    write_golang(d, 1000);
    Folder f = deferred(d.path(), false);
    std::vector<UploadItem> items;
    for (auto &m : f.migrations)
        items.push_back({&m, false});
    UploadBuilder ub(f, items);
    std::vector<uint32_t> sizes;
    while (auto q = ub.next()) {
        // versions, names, ups, downs, options (NULL: no migration has flags), files, down_files
        ASSERT_EQ(q->params.size(), 7u);
        EXPECT_EQ(q->params[4].c_str(), nullptr);
        uint32_t n = array_length(std::string(q->params[0].c_str(), q->params[0].size()));
        EXPECT_EQ(array_length(std::string(q->params[5].c_str(), q->params[5].size())), n);
        EXPECT_EQ(array_length(std::string(q->params[6].c_str(), q->params[6].size())), n);
        sizes.push_back(n);
    }
    EXPECT_EQ(sizes, (std::vector<uint32_t>{32, 128, 500, 340}));
    ASSERT_EQ(ub.sent().size(), 4u);
    EXPECT_EQ(ub.sent()[3].size(), 340u);
    for (auto &m : f.migrations) // read and hashed while the queries were built
        ASSERT_EQ(m.checksum,
                  sha256_hex(fmt::format("CREATE TABLE t{} ();\n", std::stoi(m.version))));
}

TEST(UploadBuilder, InMemoryFirstBigAloneHugeSetAside) {
    TmpDir d;
    write_golang(d, 6);
    d.write("0003_m.up.sql",
            std::string(size_t{70} * 1024, ' ') + "SELECT 3;\n"); // >= 64 kB: alone
    d.write("0005_m.up.sql",
            std::string(size_t{150} * 1024, ' ') + "SELECT 5;\n"); // above stream_above
    Folder f = deferred(d.path(), false);
    std::vector<Migration *> sixth{&f.migrations[5]};
    read_scripts(f, sixth, ReadOptions{}, 1); // in memory: sent first
    std::vector<UploadItem> items;
    for (auto &m : f.migrations)
        items.push_back({&m, false});
    UploadBuilder ub(f, items, size_t{100} * 1024);
    std::vector<std::string> queries;
    while (auto q = ub.next())
        queries.push_back(q->sql);
    ASSERT_EQ(ub.sent().size(), 3u);
    EXPECT_EQ(ub.sent()[0].size(), 3u); // 6 (in memory), then 1, 2 until the big one
    EXPECT_EQ(ub.sent()[0][0].m->version, "0006");
    EXPECT_EQ(ub.sent()[1].size(), 1u);
    EXPECT_EQ(ub.sent()[1][0].m->version, "0003");
    EXPECT_NE(queries[1].find("mig.upload($1"), std::string::npos);
    EXPECT_EQ(ub.sent()[2].size(), 1u); // 4 (5 is set aside)
    ASSERT_EQ(ub.streamed().size(), 1u);
    EXPECT_EQ(ub.streamed()[0].m->version, "0005");
}

TEST(UploadBuilder, BadFilesStopItAndAreAllNamed) {
    TmpDir d;
    write_golang(d, 100);
    d.write("0040_m.up.sql", "SELECT 'caf\xe9';\n");
    d.write("0090_m.down.sql", "DROP TABLE \xff;\n");
    Folder f = deferred(d.path(), false);
    std::vector<UploadItem> items;
    for (auto &m : f.migrations)
        items.push_back({&m, false});
    UploadBuilder ub(f, items);
    ASSERT_TRUE(ub.next()); // 1..32
    try {
        ub.next();
        FAIL() << "no error";
    } catch (const InputError &e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("0040_m.up.sql:1:12: not valid UTF-8"), std::string::npos) << msg;
        EXPECT_NE(msg.find("0090_m.down.sql:1:12: not valid UTF-8"), std::string::npos) << msg;
    }
    EXPECT_EQ(ub.sent().size(), 1u);
}

TEST(Sync, WorkKnownFromVersionsAlone) {
    auto row = [](const char *v, const char *state, const char *kind = "versioned") {
        ServerRow r;
        r.version = v;
        r.state = state;
        r.kind = kind;
        return r;
    };
    auto local = [](std::vector<std::string> vs) { // as cmd_up gives them: canonical
        for (auto &v : vs)
            v = canonical_version(v);
        return vs;
    };
    std::vector<ServerRow> applied{row("1", "applied"), row("2", "applied"),
                                   row("", "applied", "repeatable")};
    EXPECT_FALSE(has_work_by_versions(local({"1", "2"}), applied));
    EXPECT_FALSE(has_work_by_versions(local({"1"}), applied)); // a missing file is no work
    EXPECT_TRUE(has_work_by_versions(local({"1", "2", "3"}), applied));
    EXPECT_TRUE(
        has_work_by_versions(local({"1", "2"}), {row("1", "applied"), row("2", "pending")}));
    EXPECT_TRUE(has_work_by_versions({}, {row("1", "failed")}));
    EXPECT_FALSE(has_work_by_versions(local({"0002"}), {row("2", "applied")}));
    EXPECT_FALSE(has_work_by_versions(local({"2"}), {row("0002", "applied")}));
}
