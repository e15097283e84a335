// pgmig.toml (config.cpp, through toml++): every key, type and environment; resolve_env of each
// environment the file declares.
#include "config.hpp"
#include "fuzz.hpp"

using namespace mig::client;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text = mig::fuzz::text_of(data, size);
    mig::fuzz::tolerating_input_errors([&] {
        Config cfg = parse_config(text, "pgmig.toml");
        for (const auto &env : cfg.envs)
            resolve_env(cfg, env.first);
        mig::fuzz::tolerating_input_errors([&] { resolve_env(cfg, "no such environment"); });
    });
    return 0;
}
