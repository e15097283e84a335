// The two forms of the version order (common/version_order.hpp) agree: the client's
// compare_versions, which sorts a folder's migrations and picks what to apply, and the server's
// sort key (version_key_bytes, the bytea of mig.version_key and the vkey columns), which orders
// the history. A version goes to the server as the client normalised it from the file name, so
// both sides see the same string.
#include "version.hpp" // the client's normalize_version

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

using namespace mig::client;

namespace {

// bytea's order (byteacmp): memcmp over the common length, then the shorter first.
int bytea_order(const std::string &a, const std::string &b) {
    size_t n = a.size() < b.size() ? a.size() : b.size();
    if (int c = std::memcmp(a.data(), b.data(), n))
        return c < 0 ? -1 : 1;
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int sign(int x) {
    return (x > 0) - (x < 0);
}

std::string server_key(const std::string &version) {
    auto groups = mig::parse_version(version);
    return groups ? mig::version_key_bytes(*groups) : std::string("<invalid>");
}

// Random versions of the shapes migration tools write, with the variations that matter to the
// order: leading zeros, groups of different lengths, numbers past 64 bits, dashes.
class VersionGen {
  public:
    explicit VersionGen(unsigned seed) : rng_(seed) {}

    std::string any() {
        switch (pick(8)) {
        case 0:
            return digits(1 + pick(4)); // 1, 07, 0042
        case 1:
            return zeros() + digits(1 + pick(25)); // 20+ digit numbers among short ones
        case 2:
            return dotted();
        case 3:
            return timestamp() + (pick(2) ? digits(pick(7)) : ""); // 14 to 20 digits
        case 4:
            return dashed_date();
        case 5:
            return dashed_date() + "-" + digits(4); // diesel's YYYY-MM-DD-HHMMSS-NNNN
        case 6:
            return with_dashes(pick(2) ? dotted() : digits(2 + pick(12)));
        default:
            return pick(4) ? dotted() : zeros() + digits(250 + pick(12)); // the key's 255 limit
        }
    }

    // A version near `v`, so that many pairs are equal or differ only late.
    std::string near(const std::string &v) {
        switch (pick(6)) {
        case 0:
            return "0" + v; // a leading zero more: equal
        case 1:
            return v + "." + digits(1 + pick(3)); // v is a prefix of it
        case 2:
            return bump_last_digit(v);
        case 3:
            return v.find('.') == std::string::npos ? v + ".0" : v.substr(0, v.rfind('.'));
        case 4:
            return v + digits(1); // one digit longer
        default:
            return v;
        }
    }

  private:
    unsigned pick(unsigned n) { return static_cast<unsigned>(rng_() % n); }
    std::string digits(unsigned n) {
        std::string s;
        for (unsigned i = 0; i < n; ++i)
            s += static_cast<char>('0' + (pick(4) == 0 ? 0 : pick(10)));
        return s;
    }
    std::string zeros() { return std::string(pick(3) == 0 ? pick(4) : 0, '0'); }
    std::string dotted() {
        std::string v = zeros() + digits(1 + pick(6));
        for (unsigned g = pick(4); g > 0; --g)
            v += "." + zeros() + digits(1 + pick(6));
        return v;
    }
    std::string two(unsigned lo, unsigned hi) {
        unsigned v = lo + pick(hi - lo + 1);
        return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
    }
    std::string timestamp() {
        return std::to_string(1990 + pick(60)) + two(1, 12) + two(1, 28) + two(0, 23) + two(0, 59) +
               two(0, 59);
    }
    std::string dashed_date() {
        std::string t = timestamp();
        return t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2) + "-" + t.substr(8);
    }
    std::string with_dashes(std::string v) {
        for (unsigned k = 1 + pick(3); k > 0; --k) {
            size_t at = 1 + pick(static_cast<unsigned>(v.size()));
            if (at < v.size() && v[at] != '.' && v[at - 1] != '.')
                v.insert(at, "-");
        }
        return v;
    }
    std::string bump_last_digit(std::string v) {
        char &c = v.back();
        c = c == '9' ? '0' : static_cast<char>(c + 1);
        return v;
    }

    std::mt19937_64 rng_;
};

} // namespace

TEST(VersionOrder, ClientComparisonAgreesWithServerKey) {
    VersionGen gen(20240115);
    int equal = 0, long_groups = 0;
    for (int i = 0; i < 100000; ++i) {
        std::string raw_a = gen.any();
        std::string raw_b = i % 2 ? gen.near(raw_a) : gen.any();
        auto a = normalize_version(raw_a), b = normalize_version(raw_b);
        ASSERT_TRUE(a && b) << raw_a << " / " << raw_b;
        std::string ka = server_key(*a), kb = server_key(*b);
        ASSERT_NE(ka, "<invalid>") << *a;
        ASSERT_NE(kb, "<invalid>") << *b;
        ASSERT_EQ(sign(compare_versions(*a, *b)), bytea_order(ka, kb))
            << raw_a << " -> " << *a << " vs " << raw_b << " -> " << *b;
        ASSERT_EQ(sign(compare_versions(*b, *a)), bytea_order(kb, ka)) << *b << " vs " << *a;
        equal += ka == kb;
        long_groups += ka.size() > 255; // a group of 255 digits or more
    }
    // the sample reaches the cases that matter: equal versions, the long length encoding
    EXPECT_GT(equal, 5000);
    EXPECT_GT(long_groups, 500);
}

// Equal versions have one canonical spelling, the server's groups joined by '.'.
TEST(VersionOrder, CanonicalVersionIsTheServersGroups) {
    VersionGen gen(7);
    for (int i = 0; i < 20000; ++i) {
        auto v = normalize_version(gen.any());
        ASSERT_TRUE(v);
        auto groups = mig::parse_version(*v);
        ASSERT_TRUE(groups) << *v;
        std::string joined;
        for (const auto &g : *groups)
            joined += (joined.empty() ? "" : ".") + g;
        ASSERT_EQ(canonical_version(*v), joined) << *v;
    }
}

// Cases the random sample reaches rarely: numbers past 64 bits, zero groups, a prefix.
TEST(VersionOrder, KnownPairs) {
    const char *ordered[] = {"0",
                             "0.0",
                             "1",
                             "1.0",
                             "1.0.0",
                             "1.1",
                             "1.2",
                             "1.10",
                             "2",
                             "9",
                             "10",
                             "20240115090000",
                             "20240115090000.0000",
                             "20240115090000.0001",
                             "18446744073709551615",
                             "18446744073709551616",
                             "99999999999999999999",
                             "100000000000000000000"};
    for (const char *a : ordered)
        for (const char *b : ordered) {
            int c = sign(compare_versions(a, b));
            EXPECT_EQ(c, bytea_order(server_key(a), server_key(b))) << a << " vs " << b;
            EXPECT_EQ(c == 0, std::strcmp(a, b) == 0) << a << " vs " << b;
        }
}
