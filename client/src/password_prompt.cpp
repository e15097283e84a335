#include "password_prompt.hpp"

#include "interrupt.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace mig::client {
namespace {

void put(int fd, const std::string &s) {
    ssize_t w = write(fd, s.data(), s.size());
    (void)w; // a prompt that cannot be shown is still answered
}

std::string read_line(int fd) {
    std::string line;
    char ch;
    while (read(fd, &ch, 1) == 1 && ch != '\n')
        line += ch;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

} // namespace

std::optional<std::string> prompt_password(const std::string &prompt, bool terminal_only) {
    int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0 && terminal_only)
        return std::nullopt;
    int in = tty >= 0 ? tty : 0, out = tty >= 0 ? tty : 2;
    put(out, prompt);
    termios saved;
    bool echo_off = isatty(in) && tcgetattr(in, &saved) == 0;
    if (echo_off) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        restore_terminal_on_signal(in, &saved); // Ctrl-C at the prompt: echo back on
        tcsetattr(in, TCSAFLUSH, &quiet);
    }
    std::string pw = read_line(in);
    if (echo_off) {
        tcsetattr(in, TCSAFLUSH, &saved);
        restore_terminal_on_signal(-1, nullptr);
    } else {
        put(out, "\n");
    }
    if (tty >= 0)
        close(tty);
    return pw;
}

} // namespace mig::client
