// Flyway placeholders (placeholders.cpp): finding `${…}` and expanding them, with values, the
// built-ins (the server's answered by a stand-in) and undefined names.
#include "fuzz.hpp"
#include "placeholders.hpp"

using namespace mig::client;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text = mig::fuzz::text_of(data, size);
    for (const PlaceholderRef &r : find_placeholders(text)) {
        FUZZ_CHECK(r.begin < r.end && r.end <= text.size());
        FUZZ_CHECK(text.compare(r.begin, 2, "${") == 0);
    }
    Placeholders p;
    p.set("name", "value");
    p.set("schema_name", "app");
    p.set("flyway:defaultSchema", "public");
    p.set_timestamp("2026-01-01 00:00:00");
    p.set_working_directory("/work");
    p.on_server([] { return ServerFacts{"deployer", "app", "public"}; });
    std::vector<std::string> errors;
    mig::fuzz::tolerating_input_errors([&] {
        expand_placeholders(text, p, "V1__x.sql", "V1__x.sql", errors, [](int n) { return n + 1; });
    });
    return 0;
}
