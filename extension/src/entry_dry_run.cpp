// entry_dry_run.cpp: the SQL entry point of mig.dry_run, the lock report (dry_run.hpp).
#include "args.hpp" // pure C++ first

#include "dry_run.hpp"
#include "spi.hpp"

extern "C" {

PG_FUNCTION_INFO_V1(mig_dry_run);
Datum mig_dry_run(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        std::string target, key;
        bool has_target = !mig::arg_null(fc, 0);
        if (has_target) {
            target = mig::arg_string(fc, 0);
            key = mig::version_key_or_throw(target);
        }
        bool trust = mig::arg_bool(fc, 1, false);
        const char *pk = has_target ? key.c_str() : nullptr;
        const char *pt = has_target ? target.c_str() : nullptr;
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
