// The small files and lines that direct how a migration runs: Flyway's script configuration
// (V1__x.sql.conf), diesel's metadata.toml, drizzle-kit's journal, Sourcegraph's metadata.yaml,
// graphile-migrate's .gmrc placeholders, sqlx's and Atlas's no-transaction comments. The first
// byte chooses the reader, so each seed reaches the one it is for.
#include "fuzz.hpp"
#include "layouts/layout.hpp"

using namespace mig::client;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    std::string text = mig::fuzz::text_of(data + 1, size - 1);
    mig::fuzz::tolerating_input_errors([&] {
        switch (data[0] % 6) {
        case 0:
            parse_flyway_script_config(text, "V1__x.sql.conf");
            break;
        case 1:
            diesel_runs_in_transaction(text, "metadata.toml");
            break;
        case 2:
            for (const std::string &tag : parse_drizzle_journal(text, "meta/_journal.json"))
                (void)tag;
            break;
        case 3:
            sourcegraph_metadata_name(text);
            break;
        case 4:
            graphile_placeholder_use(text, graphile_placeholders(text));
            break;
        default:
            numbered_file_no_transaction(text);
            break;
        }
    });
    return 0;
}
