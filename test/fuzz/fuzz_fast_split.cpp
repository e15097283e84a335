// The statement splitter shared with the server (common/fast_split.hpp): statements it emits are
// in order, inside the text and never overlapping, with both settings of
// standard_conforming_strings.
#include "fast_split.hpp"
#include "fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    // a copy of exactly `size` bytes on the heap: ASan sees any read past the end
    std::string text = mig::fuzz::text_of(data, size);
    for (bool standard : {true, false}) {
        int last_end = 0;
        mig::fast_split(text.data(), text.size(), standard, [&](int start, int end) {
            FUZZ_CHECK(start >= last_end && start <= end);
            FUZZ_CHECK(static_cast<size_t>(end) <= text.size());
            last_end = end;
        });
    }
    return 0;
}
