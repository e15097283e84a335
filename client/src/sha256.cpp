#include "sha256.hpp"

#include "sha256_small.hpp" // common/: the extension hashes small scripts with it too

#include <memory>
#include <openssl/evp.h>
#include <stdexcept>

namespace mig::client {

namespace {
std::string to_hex(const unsigned char *md, unsigned int len) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(static_cast<size_t>(len) * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 0xf];
    }
    return out;
}
} // namespace

namespace {
// SHA-256 of small inputs in-process (sha256_small.hpp): OpenSSL 3's first digest costs ~0.8 ms
// of provider set-up (measured on this project's VM), more than hashing a few kilobytes here.
// `pgmig status` with every checksum in the stat cache hashes only the folder's path.
std::string small_sha256_hex(std::string_view data, bool portable) {
    unsigned char md[32];
    sha256_small(data.data(), data.size(), md, portable);
    return to_hex(md, 32);
}
} // namespace

std::string sha256_hex_in_process(std::string_view data, bool portable) {
    return small_sha256_hex(data, portable);
}

std::string sha256_hex(std::string_view data) {
    if (data.size() < 4096)
        return small_sha256_hex(data, false);
    // one context and one digest object for the whole run (fetching them costs more than
    // hashing a small script)
    static const EVP_MD *sha = EVP_sha256();
    thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                             &EVP_MD_CTX_free);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), sha, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), md, &len) != 1)
        throw std::runtime_error("SHA-256 failed");
    return to_hex(md, len);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
}

Sha256::~Sha256() {
    EVP_MD_CTX_free(ctx_);
}

void Sha256::update(std::string_view data) {
    if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1)
        throw std::runtime_error("SHA-256 failed");
}

std::string Sha256::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_, md, &len) != 1)
        throw std::runtime_error("SHA-256 failed");
    return to_hex(md, len);
}

} // namespace mig::client
