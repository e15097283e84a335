// entry_dry_run.cpp: the SQL entry point of mig.dry_run, the lock report (dry_run.hpp).
#include "args.hpp" // pure C++ first

#include "dry_run.hpp"
#include "spi.hpp"

extern "C" {

PG_FUNCTION_INFO_V1(mig_dry_run);
Datum mig_dry_run(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::VersionArg target = mig::arg_version(fc, 0);
        bool trust = mig::arg_bool(fc, 1, false);
        const char *pk = target.key_or_null(), *pt = target.text_or_null();
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::spi::connect();
            mig::dry_run_pg(rsi, pk, pt, trust);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

} // extern "C"
