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
#include <initializer_list>

#ifdef POSTGRES_H
static_assert(false, "fast_split.hpp must not see PostgreSQL headers");
#endif

namespace mig {

namespace fast_split_detail {

constexpr bool ident_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
constexpr bool ident_cont(unsigned char c) {
    return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}
constexpr bool dolq_cont(unsigned char c) {
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

// Skips a block comment starting at s[i] == '/', s[i+1] == '*' (they nest). Returns the index
// after it, or 0 when it is not closed.
inline size_t skip_block_comment(const char *s, size_t len, size_t i) {
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
    return nest > 0 ? 0 : i;
}

// Skips what starts with '$' at s[i]: a parameter ($1) or a dollar-quoted string ($tag$...$tag$).
// Returns the index after it, or 0 when it is neither (or not closed): the scanner must judge.
inline size_t skip_dollar(const char *s, size_t len, size_t i) {
    size_t j = i + 1;
    if (j < len && s[j] >= '0' && s[j] <= '9') { // parameter $n
        while (j < len && s[j] >= '0' && s[j] <= '9')
            j++;
        return j;
    }
    if (j < len && ident_start(static_cast<unsigned char>(s[j])) &&
        static_cast<unsigned char>(s[j]) < 0x80) {
        while (j < len && dolq_cont(static_cast<unsigned char>(s[j])) &&
               static_cast<unsigned char>(s[j]) < 0x80)
            j++;
    }
    if (j >= len || s[j] != '$')
        return 0;
    size_t tag = j + 1 - i; // "$tag$"
    const char *body = s + j + 1;
    size_t rest = len - (j + 1);
    while (rest >= tag) {
        const void *d = std::memchr(body, '$', rest - tag + 1);
        if (d == nullptr)
            return 0;
        const char *p = static_cast<const char *>(d);
        if (std::memcmp(p, s + i, tag) == 0)
            return static_cast<size_t>(p - s) + tag;
        rest -= static_cast<size_t>(p + 1 - body);
        body = p + 1;
    }
    return 0;
}

// Digits, and letters/underscores/dots glued to them (1e5, 0x1F, 1_000, 1.5): never a quote,
// '$', ';' or comment. Returns the index after them.
inline size_t skip_number(const char *s, size_t len, size_t i) {
    while (i < len) {
        unsigned char d = static_cast<unsigned char>(s[i]);
        if ((d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') ||
            d == '_' || d == '.')
            i++;
        else
            break;
    }
    return i;
}

// A word at s[i] (ident_start): an E'' string, or an identifier or keyword. `in_statement`:
// a statement has begun (otherwise the word must be one of first_words()). Returns the index
// after it, or 0 when the script is not plain.
inline size_t skip_word(const char *s, size_t len, size_t i, bool in_statement) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t j = i + 1;
    while (j < len && ident_cont(static_cast<unsigned char>(s[j])))
        j++;
    size_t n = j - i;
    if (n == 1 && (c == 'e' || c == 'E') && j < len && s[j] == '\'')
        return in_statement ? skip_quoted(s, len, j, '\'', true) : 0; // E'...': backslash escapes
    if (!in_statement && !in_list(s + i, n, first_words()))
        return 0;
    if (n >= 3 && n <= 12 && in_list(s + i, n, banned_words()))
        return 0;
    return j;
}

// What a byte starts, for the lexer's one switch (a table: the hot loop of a big script's
// upload, where a chain of tests made the 33 MB of docs/performance.md's W3 split 40 % slower).
enum ByteClass : unsigned char {
    kOther,
    kSpace,
    kDash,
    kSlash,
    kSemi,
    kQuote,
    kDollar,
    kOpen,
    kClose,
    kDigit,
    kPunct,
    kWord
};

struct ByteClasses {
    ByteClass of[256];
    constexpr ByteClasses() : of() {
        for (int c = 0; c < 256; ++c)
            of[c] = ident_start(static_cast<unsigned char>(c)) ? kWord : kOther;
        for (char c : {' ', '\t', '\n', '\r', '\f', '\v'})
            of[static_cast<unsigned char>(c)] = kSpace;
        for (char c = '0'; c <= '9'; ++c)
            of[static_cast<unsigned char>(c)] = kDigit;
        for (char c : {'.', ',', '+', '*', '<', '>', '=', '~', '!', '@',
                       '#', '%', '^', '&', '|', '`', '?', ':', '[', ']'})
            of[static_cast<unsigned char>(c)] = kPunct;
        of[static_cast<unsigned char>('-')] = kDash;
        of[static_cast<unsigned char>('/')] = kSlash;
        of[static_cast<unsigned char>(';')] = kSemi;
        of[static_cast<unsigned char>('\'')] = kQuote;
        of[static_cast<unsigned char>('"')] = kQuote;
        of[static_cast<unsigned char>('$')] = kDollar;
        of[static_cast<unsigned char>('(')] = kOpen;
        of[static_cast<unsigned char>(')')] = kClose;
    }
};
inline constexpr ByteClasses kByteClasses{};

// The token at s[i] (not white space, a comment or ';'): the index after it, or 0 when the
// script is not plain. Parentheses change `depth`.
inline size_t skip_token(ByteClass k, const char *s, size_t len, size_t i, bool in_statement,
                         long &depth) {
    switch (k) {
    case kQuote:
        return skip_quoted(s, len, i, s[i], false);
    case kDollar:
        return skip_dollar(s, len, i);
    case kOpen:
        depth++;
        return i + 1;
    case kClose:
        return --depth < 0 ? 0 : i + 1;
    case kDigit:
        return skip_number(s, len, i);
    case kWord:
        return skip_word(s, len, i, in_statement);
    case kDash:
    case kSlash:
    case kPunct:
        return i + 1;
    default:
        return 0; // a backslash, a control byte, ...: not modelled
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
        ByteClass k = kByteClasses.of[static_cast<unsigned char>(s[i])];
        if (k == kSpace) {
            i++;
            continue;
        }
        if (k == kDash && i + 1 < len && s[i + 1] == '-') { // comment to the end of the line
            while (i < len && s[i] != '\n' && s[i] != '\r')
                i++;
            continue;
        }
        if (k == kSlash && i + 1 < len && s[i + 1] == '*') {
            if ((i = skip_block_comment(s, len, i)) == 0)
                return false;
            continue;
        }
        if (k == kSemi) {
            if (depth != 0)
                return false; // CREATE RULE ... DO (a; b) and the like
            if (cur >= 0)
                emit(static_cast<int>(cur), static_cast<int>(i));
            cur = -1;
            i++;
            continue;
        }
        size_t next = skip_token(k, s, len, i, cur >= 0, depth);
        if (next == 0)
            return false;
        if (cur < 0) {
            if (k != kWord) // a statement starts with a word (skip_word checked which)
                return false;
            cur = static_cast<long>(i);
        }
        i = next;
    }
    if (depth != 0)
        return false;
    if (cur >= 0)
        emit(static_cast<int>(cur), static_cast<int>(len));
    return true;
}

} // namespace mig
