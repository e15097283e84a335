// uploader.hpp: who may run stored SQL (docs/security.md, "Whose SQL runs"). PG zone.
//
// Stored migration SQL is code that the next caller runs with the caller's own privileges. So
// a caller runs only what it uploaded itself (or vouched for: mig.vouch, or an upload of the
// same text), what a role it is a member of uploaded, or what it explicitly trusts
// (trust_uploads, or pgmig.trust_uploaders set by a superuser). Superusers are no exception:
// membership is checked without the superuser shortcut.
#pragma once

#include "pg_includes.hpp"

namespace mig {

extern bool g_trust_uploaders; // the pgmig.trust_uploaders setting

// ERROR PM007 unless `caller` may run SQL that `uploaded_by` uploaded.
void check_uploader(Oid caller, const char *uploaded_by, const char *version, const char *name,
                    bool trust);

} // namespace mig
