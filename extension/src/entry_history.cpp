// entry_history.cpp: the SQL entry points that record history without running migration SQL
// (mig.baseline, mig.record_statement, mig.record_failure, mig.vouch, mig.lease), the uploader
// check that mig.statements uses, and the C symbols that pgmig 0.1.0's SQL objects name.
#include "args.hpp" // pure C++ first

#include "deploy.hpp"
#include "log_chain.hpp"
#include "spi.hpp"
#include "uploader.hpp"

namespace mig {

// A message recorded in mig.log: at most 2,000 bytes, cut at a character boundary.
static Datum clipped_text(Datum t) {
    text *in = DatumGetTextPP(t);
    int len = (int)VARSIZE_ANY_EXHDR(in);
    if (len <= 2000)
        return t;
    int keep = pg_mbcliplen(VARDATA_ANY(in), len, 2000);
    return PointerGetDatum(cstring_to_text_with_len(VARDATA_ANY(in), keep));
}

} // namespace mig

extern "C" {

PG_FUNCTION_INFO_V1(mig_baseline);
Datum mig_baseline(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 1, "mig.baseline");
        (void)mig::version_key_or_throw(mig::arg_string(fc, 0));
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::spi::connect();
            mig::baseline_pg(rsi, fc->args[0].value);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_record_statement);
Datum mig_record_statement(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 3, "mig.record_statement");
        if (fc->nargs > 4 && mig::arg_null(fc, 4))
            mig::require_args(fc, 5, "mig.record_statement");
        bool trust = mig::arg_bool(fc, 4, false);
        (void)mig::version_key_or_throw(mig::arg_string(fc, 0));
        return mig::pg_call([&]() noexcept {
            Datum args[5] = {fc->args[0].value, fc->args[1].value, fc->args[2].value,
                             fc->args[3].isnull ? (Datum)0 : fc->args[3].value,
                             BoolGetDatum(trust)};
            MemoryContext cxt = CurrentMemoryContext;
            mig::spi::connect();
            Datum out = mig::record_statement_pg(args, fc->args[3].isnull, cxt);
            mig::spi::finish();
            return out;
        });
    });
}

PG_FUNCTION_INFO_V1(mig_record_failure);
Datum mig_record_failure(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 5, "mig.record_failure");
        (void)mig::version_key_or_throw(mig::arg_string(fc, 0));
        mig::pg_call([&]() noexcept {
            Datum args[5] = {fc->args[0].value, fc->args[1].value, fc->args[2].value,
                             mig::clipped_text(fc->args[3].value), fc->args[4].value};
            mig::spi::connect();
            mig::record_failure_pg(args);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_set_down);
Datum mig_set_down(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 3, "mig.set_down");
        std::string version = mig::arg_string(fc, 0);
        std::string key = mig::version_key_or_throw(version);
        std::string up_checksum = mig::arg_string(fc, 2);
        return mig::pg_call([&]() noexcept {
            mig::spi::connect();
            Datum out = mig::set_down_pg(key.c_str(), version.c_str(), fc->args[1].value,
                                         up_checksum.c_str());
            mig::spi::finish();
            return out;
        });
    });
}

PG_FUNCTION_INFO_V1(mig_adopt);
Datum mig_adopt(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 2, "mig.adopt");
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            Datum args[2] = {fc->args[0].value, fc->args[1].value};
            mig::spi::connect();
            mig::adopt_pg(rsi, args);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_adopt_repeatable);
Datum mig_adopt_repeatable(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 3, "mig.adopt_repeatable");
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            Datum args[3] = {fc->args[0].value, fc->args[1].value, fc->args[2].value};
            mig::spi::connect();
            mig::adopt_repeatable_pg(rsi, args);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_vouch);
Datum mig_vouch(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 3, "mig.vouch");
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            Datum args[3] = {fc->args[0].value, fc->args[1].value, fc->args[2].value};
            mig::spi::connect();
            mig::vouch_pg(rsi, args);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

// mig.lease(action, token, version, direction, stmt_no): any argument may be NULL (mig._lease
// says which must not be).
PG_FUNCTION_INFO_V1(mig_lease);
Datum mig_lease(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            Datum args[5];
            char nulls[5];
            for (int i = 0; i < 5; i++) {
                bool null = i >= fc->nargs || fc->args[i].isnull;
                args[i] = null ? (Datum)0 : fc->args[i].value;
                nulls[i] = null ? 'n' : ' ';
            }
            mig::spi::connect();
            mig::lease_pg(rsi, args, nulls);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

// mig._check_uploader(caller, version, name, uploaded_by, trust_uploads)
PG_FUNCTION_INFO_V1(mig_check_uploader);
Datum mig_check_uploader(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::require_args(fc, 5, "mig._check_uploader");
        mig::pg_call([&]() noexcept {
            Oid caller = get_role_oid(NameStr(*DatumGetName(fc->args[0].value)), false);
            char *version = TextDatumGetCString(fc->args[1].value);
            char *name = TextDatumGetCString(fc->args[2].value);
            mig::check_uploader(caller, NameStr(*DatumGetName(fc->args[3].value)), version, name,
                                DatumGetBool(fc->args[4].value));
        });
        return (Datum)0;
    });
}

// pgmig 0.1.0's trigger functions (its per-statement foreign key check), named by its install
// script: they must exist for CREATE EXTENSION pgmig VERSION '0.1.0' and until ALTER EXTENSION
// pgmig UPDATE drops them. With this library nothing runs through them (deploy_lock refuses
// the 0.1.0 objects), so they check nothing.
PG_FUNCTION_INFO_V1(mig_check_applied_refs);
Datum mig_check_applied_refs(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    return PointerGetDatum(nullptr);
}

PG_FUNCTION_INFO_V1(mig_lock_for_references);
Datum mig_lock_for_references(PG_FUNCTION_ARGS) {
    (void)fcinfo;
    return PointerGetDatum(nullptr);
}

} // extern "C"

extern "C" {

// mig._log_chain(): BEFORE INSERT trigger on mig.log (log_chain.hpp).
PG_FUNCTION_INFO_V1(mig_log_chain);
Datum mig_log_chain(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        return mig::pg_call([&]() noexcept { return PointerGetDatum(mig::log_chain_trigger(fc)); });
    });
}

// mig.log_row_hash(prev text, row mig.log): what the trigger computed for that row.
PG_FUNCTION_INFO_V1(mig_log_row_hash);
Datum mig_log_row_hash(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        if (mig::arg_null(fc, 1))
            throw mig::UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "the row must not be NULL");
        return mig::pg_call([&]() noexcept {
            char *prev = fc->args[0].isnull ? nullptr : TextDatumGetCString(fc->args[0].value);
            HeapTupleHeader h = DatumGetHeapTupleHeader(fc->args[1].value);
            TupleDesc desc =
                lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(h), HeapTupleHeaderGetTypMod(h));
            HeapTupleData tup;
            tup.t_len = HeapTupleHeaderGetDatumLength(h);
            ItemPointerSetInvalid(&tup.t_self);
            tup.t_tableOid = InvalidOid;
            tup.t_data = h;
            char out[65];
            mig::log_row_hash(prev, &tup, desc, out);
            ReleaseTupleDesc(desc);
            return CStringGetTextDatum(out);
        });
    });
}

} // extern "C"
