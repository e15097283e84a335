#include "trace.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace mig::client {
namespace {

struct Tracer {
    bool on = false;
    long long t0_ns = 0; // CLOCK_REALTIME

    static long long now_ns() {
        timespec t{};
        ::clock_gettime(CLOCK_REALTIME, &t);
        return static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec;
    }
    Tracer() {
        const char *v = std::getenv("PGMIG_TRACE");
        on = v != nullptr && *v != '\0';
        t0_ns = now_ns();
        if (on && std::strlen(v) >= 16) { // a launch time given by the caller
            char *end = nullptr;
            long long given = std::strtoll(v, &end, 10);
            if (end && *end == '\0' && given > 0 && given <= t0_ns)
                t0_ns = given;
        }
    }
};

} // namespace

void trace(const char *what) {
    static const Tracer t;
    if (t.on) // one fprintf: lines from two threads do not interleave
        std::fprintf(stderr, "[trace %8.3f ms] %s\n",
                     static_cast<double>(Tracer::now_ns() - t.t0_ns) / 1e6, what);
}

} // namespace mig::client
