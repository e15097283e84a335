// The error load_folder() gives for a folder ("" when it loads), for tests of bad input.
#pragma once
#include "errors.hpp"
#include "layouts/layout.hpp"

#include <string>

inline std::string load_error(const std::string &dir) {
    try {
        mig::client::load_folder(dir);
    } catch (const mig::client::InputError &e) {
        return e.what();
    }
    return "";
}
