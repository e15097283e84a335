// pgmig new NAME: the next migration's files, in the folder's own layout.
#include "commands.hpp"
#include "errors.hpp"

#include <CLI/CLI.hpp>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <memory>

namespace mig::client {

Command register_new(CLI::App &app) {
    auto name = std::make_shared<std::string>();
    auto *sub = app.add_subcommand("new", "write the next migration's up/down files");
    sub->add_option("NAME", *name, "what the migration does, e.g. create_users")->required();
    return {sub, [name](Context &ctx) {
                namespace fs = std::filesystem;
                Folder f = ctx.load();
                std::time_t t = std::time(nullptr);
                std::tm tm{};
                gmtime_r(&t, &tm);
                char now[32];
                std::strftime(now, sizeof now, "%Y%m%d%H%M%S", &tm);
                NewFiles nf = plan_new_migration(f, *name, now);
                for (auto &[rel, text] : nf.files)
                    if (fs::exists(fs::path(ctx.dir()) / rel))
                        throw InputError(
                            fmt::format("{} already exists", (fs::path(ctx.dir()) / rel).string()));
                for (auto &d : nf.dirs)
                    fs::create_directories(fs::path(ctx.dir()) / d);
                for (auto &[rel, text] : nf.files) {
                    auto p = (fs::path(ctx.dir()) / rel).string();
                    std::ofstream out(p, std::ios::binary);
                    out << text;
                    if (!out)
                        throw InputError(fmt::format("cannot write {}", p));
                    fmt::print("{}\n", p);
                }
                return 0;
            }};
}

} // namespace mig::client
