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
        mig::VersionArg to = mig::arg_version(fc, 0), from = mig::arg_version(fc, 1);
        if (to.given && from.given && from.key > to.key)
            throw mig::UserError(ERRCODE_INVALID_PARAMETER_VALUE,
                                 "the first version to verify (" + from.text +
                                     ") comes after the last (" + to.text + ")");
        mig::VerifyRequest req{to.key_or_null(),         to.text_or_null(),
                               from.key_or_null(),       from.text_or_null(),
                               mig::arg_bool(fc, 2, false), mig::arg_bool(fc, 3, false)};
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
