#include "config.hpp"

#include "cli_args.hpp"
#include "errors.hpp"
#include "toml_guard.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>
#include <vector>

namespace mig::client {
namespace {

// Every key pgmig.toml may hold (docs/cli.md): anything else is an error, since a misspelt
// `requre_yes = true` or a `require_yes = "yes"` would turn the production guard off quietly.
const std::vector<std::string> kKeys = {
    "dir",       "dsn",         "lock_timeout", "statement_timeout",
    "lock_wait", "require_yes", "strict",       "placeholders",
    "lock_retries", "lock_wait_max"};

// Reads one table's keys ([env.NAME], or the top level without `env`) with their types.
class TableReader {
  public:
    TableReader(const std::string &path, std::string where)
        : path_(path), where_(std::move(where)) {}

    EnvConfig read(const toml::table &t, bool top) const {
        EnvConfig e;
        for (auto &&[key, node] : t) {
            std::string k(key.str());
            if (top && k == "env")
                continue;
            if (k == "dsn" || k == "dir")
                (k == "dsn" ? e.dsn : e.dir) = text(key, node);
            else if (k == "lock_timeout" || k == "statement_timeout")
                (k == "lock_timeout" ? e.lock_timeout : e.statement_timeout) = duration(key, node);
            else if (k == "lock_wait_max")
                e.lock_wait_max = duration(key, node);
            else if (k == "lock_retries")
                e.lock_retries = count(key, node);
            else if (k == "lock_wait")
                e.lock_wait = seconds(key, node);
            else if (k == "require_yes")
                e.require_yes = boolean(key, node);
            else if (k == "strict")
                e.strict = boolean(key, node);
            else if (k == "placeholders")
                e.placeholders = placeholders(key, node);
            else
                unknown(key, node, top);
        }
        return e;
    }

  private:
    std::string path_, where_;

    [[noreturn]] void fail(const toml::key &k, const std::string &what) const {
        throw InputError(fmt::format("{}:{}: {}{}", path_, k.source().begin.line, where_, what));
    }
    std::string text(const toml::key &k, const toml::node &n) const {
        if (auto s = n.value_exact<std::string>())
            return *s;
        fail(k, fmt::format("{} must be a string (in quotes)", k.str()));
    }
    std::string duration(const toml::key &k, const toml::node &n) const {
        if (auto s = n.value_exact<std::string>())
            return *s;
        if (auto i = n.value_exact<int64_t>())
            return fmt::format("{}s", *i);
        if (auto d = n.value_exact<double>())
            return fmt::format("{}s", *d);
        fail(k, fmt::format("{} must be a time such as \"5s\", or a number of seconds", k.str()));
    }
    double seconds(const toml::key &k, const toml::node &n) const {
        if (auto i = n.value_exact<int64_t>())
            return static_cast<double>(*i);
        if (auto d = n.value_exact<double>())
            return *d;
        fail(k, "lock_wait must be a number of seconds (e.g. lock_wait = 60)");
    }
    int count(const toml::key &k, const toml::node &n) const {
        if (auto i = n.value_exact<int64_t>(); i && *i >= 0 && *i <= 1000)
            return static_cast<int>(*i);
        fail(k, fmt::format("{} must be a whole number from 0 to 1000", k.str()));
    }
    bool boolean(const toml::key &k, const toml::node &n) const {
        if (auto b = n.value_exact<bool>())
            return *b;
        fail(k, fmt::format("{} must be true or false (without quotes)", k.str()));
    }
    // [placeholders]: string values only (Flyway's are text; a number would have to be quoted
    // to keep its form, e.g. "007")
    std::map<std::string, std::string> placeholders(const toml::key &k, const toml::node &n) const {
        auto t = n.as_table();
        if (!t)
            fail(k, "placeholders must be a table [placeholders] of name = \"value\"");
        std::map<std::string, std::string> out;
        for (auto &&[name, value] : *t) {
            auto s = value.value_exact<std::string>();
            if (!s)
                throw InputError(fmt::format("{}:{}: {}placeholder '{}' must be a string (in "
                                             "quotes)",
                                             path_, name.source().begin.line, where_, name.str()));
            out[std::string(name.str())] = *s;
        }
        return out;
    }
    [[noreturn]] void unknown(const toml::key &k, const toml::node &n, bool top) const {
        std::string name(k.str());
        std::string hint;
        if (auto near = closest(name, kKeys))
            hint = fmt::format(" (did you mean '{}'?)", *near);
        else if (top && n.is_table())
            hint = fmt::format(" (an environment is a table [env.{}])", name);
        fail(k, fmt::format("unknown key '{}'{}; the keys are {}{}", name, hint,
                            fmt::join(kKeys, ", "), top ? " and [env.NAME] tables" : ""));
    }
};

} // namespace

Config parse_config(const std::string &text, const std::string &path) {
    Config cfg;
    cfg.path = path;
    toml::table tbl;
    try {
        std::string safe = toml_safe_text(text, path); // toml_guard.hpp: toml++ 3.3's UB
        tbl = toml::parse(safe, path);
    } catch (const toml::parse_error &e) {
        throw InputError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                     e.source().begin.column, e.description()));
    }
    cfg.base = TableReader(path, "").read(tbl, true);
    if (auto env = tbl["env"]; env && !env.is_table())
        throw InputError(fmt::format("{}:{}: env must be tables [env.NAME]", path,
                                     env.node()->source().begin.line));
    if (auto envs = tbl["env"].as_table()) {
        for (auto &&[name, node] : *envs) {
            std::string n(name.str());
            if (auto t = node.as_table())
                cfg.envs[n] = TableReader(path, fmt::format("in [env.{}]: ", n)).read(*t, false);
            else
                throw InputError(fmt::format("{}:{}: [env.{}] must be a table", path,
                                             name.source().begin.line, n));
        }
    }
    return cfg;
}

Config load_config(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(fmt::format("{}: cannot read the configuration file", path));
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_config(ss.str(), path);
}

EnvConfig resolve_env(const Config &cfg, const std::string &env) {
    EnvConfig out = cfg.base;
    if (env.empty())
        return out;
    auto it = cfg.envs.find(env);
    if (it == cfg.envs.end())
        throw InputError(fmt::format("environment '{}' is not defined in {}", env,
                                     cfg.path.empty() ? "pgmig.toml (no such file)" : cfg.path));
    const EnvConfig &e = it->second;
    if (e.dsn)
        out.dsn = e.dsn;
    if (e.dir)
        out.dir = e.dir;
    if (e.lock_timeout)
        out.lock_timeout = e.lock_timeout;
    if (e.statement_timeout)
        out.statement_timeout = e.statement_timeout;
    if (e.lock_wait)
        out.lock_wait = e.lock_wait;
    if (e.lock_retries)
        out.lock_retries = e.lock_retries;
    if (e.lock_wait_max)
        out.lock_wait_max = e.lock_wait_max;
    out.require_yes = e.require_yes;
    if (e.strict)
        out.strict = e.strict;
    for (const auto &[name, value] : e.placeholders)
        out.placeholders[name] = value;
    return out;
}

} // namespace mig::client
