// Lower-case hex SHA-256 of a byte string: the same value as the server's mig.checksum().
#pragma once
#include <string>
#include <string_view>

namespace mig::client {
std::string sha256_hex(std::string_view data);
}
