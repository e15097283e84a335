// XDG_CACHE_HOME pointed at a temporary folder for a test (the stat cache of the test's own),
// and checksums stored whatever the files' age; both restored at the end.
#pragma once
#include "layouts/stat_cache.hpp"
#include "tmpdir.hpp"

#include <cstdlib>
#include <string>

struct CacheHome {
    TmpDir home;
    std::string old;
    bool had = false;
    long long settle = mig::client::StatCache::settle_ns;
    CacheHome() {
        mig::client::StatCache::settle_ns = 0;
        if (const char *o = std::getenv("XDG_CACHE_HOME")) {
            old = o;
            had = true;
        }
        ::setenv("XDG_CACHE_HOME", home.path().c_str(), 1);
    }
    ~CacheHome() {
        mig::client::StatCache::settle_ns = settle;
        if (had)
            ::setenv("XDG_CACHE_HOME", old.c_str(), 1);
        else
            ::unsetenv("XDG_CACHE_HOME");
    }
    CacheHome(const CacheHome &) = delete;
    CacheHome &operator=(const CacheHome &) = delete;
};
