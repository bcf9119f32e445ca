/*
 * names.c - function names as pprof shows them. Mangled C++ and Rust
 * symbols are demangled by libiberty's demangler (the one binutils and
 * GCC use); the rules around it are pprof's:
 *
 *  - simplified (pprof's default): a function whose name differs from
 *    its system name was named by the profiler and is kept. A mangled C++
 *    symbol loses its parameters, template arguments and clone suffixes;
 *    a Rust one is demangled whole (pprof's demangler keeps Rust's
 *    generic arguments). A name that is not mangled but looks like
 *    demangled C++ (it holds "::" or brackets, and is neither a Java
 *    ".<init>" nor a Go method of a generic type "(*T[...]).M") loses
 *    what sits between matching parentheses, then between matching angle
 *    brackets, as pprof's own heuristic does (mismatched brackets stop
 *    it where they are found).
 *  - full: the system name demangled whole, without clone suffixes.
 *  - raw: nothing changes.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <demangle.h>

#include "model/arena.h"
#include "model/names.h"

#define MAX_MANGLED 16384
/* A demangled name longer than this is given up: substitutions that
 * refer to each other can double the text at every level, so a few
 * hundred mangled bytes could otherwise ask for gigabytes. */
#define MAX_DEMANGLED 65536

static bool
starts(const char *s, size_t n, const char *p)
{
    size_t k = strlen(p);
    return n >= k && memcmp(s, p, k) == 0;
}

static bool
contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return true;
    return false;
}

static bool
looks_like_cpp(const char *s, size_t n)
{
    if (contains(s, n, ".<") || contains(s, n, "]).")) /* Java, Go */
        return false;
    return memchr(s, '<', n) != NULL || memchr(s, '>', n) != NULL ||
           memchr(s, '[', n) != NULL || memchr(s, ']', n) != NULL ||
           contains(s, n, "::");
}

/* The operator tokens whose brackets are not template brackets, longest
 * first. */
static const char *const operators[] = {
    "<<=", ">>=", "<=>", "->*", "<<", ">>", "<=", ">=", "->", "--",
    "-=", "*=", "==", "<", ">", "-", "*", "=",
};

/* The length of "operator" and its symbol at s[i] ("operator<<"); 0
 * when there is none there. */
static size_t
operator_at(const char *s, size_t n, size_t i)
{
    static const char kw[] = "operator";
    size_t k = sizeof kw - 1;
    if (i + k > n || memcmp(s + i, kw, k) != 0 ||
        (i > 0 && (s[i - 1] == '_' || (s[i - 1] >= 'a' && s[i - 1] <= 'z') ||
                   (s[i - 1] >= 'A' && s[i - 1] <= 'Z') ||
                   (s[i - 1] >= '0' && s[i - 1] <= '9'))))
        return 0;
    for (size_t o = 0; o < sizeof operators / sizeof operators[0]; o++) {
        size_t m = strlen(operators[o]);
        if (i + k + m <= n && memcmp(s + i + k, operators[o], m) == 0)
            return k + m;
    }
    return 0;
}

/*
 * Remove every outermost open..close span of s[0..*n) in place, in one
 * pass. A close without an open stops the removal there (what was
 * removed stays removed), and an open never closed is kept, as pprof's
 * heuristic does. With ops, operator names ("operator<") are not
 * brackets, a space between one and its template arguments goes with
 * them, and trailing spaces are trimmed.
 */
static void
remove_matching(char *s, size_t *n, char open, char close, bool ops)
{
    size_t w = 0, depth = 0, first = 0, len = *n;
    for (size_t i = 0; i < len; i++) {
        size_t op = ops && depth == 0 ? operator_at(s, len, i) : 0;
        if (op > 0) {
            memmove(s + w, s + i, op);
            w += op;
            i += op - 1;
            if (i + 2 < len && s[i + 1] == ' ' && s[i + 2] == open)
                i++; /* "operator<< <...>": the space goes too */
            continue;
        }
        if (s[i] == open) {
            if (depth++ == 0)
                first = i;
            continue;
        }
        if (s[i] == close) {
            if (depth == 0) { /* unmatched: the rest stays as it is */
                memmove(s + w, s + i, len - i);
                w += len - i;
                break;
            }
            depth--;
            continue;
        }
        if (depth == 0)
            s[w++] = s[i];
    }
    if (depth > 0) { /* never closed: kept from its outermost open */
        memmove(s + w, s + first, len - first);
        w += len - first;
    }
    if (ops)
        while (w > 0 && s[w - 1] == ' ')
            w--;
    *n = w;
}

/* Drop trailing " [clone .isra.0]" suffixes. */
static void
drop_clones(char *s, size_t *n)
{
    for (;;) {
        if (*n == 0 || s[*n - 1] != ']')
            return;
        size_t i = *n;
        while (i > 0 && s[i - 1] != '[')
            i--;
        if (i < 2 || s[i - 2] != ' ' || !starts(s + i, *n - i, "clone "))
            return;
        *n = i - 2;
        s[*n] = '\0';
    }
}

/* Where a demangler's text goes, up to MAX_DEMANGLED bytes. */
struct sink {
    char *buf;
    size_t len;
    jmp_buf full;
};

static void
sink_put(const char *s, size_t n, void *opaque)
{
    struct sink *k = opaque;
    if (n > MAX_DEMANGLED - k->len)
        longjmp(k->full, 1); /* the demanglers allocate nothing here */
    memcpy(k->buf + k->len, s, n);
    k->len += n;
}

/* The demangled text of z in a new string, or NULL when z is not
 * mangled, its text is too long, or memory ran out. */
static char *
demangle(const char *z, bool rust, int options)
{
    struct sink k;
    k.buf = malloc(MAX_DEMANGLED + 1);
    k.len = 0;
    if (k.buf == NULL)
        return NULL;
    if (setjmp(k.full) != 0) {
        free(k.buf);
        return NULL;
    }
    int ok = rust ? rust_demangle_callback(z, options, sink_put, &k)
                  : cplus_demangle_v3_callback(z, options, sink_put, &k);
    if (!ok || k.len == 0) {
        free(k.buf);
        return NULL;
    }
    k.buf[k.len] = '\0';
    char *d = realloc(k.buf, k.len + 1);
    return d != NULL ? d : k.buf;
}

char *
ppd__names_demangle(const char *s, size_t n, enum ppd_names mode)
{
    /* Real symbols run to a few KiB; longer ones are left alone. */
    if (mode == PPD_NAMES_RAW || n < 3 || n > MAX_MANGLED || s[0] != '_' ||
        (s[1] != 'Z' && s[1] != 'R') || memchr(s, '\0', n) != NULL)
        return NULL;
    char *z = malloc(n + 1);
    if (z == NULL)
        return NULL;
    memcpy(z, s, n);
    z[n] = '\0';
    /* Rust: v0 symbols (_R), and old ones (_ZN...17h<hash>E), which the
     * Rust demangler tells from C++. */
    bool rust = false;
    char *d = NULL;
    if (starts(z, n, "_R") || starts(z, n, "_ZN")) {
        d = demangle(z, true, DMGL_NO_OPTS);
        rust = d != NULL;
    }
    if (d == NULL && starts(z, n, "_Z"))
        d = demangle(z, false,
                     mode == PPD_NAMES_FULL ? DMGL_PARAMS | DMGL_ANSI
                                            : DMGL_NO_OPTS);
    free(z);
    if (d == NULL)
        return NULL;
    size_t len = strlen(d);
    if (!rust && mode == PPD_NAMES_SIMPLIFIED)
        remove_matching(d, &len, '<', '>', true);
    d[len] = '\0';
    drop_clones(d, &len);
    return d;
}

static bool
same(struct ppd_str a, struct ppd_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* The simplified name of src (a system name, or a name equal to it): a
 * new arena string, or src's own bytes. false when out of memory. */
static bool
simplified(struct ppd_arena *arena, struct ppd_str src, struct ppd_str *out)
{
    *out = src;
    char *d = ppd__names_demangle(src.ptr, src.len, PPD_NAMES_SIMPLIFIED);
    if (d != NULL) {
        size_t len = strlen(d);
        char *c = ppd__arena_strndup(arena, d, len);
        free(d);
        if (c == NULL)
            return false;
        *out = (struct ppd_str){c, len};
        return true;
    }
    if (!looks_like_cpp(src.ptr, src.len))
        return true;
    char *c = ppd__arena_strndup(arena, src.ptr, src.len);
    if (c == NULL)
        return false;
    size_t len = src.len;
    remove_matching(c, &len, '(', ')', false);
    remove_matching(c, &len, '<', '>', false);
    c[len] = '\0';
    *out = (struct ppd_str){c, len};
    return true;
}

enum ppd_status
ppd__names_apply(struct ppd_profile *p, enum ppd_names mode,
                 struct ppd_error *err)
{
    if (mode == PPD_NAMES_RAW)
        return PPD_OK;
    for (size_t i = 0; i < p->nfunctions; i++) {
        struct ppd_function *f = &p->functions[i];
        struct ppd_str sys = f->system_name;
        if (mode == PPD_NAMES_FULL) {
            if (sys.len == 0)
                continue;
            char *d = ppd__names_demangle(sys.ptr, sys.len, PPD_NAMES_FULL);
            if (d == NULL) {
                f->name = sys;
                continue;
            }
            size_t len = strlen(d);
            char *c = ppd__arena_strndup(p->arena, d, len);
            free(d);
            if (c == NULL)
                return ppd_error_set(err, PPD_ENOMEM, p->name,
                                     "out of memory");
            f->name = (struct ppd_str){c, len};
            continue;
        }
        /* Named by the profiler: kept. */
        if (f->name.len > 0 && !same(f->name, sys))
            continue;
        struct ppd_str src = f->name.len > 0 ? f->name : sys;
        if (src.len == 0)
            continue;
        if (!simplified(p->arena, src, &f->name))
            return ppd_error_set(err, PPD_ENOMEM, p->name, "out of memory");
    }
    return PPD_OK;
}
