// SIGINT/SIGTERM handling without a server (the cancelling itself: test/e2e/run.sh).
#include "interrupt.hpp"

#include <csignal>
#include <gtest/gtest.h>

using namespace mig::client;

TEST(Interrupt, AnIgnoredSignalStaysIgnored) {
    struct sigaction ign = {}, old_int = {}, old_term = {}, now = {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGTERM, nullptr, &old_term);
    install_interrupt_handlers();
    sigaction(SIGINT, nullptr, &now);
    EXPECT_EQ(now.sa_handler, SIG_IGN); // a background job of a shell script
    sigaction(SIGTERM, nullptr, &now);
    EXPECT_NE(now.sa_handler, SIG_DFL);
    EXPECT_NE(now.sa_handler, SIG_IGN);
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    EXPECT_EQ(interrupted(), 0);
    EXPECT_STREQ(interrupt_name(), "");
}

TEST(Interrupt, WithNoConnectionTheSignalEndsTheProcessAtOnce) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    EXPECT_EXIT(
        {
            install_interrupt_handlers();
            std::raise(SIGTERM);
            std::exit(0); // not reached
        },
        testing::KilledBySignal(SIGTERM), "");
}

TEST(Interrupt, AWatchOfNoConnectionIsHarmless) {
    CancelWatch w(nullptr); // PQgetCancel(NULL) is NULL: nothing to cancel
    w.cancel_again();
}
