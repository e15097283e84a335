// Conn::pipeline: many queries in one round trip (libpq's pipeline mode).
#include "pg_conn.hpp"

#include "interrupt.hpp"

#include <poll.h>

namespace mig::client {
namespace {

// One pipeline: queries sent as next() makes them, results collected in order. Non-blocking
// sends, reading results whenever the socket would block, so that neither side waits on a full
// buffer while the other does too.
class PipelineRun {
  public:
    explicit PipelineRun(PGconn *c) : c_(c) {}

    // Sends every query next(i) gives, until it returns nullopt, throws (kept for results()) or
    // the connection breaks; then the Sync that ends the pipeline.
    void send_all(const std::function<std::optional<Query>(size_t)> &next);
    // Reads what is still to come and leaves pipeline mode.
    void finish();
    // The results of the queries, in order; throws the pipeline's failure, then an exception of
    // next(), then the first server error.
    std::vector<Result> results();

  private:
    bool send(Query &q, size_t i);
    void drain(bool block);
    void take(PGresult *r);
    void flush();
    bool outstanding() const { return done_ < sent_ || (synced_ && !sync_seen_); }

    PGconn *c_;
    size_t sent_ = 0, done_ = 0;
    bool synced_ = false, sync_seen_ = false, broken_ = false;
    // A run of queries with the same text (1,000 mig.upload calls) is parsed once: the unnamed
    // prepared statement, which lives only until the next unnamed Parse, so nothing outlives
    // this pipeline (transaction poolers stay safe). Its Parse result is not returned.
    std::vector<bool> is_prepare_;
    std::string prev_sql_;  // text of the previous query
    bool prepared_ = false; // prev_sql_ is the unnamed prepared statement
    std::optional<PgError> first_;
    std::exception_ptr make_failed_;
    std::vector<Result> out_;
};

void PipelineRun::send_all(const std::function<std::optional<Query>(size_t)> &next) {
    for (size_t i = 0;; ++i) {
        std::optional<Query> q;
        try {
            q = next(i);
        } catch (...) {
            // end the pipeline cleanly (what was sent runs; the caller rolls it back)
            make_failed_ = std::current_exception();
            break;
        }
        if (!q || !send(*q, i))
            break;
        flush();
        if (broken_)
            break;
    }
    if (broken_)
        return;
    if (PQpipelineSync(c_) != 1)
        broken_ = true;
    else
        synced_ = true;
    flush();
}

// Sends query i; false when the connection broke.
bool PipelineRun::send(Query &q, size_t i) {
    std::vector<const char *> vals;
    std::vector<int> lens, formats;
    for (auto &p : q.params) {
        vals.push_back(p.c_str());
        lens.push_back(p.size());
        formats.push_back(p.is_binary() ? 1 : 0);
    }
    int n = static_cast<int>(vals.size());
    bool repeated = i > 0 && q.sql == prev_sql_;
    if (!repeated)
        prepared_ = false;
    if (repeated && !prepared_) {
        if (PQsendPrepare(c_, "", q.sql.c_str(), n, nullptr) != 1) {
            broken_ = true;
            return false;
        }
        is_prepare_.resize(sent_ + 1, false);
        is_prepare_[sent_] = true;
        ++sent_;
    }
    int ok = repeated ? PQsendQueryPrepared(c_, "", n, vals.data(), lens.data(), formats.data(), 0)
                      : PQsendQueryParams(c_, q.sql.c_str(), n, nullptr, vals.data(), lens.data(),
                                          formats.data(), 0);
    if (ok != 1) {
        broken_ = true;
        return false;
    }
    if (repeated)
        prepared_ = true;
    else
        prev_sql_ = std::move(q.sql);
    ++sent_;
    return true;
}

// Reads the results that have arrived (all of them with block).
void PipelineRun::drain(bool block) {
    while (outstanding()) {
        if (!block) {
            if (!PQconsumeInput(c_)) {
                broken_ = true;
                return;
            }
            if (PQisBusy(c_))
                return;
        }
        PGresult *r = PQgetResult(c_);
        if (!r) {
            if (PQstatus(c_) != CONNECTION_OK) {
                broken_ = true;
                return;
            }
            ++done_; // the end of one query's results
            continue;
        }
        take(r);
    }
}

// One result: the Sync, a skipped query, a Parse, an error (the first is kept) or a result.
void PipelineRun::take(PGresult *r) {
    auto st = PQresultStatus(r);
    if (st == PGRES_PIPELINE_SYNC) {
        PQclear(r);
        sync_seen_ = true;
        return;
    }
    Result res(r);
    if (st == PGRES_PIPELINE_ABORTED)
        return;
    if (done_ < is_prepare_.size() && is_prepare_[done_] && st == PGRES_COMMAND_OK)
        return;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        if (!first_)
            first_.emplace(r, conn_error_text(c_));
        return;
    }
    out_.push_back(res);
}

// Sends what libpq buffered, reading results meanwhile when the server sends them.
void PipelineRun::flush() {
    while (!broken_) {
        int f = PQflush(c_);
        if (f < 0) {
            broken_ = true;
            return;
        }
        if (f == 0)
            return;
        pollfd pfd{PQsocket(c_), POLLIN | POLLOUT, 0};
        poll(&pfd, 1, 1000);
        if (pfd.revents & POLLIN)
            drain(false);
    }
}

void PipelineRun::finish() {
    PQsetnonblocking(c_, 0);
    if (!broken_)
        drain(true);
    if (!broken_)
        PQexitPipelineMode(c_);
}

std::vector<Result> PipelineRun::results() {
    if (broken_)
        throw PgError(nullptr, "pipeline failed: " + conn_error_text(c_));
    if (make_failed_)
        std::rethrow_exception(make_failed_);
    if (first_)
        throw *first_;
    return std::move(out_);
}

} // namespace

std::vector<Result> Conn::pipeline(const std::vector<Query> &qs) {
    return pipeline(qs.size(), [&qs](size_t i) { return qs[i]; });
}

std::vector<Result> Conn::pipeline(size_t n, const std::function<Query(size_t)> &make) {
    return pipeline([&](size_t i) -> std::optional<Query> {
        if (i >= n)
            return std::nullopt;
        return make(i);
    });
}

std::vector<Result> Conn::pipeline(const std::function<std::optional<Query>(size_t)> &next) {
    refuse_if_interrupted();
    PGconn *c = c_.get();
    if (PQenterPipelineMode(c) != 1)
        throw PgError(nullptr, "cannot enter pipeline mode: " + conn_error_text(c));
    PQsetnonblocking(c, 1);
    PipelineRun run(c);
    run.send_all(next);
    run.finish();
    check_alive("a pipeline");
    return run.results();
}

} // namespace mig::client
