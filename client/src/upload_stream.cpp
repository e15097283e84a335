#include "upload_stream.hpp"

#include "errors.hpp"
#include "layouts/scan.hpp"
#include "layouts/scripts.hpp"
#include "sha256.hpp"
#include "trace.hpp"
#include "upload.hpp"

#include <fcntl.h>
#include <fmt/format.h>

namespace mig::client {

namespace {

// COPY text format: backslash, newline, carriage return and tab escaped
void copy_escape(std::string_view in, std::string &out) {
    out.clear();
    out.reserve(in.size() + in.size() / 8 + 16);
    size_t from = 0;
    for (size_t i = 0; i < in.size(); ++i) {
        char e;
        switch (in[i]) {
        case '\\':
            e = '\\';
            break;
        case '\n':
            e = 'n';
            break;
        case '\r':
            e = 'r';
            break;
        case '\t':
            e = 't';
            break;
        default:
            continue;
        }
        out.append(in.data() + from, i - from);
        out += '\\';
        out += e;
        from = i + 1;
    }
    out.append(in.data() + from, in.size() - from);
}
} // namespace

void copy_script_file(Conn &c, const std::string &copy_sql, const std::string &file) {
    std::vector<std::string> errors;
    c.copy_in(copy_sql, [&](const Conn::CopyPut &put) {
        std::string esc;
        if (!stream_script_at(AT_FDCWD, file, file, errors, [&](std::string_view part) {
                copy_escape(part, esc);
                put(esc);
            }))
            throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
        put("\n");
    });
}

void upload_streamed(Conn &c, Folder &f, Migration &m, bool replace, bool first, bool strict) {
    // The body goes through COPY into a temporary table of this transaction, read from the file
    // in 1 MB chunks: the client never holds it whole (docs/performance.md, workload W4), and
    // nothing outlives the transaction (safe behind a transaction pooler).
    if (first)
        c.exec("CREATE TEMP TABLE pgmig_upload_body (up text, down text) ON COMMIT DROP; "
               "ALTER TABLE pgmig_upload_body ALTER up SET STORAGE EXTERNAL, "
               "ALTER down SET STORAGE EXTERNAL");
    else
        c.exec("TRUNCATE pgmig_upload_body");
    trace("upload: temp table");
    std::vector<std::string> errors;
    auto down = upload_body(f, m, true, SIZE_MAX, errors); // read whole, as every down script
    if (!down)
        throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
    std::string shown = m.up_file;
    Sha256 h;
    c.copy_in("COPY pgmig_upload_body (up, down) FROM STDIN", [&](const Conn::CopyPut &put) {
        std::string esc;
        if (!stream_script_at(AT_FDCWD, m.up_file, shown, errors, [&](std::string_view part) {
                h.update(part);
                copy_escape(part, esc);
                put(esc);
            }))
            throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
        put("\t");
        if (const std::string *text = down->text()) {
            copy_escape(*text, esc);
            put(esc);
        } else {
            put("\\N");
        }
        put("\n");
    });
    trace("upload: copied");
    std::string sum = h.hex();
    if (m.up_unread) { // not read before: what was sent is what the file holds
        m.checksum = sum;
        m.up_unread = false;
    }
    if (sum != m.checksum)
        throw InputError(fmt::format("{}: the file changed while pgmig was running (checksum {} "
                                     "when read, {} when uploaded); nothing was applied",
                                     m.up_file, m.checksum, sum));
    auto r = c.exec(std::string("SELECT ") + kUploadColumns +
                        " FROM mig.upload($1, $2, (SELECT up FROM pgmig_upload_body), "
                        "(SELECT down FROM pgmig_upload_body), $3::jsonb)",
                    {m.version, m.name, upload_options(m, replace, strict)});
    warn_broken_downs({UploadItem{&m, replace, strict}}, r);
    trace("upload: registered");
    if (r.rows() != 1 || r.str(0, 1) != m.checksum)
        throw PgError(fmt::format("migration {}: the server's checksum of the streamed body ({}) "
                                  "differs from the file's ({})",
                                  m.version, r.rows() == 1 ? r.str(0, 1) : "none", m.checksum),
                      "XX000");
}

} // namespace mig::client
