#include <cmath>
#include "output.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <sstream>
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

void warn(const std::string &msg) {
    fmt::print(stderr, "{} {}\n", paint_err("warning:", "33"), msg);
}

void error_line(const std::string &msg) {
    fmt::print(stderr, "{} {}\n", paint_err("error:", "1;31"), msg);
}

namespace {
// Digits only (no sign, no space): their value; false otherwise.
bool digits_value(std::string_view s, double &v) {
    if (s.empty() || s.size() > 15)
        return false;
    long long n = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        n = n * 10 + (c - '0');
    }
    v = static_cast<double>(n); // exact: fewer than 16 digits
    return true;
}
} // namespace

std::string interval_literal(double seconds) {
    return fmt::format("{:.6f} seconds", seconds);
}

double interval_seconds(std::string_view iv) {
    // The common form "HH:MM:SS[.ffffff]" without sscanf (10,000 rows in `pgmig status`). The
    // seconds go through from_chars, correctly rounded like strtod, so the value is the one the
    // general path below computes.
    size_t c1 = iv.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : iv.find(':', c1 + 1);
    if (c2 != std::string_view::npos) {
        double h = 0, m = 0, s = 0;
        std::string_view sec = iv.substr(c2 + 1);
        auto r = std::from_chars(sec.data(), sec.data() + sec.size(), s, std::chars_format::fixed);
        if (digits_value(iv.substr(0, c1), h) && digits_value(iv.substr(c1 + 1, c2 - c1 - 1), m) &&
            !sec.empty() && sec[0] >= '0' && sec[0] <= '9' && r.ec == std::errc() &&
            r.ptr == sec.data() + sec.size()) {
            double days = 0;
            return days * 86400 + h * 3600 + m * 60 + s;
        }
    }
    // forms: "HH:MM:SS[.f]", "N day(s) HH:MM:SS", "-..." (ignored sign)
    double days = 0;
    std::string rest(iv);
    auto pos = iv.find(" day");
    if (pos != std::string_view::npos) {
        days = std::atof(std::string(iv.substr(0, pos)).c_str());
        auto sp = iv.find(' ', pos + 1);
        rest = sp == std::string_view::npos ? "" : std::string(iv.substr(sp + 1));
    }
    double h = 0, m = 0, s = 0;
    if (std::sscanf(rest.c_str(), "%lf:%lf:%lf", &h, &m, &s) < 3)
        s = std::atof(rest.c_str());
    return days * 86400 + h * 3600 + m * 60 + s;
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
