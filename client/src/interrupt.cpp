#include "interrupt.hpp"

#include <atomic>
#include <cerrno>
#include <initializer_list>
#include <csignal>
#include <thread>
#include <unistd.h>

namespace mig::client {
namespace {

// Only what is async-signal-safe is touched by the handler: lock-free atomics, PQcancel (with
// PGcancel objects made beforehand and a local error buffer, as libpq's documentation
// requires), sigaction, raise, write, tcsetattr.
constexpr int kSlots = 8;
std::atomic<int> g_signal{0};
std::atomic<PGcancel *> g_slots[kSlots];
std::atomic<int> g_in_handler{0}; // handlers reading g_slots now
std::atomic<int> g_tty_fd{-1};    // restored to g_tty_saved
termios g_tty_saved;
static_assert(std::atomic<PGcancel *>::is_always_lock_free, "PGcancel* read in a signal handler");
static_assert(std::atomic<int>::is_always_lock_free, "int read in a signal handler");

void end_by_default_action(int sig) {
    int fd = g_tty_fd.load();
    if (fd >= 0)
        tcsetattr(fd, TCSANOW, &g_tty_saved);
    struct sigaction sa = {};
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, nullptr);
    // blocked while its handler runs: delivered, and fatal, when the handler returns
    raise(sig);
}

void say(const char *msg, size_t n) {
    ssize_t w = write(2, msg, n);
    (void)w; // nothing to do if stderr is gone
}

void on_signal(int sig) {
    int saved_errno = errno;
    int none = 0;
    if (!g_signal.compare_exchange_strong(none, sig)) { // a second signal: no more waiting
        end_by_default_action(sig);
        errno = saved_errno;
        return;
    }
    ++g_in_handler;
    bool cancelled = false;
    for (auto &slot : g_slots)
        if (PGcancel *c = slot.load()) {
            char err[256];
            PQcancel(c, err, sizeof err);
            cancelled = true;
        }
    --g_in_handler;
    if (cancelled) {
        static const char msg[] = "pgmig: interrupted: cancelling the statement running on the "
                                  "server, then rolling back\n";
        say(msg, sizeof msg - 1);
    } else {
        end_by_default_action(sig); // nothing open on a server: nothing to undo
    }
    errno = saved_errno;
}

} // namespace

void install_interrupt_handlers() {
    for (int sig : {SIGINT, SIGTERM}) {
        struct sigaction old = {};
        if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        struct sigaction sa = {};
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(sig, &sa, nullptr);
    }
}

void restore_terminal_on_signal(int fd, const termios *saved) {
    g_tty_fd.store(-1);
    if (fd >= 0 && saved) {
        g_tty_saved = *saved;
        g_tty_fd.store(fd);
    }
}

int interrupted() {
    return g_signal.load();
}

int interrupt_exit_code() {
    return 128 + g_signal.load();
}

const char *interrupt_name() {
    switch (g_signal.load()) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    default:
        return "";
    }
}

CancelWatch::CancelWatch(PGconn *c) : cancel_(PQgetCancel(c)) {
    if (!cancel_)
        return;
    for (int i = 0; i < kSlots; ++i) {
        PGcancel *none = nullptr;
        if (g_slots[i].compare_exchange_strong(none, cancel_)) {
            slot_ = i;
            return;
        }
    }
}

CancelWatch::~CancelWatch() {
    if (slot_ >= 0) {
        g_slots[slot_].store(nullptr);
        // a handler that read the slot before it was cleared may still be using it
        while (g_in_handler.load() > 0)
            std::this_thread::yield();
    }
    if (cancel_)
        PQfreeCancel(cancel_);
}

void CancelWatch::cancel_again() {
    if (!cancel_)
        return;
    char err[256];
    PQcancel(cancel_, err, sizeof err);
}

} // namespace mig::client
