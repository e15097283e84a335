#include <cmath>
#include "output.hpp"
#include "json_report.hpp"
#include "text.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <string>

namespace mig::client {
namespace {
bool g_color_out = false, g_color_err = false;

std::string painted(bool on, const std::string &s, const char *ansi) {
    if (!on)
        return s;
    return fmt::format("\x1b[{}m{}\x1b[0m", ansi, s);
}
} // namespace

void set_output_color(bool on_stdout, bool on_stderr) {
    g_color_out = on_stdout;
    g_color_err = on_stderr;
}
bool output_color() {
    return g_color_out;
}

bool color_wanted(const std::string &mode, bool tty, const char *term, const char *no_color) {
    if (mode == "always")
        return true;
    if (mode == "never")
        return false;
    return tty && !(no_color && *no_color) && term && std::string_view(term) != "dumb";
}

std::string paint(const std::string &s, const char *ansi) {
    return painted(g_color_out, s, ansi);
}

std::string paint_err(const std::string &s, const char *ansi) {
    return painted(g_color_err, s, ansi);
}

void line_buffer_output() {
    std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
    std::setvbuf(stderr, nullptr, _IOLBF, BUFSIZ);
}

// A message may name a file whose name holds an ESC sequence or bytes that are not UTF-8:
// printed escaped (printable), never as they are.
void warn(const std::string &msg) {
    fmt::print(stderr, "{} {}\n", paint_err("warning:", "33"), printable(msg));
    json_report::warning(msg);
}

void error_line(const std::string &msg) {
    fmt::print(stderr, "{} {}\n", paint_err("error:", "1;31"), printable(msg));
    json_report::error(msg);
}

void error_line(const std::string &msg, const std::vector<std::string> &detail) {
    std::string text = fmt::format("{} {}\n", paint_err("error:", "1;31"), printable(msg));
    for (const auto &l : detail) // a diff's lines are the file's: escaped as a name is
        text += fmt::format("  {}\n", printable(l));
    fmt::print(stderr, "{}", text);
    json_report::error(msg, fmt::format("{}", fmt::join(detail, "\n")));
}

std::string interval_literal(double seconds) {
    return fmt::format("{:.6f} seconds", seconds);
}

std::string human_duration(double s) {
    if (s < 1)
        return fmt::format("{} ms", std::lround(s * 1000));
    if (s < 60)
        return fmt::format("{:.2f} s", s);
    return fmt::format("{} min {} s", static_cast<long>(s) / 60, static_cast<long>(s) % 60);
}

Progress::Progress(bool enabled, int total) : enabled_(enabled && total > 1), total_(total) {}
Progress::~Progress() {
    // a destructor must not throw (fmt::print does when stderr cannot be written): the bar is
    // cosmetic, so a failure to erase it is ignored
    try {
        clear();
    } catch (...) {
    }
}

void Progress::step(const std::string &label) {
    ++done_;
    tick(label);
}

void Progress::tick(const std::string &label) {
    if (!enabled_)
        return;
    int width = 30;
    int filled = total_ ? done_ * width / total_ : width;
    std::string bar(filled, '#');
    bar.resize(width, ' ');
    std::string l = label.size() > 40 ? label.substr(0, 40) : label;
    fmt::print(stderr, "\r[{}] {}/{} {:<40}", bar, done_, total_, l);
    std::fflush(stderr);
    shown_ = true;
}

void Progress::clear() {
    if (shown_) {
        fmt::print(stderr, "\r{:<90}\r", "");
        std::fflush(stderr);
        shown_ = false;
    }
}

} // namespace mig::client
