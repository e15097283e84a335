#include "output.hpp"

#include <gtest/gtest.h>

using namespace mig::client;

TEST(Colour, AutoOnlyOnATerminalWithoutNoColor) {
    EXPECT_TRUE(color_wanted("auto", true, "xterm", nullptr));
    EXPECT_FALSE(color_wanted("auto", false, "xterm", nullptr)); // a pipe, a file
    EXPECT_FALSE(color_wanted("auto", true, "xterm", "1"));
    EXPECT_TRUE(color_wanted("auto", true, "xterm", "")); // NO_COLOR empty: as if unset
    EXPECT_FALSE(color_wanted("auto", true, "dumb", nullptr));
    EXPECT_FALSE(color_wanted("auto", true, nullptr, nullptr));
}

TEST(Colour, AlwaysAndNeverWinOverEverything) {
    EXPECT_TRUE(color_wanted("always", false, nullptr, "1"));
    EXPECT_FALSE(color_wanted("never", true, "xterm", nullptr));
}

TEST(Colour, PerStream) {
    set_output_color(false, true);
    EXPECT_EQ(paint("applied", "32"), "applied");
    EXPECT_EQ(paint_err("error:", "31"), "\x1b[31merror:\x1b[0m");
    set_output_color(true, false);
    EXPECT_EQ(paint("applied", "32"), "\x1b[32mapplied\x1b[0m");
    EXPECT_EQ(paint_err("error:", "31"), "error:");
    set_output_color(false, false);
}
