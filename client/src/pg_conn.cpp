#include "pg_conn.hpp"

#include "error_codes.hpp"
#include "errors.hpp"
#include "interrupt.hpp"
#include "mask.hpp"
#include "text.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <poll.h>
#include <thread>

namespace mig::client {
namespace {

std::string field(const PGresult *r, int code) {
    const char *v = PQresultErrorField(r, code);
    return v ? v : "";
}

constexpr int kWrapperWarningsShown = 3;

void notice_to_stderr(void *arg, const PGresult *res) {
    auto *n = static_cast<Conn::Notices *>(arg);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (state && (std::strcmp(state, sqlstate::kProgressStart) == 0 ||
                  std::strcmp(state, sqlstate::kProgressEnd) == 0))
        return; // pgmig.progress set in PGOPTIONS: the deploy prints its own lines
    const char *message = PQresultErrorMessage(res);
    if (!n->every && std::strstr(message, "own BEGIN/COMMIT wrapper is ignored") &&
        ++n->wrappers > kWrapperWarningsShown)
        return;
    std::fputs(printable(message).c_str(), stderr); // a server's text: no control characters
}

std::string trim_nl(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

} // namespace

// After SIGINT/SIGTERM nothing more is sent (interrupt.hpp): the caller's error path rolls
// back (rollback_quietly does not come here) and reports.
void refuse_if_interrupted() {
    if (interrupted())
        throw PgError(fmt::format("pgmig was interrupted by {}: nothing more is sent to the server",
                                  interrupt_name()),
                      "57014");
}

PgError::PgError(const PGresult *res, const std::string &fallback)
    : std::runtime_error(res ? trim_nl(field(res, PG_DIAG_MESSAGE_PRIMARY)) : fallback) {
    message = what();
    if (message.empty())
        message = trim_nl(fallback.empty() && res ? PQresultErrorMessage(res) : fallback);
    if (!res)
        return;
    sqlstate = field(res, PG_DIAG_SQLSTATE);
    detail = field(res, PG_DIAG_MESSAGE_DETAIL);
    hint = field(res, PG_DIAG_MESSAGE_HINT);
    context = field(res, PG_DIAG_CONTEXT);
    internal_query = field(res, PG_DIAG_INTERNAL_QUERY);
    auto sp = field(res, PG_DIAG_STATEMENT_POSITION);
    statement_position = sp.empty() ? 0 : std::atoi(sp.c_str());
    auto ip = field(res, PG_DIAG_INTERNAL_POSITION);
    internal_position = ip.empty() ? 0 : std::atoi(ip.c_str());
}

long Result::integer(int row, int col) const {
    std::string_view v = view(row, col);
    long n = 0;
    std::from_chars(v.data(), v.data() + v.size(), n);
    return n;
}

double Result::number(int row, int col) const {
    std::string_view v = view(row, col);
    double d = 0;
    std::from_chars(v.data(), v.data() + v.size(), d);
    return d;
}

int Result::col(const char *name) const {
    int c = PQfnumber(r_.get(), name);
    if (c < 0)
        throw std::runtime_error(fmt::format("server result has no column \"{}\"", name));
    return c;
}

std::string conn_error_text(PGconn *c) {
    return mask_password(trim_nl(PQerrorMessage(c)));
}

namespace {

// libpq's keywords for p, in PQconnectdbParams's order: the connection string first (expanded),
// so that -h/-p/-U and the password, after it, override its own.
struct Keywords {
    std::vector<const char *> keys, vals;
    explicit Keywords(const ConnParams &p) {
        add("dbname", p.conninfo);
        add("dbname", p.dbname); // only the first dbname is expanded: this one overrides it
        add("host", p.host);
        add("port", p.port);
        add("user", p.user);
        add("password", p.password);
        // the user's application_name (in the string, or PGAPPNAME) wins over this one
        add("fallback_application_name", "pgmig " PGMIG_VERSION);
        keys.push_back(nullptr);
        vals.push_back(nullptr);
    }
    // v must outlive the connection attempt (no temporaries: the pointer is kept)
    void add(const char *k, const std::string &v) { add(k, v.c_str()); }
    void add(const char *k, const char *v) {
        if (*v == '\0')
            return;
        keys.push_back(k);
        vals.push_back(v);
    }
};

// The target as the messages name it: never with its password.
std::string describe_target(const ConnParams &p) {
    std::string out = mask_password(p.conninfo);
    for (auto [k, v] : {std::pair{"host", &p.host}, {"port", &p.port}, {"user", &p.user}})
        if (!v->empty())
            out += fmt::format("{}{}={}", out.empty() ? "" : " ", k, *v);
    return out.empty() ? std::string("(libpq defaults: PG* environment)") : out;
}

void wait_for_server(const Keywords &kw, double wait_seconds) {
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<long>(wait_seconds * 1000));
    while (true) {
        PGPing p = PQpingParams(kw.keys.data(), kw.vals.data(), 1);
        if (p == PQPING_OK || p == PQPING_NO_ATTEMPT)
            break;
        if (std::chrono::steady_clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

} // namespace

Conn::Conn(const ConnParams &p) {
    Keywords kw(p);
    if (p.wait_seconds > 0)
        wait_for_server(kw, p.wait_seconds);
    c_.reset(PQconnectdbParams(kw.keys.data(), kw.vals.data(), 1));
    if (c_ && PQstatus(c_.get()) != CONNECTION_OK && PQconnectionNeedsPassword(c_.get()) &&
        p.password.empty() && p.ask_password) {
        const char *user = PQuser(c_.get());
        if (auto pw = p.ask_password(user ? user : "")) {
            ConnParams again = p;
            again.password = std::move(*pw);
            Keywords kw2(again);
            c_.reset(PQconnectdbParams(kw2.keys.data(), kw2.vals.data(), 1));
        }
    }
    if (!c_)
        throw ConnectError("cannot connect: out of memory");
    if (PQstatus(c_.get()) != CONNECTION_OK)
        throw ConnectError(
            fmt::format("cannot connect to {}: {}", describe_target(p), conn_error_text(c_.get())));
    PQsetNoticeReceiver(c_.get(), notice_to_stderr, notices_.get());
    cancel_ = std::make_unique<CancelWatch>(c_.get());
}

Conn::~Conn() {
    int more = notices_->wrappers - kWrapperWarningsShown;
    if (more > 0)
        std::fprintf(stderr,
                     "WARNING:  %d more migration(s) had their own BEGIN/COMMIT wrapper ignored "
                     "(-v shows each)\n",
                     more);
}

void Conn::check_alive(const char *what) {
    if (PQstatus(c_.get()) != CONNECTION_OK)
        throw ConnectError(
            fmt::format("connection lost during {}: {}", what, conn_error_text(c_.get())));
}

Result Conn::exec(const std::string &sql, const Params &params) {
    refuse_if_interrupted();
    PGresult *r;
    if (params.empty()) {
        r = PQexec(c_.get(), sql.c_str());
    } else {
        std::vector<const char *> vals;
        for (auto &p : params)
            vals.push_back(p.c_str());
        r = PQexecParams(c_.get(), sql.c_str(), static_cast<int>(vals.size()), nullptr, vals.data(),
                         nullptr, nullptr, 0);
    }
    Result res(r);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        if (!r || PQstatus(c_.get()) != CONNECTION_OK) {
            if (r && !field(r, PG_DIAG_SQLSTATE).empty())
                throw PgError(r);
            check_alive("a query");
        }
        throw PgError(r, conn_error_text(c_.get()));
    }
    return res;
}

std::string binary_text_array(const std::vector<const std::string *> &items) {
    auto put32 = [](std::string &out, uint32_t v) {
        char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
        out.append(b, 4);
    };
    size_t bytes = 20;
    bool has_null = false;
    for (const auto *it : items) {
        bytes += 4 + (it ? it->size() : 0);
        has_null = has_null || !it;
    }
    std::string out;
    out.reserve(bytes);
    const uint32_t text_oid = 25;
    put32(out, items.empty() ? 0 : 1); // dimensions
    put32(out, has_null ? 1 : 0);
    put32(out, text_oid);
    if (!items.empty()) {
        put32(out, static_cast<uint32_t>(items.size()));
        put32(out, 1); // lower bound
    }
    for (const auto *it : items) {
        if (!it) {
            put32(out, 0xFFFFFFFFu); // -1: NULL
            continue;
        }
        put32(out, static_cast<uint32_t>(it->size()));
        out += *it;
    }
    return out;
}

Result Conn::exec_ticking(const std::string &sql, const Params &params,
                          const std::function<void()> &tick,
                          const std::function<void()> &meanwhile) {
    refuse_if_interrupted();
    if (!tick && !meanwhile)
        return exec(sql, params);
    std::vector<const char *> vals;
    for (auto &p : params)
        vals.push_back(p.c_str());
    PGconn *c = c_.get();
    if (PQsendQueryParams(c, sql.c_str(), static_cast<int>(vals.size()), nullptr, vals.data(),
                          nullptr, nullptr, 0) != 1)
        throw PgError(nullptr, "cannot send query: " + conn_error_text(c));
    if (meanwhile)
        meanwhile();
    int waits = 0;
    while (PQisBusy(c)) {
        pollfd pfd{PQsocket(c), POLLIN, 0};
        if (poll(&pfd, 1, 100) == 0) {
            if (tick)
                tick();
            if (interrupted() && ++waits % 10 == 0 && cancel_)
                cancel_->cancel_again(); // the handler's request may have come too early
            continue;
        }
        if (!PQconsumeInput(c))
            break;
    }
    return receive();
}

void Conn::send(const std::string &sql) {
    refuse_if_interrupted();
    if (PQsendQuery(c_.get(), sql.c_str()) != 1)
        throw PgError(nullptr, "cannot send query: " + conn_error_text(c_.get()));
}

Result Conn::receive() {
    Result res;
    std::optional<PgError> err;
    while (PGresult *r = PQgetResult(c_.get())) {
        auto st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && !err)
            err.emplace(r, conn_error_text(c_.get()));
        res = Result(r);
    }
    check_alive("a query");
    if (err)
        throw *err;
    return res;
}

void Conn::rollback_quietly() {
    if (c_ && PQstatus(c_.get()) == CONNECTION_OK &&
        PQtransactionStatus(c_.get()) != PQTRANS_IDLE) {
        PGresult *r = PQexec(c_.get(), "ROLLBACK");
        PQclear(r);
    }
}

} // namespace mig::client

namespace mig::client {

Result Conn::copy_in(const std::string &sql, const std::function<void(const CopyPut &)> &write) {
    refuse_if_interrupted();
    PGconn *c = c_.get();
    Result start(PQexec(c, sql.c_str()));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) {
        if (PQresultStatus(start.get()) == PGRES_FATAL_ERROR)
            throw PgError(start.get(), conn_error_text(c));
        check_alive("COPY");
        throw PgError(start.get(), "COPY did not start: " + conn_error_text(c));
    }
    std::string failure;
    std::exception_ptr thrown;
    try {
        write([&](std::string_view data) {
            if (!data.empty() && PQputCopyData(c, data.data(), static_cast<int>(data.size())) != 1)
                throw PgError(nullptr, "COPY failed: " + conn_error_text(c));
        });
    } catch (...) {
        thrown = std::current_exception();
        failure = "COPY aborted by pgmig";
    }
    PQputCopyEnd(c, failure.empty() ? nullptr : failure.c_str());
    Result last;
    while (PGresult *r = PQgetResult(c))
        last = Result(r);
    if (thrown)
        std::rethrow_exception(thrown);
    auto st = PQresultStatus(last.get());
    if (st != PGRES_COMMAND_OK) {
        check_alive("COPY");
        if (!failure.empty())
            throw PgError(failure, "");
        throw PgError(last.get(), conn_error_text(c));
    }
    if (!failure.empty())
        throw PgError(failure, "");
    return last;
}

} // namespace mig::client
