// sha256_small.hpp: SHA-256 (FIPS 180-4) of a small input, in plain C++ (with the CPU's SHA
// instructions when it has them): no allocation, no exceptions, no PostgreSQL or OpenSSL. Shared
// by the extension (PG zone may call it) and the client, and unit-tested against OpenSSL.
//
// Why: through OpenSSL 3's EVP interface a digest costs ~8,500 instructions of context set-up
// and provider lookup before the first byte is hashed (the client's first one ~0.8 ms), and the
// benchmark's W1 (docs/performance.md, Workloads) hashes 2,000 scripts of under 100 bytes on
// each side. The portable code costs ~2,500 instructions per 64-byte block, the SHA
// instructions ~15 times fewer. For large inputs OpenSSL is as fast per byte: callers use this
// below a few kilobytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#ifdef POSTGRES_H
static_assert(false, "sha256_small.hpp must not see PostgreSQL headers");
#endif

namespace mig {

namespace sha256_detail {

constexpr uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline uint32_t rotr(uint32_t x, int n) {
    return (x >> n) | (x << (32 - n));
}

inline void compress(uint32_t h[8], const unsigned char *block) {
    uint32_t w[64];
    for (size_t i = 0; i < 16; ++i)
        w[i] = static_cast<uint32_t>(block[4 * i]) << 24 |
               static_cast<uint32_t>(block[4 * i + 1]) << 16 |
               static_cast<uint32_t>(block[4 * i + 2]) << 8 |
               static_cast<uint32_t>(block[4 * i + 3]);
    for (int i = 16; i < 64; ++i) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; ++i) {
        uint32_t t1 =
            k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kK[i] + w[i];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

#if defined(__x86_64__) && defined(__GNUC__)
// The same with the CPU's SHA extensions (Intel SHA-NI, AMD Zen): ~15 times fewer instructions
// than compress() (W1 hashes 2,000 small scripts). Every 4 rounds take the next 4 words of the
// message schedule, which sha256msg1/msg2 compute 4 at a time; the state is kept as ABEF/CDGH.
#define PGMIG_SHA_TARGET __attribute__((target("sha,sse4.1,ssse3")))

template <int I>
PGMIG_SHA_TARGET inline void quad(__m128i &abef, __m128i &cdgh, const __m128i &cur, __m128i &prev,
                                  __m128i &next) {
    __m128i msg =
        _mm_add_epi32(cur, _mm_loadu_si128(reinterpret_cast<const __m128i *>(&kK[size_t{4} * I])));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, msg);
    if constexpr (I >= 3 && I <= 14) { // words 4(I+1).. from the last 16
        next = _mm_add_epi32(next, _mm_alignr_epi8(cur, prev, 4));
        next = _mm_sha256msg2_epu32(next, cur);
    }
    msg = _mm_shuffle_epi32(msg, 0x0E);
    abef = _mm_sha256rnds2_epu32(abef, cdgh, msg);
    if constexpr (I >= 1 && I <= 12)
        prev = _mm_sha256msg1_epu32(prev, cur);
}

PGMIG_SHA_TARGET inline void compress_shani(uint32_t h[8], const unsigned char *block,
                                            size_t blocks) {
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(h)), 0xB1);
    __m128i cdgh =
        _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(h + 4)), 0x1B);
    __m128i abef = _mm_alignr_epi8(tmp, cdgh, 8);
    cdgh = _mm_blend_epi16(cdgh, tmp, 0xF0);
    for (; blocks > 0; --blocks, block += 64) {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        const auto *w = reinterpret_cast<const __m128i *>(block);
        __m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128(w), swap);
        __m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128(w + 1), swap);
        __m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128(w + 2), swap);
        __m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128(w + 3), swap);
        quad<0>(abef, cdgh, m0, m3, m1);
        quad<1>(abef, cdgh, m1, m0, m2);
        quad<2>(abef, cdgh, m2, m1, m3);
        quad<3>(abef, cdgh, m3, m2, m0);
        quad<4>(abef, cdgh, m0, m3, m1);
        quad<5>(abef, cdgh, m1, m0, m2);
        quad<6>(abef, cdgh, m2, m1, m3);
        quad<7>(abef, cdgh, m3, m2, m0);
        quad<8>(abef, cdgh, m0, m3, m1);
        quad<9>(abef, cdgh, m1, m0, m2);
        quad<10>(abef, cdgh, m2, m1, m3);
        quad<11>(abef, cdgh, m3, m2, m0);
        quad<12>(abef, cdgh, m0, m3, m1);
        quad<13>(abef, cdgh, m1, m0, m2);
        quad<14>(abef, cdgh, m2, m1, m3);
        quad<15>(abef, cdgh, m3, m2, m0);
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    tmp = _mm_shuffle_epi32(abef, 0x1B);
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(h), _mm_blend_epi16(tmp, cdgh, 0xF0));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(h + 4), _mm_alignr_epi8(cdgh, tmp, 8));
}

inline bool cpu_has_sha() {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
        return false;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

inline void compress_blocks(uint32_t h[8], const unsigned char *p, size_t blocks, bool portable) {
#if defined(__x86_64__) && defined(__GNUC__)
    static const bool sha = cpu_has_sha();
    if (sha && !portable) {
        compress_shani(h, p, blocks);
        return;
    }
#endif
    (void)portable;
    for (size_t i = 0; i < blocks; ++i)
        compress(h, p + 64 * i);
}

} // namespace sha256_detail

// The 32-byte digest of data[0, n). portable = true: never the SHA instructions (for tests).
inline void sha256_small(const void *data, size_t n, unsigned char md[32], bool portable = false) {
    using sha256_detail::compress_blocks;
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    const auto *p = static_cast<const unsigned char *>(data);
    size_t full = n / 64 * 64;
    compress_blocks(h, p, full / 64, portable);
    unsigned char tail[128] = {};
    size_t rest = n - full;
    if (rest > 0)
        std::memcpy(tail, p + full, rest);
    tail[rest] = 0x80;
    size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = static_cast<uint64_t>(n) * 8;
    for (size_t i = 0; i < 8; ++i)
        tail[tail_len - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
    compress_blocks(h, tail, tail_len / 64, portable);
    for (size_t i = 0; i < 8; ++i)
        for (size_t j = 0; j < 4; ++j)
            md[4 * i + j] = static_cast<unsigned char>(h[i] >> (24 - 8 * j));
}

// Lower-case hex of a 32-byte digest into out[65] (NUL-terminated).
inline void sha256_to_hex(const unsigned char md[32], char out[65]) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; ++i) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0xf];
    }
    out[64] = '\0';
}

} // namespace mig
