// pg_boundary.hpp: the C++/PostgreSQL error boundary (docs/architecture.md, CONVENTIONS §4).
//   pg_call(f)   C++ zone -> PG zone: runs a noexcept PG-zone callable, turns ereport(ERROR)
//                into a PgError exception (after the longjmp, outside PG_TRY).
//   pg_entry()   PG -> C++ zone: SQL entry points; catches every C++ exception and re-raises
//                it as a PostgreSQL error (PgError via ReThrowError, keeping SQLSTATE etc.).
#pragma once

#include "pg_includes.hpp"

namespace mig {

// pgmig's own SQLSTATEs (common/error_codes.hpp; docs/troubleshooting.md) as errcode()s
constexpr int pm_errcode(const char (&s)[6]) {
    return MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
}
constexpr int kErrAppliedChanged = pm_errcode(sqlstate::kAppliedChanged);
constexpr int kErrDuplicateVersion = pm_errcode(sqlstate::kDuplicateVersion);
constexpr int kErrNoDownScript = pm_errcode(sqlstate::kNoDownScript);
constexpr int kErrNonTransactional = pm_errcode(sqlstate::kNonTransactional);
constexpr int kErrInvalidVersion = pm_errcode(sqlstate::kInvalidVersion);
constexpr int kErrUnknownVersion = pm_errcode(sqlstate::kUnknownVersion);
constexpr int kErrNotVouched = pm_errcode(sqlstate::kNotVouched);
constexpr int kErrUnsupportedStatement = pm_errcode(sqlstate::kUnsupportedStatement);
constexpr int kErrLockNotAvailable = pm_errcode(sqlstate::kLockNotAvailable);
constexpr int kErrPendingChanged = pm_errcode(sqlstate::kPendingChanged);
constexpr int kErrCalledFromMigration = pm_errcode(sqlstate::kCalledFromMigration);
constexpr int kErrStoredScriptChanged = pm_errcode(sqlstate::kStoredScriptChanged);
constexpr int kErrBrokenDownScript = pm_errcode(sqlstate::kBrokenDownScript);
constexpr int kErrNotApplied = pm_errcode(sqlstate::kNotApplied);
constexpr int kErrStatementsChanged = pm_errcode(sqlstate::kStatementsChanged);
constexpr int kErrAlreadyApplied = pm_errcode(sqlstate::kAlreadyApplied);
constexpr int kProgressStart = pm_errcode(sqlstate::kProgressStart);
constexpr int kProgressEnd = pm_errcode(sqlstate::kProgressEnd);

// A PostgreSQL error caught by pg_call; exists only to unwind C++ frames.
class PgError final : public std::exception {
  public:
    explicit PgError(ErrorData *ed) noexcept : ed_(ed) {}
    ErrorData *data() const noexcept { return ed_; }
    const char *what() const noexcept override { return ed_->message ? ed_->message : "error"; }

  private:
    ErrorData *ed_; // palloc'd in the caller's memory context
};

// pgmig's own errors raised from C++ zone code.
class UserError : public std::runtime_error {
  public:
    UserError(int sqlstate, const std::string &msg, std::string detail = {}, std::string hint = {})
        : std::runtime_error(msg), sqlstate_(sqlstate), detail_(std::move(detail)),
          hint_(std::move(hint)) {}
    int sqlstate() const noexcept { return sqlstate_; }
    const std::string &detail() const noexcept { return detail_; }
    const std::string &hint() const noexcept { return hint_; }

  private:
    int sqlstate_;
    std::string detail_;
    std::string hint_;
};

template <typename F> auto pg_call(F &&f) -> std::invoke_result_t<F &> {
    static_assert(std::is_nothrow_invocable_v<F &>, "pg_call body must be noexcept");
    using R = std::invoke_result_t<F &>;
    static_assert(std::is_void_v<R> || std::is_scalar_v<R>,
                  "pg_call returns void or a scalar (Datum, pointer, bool, int)");
    MemoryContext caller_cxt = CurrentMemoryContext;
    ErrorData *volatile captured = nullptr; // volatile: assigned after the longjmp
    volatile std::conditional_t<std::is_void_v<R>, char, R> out{};
    PG_TRY();
    {
        if constexpr (std::is_void_v<R>)
            f();
        else
            out = f();
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller_cxt);
        captured = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    if (captured)
        throw PgError(captured);
    if constexpr (!std::is_void_v<R>)
        return out;
}

// Raises the pending error described by the arguments; never returns. (PG zone)
[[noreturn]] void raise_boundary_error(ErrorData *pg_err, int code, const char *msg,
                                       const char *detail, const char *hint) noexcept;

template <typename Impl> Datum pg_entry(FunctionCallInfo fcinfo, Impl &&impl) noexcept {
    static char msg[1024]; // no palloc inside catch (OOM would longjmp)
    static char det[1024];
    static char hint[1024];
    ErrorData *pg_err = nullptr;
    int code = ERRCODE_INTERNAL_ERROR;
    det[0] = '\0';
    hint[0] = '\0';
    try {
        return impl(fcinfo);
    } catch (const PgError &e) {
        pg_err = e.data();
    } catch (const UserError &e) {
        code = e.sqlstate();
        strlcpy(msg, e.what(), sizeof msg);
        strlcpy(det, e.detail().c_str(), sizeof det);
        strlcpy(hint, e.hint().c_str(), sizeof hint);
    } catch (const std::bad_alloc &) {
        code = ERRCODE_OUT_OF_MEMORY;
        strlcpy(msg, "out of memory", sizeof msg);
    } catch (const std::exception &e) {
        strlcpy(msg, e.what(), sizeof msg);
    } catch (...) {
        strlcpy(msg, "unexpected C++ exception", sizeof msg);
    }
    // No exception object is alive here and no C++ destructor is pending.
    raise_boundary_error(pg_err, code, msg, det, hint);
}

} // namespace mig
