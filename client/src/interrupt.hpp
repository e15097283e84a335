// SIGINT and SIGTERM (docs/cli.md, "Signals"): the statement running on the server is cancelled
// (PQcancel, which is safe in a signal handler when its PGcancel was made beforehand), the
// client sends nothing more, rolls back, says what was and was not committed, and exits 130
// (SIGINT) or 143 (SIGTERM). With no connection open there is nothing to undo: the signal's
// default action ends the process at once. A second signal ends it at once too.
#pragma once
#include <libpq-fe.h>
#include <termios.h>

namespace mig::client {

// Installs the handlers, except for a signal that is ignored (a background job of a shell
// script ignores SIGINT: it stays ignored).
void install_interrupt_handlers();
// The signal received (SIGINT, SIGTERM), 0 when none.
int interrupted();
// 128 + the signal, as a shell reports a process that a signal ended.
int interrupt_exit_code();
const char *interrupt_name(); // "SIGINT", "SIGTERM" or ""
// While a password is read with echo off: the terminal settings a signal restores before the
// process ends (fd < 0: none).
void restore_terminal_on_signal(int fd, const termios *saved);

// The connection's running statement is cancelled when a signal arrives; unwatch before
// PQfinish. A handful at once (`up` and `status` connect in a second thread).
class CancelWatch {
  public:
    explicit CancelWatch(PGconn *c);
    ~CancelWatch();
    CancelWatch(const CancelWatch &) = delete;
    CancelWatch &operator=(const CancelWatch &) = delete;
    // Sends the cancel request again (outside the handler): a cancel that reached the server
    // just before the statement did is lost.
    void cancel_again();

  private:
    int slot_ = -1;
    PGcancel *cancel_ = nullptr;
};

} // namespace mig::client
