// What the client sends to mig.upload / mig.upload_many (besides the bodies).
#pragma once
#include "layouts/layout.hpp"

#include <string>

namespace mig::client {

// The options argument of m's upload: JSON with file, down_file, replace and transaction
// (false when the file declares it). Throws InputError when a path is not valid UTF-8.
std::string upload_options(const Migration &m, bool replace);

} // namespace mig::client
