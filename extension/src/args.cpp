// args.cpp: reading SQL arguments in the entry points. C++ zone.
#include "args.hpp"

namespace mig {

bool arg_null(FunctionCallInfo fcinfo, int i) {
    return PG_ARGISNULL(i);
}

std::string arg_string(FunctionCallInfo fcinfo, int i) {
    char *s = pg_call([&]() noexcept { return text_to_cstring(PG_GETARG_TEXT_PP(i)); });
    return std::string(s);
}

bool arg_bool(FunctionCallInfo fcinfo, int i, bool dflt) {
    if (PG_NARGS() <= i || PG_ARGISNULL(i))
        return dflt;
    return DatumGetBool(PG_GETARG_DATUM(i));
}

void require_args(FunctionCallInfo fcinfo, int n, const char *what) {
    for (int i = 0; i < n && i < PG_NARGS(); i++)
        if (PG_ARGISNULL(i))
            throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED,
                            std::string("the arguments of ") + what + " must not be NULL");
}

// At most 100 bytes of a version for a message (cut at a character boundary): a 1 MB bad
// version must not make a 1 MB error.
static std::string shown_version(const std::string &v) {
    if (v.size() <= 100)
        return v;
    std::size_t n = 100;
    while (n > 0 && (static_cast<unsigned char>(v[n]) & 0xC0) == 0x80)
        n--;
    return v.substr(0, n) + "...";
}

std::string version_key_or_throw(const std::string &v) {
    auto groups = parse_version(v);
    if (!groups)
        throw UserError(kErrInvalidVersion, "invalid version \"" + shown_version(v) + "\"",
                        "A version is digits, optionally in dot-separated groups (1, 0001, "
                        "20240115093000, 1.2.3); '-' is ignored.");
    return version_key_literal(*groups);
}

VersionArg arg_version(FunctionCallInfo fcinfo, int i) {
    VersionArg v;
    if (arg_null(fcinfo, i))
        return v;
    v.given = true;
    v.text = arg_string(fcinfo, i);
    v.key = version_key_or_throw(v.text);
    return v;
}

ReturnSetInfo *init_srf(FunctionCallInfo fcinfo) {
    return pg_call([&]() noexcept {
        InitMaterializedSRF(fcinfo, 0);
        return (ReturnSetInfo *)fcinfo->resultinfo;
    });
}

} // namespace mig
