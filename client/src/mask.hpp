// Never print a password: masks it in a conninfo string, a URL, or any text containing them.
#pragma once
#include <string>

namespace mig::client {
// "postgres://u:secret@h/db" -> "postgres://u:****@h/db"; "password=secret" and
// "password='a b'" -> "password=****"; "?password=x&..." -> "?password=****&...".
std::string mask_password(const std::string &text);
} // namespace mig::client
