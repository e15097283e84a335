// Version order (common/version_order.cpp): two versions (the input's halves at its first
// newline) compare the same way through the client's compare_versions and the server's byte
// key, antisymmetrically, and equal exactly when their canonical forms are.
#include "fuzz.hpp"
#include "version_order.hpp"

#include <cstring>

namespace {

int sign(int v) {
    return (v > 0) - (v < 0);
}

// The client compares normalised versions: digits in '.'-separated non-empty groups.
bool normalised(const std::string &v) {
    if (v.empty() || v.front() == '.' || v.back() == '.' || v.find("..") != std::string::npos)
        return false;
    return v.find_first_not_of("0123456789.") == std::string::npos;
}

int key_order(const std::string &a, const std::string &b) {
    auto ga = mig::parse_version(a), gb = mig::parse_version(b);
    FUZZ_CHECK(ga && gb);
    std::string ka = mig::version_key_bytes(*ga), kb = mig::version_key_bytes(*gb);
    int c = std::memcmp(ka.data(), kb.data(), std::min(ka.size(), kb.size()));
    if (c == 0)
        c = (ka.size() > kb.size()) - (ka.size() < kb.size());
    mig::version_key_literal(*ga);
    return sign(c);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    std::string text = mig::fuzz::text_of(data, size);
    size_t nl = text.find('\n');
    std::string a = text.substr(0, nl), b = nl == std::string::npos ? "" : text.substr(nl + 1);
    if (auto g = mig::parse_version(a)) // any text: parse_version decides
        mig::version_key_bytes(*g);
    if (!normalised(a) || !normalised(b))
        return 0;
    int ab = sign(mig::compare_versions(a, b));
    FUZZ_CHECK(ab == -sign(mig::compare_versions(b, a)));
    FUZZ_CHECK((ab == 0) == (mig::canonical_version(a) == mig::canonical_version(b)));
    FUZZ_CHECK(ab == key_order(a, b));
    return 0;
}
