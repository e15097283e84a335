// fuzz.hpp: what every libFuzzer harness of test/fuzz shares (docs/fuzzing.md).
//
// A harness hands the fuzzer's bytes to one parser. What the parser documents as its answer to
// bad input (InputError, naming the file and line) is a pass; anything else (a crash, a sanitizer
// report, another exception escaping, a broken invariant checked with FUZZ_CHECK) ends the run
// and libFuzzer keeps the input.
#pragma once
#include "errors.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace mig::fuzz {

inline std::string text_of(const uint8_t *data, size_t size) {
    return std::string(reinterpret_cast<const char *>(data), size);
}

// Runs f; a documented InputError is a parser's normal answer to what it cannot read.
template <class F> void tolerating_input_errors(F &&f) {
    try {
        f();
    } catch (const mig::client::InputError &) {
    }
}

[[noreturn]] inline void check_failed(const char *what, const char *file, int line) {
    std::fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
    std::abort();
}

} // namespace mig::fuzz

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ::mig::fuzz::check_failed(#cond, __FILE__, __LINE__);                                  \
    } while (0)
