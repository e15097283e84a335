// vouch.hpp: making the server's copies of the folder's migrations the caller's to run
// (docs/security.md, "Whose SQL runs"). The server runs stored SQL only for the role that
// uploaded it, or vouched for it: the caller holds the same files, so it vouches for every
// stored migration whose up and down scripts have its files' checksums (mig.vouch, one call,
// checksums only). A migration only the server has is vouched for only with --trust-uploads,
// after naming it and its uploader.
#pragma once
#include "context.hpp"
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

#include <functional>

namespace mig::client {

// Vouches as described above, in one call when the server has migrations another role
// uploaded (else a single query). `folder` gives the folder (read only then; null: none).
// Prints what it vouched for (stderr), and each trusted migration before it runs.
void vouch_for_folder(const Context &ctx, Conn &c, const std::function<Folder *()> &folder,
                      bool trust);

} // namespace mig::client
