// Printing the mapping of `pgmig adopt`: a table (file, version, what the tool says, action), or
// JSON with --json, and the problems that stop it.
#pragma once
#include "adopt/adopt.hpp"
#include "context.hpp"

namespace mig::client::adopt {

// Every entry as a table (dry run, -v), or as JSON.
void print_mapping(const Context &ctx, const Reader &r, const Folder &f, const Mapping &mp,
                   bool dry_run);
// One error line per entry that stops the adoption, naming the --force that accepts it.
void print_problems(const Reader &r, const Folder &f, const Mapping &mp);
// The file of an entry as the messages show it ("-" for a recorded migration without one).
std::string entry_file(const Folder &f, const Entry &e);

} // namespace mig::client::adopt
