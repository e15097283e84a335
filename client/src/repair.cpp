// repair.cpp: reading a migration's scripts whole and storing a down script (repair.hpp).
#include "repair.hpp"

#include "errors.hpp"
#include "layouts/scripts.hpp"
#include "sha256.hpp"
#include "text.hpp"

#include <cstdint>
#include <fmt/format.h>

namespace mig::client {

HeldScripts read_held(Folder &f, Migration &m) {
    std::vector<std::string> errors;
    // SIZE_MAX: never left for streaming, the text is sent as one parameter
    auto up = upload_body(f, m, false, SIZE_MAX, errors);
    auto down = upload_body(f, m, true, SIZE_MAX, errors);
    if (!errors.empty() || !up || !down || !up->text())
        throw InputError(errors.empty() ? fmt::format("{}: cannot read it", m.up_file)
                                        : fmt::format("{}", fmt::join(errors, "\n")));
    HeldScripts h;
    h.up = *up->text();
    h.up_checksum = sha256_hex(h.up);
    if (const std::string *d = down->text()) {
        h.down = *d;
        h.down_checksum = sha256_hex(*d);
    }
    return h;
}

void store_new_downs(Conn &c, Folder &f,
                     const std::vector<std::pair<Migration *, const ServerRow *>> &which,
                     bool quiet, bool dry_run) {
    for (auto &[m, row] : which) {
        std::vector<std::string> errors;
        auto down = upload_body(f, *m, true, SIZE_MAX, errors);
        if (!errors.empty() || !down)
            throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
        if (!down->text())
            continue; // gone since it was listed: nothing to store
        // the up script is the server's (compared already): its checksum is the proof
        c.exec("SELECT mig.set_down($1, $2, $3)",
               {Param::ref(row->version), Param::ref(*down->text()), Param::ref(m->checksum)});
        if (!quiet)
            fmt::print(stderr,
                       "pgmig: {} the down script of applied migration {} ({}): the database "
                       "had none\n",
                       dry_run ? "would store" : "stored", row->version,
                       m->down_file.empty() ? m->up_file : m->down_file);
    }
}

} // namespace mig::client
