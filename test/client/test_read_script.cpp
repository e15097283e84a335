// read_script_at: whole files by one read() where the size allows, checks named with the file.
#include "layouts/scan.hpp"
#include "tmpdir.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace mig::client;

TEST(ReadScript, WholeFileOfEverySize) {
    TmpDir d;
    for (size_t size : {0, 1, 4095, 4096, 4097, 200000}) {
        std::string text(size, 'x');
        for (size_t i = 0; i < size; i += 61)
            text[i] = '\n';
        d.write("a.sql", text);
        std::vector<std::string> errors;
        struct stat st {};
        auto got = read_script_at(AT_FDCWD, d.path() + "/a.sql", "a.sql", errors, &st);
        ASSERT_TRUE(got.has_value()) << size;
        EXPECT_EQ(*got, text) << size;
        EXPECT_EQ(static_cast<size_t>(st.st_size), size);
        EXPECT_TRUE(errors.empty());
    }
}

TEST(ReadScript, FileWhoseStatSizeIsZeroIsReadToTheEnd) {
    // procfs reports size 0 for files that have contents
    std::vector<std::string> errors;
    auto got = read_script_at(AT_FDCWD, "/proc/self/status", "status", errors);
    ASSERT_TRUE(got.has_value());
    EXPECT_NE(got->find("\nPid:"), std::string::npos);
}

TEST(ReadScript, BadFilesNamed) {
    TmpDir d;
    d.write("nul.sql", std::string("SELECT 1;\n\0", 11));
    d.write("latin1.sql", "SELECT 'caf\xe9';\n");
    std::vector<std::string> errors;
    EXPECT_FALSE(read_script_at(AT_FDCWD, d.path() + "/nul.sql", "nul.sql", errors));
    EXPECT_FALSE(read_script_at(AT_FDCWD, d.path() + "/latin1.sql", "latin1.sql", errors));
    EXPECT_FALSE(read_script_at(AT_FDCWD, d.path() + "/none.sql", "none.sql", errors));
    EXPECT_FALSE(read_script_at(AT_FDCWD, d.path(), "dir", errors));
    ASSERT_EQ(errors.size(), 4u);
    EXPECT_EQ(errors[0], "nul.sql:2:1: contains a NUL byte (binary file?)");
    EXPECT_EQ(errors[1].rfind("latin1.sql:1:12: not valid UTF-8 (byte 0xe9)", 0), 0u);
    EXPECT_EQ(errors[2].rfind("none.sql: cannot read:", 0), 0u);
    EXPECT_EQ(errors[3], "dir: is a directory, not a script");
}
