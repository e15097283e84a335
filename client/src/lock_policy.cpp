#include "lock_policy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace mig::client {

std::optional<double> setting_seconds(const std::string &setting) {
    const char *s = setting.c_str();
    while (std::isspace(static_cast<unsigned char>(*s)))
        ++s;
    if (!std::isdigit(static_cast<unsigned char>(*s)))
        return std::nullopt;
    char *end = nullptr;
    double v = std::strtod(s, &end);
    std::string unit(end);
    unit.erase(
        std::remove_if(unit.begin(), unit.end(), [](unsigned char c) { return std::isspace(c); }),
        unit.end());
    static const struct {
        const char *name;
        double seconds;
    } units[] = {{"", 0.001}, {"us", 1e-6}, {"ms", 0.001}, {"s", 1},
                 {"min", 60}, {"h", 3600},  {"d", 86400}};
    for (const auto &u : units)
        if (unit == u.name)
            return v * u.seconds;
    return std::nullopt;
}

double lock_backoff(int retry, double unit_random) {
    double full = 0.1;
    for (int i = 1; i < retry && full < 5; ++i)
        full *= 2;
    full = std::min(full, 5.0);
    return full / 2 + unit_random * (full / 2);
}

bool may_retry(const LockPolicy &p, int retry, double elapsed, double next) {
    if (retry > p.retries)
        return false;
    return p.wait_max <= 0 || elapsed + next <= p.wait_max;
}

} // namespace mig::client
