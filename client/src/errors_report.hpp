// Server errors reported compiler style: FILE:LINE:COL: ERROR: message (SQLSTATE), DETAIL, HINT,
// and the offending source line with a caret. Maps the server's context
// "migration VERSION (NAME), line L, column C" back to the file (dbmate sections add an offset).
#pragma once
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <optional>
#include <string>

namespace mig::client {

struct ErrorSite {
    std::string file;
    int line = 0, col = 0;
    std::string source;   // the file's line, for the caret display
    bool in_down = false; // the error is in a down script
    std::string version;  // the migration's, when the context names one
};

std::optional<ErrorSite> site_from_context(const PgError &e, const Folder *f, bool down);
void print_pg_error(const PgError &e, const std::optional<ErrorSite> &site, int verbose);
// 1 for a migration's SQL error; 2 for pgmig input errors (PM001/2/3/5/6/10); 3 for
// lock/connection.
int exit_code_for(const PgError &e);
// Everything at once; returns the exit code.
int report_error(const PgError &e, const Folder *f, bool down, int verbose);

} // namespace mig::client
