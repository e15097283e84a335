// The status table (status_table.cpp): rows whose fields are empty string_views (a new file has
// no batch, no applied_at, no duration), whose data() may be null.
#include "status.hpp"

#include <gtest/gtest.h>

using mig::client::StatusLine;

namespace {

std::string printed(std::vector<StatusLine> lines, bool colour) {
    testing::internal::CaptureStdout();
    mig::client::print_status_table(lines, colour);
    return testing::internal::GetCapturedStdout();
}

std::vector<StatusLine> new_file_only() {
    StatusLine l;
    l.version = "20240401000000";
    l.name = "late";
    l.state = "new";
    l.kind = "versioned"; // batch, applied_at, duration: empty (null data)
    return {l};
}

TEST(StatusTable, EmptyFieldsArePadded) {
    std::string out = printed(new_file_only(), false);
    EXPECT_NE(out.find("\n20240401000000  late  new  "), std::string::npos) << out;
    EXPECT_EQ(out.find("late  new  "), out.rfind("late  new  ")) << out; // one row
}

TEST(StatusTable, EmptyFieldsArePaddedInColour) {
    std::string out = printed(new_file_only(), true);
    EXPECT_NE(out.find("20240401000000"), std::string::npos) << out;
    EXPECT_NE(out.find("late"), std::string::npos) << out;
}

TEST(StatusTable, NonAsciiNameWithEmptyFields) {
    auto lines = new_file_only();
    lines[0].name = "café";
    std::string out = printed(lines, false);
    EXPECT_NE(out.find("café  new  "), std::string::npos) << out;
}

} // namespace
