// Flyway's placeholders (placeholders.hpp). The rules are those of Flyway's
// PlaceholderReplacingReader (flyway-core .../internal/parser/PlaceholderReplacingReader.java)
// and the built-ins of its ParsingContext (same folder), as docs/layouts.md describes them.
#include "placeholders.hpp"

#include "errors.hpp"
#include "layouts/scan.hpp"
#include "sha256.hpp"
#include "text.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fmt/format.h>
#include <unistd.h>

namespace mig::client {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string local_timestamp() { // Flyway's "yyyy-MM-dd HH:mm:ss", local time
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::string working_directory() {
    std::string buf(4096, '\0');
    if (!getcwd(buf.data(), buf.size()))
        return ".";
    buf.resize(std::char_traits<char>::length(buf.c_str()));
    return buf;
}

std::string_view base_name(std::string_view path) {
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The names of docs/layouts.md's table, for the message about an undefined one.
constexpr const char *kBuiltins = "flyway:defaultSchema, flyway:user, flyway:database, "
                                  "flyway:timestamp, flyway:filename, flyway:workingDirectory";

} // namespace

std::vector<PlaceholderRef> find_placeholders(std::string_view text) {
    std::vector<PlaceholderRef> refs;
    size_t i = text.find('$');
    while (i != std::string_view::npos && i < text.size()) {
        if (i + 1 < text.size() && text[i + 1] == '{') {
            size_t close = text.find('}', i + 2);
            PlaceholderRef r;
            r.begin = i;
            r.terminated = close != std::string_view::npos;
            r.end = r.terminated ? close + 1 : text.size();
            r.name = text.substr(i + 2, (r.terminated ? close : text.size()) - i - 2);
            refs.push_back(r);
            i = r.end;
        } else {
            i += 2; // Flyway's reader hands the character after a '$' on unexamined
        }
        if (i < text.size())
            i = text.find('$', i);
    }
    return refs;
}

void Placeholders::set(std::string_view name, std::string value) {
    values_[lower(name)] = std::move(value);
}

bool Placeholders::given(std::string_view name) const {
    return values_.count(lower(name)) > 0;
}

std::optional<std::string> Placeholders::value(std::string_view name, std::string_view filename) {
    std::string key = lower(name);
    if (auto it = values_.find(key); it != values_.end())
        return it->second;
    if (key == "flyway:filename")
        return std::string(filename);
    if (key == "flyway:timestamp") {
        if (timestamp_.empty())
            timestamp_ = local_timestamp(); // one value for the whole run, as Flyway's
        return timestamp_;
    }
    if (key == "flyway:workingdirectory") {
        if (cwd_.empty())
            cwd_ = working_directory();
        return cwd_;
    }
    if (key != "flyway:user" && key != "flyway:database" && key != "flyway:defaultschema")
        return std::nullopt;
    if (!facts_) {
        if (!server_)
            return std::nullopt;
        facts_ = server_();
    }
    return key == "flyway:user"       ? facts_->user
           : key == "flyway:database" ? facts_->database
                                      : facts_->default_schema;
}

std::pair<std::string, std::string> parse_placeholder_arg(const std::string &arg) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
        throw InputError(fmt::format("--placeholder '{}': expected NAME=VALUE", arg));
    return {arg.substr(0, eq), arg.substr(eq + 1)};
}

std::string expand_placeholders(std::string_view text, Placeholders &p, const std::string &shown,
                                std::string_view filename, std::vector<std::string> &errors,
                                const std::function<int(int)> &line_of) {
    std::vector<PlaceholderRef> refs = find_placeholders(text);
    if (refs.empty())
        return std::string(text);
    std::string out;
    out.reserve(text.size());
    size_t at = 0, counted = 0;
    int line = 1;
    for (const PlaceholderRef &r : refs) {
        line += static_cast<int>(std::count(text.begin() + counted, text.begin() + r.begin, '\n'));
        counted = r.begin;
        out.append(text.substr(at, r.begin - at));
        at = r.end;
        int shown_line = line_of ? line_of(line) : line;
        if (!r.terminated) {
            errors.push_back(fmt::format("{}:{}: a Flyway placeholder '${{' without its '}}' "
                                         "(Flyway reads the rest of the script as its name)",
                                         shown, shown_line));
            continue;
        }
        if (auto v = p.value(r.name, filename)) {
            out += *v;
            continue;
        }
        errors.push_back(fmt::format(
            "{}:{}: placeholder ${{{}}} is not defined: give it a value in pgmig.toml's "
            "[placeholders] or with --placeholder {}=VALUE (pgmig's built-ins: {})",
            shown, shown_line, r.name, r.name, kBuiltins));
    }
    out.append(text.substr(at));
    return out;
}

namespace {

// A script of the folder whose text is to be replaced by its expansion.
struct Change {
    Migration *m;
    bool down;
    std::string text;
};

// The script's text: in memory, or read from its file (left unread, streamed, or its checksum
// from the stat cache); nullopt when it is not there to read (a down script `status` skips).
std::optional<std::string> script_text(const Migration &m, bool down,
                                       std::vector<std::string> &errors) {
    if (!down)
        return m.up_streamed || m.up_unread ? read_script(m.up_file, errors) : m.up_sql;
    if (m.down_sql)
        return *m.down_sql;
    if (m.has_down() && (m.down_streamed || m.down_unread))
        return read_script(m.down_file, errors);
    return std::nullopt;
}

// A built-in whose value changes from run to run, in a script that runs once (V, B, U): its
// expansion, which pgmig's checksum covers, would differ at the next `status` or `up`, and the
// applied migration would show as edited. A repeatable runs again when it changes: fine there.
void refuse_run_varying(const Migration &m, bool down, std::string_view text, const Placeholders &p,
                        std::vector<std::string> &errors) {
    if (m.repeatable)
        return;
    int line = 1;
    size_t counted = 0;
    for (const PlaceholderRef &r : find_placeholders(text)) {
        std::string name = lower(r.name);
        if ((name != "flyway:timestamp" && name != "flyway:workingdirectory") || p.given(name))
            continue;
        line += static_cast<int>(std::count(text.begin() + counted, text.begin() + r.begin, '\n'));
        counted = r.begin;
        errors.push_back(fmt::format(
            "{}:{}: ${{{}}} differs on every run, so this migration, once applied, would show as "
            "edited (pgmig's checksum covers the expanded text): give it a fixed value "
            "(--placeholder {}=… or [placeholders]), or use it in a repeatable (R__) migration",
            down ? m.down_file : m.up_file, m.file_line(down, line), r.name, r.name));
    }
}

void expand_script(Migration &m, bool down, Placeholders &p, std::vector<Change> &changes,
                   std::vector<std::string> &errors) {
    if (m.keep_placeholders && !down) // an undo script has a configuration of its own
        return;
    auto text = script_text(m, down, errors);
    if (!text || text->find("${") == std::string::npos)
        return;
    const std::string &file = down ? m.down_file : m.up_file;
    size_t before = errors.size();
    refuse_run_varying(m, down, *text, p, errors);
    std::string out = expand_placeholders(*text, p, file, base_name(file), errors,
                                          [&](int n) { return m.file_line(down, n); });
    if (errors.size() == before)
        changes.push_back({&m, down, std::move(out)});
}

void apply(Change &c) {
    Migration &m = *c.m;
    std::string sum = sha256_hex(c.text);
    if (c.down) {
        m.down_sql = std::move(c.text);
        m.down_checksum = std::move(sum);
        m.down_streamed = m.down_unread = false;
        return;
    }
    m.up_size = c.text.size();
    m.up_sql = std::move(c.text);
    m.checksum = std::move(sum);
    m.up_streamed = m.up_unread = false;
}

} // namespace

void expand_folder(Folder &f, Placeholders &p) {
    if (f.layout != Layout::Flyway)
        return;
    std::vector<Change> changes;
    std::vector<std::string> errors;
    for (auto *list : {&f.migrations, &f.repeatables})
        for (Migration &m : *list) {
            expand_script(m, false, p, changes, errors);
            expand_script(m, true, p, changes, errors);
        }
    if (!errors.empty())
        throw InputError(fmt::format("{}", fmt::join(errors, "\n")));
    for (Change &c : changes)
        apply(c);
}

} // namespace mig::client
