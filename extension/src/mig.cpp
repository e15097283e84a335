// mig.cpp: module magic, _PG_init (GUCs, hooks) and the SQL entry points.
// Every extern "C" function is pg_entry(...): C++ zone code that reaches PostgreSQL only
// through pg_call (pg_boundary.hpp).
#include "args.hpp" // pure C++ first

#include "bookkeeping.hpp"
#include "progress.hpp"
#include "deploy.hpp"
#include "drift.hpp"
#include "lock_retry.hpp"
#include "uploader.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "spi.hpp"

namespace mig {
static bool g_debug_functions = false;
} // namespace mig

// --- entry points --------------------------------------------------------------------------------

extern "C" {

PG_MODULE_MAGIC;

void _PG_init(void);
void _PG_init(void) {
    DefineCustomBoolVariable(
        "pgmig.trust_uploaders",
        "Lets any caller apply migrations uploaded by roles it is not a member of.", nullptr,
        &mig::g_trust_uploaders, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable(
        "pgmig.debug_functions", "Enables pgmig's test-only functions (mig._debug_raise).", nullptr,
        &mig::g_debug_functions, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    mig::progress_init();
    mig::lock_retry_init();
    mig::drift_init();
    MarkGUCPrefixReserved("pgmig");
    mig::bookkeeping_init();
}

PG_FUNCTION_INFO_V1(mig_version_key);
Datum mig_version_key(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        std::string v = mig::arg_string(fc, 0);
        (void)mig::version_key_or_throw(v); // PM005 for an invalid version
        std::string key = mig::version_key_bytes(*mig::parse_version(v));
        return mig::pg_call([&]() noexcept {
            bytea *b = (bytea *)palloc(VARHDRSZ + key.size());
            SET_VARSIZE(b, VARHDRSZ + key.size());
            memcpy(VARDATA(b), key.data(), key.size());
            return PointerGetDatum(b);
        });
    });
}

PG_FUNCTION_INFO_V1(mig_checksum);
Datum mig_checksum(PG_FUNCTION_ARGS) {
    if (PG_ARGISNULL(0))
        PG_RETURN_NULL();
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        return mig::pg_call([&]() noexcept {
            text *t = DatumGetTextPP(fc->args[0].value);
            char out[65];
            mig::sha256_hex(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t), out);
            return CStringGetTextDatum(out);
        });
    });
}

PG_FUNCTION_INFO_V1(mig_split);
Datum mig_split(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            char *sql = text_to_cstring(DatumGetTextPP(fc->args[0].value));
            int len = (int)strlen(sql);
            mig::ScriptInfo si = mig::analyze_script(sql, len, {nullptr, nullptr, nullptr, false});
            mig::TextWalker w(sql);
            for (int i = 0; i < si.nstmts; i++) {
                const mig::StmtInfo *st = &si.stmts[i];
                w.advance_to(st->start);
                Datum v[7] = {
                    Int32GetDatum(i + 1),
                    PointerGetDatum(cstring_to_text_with_len(sql + st->start, st->end - st->start)),
                    Int32GetDatum(w.chars),
                    Int32GetDatum(w.line),
                    Int32GetDatum(w.col),
                    BoolGetDatum(st->transactional),
                    CStringGetTextDatum(st->tag)};
                bool nulls[7] = {false, false, false, false, false, false, false};
                tuplestore_putvalues(rsi->setResult, rsi->setDesc, v, nulls);
            }
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_lock);
Datum mig_lock(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        bool wait = mig::arg_null(fc, 0)
                        ? true
                        : mig::pg_call([&]() noexcept { return DatumGetBool(fc->args[0].value); });
        return mig::pg_call([&]() noexcept {
            mig::spi::connect();
            bool got = mig::deploy_lock(wait);
            mig::spi::finish();
            return BoolGetDatum(got);
        });
    });
}

// mig.lock_blockers(sql): describe_blockers (lock_retry.hpp) for the client, which retries a
// non-transactional statement itself. NULL when nobody holds a lock on what sql names.
PG_FUNCTION_INFO_V1(mig_lock_blockers);
Datum mig_lock_blockers(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        return mig::pg_call([&]() noexcept {
            MemoryContext caller = CurrentMemoryContext;
            char *sql = text_to_cstring(DatumGetTextPP(fc->args[0].value));
            mig::spi::connect();
            char *held = mig::describe_blockers(sql);
            MemoryContextSwitchTo(caller);
            Datum out = held ? CStringGetTextDatum(held) : (Datum)0;
            mig::spi::finish();
            fc->isnull = held == nullptr;
            return out;
        });
    });
}

// Test-only: errors across the boundary. Needs pgmig.debug_functions = on (superuser-set).
namespace {
int g_destructors_run = 0;
struct CountsDestruction {
    std::string payload = std::string(64, 'x'); // a real heap-owning C++ object
    ~CountsDestruction() { g_destructors_run++; }
};
} // namespace

PG_FUNCTION_INFO_V1(mig_debug_raise);
Datum mig_debug_raise(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        if (!mig::g_debug_functions)
            throw mig::UserError(ERRCODE_INSUFFICIENT_PRIVILEGE,
                                 "mig._debug_raise requires pgmig.debug_functions = on");
        std::string kind = mig::arg_string(fc, 0);
        CountsDestruction guard;
        if (kind == "pg_error") {
            // a PostgreSQL error (division by zero, 22012) raised deep inside C++ frames
            mig::pg_call([&]() noexcept {
                (void)DirectFunctionCall2(int4div, Int32GetDatum(1), Int32GetDatum(0));
            });
        } else if (kind == "pg_error_in_spi") {
            mig::pg_call([&]() noexcept {
                mig::spi::connect();
                SPI_execute("SELECT pg_catalog.int4div(1, 0)", false, 0);
                mig::spi::finish();
            });
        } else if (kind == "cpp_exception") {
            throw std::runtime_error("C++ exception from mig._debug_raise");
        } else if (kind == "user_error") {
            throw mig::UserError(mig::kErrInvalidVersion, "user error from mig._debug_raise",
                                 "Raised on purpose.");
        } else if (kind == "bad_alloc") {
            throw std::bad_alloc();
        } else if (kind == "destructors") {
            return Int32GetDatum(g_destructors_run);
        } else {
            throw mig::UserError(ERRCODE_INVALID_PARAMETER_VALUE, "unknown kind \"" + kind + "\"");
        }
        return Int32GetDatum(-1);
    });
}

} // extern "C"
