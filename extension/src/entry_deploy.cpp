// entry_deploy.cpp: the SQL entry points of uploading, applying and rolling back.
// Every extern "C" function is pg_entry(...): C++ zone code that reaches PostgreSQL only
// through pg_call (pg_boundary.hpp); the work is in the PG zone (deploy.hpp).
#include "args.hpp" // pure C++ first

#include "deploy.hpp"
#include "spi.hpp"

namespace mig {

static Datum upload_tuple(FunctionCallInfo fcinfo, const UploadArgs *a, const UploadResult *r) {
    TupleDesc td;
    if (get_call_result_type(fcinfo, nullptr, &td) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "pgmig: return type must be a row type");
    td = BlessTupleDesc(td);
    Datum v[8] = {CStringGetTextDatum(a->version),  CStringGetTextDatum(a->name),
                  CStringGetTextDatum(r->action),   BoolGetDatum(r->transactional),
                  Int32GetDatum(r->statements),     CStringGetTextDatum(r->checksum),
                  BoolGetDatum(r->ends_transaction),
                  r->down_error ? JsonbPGetDatum(r->down_error) : (Datum)0};
    bool nulls[8] = {false, false, false, false, false, false, false, !r->down_error};
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

// The version, its sort key and the name of mig.upload / mig.apply(version, name, ...).
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

// mig.upload_many's seven arrays, deconstructed (C++ zone view of PG-zone data).
struct ManyArgs {
    Datum *d[7];
    bool *nl[7];
    int n[7];
    char **ver = nullptr, **names = nullptr;
};

static void read_many(FunctionCallInfo fc, ManyArgs &m) {
    static const Oid types[7] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, TEXTOID, TEXTOID};
    pg_call([&]() noexcept {
        for (int i = 0; i < 7; i++)
            arg_elements(fc, i, types[i], &m.d[i], &m.nl[i], &m.n[i]);
        m.ver = (char **)palloc0(sizeof(char *) * (m.n[0] > 0 ? m.n[0] : 1));
        m.names = (char **)palloc0(sizeof(char *) * (m.n[1] > 0 ? m.n[1] : 1));
        for (int k = 0; k < m.n[0]; k++)
            m.ver[k] = m.nl[0][k] ? nullptr : TextDatumGetCString(m.d[0][k]);
        for (int k = 0; k < m.n[1]; k++)
            m.names[k] = m.nl[1][k] ? nullptr : TextDatumGetCString(m.d[1][k]);
    });
}

static void check_many_lengths(const ManyArgs &m) {
    int count = m.n[0];
    bool same = m.n[1] == count && m.n[2] == count;
    for (int i = 3; i < 7; i++)
        same = same && (m.n[i] < 0 || m.n[i] == count);
    if (same)
        return;
    auto len = [&](int i) { return std::to_string(m.n[i] < 0 ? count : m.n[i]); };
    throw UserError(ERRCODE_INVALID_PARAMETER_VALUE,
                    "the arrays of mig.upload_many must have the same length",
                    "versions: " + std::to_string(count) + ", names: " + std::to_string(m.n[1]) +
                        ", up_sqls: " + std::to_string(m.n[2]) + ", down_sqls: " + len(3) +
                        ", options: " + len(4) + ", files: " + len(5) +
                        ", down_files: " + len(6));
}

static void fill_many(const ManyArgs &m, const std::vector<std::string> &keys, UploadArgs *a) {
    for (int k = 0; k < m.n[0]; k++) {
        a[k].version = m.ver[k];
        a[k].key = keys[static_cast<size_t>(k)].c_str();
        a[k].name = m.names[k];
        a[k].up = m.d[2][k];
        a[k].down_null = m.n[3] < 0 || m.nl[3][k];
        a[k].down = a[k].down_null ? (Datum)0 : m.d[3][k];
        a[k].options = m.n[4] < 0 || m.nl[4][k] ? nullptr : DatumGetJsonbP(m.d[4][k]);
        a[k].file = m.n[5] < 0 || m.nl[5][k] ? nullptr : TextDatumGetCString(m.d[5][k]);
        a[k].down_file = m.n[6] < 0 || m.nl[6][k] ? nullptr : TextDatumGetCString(m.d[6][k]);
    }
}

enum class RollbackKind { Steps, ToVersion, LastBatch };

static Datum rollback_entry(FunctionCallInfo fcinfo, RollbackKind kind) {
    return pg_entry(fcinfo, [kind](FunctionCallInfo fc) -> Datum {
        RollbackRequest req{-1, nullptr, nullptr, kind == RollbackKind::LastBatch, false};
        std::string version, key;
        int trust_arg = 1;
        if (kind == RollbackKind::Steps) {
            if (arg_null(fc, 0))
                throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "steps must not be NULL");
            req.steps = pg_call([&]() noexcept { return (int64)DatumGetInt32(fc->args[0].value); });
            if (req.steps < 0)
                throw UserError(ERRCODE_INVALID_PARAMETER_VALUE, "steps must not be negative");
        } else if (kind == RollbackKind::ToVersion) {
            if (arg_null(fc, 0))
                throw UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED, "version must not be NULL");
            version = arg_string(fc, 0);
            key = version_key_or_throw(version);
            req.after_key = key.c_str();
            req.after_version = version.c_str();
        } else {
            trust_arg = 0;
        }
        req.trust = arg_bool(fc, trust_arg, false);
        ReturnSetInfo *rsi = init_srf(fc);
        pg_call([&]() noexcept {
            spi::connect();
            rollback_pg(rsi, req);
            spi::finish();
        });
        return (Datum)0;
    });
}

} // namespace mig

extern "C" {

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

PG_FUNCTION_INFO_V1(mig_upload_many);
Datum mig_upload_many(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        if (mig::arg_null(fc, 0) || mig::arg_null(fc, 1) || mig::arg_null(fc, 2))
            throw mig::UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED,
                                 "versions, names and up_sqls must not be NULL");
        mig::ManyArgs m;
        mig::read_many(fc, m);
        mig::check_many_lengths(m);
        int count = m.n[0];
        std::vector<std::string> keys(static_cast<size_t>(count));
        for (int k = 0; k < count; k++) {
            if (m.ver[k] == nullptr || m.names[k] == nullptr || m.nl[2][k])
                throw mig::UserError(ERRCODE_NULL_VALUE_NOT_ALLOWED,
                                     "element " + std::to_string(k + 1) +
                                         " of versions, names or up_sqls is NULL");
            keys[static_cast<size_t>(k)] = mig::version_key_or_throw(m.ver[k]);
        }
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::UploadArgs *a =
                (mig::UploadArgs *)palloc0(sizeof(mig::UploadArgs) * (count > 0 ? count : 1));
            mig::fill_many(m, keys, a);
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
            // the caller passes the text itself: the upload makes it the caller's to run
            mig::upload_pg(&a, &r);
            mig::apply_pg(rsi, pk, pv, pn, true, false);
            mig::spi::finish();
        });
        return (Datum)0;
    });
}

PG_FUNCTION_INFO_V1(mig_apply);
Datum mig_apply(PG_FUNCTION_ARGS) {
    return mig::pg_entry(fcinfo, [](FunctionCallInfo fc) -> Datum {
        mig::VersionArg target = mig::arg_version(fc, 0);
        bool trust = mig::arg_bool(fc, 1, false);
        const char *pk = target.key_or_null(), *pt = target.text_or_null();
        ReturnSetInfo *rsi = mig::init_srf(fc);
        mig::pg_call([&]() noexcept {
            mig::spi::connect();
            mig::apply_pg(rsi, pk, pt, nullptr, false, trust);
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

PG_FUNCTION_INFO_V1(mig_rollback);
Datum mig_rollback(PG_FUNCTION_ARGS) {
    return mig::rollback_entry(fcinfo, mig::RollbackKind::Steps);
}

PG_FUNCTION_INFO_V1(mig_rollback_to);
Datum mig_rollback_to(PG_FUNCTION_ARGS) {
    return mig::rollback_entry(fcinfo, mig::RollbackKind::ToVersion);
}

PG_FUNCTION_INFO_V1(mig_rollback_batch);
Datum mig_rollback_batch(PG_FUNCTION_ARGS) {
    return mig::rollback_entry(fcinfo, mig::RollbackKind::LastBatch);
}

} // extern "C"
