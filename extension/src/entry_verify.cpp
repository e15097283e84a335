// entry_verify.cpp: the SQL entry point of mig.verify (verify.cpp; docs/safety.md, "Proven
// rollbacks"). C++ zone: PostgreSQL is reached through pg_call only (pg_boundary.hpp).
#include "args.hpp" // pure C++ first

#include "spi.hpp"
#include "verify.hpp"

extern "C" {

// mig.verify(target, from_version, each, trust_uploads)
PG_FUNCTION_INFO_V1(mig_verify);
Datum mig_verify(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        std::string to, to_key, from, from_key;
        bool has_to = !mig::arg_null(fc, 0), has_from = !mig::arg_null(fc, 1);
        if (has_to) {
            to = mig::arg_string(fc, 0);
            to_key = mig::version_key_or_throw(to);
        }
        if (has_from) {
            from = mig::arg_string(fc, 1);
            from_key = mig::version_key_or_throw(from);
        }
        if (has_to && has_from && from_key > to_key)
            throw mig::UserError(ERRCODE_INVALID_PARAMETER_VALUE,
                                 "the first version to verify (" + from +
                                     ") comes after the last (" + to + ")");
        mig::VerifyRequest req{
            has_to ? to_key.c_str() : nullptr,     has_to ? to.c_str() : nullptr,
            has_from ? from_key.c_str() : nullptr, has_from ? from.c_str() : nullptr,
            mig::arg_bool(fc, 2, false),           mig::arg_bool(fc, 3, false)};
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::spi::connect();
            mig::verify_pg(rsi, req);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

} // extern "C"
