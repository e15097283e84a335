#include "config.hpp"

#include "errors.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace mig::client {
namespace {

std::optional<std::string> duration_value(const toml::node_view<const toml::node> &n) {
    if (auto s = n.value<std::string>())
        return s;
    if (auto i = n.value<int64_t>())
        return fmt::format("{}s", *i);
    return std::nullopt;
}

EnvConfig read_env(const toml::table &t) {
    EnvConfig e;
    toml::node_view<const toml::node> v(t);
    if (auto s = v["dsn"].value<std::string>())
        e.dsn = s;
    if (auto s = v["dir"].value<std::string>())
        e.dir = s;
    e.lock_timeout = duration_value(v["lock_timeout"]);
    e.statement_timeout = duration_value(v["statement_timeout"]);
    if (auto d = v["lock_wait"].value<double>())
        e.lock_wait = d;
    else if (v["lock_wait"])
        throw InputError("lock_wait must be a number of seconds (e.g. lock_wait = 60)");
    e.require_yes = v["require_yes"].value_or(false);
    return e;
}

} // namespace

Config parse_config(const std::string &text, const std::string &path) {
    Config cfg;
    cfg.path = path;
    toml::table tbl;
    try {
        tbl = toml::parse(text, path);
    } catch (const toml::parse_error &e) {
        throw InputError(fmt::format("{}:{}:{}: {}", path, e.source().begin.line,
                                     e.source().begin.column, e.description()));
    }
    cfg.base = read_env(tbl);
    if (auto envs = tbl["env"].as_table()) {
        for (auto &&[name, node] : *envs) {
            if (auto t = node.as_table())
                cfg.envs[std::string(name.str())] = read_env(*t);
            else
                throw InputError(fmt::format("{}: [env.{}] must be a table", path, name.str()));
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
    out.require_yes = e.require_yes;
    return out;
}

} // namespace mig::client
