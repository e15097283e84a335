// Uploading a body too big for a query parameter: COPY into a temporary table, then mig.upload.
#pragma once
#include "layouts/layout.hpp"
#include "pg_conn.hpp"

namespace mig::client {

// Uploads a big body by COPY into a temporary table, in the open transaction. `first`: the
// first such upload of the transaction (creates the table).
// The checksum of a script that was not read yet is the one computed while sending it.
void upload_streamed(Conn &c, Folder &f, Migration &m, bool replace, bool first,
                     bool strict = false);

// Sends one script file by `copy_sql` (COPY … FROM STDIN of one text column), read in chunks
// with the checks of stream_script_at (an InputError naming the file): `validate` has the
// server's parser read a big script so (docs/cli.md, "Big scripts").
void copy_script_file(Conn &c, const std::string &copy_sql, const std::string &file);

} // namespace mig::client
