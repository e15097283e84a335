// Lower-case hex SHA-256 of a byte string: the same value as the server's mig.checksum().
#pragma once
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace mig::client {
std::string sha256_hex(std::string_view data);
// pgmig's own SHA-256 (what sha256_hex uses below 4 kB), with the CPU's SHA instructions when it
// has them, or (portable) without: for tests.
std::string sha256_hex_in_process(std::string_view data, bool portable);

// Incremental SHA-256, for bodies read in chunks (never held whole).
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;
    void update(std::string_view data);
    std::string hex(); // finishes; update() must not be called afterwards
  private:
    evp_md_ctx_st *ctx_;
};
} // namespace mig::client
