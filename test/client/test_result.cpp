// Result's typed accessors, on a result made without a server (PQmakeEmptyPGresult): durations
// come as seconds (extract(epoch FROM duration) is numeric text), NULL reads as 0.
#include "output.hpp"
#include "pg_conn.hpp"

#include <cstring>
#include <gtest/gtest.h>

using namespace mig::client;

namespace {

// One text column "v" with these rows (nullptr: NULL).
Result one_column(const std::vector<const char *> &values) {
    PGresult *r = PQmakeEmptyPGresult(nullptr, PGRES_TUPLES_OK);
    PGresAttDesc att{};
    att.name = const_cast<char *>("v");
    att.typid = 25; // text
    att.typlen = -1;
    att.atttypmod = -1;
    EXPECT_EQ(PQsetResultAttrs(r, 1, &att), 1);
    for (size_t i = 0; i < values.size(); ++i) {
        const char *v = values[i];
        EXPECT_EQ(PQsetvalue(r, static_cast<int>(i), 0, const_cast<char *>(v),
                             v ? static_cast<int>(std::strlen(v)) : -1),
                  1);
    }
    return Result(r);
}

} // namespace

TEST(Result, SecondsFromNumericText) {
    auto r = one_column({"0.300123", "86401.500000", "12", nullptr, "0.000021"});
    EXPECT_DOUBLE_EQ(r.number(0, 0), 0.300123);
    EXPECT_DOUBLE_EQ(r.number(1, 0), 86401.5);
    EXPECT_DOUBLE_EQ(r.number(2, 0), 12);
    EXPECT_EQ(r.number(3, 0), 0); // NULL: no duration
    EXPECT_DOUBLE_EQ(r.number(4, 0), 2.1e-05);
    EXPECT_EQ(human_duration(r.number(0, 0)), "300 ms");
    EXPECT_EQ(human_duration(r.number(1, 0)), "1440 min 1 s");
}

TEST(Result, TextFlagsAndIntegers) {
    auto r = one_column({"t", "f", "42", nullptr, "héllo"});
    EXPECT_TRUE(r.flag(0, 0));
    EXPECT_FALSE(r.flag(1, 0));
    EXPECT_FALSE(r.flag(3, 0));
    EXPECT_EQ(r.integer(2, 0), 42);
    EXPECT_EQ(r.integer(3, 0), 0);
    EXPECT_EQ(r.view(3, 0), "");
    EXPECT_TRUE(r.null(3, 0));
    EXPECT_EQ(r.view(4, 0), "héllo");
    EXPECT_EQ(r.view(4, 0).size(), 6u);
}
