// File names of every layout (names.cpp, flyway.cpp, pop.cpp, version.cpp): the input is one
// file name (its first line; names hold no newline in a folder listing worth fuzzing).
#include "fuzz.hpp"
#include "layouts/layout.hpp"
#include "version.hpp"

using namespace mig::client;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string name = mig::fuzz::text_of(data, size);
    std::string_view v = name;

    if (auto p = split_version_title(v)) {
        auto w = split_version_title_view(v);
        FUZZ_CHECK(w && w->first == p->version_raw && w->second == p->title);
    }
    split_dashed_version_title_view(v);
    if (auto g = parse_golang_name(name)) {
        auto w = parse_golang_name_view(name);
        FUZZ_CHECK(w && w->version_raw == g->parts.version_raw && w->dir == g->dir);
    }
    parse_postgrator_name_view(v);
    parse_pop_name(v);
    parse_flyway_name(name);
    flyway_callback_event(v);
    for (bool flyway : {false, true})
        if (auto n = normalize_version(v, flyway)) // digits in '.'-separated non-empty groups
            FUZZ_CHECK(!n->empty() && n->front() != '.' && n->back() != '.');
    return 0;
}
