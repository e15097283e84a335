// Flyway's placeholders, `${name}` in a Flyway folder's scripts, expanded as Flyway does
// (docs/layouts.md, Flyway placeholders): values from pgmig.toml's [placeholders] (and an
// environment's), --placeholder NAME=VALUE, and Flyway's built-in `flyway:` names. Pure apart
// from the values of the built-ins that need the server, asked through a callback only when a
// script uses one.
#pragma once
#include "layouts/layout.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

struct Context;

// One `${…}` of a script, as Flyway's PlaceholderReplacingReader finds it: every `${` starts one
// and the first `}` after it ends it (the name is whatever lies between, case-insensitive); the
// character after any other `$` is passed over, so `$${name}` stays as written.
struct PlaceholderRef {
    size_t begin = 0, end = 0; // [begin, end) in the text, `${` to `}` included
    std::string_view name;
    bool terminated = true; // false: no `}` before the end of the script
};
std::vector<PlaceholderRef> find_placeholders(std::string_view text);

// What the built-ins that depend on the connection are.
struct ServerFacts {
    std::string user, database, default_schema;
};

class Placeholders {
  public:
    // A value (NAME=VALUE of the command line, or a [placeholders] key); names are
    // case-insensitive, a later set() of a name replaces its value. `flyway:` names override
    // the built-ins (`flyway:defaultSchema` is how to set the default schema).
    void set(std::string_view name, std::string value);
    // Whether `name` was given a value (set()), as opposed to a built-in's.
    bool given(std::string_view name) const;
    // Asked once, the first time a script uses flyway:user, flyway:database or
    // flyway:defaultSchema without a value of its own; may throw InputError.
    void on_server(std::function<ServerFacts()> f) { server_ = std::move(f); }
    void set_timestamp(std::string t) { timestamp_ = std::move(t); }
    void set_working_directory(std::string d) { cwd_ = std::move(d); }
    // The value of `name` in the script named `filename` (flyway:filename); nullopt: undefined.
    std::optional<std::string> value(std::string_view name, std::string_view filename);

  private:
    std::map<std::string, std::string> values_; // lower-case name -> value
    std::function<ServerFacts()> server_;
    std::optional<ServerFacts> facts_;
    std::string timestamp_, cwd_;
};

// "NAME=VALUE" of --placeholder: {NAME, VALUE}; InputError when there is no '=' or no name.
std::pair<std::string, std::string> parse_placeholder_arg(const std::string &arg);

// `text` with every placeholder replaced. Each undefined or unterminated one appends
// "SHOWN:LINE: …" to errors (line: of the file, `line_of(n)` for the script's line n).
std::string expand_placeholders(std::string_view text, Placeholders &p, const std::string &shown,
                                std::string_view filename, std::vector<std::string> &errors,
                                const std::function<int(int)> &line_of = nullptr);

// A Flyway folder's scripts that hold placeholders, expanded in place: their text becomes the
// expansion (what runs and what pgmig's checksum covers), read first when it was left unread or
// streamed. Scripts without one, and other layouts' folders, are left as they are. Throws
// InputError naming every undefined placeholder's file and line, and every versioned or undo
// script that uses flyway:timestamp or flyway:workingDirectory without a value given (they
// differ between runs: the applied migration would show as edited); nothing is changed then.
void expand_folder(Folder &f, Placeholders &p);

// The values of a command (placeholders_context.cpp): pgmig.toml's [placeholders] with its
// environment's over them, then --placeholder; the server's built-ins from a connection of
// their own, opened only when a script uses one (never with `offline`: an error then).
Placeholders command_placeholders(const Context &ctx, bool offline = false);
// expand_folder(f, command_placeholders(ctx, offline)) for a Flyway folder; nothing otherwise.
void expand_folder(const Context &ctx, Folder &f, bool offline = false);

} // namespace mig::client
