// keys.cpp: what the readers share: names from paths, a file's raw bytes, and the checksums
// other tools record (Flyway's CRC-32 of lines, sqitch's SHA-1).
#include "adopt/adopt.hpp"
#include "errors.hpp"

#include <array>
#include <cstdint>
#include <fmt/format.h>
#include <fstream>
#include <openssl/evp.h>
#include <sstream>

namespace mig::client::adopt {

std::string base_name(const std::string &path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string parent_name(const std::string &path) {
    size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? std::string() : base_name(path.substr(0, slash));
}

std::string leading_digits(const std::string &name) {
    size_t n = 0;
    while (n < name.size() && name[n] >= '0' && name[n] <= '9')
        ++n;
    return name.substr(0, n);
}

std::string read_up_file(const Migration &m) {
    std::ifstream in(m.up_file, std::ios::binary);
    if (!in)
        throw InputError(fmt::format("{}: cannot read", m.up_file));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

namespace {

// The CRC-32 of zlib and java.util.zip.CRC32 (reflected polynomial 0xEDB88320).
std::array<uint32_t, 256> crc_table() {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
        uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        t[i] = c;
    }
    return t;
}

} // namespace

// Flyway's ChecksumCalculator (flyway-core/src/main/java/org/flywaydb/core/internal/resolver/
// ChecksumCalculator.java) reads the script with BufferedReader.readLine() (which ends a line at
// \n, \r or \r\n and drops the ending), removes a BOM from the first line (BomFilter), and feeds
// each line's UTF-8 bytes to one CRC32: the CRC of the text with every \r and \n left out.
int flyway_checksum(const std::string &bytes) {
    static const auto table = crc_table();
    size_t at = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    uint32_t c = 0xFFFFFFFFu;
    for (; at < bytes.size(); ++at) {
        auto b = static_cast<unsigned char>(bytes[at]);
        if (b == '\r' || b == '\n')
            continue;
        c = table[(c ^ b) & 0xFFu] ^ (c >> 8);
    }
    return static_cast<int32_t>(c ^ 0xFFFFFFFFu);
}

std::string sha1_hex(const std::string &bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("SHA-1 failed");
    std::string out;
    out.reserve(size_t{2} * len);
    for (unsigned int i = 0; i < len; ++i)
        out += fmt::format("{:02x}", md[i]);
    return out;
}

} // namespace mig::client::adopt
