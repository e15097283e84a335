#include "upload.hpp"

#include "errors.hpp"
#include "text.hpp"

#include <fmt/format.h>

namespace mig::client {

std::string upload_options(const Migration &m, bool replace) {
    // Written by hand, keys in nlohmann::json's (sorted) order: building and dumping a json
    // object took ~10,000 instructions a migration, 20 % of the client's work in W1.
    std::string o;
    o.reserve(m.up_file.size() + m.down_file.size() + 64);
    auto path = [&o](const char *key, const std::string &file) {
        o += key;
        if (!append_json_string(o, file))
            throw InputError(fmt::format("{}: the file name is not valid UTF-8", file));
    };
    o += '{';
    if (!m.down_file.empty()) {
        path("\"down_file\":", m.down_file);
        o += ',';
    }
    path("\"file\":", m.up_file);
    if (replace)
        o += ",\"replace\":true";
    if (m.no_transaction)
        o += ",\"transaction\":false";
    o += '}';
    return o;
}

} // namespace mig::client
