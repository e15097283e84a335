#include "apply_watch.hpp"

#include "errors.hpp"
#include "progress_notice.hpp"
#include "text.hpp"

namespace mig::client {

std::optional<ApplyWatch::Running> ApplyWatch::poll() {
    auto now = Clock::now();
    auto since = [&](Clock::time_point t) {
        return std::chrono::duration<double>(now - t).count();
    };
    if (failed_ || since(start_) < 1.0 || (conn_ && since(last_poll_) < 0.5))
        return std::nullopt;
    last_poll_ = now;
    try {
        if (!conn_)
            conn_ = ctx_.connect_quietly(password_);
        // the apply's backend holds the deploy lock: found so even behind a pooler, where the
        // pid libpq was given is the pooler's (Conn::behind_pooler)
        auto r = conn_->exec("SELECT query FROM mig.lock_holder()");
        if (r.rows() == 0)
            return std::nullopt;
        std::string q = r.str(0, 0);
        size_t end = q.find(" */");
        if (q.rfind("/* ", 0) != 0 || end == std::string::npos)
            return std::nullopt;
        auto n = parse_progress_notice(q.substr(3, end - 3), true);
        if (!n || n->version + " " + n->name == label_)
            return std::nullopt;
        label_ = n->version + " " + n->name;
        return Running{n->version, printable(n->name, false)};
    } catch (const std::exception &) { // no second connection (a pooler's limit, a password)
        failed_ = true;
        conn_.reset();
        return std::nullopt;
    }
}

} // namespace mig::client
