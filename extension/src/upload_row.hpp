// upload_row.hpp: one migration being uploaded (mig.upload, mig.upload_many), shared by
// upload.cpp (conflicts, storing) and upload_analyze.cpp (checksums, options, analysis). PG zone.
#pragma once

#include "bookkeeping.hpp"
#include "deploy.hpp"

namespace mig {

// the columns of mig.migration an upload sets (upload.cpp's SQL_INSERT, in its order)
constexpr int kStoreColumns = 17;

// A migration being uploaded: its options, checksums and the row to store (mig.migration's
// columns, in SQL_INSERT's order). PG zone, palloc'd.
struct UploadRow {
    const UploadArgs *a;
    const Caller *caller;
    bool replace;
    bool strict;       // a down script that does not parse is refused (else stored with its error)
    Jsonb *down_error; // the down script's parse error, when it is stored with it
    bool force_nontx;
    char *file;
    char *down_file;
    const char *up; // the up script's bytes in its text datum (not NUL-terminated)
    int uplen;
    char *down; // NUL-terminated, NULL when there is none
    int downlen;
    char down_ck[65];
    Datum key; // text datum of a->key
    Datum v[kStoreColumns];
    char n[kStoreColumns + 1];
};

// Options and checksums (r->checksum) of a; w is filled in.
void upload_begin(const UploadArgs *a, const Caller *caller, UploadRow *w, UploadResult *r);

// Analyses the scripts (syntax, classification, statement ranges) and fills in w's row; a down
// script that does not parse is kept with its error unless {"strict": true}.
void upload_analyze(UploadRow *w, UploadResult *r);

} // namespace mig
