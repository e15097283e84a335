// args.hpp: reading SQL arguments in the entry points. C++ zone: PostgreSQL is reached through
// pg_call only (pg_boundary.hpp).
#pragma once

#include "version_order.hpp" // common/, pure C++: must come before any PostgreSQL header

#include "pg_boundary.hpp"

namespace mig {

bool arg_null(FunctionCallInfo fcinfo, int i);
std::string arg_string(FunctionCallInfo fcinfo, int i);

// Argument i as a boolean; dflt when the function was called with fewer arguments (a 0.1.0
// signature) or it is NULL.
bool arg_bool(FunctionCallInfo fcinfo, int i, bool dflt);

// 22004 unless arguments 0 .. n-1 are all non-NULL.
void require_args(FunctionCallInfo fcinfo, int n, const char *what);

// The bytea literal of a version's sort key, or PM005 naming the (shortened) version.
std::string version_key_or_throw(const std::string &v);

// An optional version argument (a target, a first version): its text and its sort key.
struct VersionArg {
    bool given = false;
    std::string text, key;
    const char *text_or_null() const { return given ? text.c_str() : nullptr; }
    const char *key_or_null() const { return given ? key.c_str() : nullptr; }
};

// Argument i as a VersionArg: not given when NULL; PM005 when it is no version.
VersionArg arg_version(FunctionCallInfo fcinfo, int i);

// InitMaterializedSRF: the tuplestore rows go to.
ReturnSetInfo *init_srf(FunctionCallInfo fcinfo);

} // namespace mig
