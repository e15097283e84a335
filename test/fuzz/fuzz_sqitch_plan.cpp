// sqitch.plan (layouts/sqitch.cpp): pragmas, changes, tags, reworks, dependencies, notes.
#include "fuzz.hpp"
#include "layouts/layout.hpp"

using namespace mig::client;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text = mig::fuzz::text_of(data, size);
    mig::fuzz::tolerating_input_errors([&] {
        for (const SqitchChange &c : parse_sqitch_plan(text, "sqitch.plan")) {
            FUZZ_CHECK(!c.name.empty() && !c.script.empty());
            FUZZ_CHECK(c.line >= 1);
        }
    });
    return 0;
}
