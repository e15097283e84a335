// fast_split.hpp: splits a large script of plain DDL/DML at its top-level semicolons without
// PostgreSQL's scanner. Pure C++ (no PostgreSQL headers), no allocation, no exceptions: safe to
// call from the PG zone, and unit-tested with the client's tests.
//
// Why: a 33 MB folder of INSERT scripts spent ~45% of its upload in core_yylex (plus a copy of
// the whole text in scanner_init), only to find statement boundaries that the apply then finds
// again when it parses each statement. This lexer skips the same things that can hide a
// semicolon (strings, quoted identifiers, dollar quotes, comments) at memchr speed, and gives up
// ("let the real parser decide") on anything it does not model exactly.
#pragma once

#include <cstddef>
#include <cstring>

#ifdef POSTGRES_H
static_assert(false, "fast_split.hpp must not see PostgreSQL headers");
#endif

namespace mig {

namespace fast_split_detail {

inline bool ident_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
inline bool ident_cont(unsigned char c) {
    return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}
inline bool dolq_cont(unsigned char c) {
    return ident_start(c) || (c >= '0' && c <= '9');
}

// `w` (length n, any case) equals the lower-case keyword `kw`
inline bool word_is(const char *w, size_t n, const char *kw) {
    size_t i = 0;
    for (; i < n; i++) {
        char c = w[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (kw[i] != c)
            return false;
    }
    return kw[i] == '\0';
}

inline bool in_list(const char *w, size_t n, const char *const *list) {
    char first = w[0] >= 'A' && w[0] <= 'Z' ? static_cast<char>(w[0] - 'A' + 'a') : w[0];
    for (; *list; list++)
        if ((*list)[0] == first && word_is(w, n, *list))
            return true;
    return false;
}

// Words that may start a statement of a plain script.
inline const char *const *first_words() {
    static const char *const w[] = {"insert",   "update",  "delete", "select",  "with",  "values",
                                    "create",   "alter",   "drop",   "comment", "grant", "revoke",
                                    "truncate", "analyze", "lock",   "table",   nullptr};
    return w;
}

// Words (outside strings and quoted identifiers) that make a script not plain: they can make a
// statement non-transactional, wrap the script, end the transaction, or put semicolons inside a
// statement (BEGIN ATOMIC ... END, CREATE RULE ... DO (...; ...)).
inline const char *const *banned_words() {
    static const char *const w[] = {
        "concurrently", "vacuum",      "database", "tablespace", "system",    "subscription",
        "atomic",       "copy",        "type",     "reindex",    "begin",     "start",
        "commit",       "end",         "rollback", "abort",      "savepoint", "release",
        "prepare",      "transaction", "rule",     "enum",       nullptr};
    return w;
}

// Skips a quoted token starting at s[i] == q ('\'' or '"'), where a doubled quote stands for
// one (and, in an E'' string, a backslash escapes the next byte). Returns the index after the
// closing quote, or 0 when it is not closed.
inline size_t skip_quoted(const char *s, size_t len, size_t i, char q, bool backslash) {
    size_t j = i + 1;
    for (;;) {
        const void *hit;
        if (backslash) {
            size_t k = j;
            while (k < len && s[k] != q && s[k] != '\\')
                k++;
            hit = k < len ? s + k : nullptr;
        } else {
            hit = std::memchr(s + j, q, len - j);
        }
        if (hit == nullptr)
            return 0;
        size_t k = static_cast<size_t>(static_cast<const char *>(hit) - s);
        if (s[k] == '\\') {
            j = k + 2;
            if (j > len)
                return 0;
            continue;
        }
        if (k + 1 < len && s[k + 1] == q) {
            j = k + 2;
            continue;
        }
        return k + 1;
    }
}

} // namespace fast_split_detail

// Splits `sql` (`len` bytes, need not be NUL-terminated) into statements at top-level
// semicolons, calling emit(start, end) for each: `start` is the offset of its first token, `end`
// the offset of its terminating ';' (or `len`). Returns false, having possibly emitted some
// statements, when the script is not "plain": a statement does not start with one of
// first_words(), a banned word appears, a semicolon sits inside parentheses, a string, comment or
// dollar quote is not closed, a backslash or other byte the lexer does not model appears outside
// a string, or `standard_strings` is false (standard_conforming_strings off: backslashes escape
// in '' strings). The caller must then let PostgreSQL's parser split the script.
template <class Emit>
bool fast_split(const char *s, size_t len, bool standard_strings, Emit &&emit) {
    using namespace fast_split_detail;
    if (!standard_strings)
        return false;
    size_t i = 0;
    long depth = 0;
    long cur = -1; // start of the current statement, -1 between statements
    while (i < len) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t tok = i;
        switch (c) {
        case ' ':
        case '\t':
        case '\n':
        case '\r':
        case '\f':
        case '\v':
            i++;
            continue;
        case '-':
            if (i + 1 < len && s[i + 1] == '-') { // comment to the end of the line
                while (i < len && s[i] != '\n' && s[i] != '\r')
                    i++;
                continue;
            }
            i++;
            break;
        case '/':
            if (i + 1 < len && s[i + 1] == '*') { // nested block comment
                int nest = 1;
                i += 2;
                while (i < len && nest > 0) {
                    if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
                        nest++;
                        i += 2;
                    } else if (s[i] == '*' && i + 1 < len && s[i + 1] == '/') {
                        nest--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                if (nest > 0)
                    return false;
                continue;
            }
            i++;
            break;
        case '\'':
        case '"':
            i = skip_quoted(s, len, i, static_cast<char>(c), false);
            if (i == 0)
                return false;
            break;
        case '$': {
            size_t j = i + 1;
            if (j < len && s[j] >= '0' && s[j] <= '9') { // parameter $n
                while (j < len && s[j] >= '0' && s[j] <= '9')
                    j++;
                i = j;
                break;
            }
            if (j < len && ident_start(static_cast<unsigned char>(s[j])) &&
                static_cast<unsigned char>(s[j]) < 0x80) {
                while (j < len && dolq_cont(static_cast<unsigned char>(s[j])) &&
                       static_cast<unsigned char>(s[j]) < 0x80)
                    j++;
            }
            if (j >= len || s[j] != '$')
                return false;       // not a dollar-quote delimiter: let the scanner judge
            size_t tag = j + 1 - i; // "$tag$"
            const char *body = s + j + 1;
            size_t rest = len - (j + 1);
            const char *end = nullptr;
            while (rest >= tag) {
                const void *d = std::memchr(body, '$', rest - tag + 1);
                if (d == nullptr)
                    break;
                const char *p = static_cast<const char *>(d);
                if (std::memcmp(p, s + i, tag) == 0) {
                    end = p;
                    break;
                }
                rest -= static_cast<size_t>(p + 1 - body);
                body = p + 1;
            }
            if (end == nullptr)
                return false;
            i = static_cast<size_t>(end - s) + tag;
            break;
        }
        case ';':
            if (depth != 0)
                return false; // CREATE RULE ... DO (a; b) and the like
            if (cur >= 0)
                emit(static_cast<int>(cur), static_cast<int>(i));
            cur = -1;
            i++;
            continue;
        case '(':
            depth++;
            i++;
            break;
        case ')':
            if (--depth < 0)
                return false;
            i++;
            break;
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
            // digits, and letters/underscores glued to them (1e5, 0x1F, 1_000): never a quote,
            // '$', ';' or comment
            while (i < len) {
                unsigned char d = static_cast<unsigned char>(s[i]);
                if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
                    d == '_' || d == '.')
                    i++;
                else
                    break;
            }
            break;
        case '.':
        case ',':
        case '+':
        case '*':
        case '<':
        case '>':
        case '=':
        case '~':
        case '!':
        case '@':
        case '#':
        case '%':
        case '^':
        case '&':
        case '|':
        case '`':
        case '?':
        case ':':
        case '[':
        case ']':
            i++;
            break;
        default: {
            if (!ident_start(c))
                return false; // backslash, control bytes, ...: not modelled
            size_t j = i + 1;
            while (j < len && ident_cont(static_cast<unsigned char>(s[j])))
                j++;
            size_t n = j - i;
            if (n == 1 && (c == 'e' || c == 'E') && j < len && s[j] == '\'') {
                if (cur < 0)
                    return false;
                i = skip_quoted(s, len, j, '\'', true); // E'...': backslash escapes
                if (i == 0)
                    return false;
                break;
            }
            if (cur < 0 && !in_list(s + i, n, first_words()))
                return false;
            if (n >= 3 && n <= 12 && in_list(s + i, n, banned_words()))
                return false;
            i = j;
            break;
        }
        }
        if (cur < 0) {
            // a statement starts with a word (checked above); anything else is not plain
            if (!ident_start(c))
                return false;
            cur = static_cast<long>(tok);
        }
    }
    if (depth != 0)
        return false;
    if (cur >= 0)
        emit(static_cast<int>(cur), static_cast<int>(len));
    return true;
}

} // namespace mig
