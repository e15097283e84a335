// One register_* per verb (cmd_*.cpp): adds the subcommand and its options, returns the runner.
#pragma once
#include "context.hpp"

#include <functional>

namespace CLI {
class App;
}

namespace mig::client {

struct Command {
    CLI::App *sub;
    std::function<int(Context &)> run;
};

Command register_init(CLI::App &app);
Command register_new(CLI::App &app);
Command register_up(CLI::App &app);
Command register_down(CLI::App &app);
Command register_redo(CLI::App &app);
Command register_reset(CLI::App &app);
Command register_goto(CLI::App &app);
Command register_status(CLI::App &app);
Command register_log(CLI::App &app);
Command register_validate(CLI::App &app);
Command register_baseline(CLI::App &app);
Command register_adopt(CLI::App &app);
Command register_repair(CLI::App &app);
Command register_discard(CLI::App &app);
Command register_drift(CLI::App &app);
Command register_verify(CLI::App &app);

// Loads the folder when it exists (for mapping errors to files); nullopt otherwise.
std::optional<Folder> load_if_present(const Context &ctx);

} // namespace mig::client
