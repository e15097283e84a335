// entry_repair.cpp: the SQL entry points of the ways out of a folder that no longer matches the
// server: mig.repair (repair.cpp) and mig.discard (discard.cpp). mig.set_down is in
// entry_history.cpp.
#include "args.hpp" // pure C++ first

#include "deploy.hpp"
#include "spi.hpp"

extern "C" {

// mig.repair(version, up_sql, down_checksum, force): down_checksum NULL = no down script.
PG_FUNCTION_INFO_V1(mig_repair);
Datum mig_repair(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 2, "mig.repair");
        std::string version = mig::arg_string(fc, 0);
        std::string key = mig::version_key_or_throw(version);
        bool has_down = !mig::arg_null(fc, 2);
        std::string down = has_down ? mig::arg_string(fc, 2) : std::string();
        bool force = mig::arg_bool(fc, 3, false);
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::RepairArgs r{key.c_str(), version.c_str(), fc->args[1].value,
                              has_down ? down.c_str() : nullptr, force};
            mig::spi::connect();
            mig::repair_pg(rsi, r);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_discard);
Datum mig_discard(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 1, "mig.discard");
        std::string version = mig::arg_string(fc, 0);
        std::string key = mig::version_key_or_throw(version);
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::spi::connect();
            mig::discard_pg(rsi, key.c_str(), version.c_str());
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

} // extern "C"
