// RAII over libpq: connections, results, server errors as exceptions, pipelines.
#pragma once
#include <libpq-fe.h>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mig::client {

// A server error with PostgreSQL's diagnostic fields (PG_DIAG_*).
class PgError : public std::runtime_error {
  public:
    explicit PgError(const PGresult *res, const std::string &fallback = {});
    PgError(const std::string &msg, std::string sqlstate)
        : std::runtime_error(msg), sqlstate(std::move(sqlstate)), message(what()) {}
    std::string sqlstate, message, detail, hint, context, internal_query;
    int statement_position = 0; // 1-based character offset, 0 if none
    int internal_position = 0;
};

class Result {
  public:
    Result() = default;
    explicit Result(PGresult *r) : r_(r, &PQclear) {}
    PGresult *get() const { return r_.get(); }
    int rows() const { return PQntuples(r_.get()); }
    bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col); }
    std::string str(int row, int col) const { return PQgetvalue(r_.get(), row, col); }
    std::optional<std::string> opt(int row, int col) const {
        if (null(row, col))
            return std::nullopt;
        return str(row, col);
    }
    // Typed values by column number; NULL reads as "", false and 0. view() points into the
    // result (valid while it lives: no copy, for 10,000 rows of `pgmig status`).
    std::string_view view(int row, int col) const {
        return {PQgetvalue(r_.get(), row, col),
                static_cast<size_t>(PQgetlength(r_.get(), row, col))};
    }
    bool flag(int row, int col) const { return view(row, col) == "t"; }
    long integer(int row, int col) const;  // an integer column
    double number(int row, int col) const; // a numeric or float column (seconds, ...)
    int col(const char *name) const;       // throws if absent
    std::string str(int row, const char *name) const { return str(row, col(name)); }
    std::optional<std::string> opt(int row, const char *name) const { return opt(row, col(name)); }
    bool boolean(int row, const char *name) const { return str(row, name) == "t"; }

  private:
    std::shared_ptr<PGresult> r_;
};

// A query parameter: NULL, an owned string, or a reference to a string that outlives the query
// (migration bodies: never copied before libpq's own send buffer).
class Param {
  public:
    Param(std::nullopt_t) {}
    Param(std::string s) : owned_(std::move(s)), null_(false) {}
    Param(const char *s) : owned_(s), null_(false) {}
    Param(std::optional<std::string> s) : null_(!s) {
        if (s)
            owned_ = std::move(*s);
    }
    static Param ref(const std::string &s) {
        Param p(std::nullopt);
        p.ref_ = &s;
        p.null_ = false;
        return p;
    }
    static Param ref(const std::optional<std::string> &s) {
        return s ? ref(*s) : Param(std::nullopt);
    }
    // A value in PostgreSQL's binary format (for example binary_text_array's).
    static Param binary(std::string bytes) {
        Param p(std::move(bytes));
        p.binary_ = true;
        return p;
    }
    const char *c_str() const { return null_ ? nullptr : (ref_ ? ref_->c_str() : owned_.c_str()); }
    int size() const { return null_ ? 0 : static_cast<int>(ref_ ? ref_->size() : owned_.size()); }
    bool is_binary() const { return binary_; }

  private:
    std::string owned_;
    const std::string *ref_ = nullptr;
    bool null_ = true;
    bool binary_ = false;
};

// A text[] in PostgreSQL's binary array format (what array_recv reads): no quoting or escaping
// of the elements, which go as they are. nullptr elements are NULL.
std::string binary_text_array(const std::vector<const std::string *> &items);

using Params = std::vector<Param>;

// Throws PgError (57014) once SIGINT/SIGTERM arrived: nothing more is sent (interrupt.hpp).
void refuse_if_interrupted();

struct Query {
    std::string sql;
    Params params;
};

// Where to connect: a connection string (URL or conninfo; "" = libpq's defaults: PG*
// environment, service file) and psql's -h/-p/-U values and password, which override the
// string's own (empty = not given).
struct ConnParams {
    std::string conninfo, host, port, user, password;
    double wait_seconds = 0; // > 0: wait that long for the server to accept connections
    // Asked once, with the user name, when the server wants a password that was not given;
    // nullopt: none (the connection then fails as it did).
    std::function<std::optional<std::string>(const std::string &user)> ask_password;
    std::string dbname; // not empty: this database instead of the string's (verify --scratch)
};

class CancelWatch;

class Conn {
  public:
    // conninfo: URL or key=value string (expand_dbname); "" = libpq defaults (PG* env, service).
    // wait_seconds > 0: wait that long for the server to accept connections.
    // Throws ConnectError with a message that never contains a password.
    Conn(const std::string &conninfo, double wait_seconds)
        : Conn(ConnParams{conninfo, {}, {}, {}, {}, wait_seconds, {}, {}}) {}
    explicit Conn(const ConnParams &p);
    PGconn *raw() const { return c_.get(); }

    Result exec(const std::string &sql, const Params &params = {});
    // Sends every query in one pipeline (one round trip) and returns the results in order.
    // Throws the first error; later queries in the pipeline are then skipped by the server.
    std::vector<Result> pipeline(const std::vector<Query> &qs);
    // The same for n queries made one at a time by make(i) just before each is sent, so that
    // building query i+1 (reading its file) overlaps the server's work on query i, and only
    // one query's parameters are held at a time. An exception from make aborts the pipeline
    // (the connection is then unusable for the current transaction) and is rethrown.
    std::vector<Result> pipeline(size_t n, const std::function<Query(size_t)> &make);
    // The same for as many queries as next(i) gives before it returns nullopt.
    std::vector<Result> pipeline(const std::function<std::optional<Query>(size_t)> &next);
    // Sends a query without waiting (overlap server work with local work); receive() returns
    // its result, throwing PgError on error.
    void send(const std::string &sql);
    // exec() that calls tick() about every 100 ms while the server works (live progress), and
    // meanwhile() once right after sending (local work done while the server works).
    Result exec_ticking(const std::string &sql, const Params &params,
                        const std::function<void()> &tick,
                        const std::function<void()> &meanwhile = {});
    Result receive();
    // COPY ... FROM STDIN: write(put) calls put(data) for each piece of COPY data (sent as it
    // comes, never gathered). An exception from write aborts the COPY and is rethrown.
    // Returns the COPY's result; throws PgError on a server error.
    using CopyPut = std::function<void(std::string_view)>;
    Result copy_in(const std::string &sql, const std::function<void(const CopyPut &)> &write);
    bool ok() const { return PQstatus(c_.get()) == CONNECTION_OK; }
    bool in_transaction() const {
        auto s = PQtransactionStatus(c_.get());
        return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
    }
    // ROLLBACK if a transaction is open; never throws.
    void rollback_quietly();
    int server_pid() const { return PQbackendPID(c_.get()); }
    // the password this connection used (typed at a prompt, PGPASSWORD, .pgpass), or empty
    std::string password() const {
        const char *p = PQpass(c_.get());
        return p ? p : "";
    }
    std::string user() const { // the role connected as
        const char *u = PQuser(c_.get());
        return u ? u : "";
    }
    // Server notices go to stderr as libpq formats them, except the WARNING that a script's
    // own BEGIN/COMMIT wrapper is ignored (one per wrapped migration at upload: every script of
    // a sqitch project): the first three are shown, the rest counted and summed up in one line
    // when the connection closes, unless every_notice (-v).
    void show_every_notice(bool every) { notices_->every = every; }
    ~Conn();
    Conn(const Conn &) = delete;
    Conn &operator=(const Conn &) = delete;

    struct Notices {
        bool every = false;
        int wrappers = 0; // wrapper warnings seen
    };

  private:
    std::unique_ptr<Notices> notices_ = std::make_unique<Notices>();
    std::unique_ptr<PGconn, decltype(&PQfinish)> c_{nullptr, &PQfinish};
    // after c_: destroyed before the connection is closed (interrupt.hpp)
    std::unique_ptr<CancelWatch> cancel_;
    void check_alive(const char *what);
};

// Converts a connection-level failure message into a ConnectError-safe text (masked).
std::string conn_error_text(PGconn *c);

} // namespace mig::client
