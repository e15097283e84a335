// Liquibase formatted SQL (layouts/liquibase.cpp): the header, changesets, rollbacks and their
// attributes. Half of the inputs get the header prepended, so the fuzzer spends its time past it.
#include "fuzz.hpp"
#include "layouts/layout.hpp"

using namespace mig::client;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text = mig::fuzz::text_of(data, size);
    if (size > 0 && (data[0] & 1))
        text = "--liquibase formatted sql\n" + text.substr(1);
    is_liquibase_formatted(text);
    mig::fuzz::tolerating_input_errors([&] {
        SectionedScript s = parse_liquibase(text);
        if (!s.down_lines.empty() && s.down)
            for (int line : s.down_lines)
                FUZZ_CHECK(line >= 1);
    });
    return 0;
}
