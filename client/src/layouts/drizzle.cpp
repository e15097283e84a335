// drizzle-kit's migrations folder: meta/_journal.json lists the migrations (docs/layouts.md,
// Drizzle); each entry's tag names TAG.sql beside meta/.
#include "errors.hpp"
#include "layouts/layout.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace mig::client {

std::vector<std::string> parse_drizzle_journal(const std::string &text, const std::string &path) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        throw InputError(fmt::format("{}: not valid JSON (byte {}): {}", path, e.byte, e.what()));
    }
    if (!j.is_object() || !j.contains("entries") || !j["entries"].is_array())
        throw InputError(fmt::format("{}: no \"entries\" array (not a drizzle-kit journal)", path));
    if (j.contains("dialect") && j["dialect"].is_string() && j["dialect"] != "postgresql" &&
        j["dialect"] != "pg")
        throw InputError(fmt::format("{}: the journal is for dialect \"{}\", not postgresql", path,
                                     j["dialect"].get<std::string>()));
    std::vector<std::string> tags;
    size_t i = 0;
    for (const auto &entry : j["entries"]) {
        if (!entry.is_object() || !entry.contains("tag") || !entry["tag"].is_string())
            throw InputError(fmt::format("{}: entry {} has no \"tag\"", path, i));
        tags.push_back(entry["tag"].get<std::string>());
        ++i;
    }
    return tags;
}

} // namespace mig::client
