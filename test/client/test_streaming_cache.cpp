// Big scripts read in chunks (never whole) and the stat cache.
#include "errors.hpp"
#include "layouts/layout.hpp"
#include "layouts/scan.hpp"
#include "layouts/stat_cache.hpp"
#include "sha256.hpp"
#include "text.hpp"
#include "cache_home.hpp"
#include "tmpdir.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace mig::client;

namespace {
std::string chunked(const std::string &path, size_t chunk, std::vector<std::string> &errors,
                    std::vector<std::string> *parts = nullptr) {
    std::string all;
    stream_script_at(
        AT_FDCWD, path, path, errors,
        [&](std::string_view p) {
            all.append(p);
            if (parts)
                parts->emplace_back(p);
        },
        chunk);
    return all;
}
} // namespace

TEST(Streaming, ChunksNeverSplitAUtf8Sequence) {
    TmpDir d;
    std::string text = "SELECT 'é€𝄞';\n-- ünïcödé\nSELECT 1;\n";
    d.write("a.sql", text);
    for (size_t chunk : {8, 9, 10, 11, 64}) {
        std::vector<std::string> errors, parts;
        EXPECT_EQ(chunked(d.path() + "/a.sql", chunk, errors, &parts), text) << chunk;
        EXPECT_TRUE(errors.empty());
        for (auto &p : parts)
            EXPECT_EQ(invalid_utf8_at(p), std::string_view::npos) << "chunk " << chunk;
    }
}

TEST(Streaming, InvalidUtf8NamedWithLineAndColumnAcrossChunks) {
    TmpDir d;
    std::string text = "SELECT 1;\nSELECT 2;\nSELECT 'é\xff';\n";
    d.write("b.sql", text);
    for (size_t chunk : {8, 13, 1 << 20}) {
        std::vector<std::string> errors;
        chunked(d.path() + "/b.sql", chunk, errors);
        ASSERT_EQ(errors.size(), 1u);
        EXPECT_NE(errors[0].find("b.sql:3:10: not valid UTF-8 (byte 0xff)"), std::string::npos)
            << errors[0] << " chunk " << chunk;
    }
}

TEST(Streaming, TruncatedSequenceAtEndAndNulRefused) {
    TmpDir d;
    d.write("c.sql", std::string("SELECT 1;\n\xe2\x82"));
    d.write("n.sql", std::string("SELECT 1;\nSE\0LECT", 17));
    std::vector<std::string> errors;
    chunked(d.path() + "/c.sql", 8, errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("c.sql:2:1: not valid UTF-8"), std::string::npos) << errors[0];
    errors.clear();
    chunked(d.path() + "/n.sql", 8, errors);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_NE(errors[0].find("n.sql:2:3: contains a NUL byte"), std::string::npos) << errors[0];
}

TEST(Streaming, LineOfFile) {
    TmpDir d;
    d.write("l.sql", "one\r\ntwo\nthree");
    EXPECT_EQ(line_of_file(d.path() + "/l.sql", 1), "one");
    EXPECT_EQ(line_of_file(d.path() + "/l.sql", 3), "three");
    EXPECT_EQ(line_of_file(d.path() + "/l.sql", 4), "");
    EXPECT_EQ(line_of_file(d.path() + "/missing.sql", 1), "");
}

TEST(Streaming, BigUpScriptNotKeptButHashed) {
    TmpDir d;
    std::string big = "SELECT 1;\n";
    while (big.size() < 5000)
        big += "INSERT INTO t VALUES ('x');\n";
    d.write("1_big.up.sql", big);
    d.write("1_big.down.sql", "SELECT 2;\n");
    d.write("2_small.up.sql", "SELECT 3;\n");
    LoadOptions lo;
    lo.stream_above = 1000;
    Folder f = load_folder(d.path(), lo);
    ASSERT_EQ(f.migrations.size(), 2u);
    EXPECT_TRUE(f.migrations[0].up_streamed);
    EXPECT_EQ(f.migrations[0].up_sql, "");
    EXPECT_EQ(f.migrations[0].checksum, sha256_hex(big));
    EXPECT_EQ(f.migrations[0].up_size, big.size());
    EXPECT_EQ(script_line(f.migrations[0], false, 2), "INSERT INTO t VALUES ('x');");
    EXPECT_FALSE(f.migrations[1].up_streamed);
    EXPECT_EQ(f.migrations[1].up_sql, "SELECT 3;\n");
}

TEST(Sha256, IncrementalEqualsWhole) {
    Sha256 h;
    h.update("hello ");
    h.update("");
    h.update("world");
    EXPECT_EQ(h.hex(), sha256_hex("hello world"));
}

namespace {
struct stat stat_of(const std::string &p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st;
}
void backdate(const std::string &p) { // mtime one minute ago (ctime stays now)
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= 60;
    ts[1] = ts[0];
    ::utimensat(AT_FDCWD, p.c_str(), ts, 0);
}
} // namespace

TEST(StatCache, RoundTripAndRacyRule) {
    CacheHome ch;
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;\n");
    std::string f = d.path() + "/1_a.up.sql";
    {
        StatCache c(d.path());
        EXPECT_FALSE(c.lookup("1_a.up.sql", stat_of(f)));
        c.store("1_a.up.sql", stat_of(f), std::string(64, 'a'));
        c.save();
    }
    {
        // the file's ctime may be in the same tick as the cache's mtime: racy, not trusted
        // unless strictly older. Wait a tick and rewrite the cache to be sure.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        StatCache c(d.path());
        c.store("1_a.up.sql", stat_of(f), std::string(64, 'a'));
        c.save();
    }
    StatCache c(d.path());
    auto got = c.lookup("1_a.up.sql", stat_of(f));
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, std::string(64, 'a'));
    // a changed file (new mtime and ctime) is not trusted
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    d.write("1_a.up.sql", "SELECT 2;\n");
    EXPECT_FALSE(c.lookup("1_a.up.sql", stat_of(f)));
}

TEST(StatCache, CorruptCacheIgnoredAndRewritten) {
    CacheHome ch;
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;\n");
    std::string path = StatCache::path_for(d.path());
    ASSERT_FALSE(path.empty());
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << "pgmig-stat-cache 1\t" << std::filesystem::canonical(d.path()).string()
                        << "\n1_a.up.sql\t10\t1\t1\t1\tnot-a-checksum\nend\t1\n";
    std::string f = d.path() + "/1_a.up.sql";
    backdate(f);
    {
        StatCache c(d.path());
        EXPECT_FALSE(c.lookup("1_a.up.sql", stat_of(f)));
        c.save();
    }
    std::ifstream in(path);
    std::string first;
    std::getline(in, first);
    EXPECT_EQ(first.rfind("pgmig-stat-cache 1\t", 0), 0u);
    // truncated (no end line): ignored
    std::ofstream(path) << "pgmig-stat-cache 1\t" << std::filesystem::canonical(d.path()).string()
                        << "\n";
    StatCache c2(d.path());
    EXPECT_FALSE(c2.lookup("1_a.up.sql", stat_of(f)));
}

TEST(StatCache, LoadFolderUsesItWithoutReadingTheBody) {
    CacheHome ch;
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;\n");
    d.write("1_a.down.sql", "SELECT 2;\n");
    LoadOptions lo;
    lo.use_cache = true;
    Folder f1 = load_folder(d.path(), lo);
    ASSERT_EQ(f1.migrations.size(), 1u);
    EXPECT_FALSE(f1.migrations[0].up_streamed); // first run: read and hashed
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    load_folder(d.path(), lo); // racy entries hashed again; the cache is rewritten
    Folder f2 = load_folder(d.path(), lo);
    EXPECT_TRUE(f2.migrations[0].up_streamed); // from the cache
    EXPECT_EQ(f2.migrations[0].checksum, sha256_hex("SELECT 1;\n"));
    // the down script too: its checksum from the cache, its body read only when uploaded
    EXPECT_TRUE(f2.migrations[0].down_streamed);
    EXPECT_FALSE(f2.migrations[0].down_sql);
    EXPECT_EQ(f2.migrations[0].down_checksum, sha256_hex("SELECT 2;\n"));
    EXPECT_TRUE(f2.migrations[0].has_down());
    lo.use_cache = false;
    Folder f3 = load_folder(d.path(), lo);
    EXPECT_FALSE(f3.migrations[0].up_streamed);
    EXPECT_EQ(f3.migrations[0].down_sql, std::optional<std::string>("SELECT 2;\n"));
    EXPECT_EQ(f3.migrations[0].down_checksum, sha256_hex("SELECT 2;\n"));
}

TEST(StatCache, RecentlyChangedFilesAreNotStored) {
    CacheHome ch;
    StatCache::settle_ns = 2000000000LL;
    TmpDir d;
    d.write("1_a.up.sql", "SELECT 1;\n");
    std::string f = d.path() + "/1_a.up.sql";
    {
        StatCache c(d.path());
        c.store("1_a.up.sql", stat_of(f), std::string(64, 'a'));
        c.save();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    StatCache c(d.path());
    EXPECT_FALSE(c.lookup("1_a.up.sql", stat_of(f))); // its ctime is seconds young
}
