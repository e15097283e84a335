// mig.cpp: module magic, _PG_init (GUCs, hooks) and the SQL entry points.
// Every extern "C" function is pg_entry(...): C++ zone code that reaches PostgreSQL only
// through pg_call (pg_boundary.hpp).
#include "version.hpp" // pure C++: must come before any PostgreSQL header

#include "deploy.hpp"
#include "guc_scope.hpp"
#include "integrity.hpp"
#include "pg_boundary.hpp"
#include "runner.hpp"
#include "script.hpp"
#include "spi.hpp"

namespace mig {

static bool g_debug_functions = false;

// --- argument helpers (C++ zone) -------------------------------------------------------------

static bool arg_null(FunctionCallInfo fcinfo, int i) {
    return PG_ARGISNULL(i);
}

static std::string arg_string(FunctionCallInfo fcinfo, int i) {
    char *s = pg_call([&]() noexcept { return text_to_cstring(PG_GETARG_TEXT_PP(i)); });
    return std::string(s);
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

static std::string version_key_or_throw(const std::string &v) {
    auto groups = parse_version(v);
    if (!groups)
        throw UserError(PM005, "invalid version \"" + shown_version(v) + "\"",
                        "A version is digits, optionally in dot-separated groups (1, 0001, "
                        "20240115093000, 1.2.3); '-' is ignored.");
    return version_key_literal(*groups);
}

static ReturnSetInfo *init_srf(FunctionCallInfo fcinfo) {
    return pg_call([&]() noexcept {
        InitMaterializedSRF(fcinfo, 0);
        return (ReturnSetInfo *)fcinfo->resultinfo;
    });
}

// --- PG-zone bodies ------------------------------------------------------------------------------

static Datum upload_tuple(FunctionCallInfo fcinfo, const UploadArgs *a, const UploadResult *r) {
    TupleDesc td;
    if (get_call_result_type(fcinfo, nullptr, &td) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "pgmig: return type must be a row type");
    td = BlessTupleDesc(td);
    Datum v[7] = {CStringGetTextDatum(a->version),  CStringGetTextDatum(a->name),
                  CStringGetTextDatum(r->action),   BoolGetDatum(r->transactional),
                  Int32GetDatum(r->statements),     CStringGetTextDatum(r->checksum),
                  BoolGetDatum(r->ends_transaction)};
    bool nulls[7] = {false, false, false, false, false, false, false};
    return HeapTupleGetDatum(heap_form_tuple(td, v, nulls));
}

static void fill_upload_args(FunctionCallInfo fcinfo, UploadArgs *a, const char *version,
                             const char *key, const char *name) {
    a->version = version;
    a->key = key;
    a->name = name;
    a->up = PG_GETARG_DATUM(2);
    a->down_null = PG_ARGISNULL(3);
    a->down = a->down_null ? (Datum)0 : PG_GETARG_DATUM(3);
    a->options = PG_ARGISNULL(4) ? nullptr : PG_GETARG_JSONB_P(4);
    a->file = nullptr; // from options
    a->down_file = nullptr;
}

// The version, its sort key and the name of mig.upload / mig.apply(version, name, ...). C++ zone.
struct UploadKeys {
    std::string version, key, name;
};
static UploadKeys upload_keys(FunctionCallInfo fc) {
    if (arg_null(fc, 0) || arg_null(fc, 1) || arg_null(fc, 2))
        throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED,
                        "version, name and up_sql must not be NULL");
    UploadKeys k;
    k.version = arg_string(fc, 0);
    k.key = version_key_or_throw(k.version);
    k.name = arg_string(fc, 1);
    return k;
}

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
    MarkGUCPrefixReserved("pgmig");
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

PG_FUNCTION_INFO_V1(mig_upload);
Datum mig_upload(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::UploadKeys k = mig::upload_keys(fc);
        const char *pv = k.version.c_str(), *pk = k.key.c_str(), *pn = k.name.c_str();
        return mig::pg_call([&]() noexcept {
            mig::UploadArgs a;
            mig::UploadResult r;
            mig::fill_upload_args(fc, &a, pv, pk, pn);
            mig::spi::connect();
            mig::upload_pg(&a, &r);
            mig::spi::finish();
            return mig::upload_tuple(fc, &a, &r);
        });
    });
}

// The elements of a one-dimensional array argument (PG zone). *n = -1 when the argument is NULL.
static void arg_elements(FunctionCallInfo fcinfo, int i, Oid elemtype, Datum **d, bool **nulls,
                         int *n) {
    if (PG_ARGISNULL(i)) {
        *n = -1;
        return;
    }
    ArrayType *a = PG_GETARG_ARRAYTYPE_P(i);
    if (ARR_NDIM(a) > 1)
        ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                        errmsg("mig.upload_many takes one-dimensional arrays")));
    int16 len;
    bool byval;
    char align;
    get_typlenbyvalalign(elemtype, &len, &byval, &align);
    deconstruct_array(a, elemtype, len, byval, align, d, nulls, n);
}

PG_FUNCTION_INFO_V1(mig_upload_many);
Datum mig_upload_many(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        if (mig::arg_null(fc, 0) || mig::arg_null(fc, 1) || mig::arg_null(fc, 2))
            throw mig::UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED,
                                 "versions, names and up_sqls must not be NULL");
        Datum *d[7];
        bool *nl[7];
        int n[7];
        static const Oid types[7] = {TEXTOID,  TEXTOID, TEXTOID, TEXTOID,
                                     JSONBOID, TEXTOID, TEXTOID};
        char **ver = nullptr, **names = nullptr;
        mig::pg_call([&]() noexcept {
            for (int i = 0; i < 7; i++)
                arg_elements(fc, i, types[i], &d[i], &nl[i], &n[i]);
            ver = (char **)palloc0(sizeof(char *) * (n[0] > 0 ? n[0] : 1));
            names = (char **)palloc0(sizeof(char *) * (n[1] > 0 ? n[1] : 1));
            for (int k = 0; k < n[0]; k++)
                ver[k] = nl[0][k] ? nullptr : TextDatumGetCString(d[0][k]);
            for (int k = 0; k < n[1]; k++)
                names[k] = nl[1][k] ? nullptr : TextDatumGetCString(d[1][k]);
        });
        int count = n[0];
        bool same = n[1] == count && n[2] == count;
        for (int i = 3; i < 7; i++)
            same = same && (n[i] < 0 || n[i] == count);
        if (!same)
            throw mig::UserError(ERRCODE_INVALID_PARAMETER_VALUE,
                                 "the arrays of mig.upload_many must have the same length",
                                 "versions: " + std::to_string(n[0]) + ", names: " +
                                     std::to_string(n[1]) + ", up_sqls: " + std::to_string(n[2]) +
                                     ", down_sqls: " + std::to_string(n[3] < 0 ? count : n[3]) +
                                     ", options: " + std::to_string(n[4] < 0 ? count : n[4]) +
                                     ", files: " + std::to_string(n[5] < 0 ? count : n[5]) +
                                     ", down_files: " + std::to_string(n[6] < 0 ? count : n[6]));
        std::vector<std::string> keys(static_cast<size_t>(count));
        for (int k = 0; k < count; k++) {
            if (ver[k] == nullptr || names[k] == nullptr || nl[2][k])
                throw mig::UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED,
                                     "element " + std::to_string(k + 1) +
                                         " of versions, names or up_sqls is NULL");
            keys[static_cast<size_t>(k)] = mig::version_key_or_throw(ver[k]);
        }
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::UploadArgs *a =
                (mig::UploadArgs *)palloc0(sizeof(mig::UploadArgs) * (count > 0 ? count : 1));
            for (int k = 0; k < count; k++) {
                a[k].version = ver[k];
                a[k].key = keys[static_cast<size_t>(k)].c_str();
                a[k].name = names[k];
                a[k].up = d[2][k];
                a[k].down_null = n[3] < 0 || nl[3][k];
                a[k].down = a[k].down_null ? (Datum)0 : d[3][k];
                a[k].options = n[4] < 0 || nl[4][k] ? nullptr : DatumGetJsonbP(d[4][k]);
                a[k].file = n[5] < 0 || nl[5][k] ? nullptr : TextDatumGetCString(d[5][k]);
                a[k].down_file = n[6] < 0 || nl[6][k] ? nullptr : TextDatumGetCString(d[6][k]);
            }
            mig::spi::connect();
            mig::upload_many_pg(rsi, a, count);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_apply_one);
Datum mig_apply_one(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::UploadKeys k = mig::upload_keys(fc);
        const char *pv = k.version.c_str(), *pk = k.key.c_str(), *pn = k.name.c_str();
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::UploadArgs a;
            mig::UploadResult r;
            mig::fill_upload_args(fc, &a, pv, pk, pn);
            mig::spi::connect();
            mig::upload_pg(&a, &r);
            mig::apply_pg(rsi, pk, pv, pn, true);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_apply);
Datum mig_apply(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        std::string target, key;
        bool has_target = !mig::arg_null(fc, 0);
        if (has_target) {
            target = mig::arg_string(fc, 0);
            key = mig::version_key_or_throw(target);
        }
        const char *pk = has_target ? key.c_str() : nullptr;
        const char *pt = has_target ? target.c_str() : nullptr;
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::spi::connect();
            mig::apply_pg(rsi, pk, pt, nullptr, false);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_apply_repeatable);
Datum mig_apply_repeatable(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        if (mig::arg_null(fc, 0) || mig::arg_null(fc, 1))
            throw mig::UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED,
                                 "name and up_sql must not be NULL");
        std::string name = mig::arg_string(fc, 0);
        const char *pn = name.c_str();
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            Jsonb *opts = fc->args[2].isnull ? nullptr : DatumGetJsonbP(fc->args[2].value);
            mig::spi::connect();
            mig::repeatable_pg(rsi, pn, fc->args[1].value, opts);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

static Datum rollback_entry(FunctionCallInfo fcinfo, int mode) {
    return mig::pg_entry(fcinfo, [mode](FunctionCallInfo fc) -> Datum {
        int64 steps = -1;
        std::string version, key;
        if (mode == 0) {
            if (mig::arg_null(fc, 0))
                throw mig::UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "steps must not be NULL");
            steps =
                mig::pg_call([&]() noexcept { return (int64)DatumGetInt32(fc->args[0].value); });
            if (steps < 0)
                throw mig::UserError(ERRCODE_INVALID_PARAMETER_VALUE, "steps must not be negative");
        } else if (mode == 1) {
            if (mig::arg_null(fc, 0))
                throw mig::UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "version must not be NULL");
            version = mig::arg_string(fc, 0);
            key = mig::version_key_or_throw(version);
        }
        const char *pk = mode == 1 ? key.c_str() : nullptr;
        const char *pv = mode == 1 ? version.c_str() : nullptr;
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::spi::connect();
            mig::rollback_pg(rsi, steps, pk, pv, mode == 2);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_rollback);
Datum mig_rollback(PG_FUNCTION_ARGS) {
    return rollback_entry(fcinfo, 0);
}

PG_FUNCTION_INFO_V1(mig_rollback_to);
Datum mig_rollback_to(PG_FUNCTION_ARGS) {
    return rollback_entry(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(mig_rollback_batch);
Datum mig_rollback_batch(PG_FUNCTION_ARGS) {
    return rollback_entry(fcinfo, 2);
}

// Trigger functions of mig.applied's foreign key, checked per statement (integrity.hpp).
PG_FUNCTION_INFO_V1(mig_check_applied_refs);
Datum mig_check_applied_refs(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::pg_call([&]() noexcept { mig::check_applied_refs(fc); });
        return PointerGetDatum(nullptr);
    });
}

PG_FUNCTION_INFO_V1(mig_lock_for_references);
Datum mig_lock_for_references(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::pg_call([&]() noexcept { mig::lock_for_references(fc); });
        return PointerGetDatum(nullptr);
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
            throw mig::UserError(mig::PM005, "user error from mig._debug_raise",
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
