// Messages, colour (terminal only, never with NO_COLOR) and the progress bar.
#pragma once
#include <string>
#include <vector>
#include <string_view>

namespace mig::client {

// Colour per stream (docs/cli.md, "Output"): decided once, from --color, the terminals and
// NO_COLOR (Context::resolve).
void set_output_color(bool on_stdout, bool on_stderr);
bool output_color(); // stdout's
// Whether a stream is coloured: "always", "never", or "auto" (a terminal, TERM not dumb,
// NO_COLOR unset or empty). no_color: NO_COLOR's value (nullptr when unset).
bool color_wanted(const std::string &mode, bool tty, const char *term, const char *no_color);
std::string paint(const std::string &s, const char *ansi);     // for stdout; ansi like "31", "1"
std::string paint_err(const std::string &s, const char *ansi); // for stderr
// stdout and stderr line-buffered whatever they are, so that a CI log shows each line when it
// is printed, not when the process ends (stdout is fully buffered on a pipe otherwise).
void line_buffer_output();
void warn(const std::string &msg);       // "warning: ..." to stderr
void error_line(const std::string &msg); // "error: ..." to stderr
// The error, then its detail lines indented under it (--json: the error's "detail").
void error_line(const std::string &msg, const std::vector<std::string> &detail);
std::string human_duration(double seconds); // "12 ms", "1.23 s", "2 min 3 s"
// Seconds as interval input ("0.000021 seconds"): fixed-point, because `::interval` refuses the
// exponent form ("2.1e-05 seconds") that the shortest representation of a fast statement has.
std::string interval_literal(double seconds);

// A one-line progress bar on a terminal (stderr); does nothing otherwise.
class Progress {
  public:
    Progress(bool enabled, int total);
    ~Progress();
    void step(const std::string &label); // one more done
    void tick(const std::string &label); // redraw with a label (time elapsed, …)
    bool enabled() const { return enabled_; }
    void clear(); // erase the bar before printing a line

  private:
    bool enabled_;
    int total_, done_ = 0;
    bool shown_ = false;
};

} // namespace mig::client
