// pg_boundary.cpp: PG-zone half of the error boundary.
#include "pg_boundary.hpp"

namespace mig {

void raise_boundary_error(ErrorData *pg_err, int code, const char *msg, const char *detail,
                          const char *hint) noexcept {
    if (pg_err)
        ReThrowError(pg_err); // original SQLSTATE, detail, hint, context, position
    ereport(ERROR, (errcode(code), errmsg("%s", msg), detail[0] ? errdetail("%s", detail) : 0,
                    hint[0] ? errhint("%s", hint) : 0));
    pg_unreachable();
}

} // namespace mig
