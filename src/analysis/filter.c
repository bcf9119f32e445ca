/*
 * filter.c - compiled regular expressions for pprof's filters.
 *
 * PCRE2 compiles them once; matching is unanchored, as Go's
 * regexp.MatchString, and tolerates names that are not valid UTF-8
 * (converted profiles hold such bytes).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <errno.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/filter.h"

struct ppd__regex {
    pcre2_code *code;
    pcre2_match_data *md;
};

/*
 * A label filter (--tagfocus, --tagignore), as pprof reads one: KEY=VALUE
 * or VALUE. VALUE is a number range (N, N:, :N or N:M, each N with an
 * optional unit: 64kb) or comma-separated patterns. Without a key, a
 * range matches any numeric label, and patterns must each match some
 * string label as "key:value"; with one, a range or any pattern
 * matches that key's values.
 */
struct tagf {
    char *key; /* NULL: any key */
    bool numeric;
    bool has_lo, has_hi;
    double lo, hi; /* in the range's unit */
    char unit[24]; /* the range's unit, as pprof names it */
    struct ppd__regex **re;
    size_t nre;
};

struct ppd_filter {
    struct ppd__regex *re[PPD__NFILTERS];
    struct tagf tag[2]; /* --tagfocus, --tagignore */
    bool has_tag[2];
    int64_t min_wait; /* --min-wait, in minutes; 0: none */
};

static const char *const option_names[PPD__NFILTERS] = {
    "--focus", "--ignore", "--hide", "--show", "--show-from"};

/*
 * Units as pprof converts label values: memory and time, each with the
 * unit it falls back to. A unit outside them compares only with the
 * same name, unscaled.
 */
struct unit {
    const char *name;       /* pprof's name */
    const char *aliases[3]; /* lower case, singular */
    double factor;          /* in the kind's smallest unit */
    int kind;               /* 0 memory, 1 time */
};

static const struct unit units[] = {
    {"B", {"b", "byte"}, 1, 0},
    {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0, 0},
    {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0, 0},
    {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0, 0},
    {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0, 0},
    {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0, 0},
    {"ns", {"ns", "nanosecond"}, 1, 1},
    {"us", {"us", "microsecond"}, 1e3, 1},
    {"ms", {"ms", "millisecond"}, 1e6, 1},
    {"s", {"s", "sec", "second"}, 1e9, 1},
    {"hrs", {"hour", "hr"}, 3600e9, 1},
};
static const struct unit *const fallback[2] = {&units[0], &units[9]};

/* The unit named s (any case; a plural s dropped past 2 letters). */
static const struct unit *
unit_find(const char *s, size_t n)
{
    char low[24];
    if (n >= sizeof low)
        return NULL;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tolower((unsigned char)s[i]);
    if (n > 2 && low[n - 1] == 's')
        n--;
    low[n] = '\0';
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        for (size_t k = 0; k < 3 && units[i].aliases[k] != NULL; k++)
            if (strcmp(low, units[i].aliases[k]) == 0)
                return &units[i];
    return NULL;
}

/*
 * v in unit from[0..n), converted to unit to: the value and the name of
 * the unit it ends in (to, when the conversion worked), as pprof's
 * measurement scaling does.
 */
static double
scale_to(int64_t v, const char *from, size_t n, const char *to,
         const char **out)
{
    const struct unit *f = unit_find(from, n);
    if (f == NULL) {
        *out = strcmp(to, "count") == 0 || strcmp(to, "sample") == 0 ||
                       strcmp(to, "unit") == 0 || strcmp(to, "minimum") == 0 ||
                       strcmp(to, "auto") == 0
                   ? ""
                   : to;
        return (double)v;
    }
    const struct unit *t = unit_find(to, strlen(to));
    if (t == NULL || t->kind != f->kind)
        t = fallback[f->kind];
    *out = t->name;
    return (double)v * f->factor / t->factor;
}

/* One bound, [+-]digits[letters], at *p; false when there is none. */
static bool
parse_bound(const char **p, int64_t *v, const char **unit, size_t *ulen)
{
    const char *s = *p, *q = s;
    if (*q == '+' || *q == '-')
        q++;
    if (!isdigit((unsigned char)*q))
        return false;
    errno = 0;
    long long n = strtoll(s, (char **)&q, 10);
    if (errno != 0)
        return false;
    *unit = q;
    while (isalpha((unsigned char)*q))
        q++;
    *ulen = (size_t)(q - *unit);
    *v = n;
    *p = q;
    return true;
}

/* The whole of s as a range; false when it is not one. */
static bool
parse_range(const char *s, struct tagf *t)
{
    const char *p = s, *u1, *u2;
    size_t n1, n2;
    int64_t v1, v2;
    bool open_lo = *p == ':';
    if (open_lo)
        p++;
    if (!parse_bound(&p, &v1, &u1, &n1))
        return false;
    /* The range's unit: a known one by pprof's name, else as written
     * (pprof's scaling of a number into its own unit). */
    char raw[sizeof t->unit];
    if (n1 >= sizeof raw)
        return false;
    memcpy(raw, u1, n1);
    raw[n1] = '\0';
    const char *unit;
    double lo = scale_to(v1, u1, n1, raw, &unit);
    memmove(t->unit, unit, strlen(unit) + 1);
    if (open_lo) {
        if (*p != '\0')
            return false;
        t->hi = lo;
        t->has_hi = true;
    } else if (*p == '\0') {
        t->lo = t->hi = lo;
        t->has_lo = t->has_hi = true;
    } else if (*p == ':' && p[1] == '\0') {
        t->lo = lo;
        t->has_lo = true;
    } else {
        p++;
        if (p[-1] != ':' || !parse_bound(&p, &v2, &u2, &n2) || *p != '\0')
            return false;
        t->hi = scale_to(v2, u2, n2, t->unit, &unit);
        if (strcmp(unit, t->unit) != 0)
            return false;
        t->lo = lo;
        t->has_lo = t->has_hi = true;
    }
    t->numeric = true;
    return true;
}

static enum ppd_status
tag_new(const char *spec, const char *option, struct tagf *t,
        struct ppd_error *err)
{
    const char *value = spec;
    const char *eq = strchr(spec, '=');
    if (eq != NULL) {
        t->key = strndup(spec, (size_t)(eq - spec));
        if (t->key == NULL)
            return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
        value = eq + 1;
    }
    if (parse_range(value, t))
        return PPD_OK;
    char *copy = strdup(value);
    if (copy == NULL)
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    size_t n = 1;
    for (const char *c = copy; *c; c++)
        n += *c == ',';
    t->re = calloc(n, sizeof *t->re);
    if (t->re == NULL) {
        free(copy);
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    }
    enum ppd_status st = PPD_OK;
    char *save = NULL;
    for (char *part = copy; st == PPD_OK && part != NULL; part = save) {
        save = strchr(part, ',');
        if (save != NULL)
            *save++ = '\0';
        st = ppd__regex_new(part, option, &t->re[t->nre], err);
        if (st == PPD_OK)
            t->nre++;
    }
    free(copy);
    return st;
}

static void
tag_free(struct tagf *t)
{
    free(t->key);
    for (size_t i = 0; i < t->nre; i++)
        ppd__regex_free(t->re[i]);
    free(t->re);
}

static bool
str_is(struct ppd_str s, const char *c)
{
    size_t n = strlen(c);
    return s.len == n && (n == 0 || memcmp(s.ptr, c, n) == 0);
}

/* A numeric label in the range's unit; its own unit, else pprof's
 * guess from the key. */
static bool
in_range(const struct tagf *t, const struct ppd_label *l)
{
    struct ppd_str u = l->unit;
    if (u.len == 0)
        u = str_is(l->key, "alignment") || str_is(l->key, "request")
                ? (struct ppd_str){"bytes", 5}
                : l->key;
    const char *got;
    double v = scale_to(l->num, u.ptr, u.len, t->unit, &got);
    return strcmp(got, t->unit) == 0 && (!t->has_lo || v >= t->lo) &&
           (!t->has_hi || v <= t->hi);
}

static bool
key_is(const struct tagf *t, const struct ppd_label *l)
{
    return t->key == NULL || str_is(l->key, t->key);
}

/* "key:value" matched against re, as pprof matches a keyless pattern. */
static bool
match_pair(const struct ppd__regex *re, const struct ppd_label *l)
{
    char buf[512];
    size_t n = l->key.len + 1 + l->str.len;
    char *s = n < sizeof buf ? buf : malloc(n + 1);
    if (s == NULL)
        return false;
    if (l->key.len > 0)
        memcpy(s, l->key.ptr, l->key.len);
    s[l->key.len] = ':';
    if (l->str.len > 0)
        memcpy(s + l->key.len + 1, l->str.ptr, l->str.len);
    bool m = ppd__regex_match(re, (struct ppd_str){s, n});
    if (s != buf)
        free(s);
    return m;
}

static bool
tag_match(const struct tagf *t, const struct ppd_labelset *set)
{
    const struct ppd_label *ls = set ? set->labels : NULL;
    size_t n = set ? set->nlabels : 0;
    if (t->numeric) {
        for (size_t i = 0; i < n; i++)
            if (ls[i].str.len == 0 && key_is(t, &ls[i]) && in_range(t, &ls[i]))
                return true;
        return false;
    }
    if (t->key == NULL) {
        for (size_t r = 0; r < t->nre; r++) {
            bool hit = false;
            for (size_t i = 0; i < n && !hit; i++)
                hit = ls[i].str.len > 0 && match_pair(t->re[r], &ls[i]);
            if (!hit)
                return false;
        }
        return true;
    }
    for (size_t i = 0; i < n; i++)
        if (ls[i].str.len > 0 && key_is(t, &ls[i]))
            for (size_t r = 0; r < t->nre; r++)
                if (ppd__regex_match(t->re[r], ls[i].str))
                    return true;
    return false;
}

bool
ppd__filter_has_tags(const struct ppd_filter *f)
{
    return f != NULL && (f->has_tag[0] || f->has_tag[1] || f->min_wait > 0);
}

/* The numeric label wait_minutes of set, 0 without one. */
static int64_t
wait_of(const struct ppd_labelset *set)
{
    for (uint32_t i = 0; set != NULL && i < set->nlabels; i++) {
        const struct ppd_label *l = &set->labels[i];
        if (l->key.len == 12 && memcmp(l->key.ptr, "wait_minutes", 12) == 0 &&
            l->str.len == 0)
            return l->num;
    }
    return 0;
}

bool
ppd__filter_labels(const struct ppd_filter *f, const struct ppd_labelset *set)
{
    if (f == NULL)
        return true;
    if (f->min_wait > 0 && wait_of(set) < f->min_wait)
        return false;
    if (f->has_tag[0] && !tag_match(&f->tag[0], set))
        return false;
    return !(f->has_tag[1] && tag_match(&f->tag[1], set));
}

enum ppd_status
ppd_filter_new(const struct ppd_filter_options *o, struct ppd_filter **out,
               struct ppd_error *err)
{
    const char *pat[PPD__NFILTERS] = {o->focus, o->ignore, o->hide, o->show,
                                      o->show_from};
    const char *tags[2] = {o->tagfocus, o->tagignore};
    static const char *const tag_names[2] = {"--tagfocus", "--tagignore"};
    *out = NULL;
    bool any = tags[0] != NULL || tags[1] != NULL || o->min_wait_minutes > 0;
    for (int i = 0; i < PPD__NFILTERS; i++)
        any = any || pat[i] != NULL;
    if (!any)
        return PPD_OK;
    struct ppd_filter *f = calloc(1, sizeof *f);
    if (f == NULL)
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    f->min_wait = o->min_wait_minutes;
    enum ppd_status st = PPD_OK;
    for (int i = 0; st == PPD_OK && i < PPD__NFILTERS; i++)
        if (pat[i] != NULL)
            st = ppd__regex_new(pat[i], option_names[i], &f->re[i], err);
    for (int i = 0; st == PPD_OK && i < 2; i++) {
        if (tags[i] == NULL)
            continue;
        f->has_tag[i] = true;
        st = tag_new(tags[i], tag_names[i], &f->tag[i], err);
    }
    if (st != PPD_OK) {
        ppd_filter_free(f);
        return st;
    }
    *out = f;
    return PPD_OK;
}

void
ppd_filter_free(struct ppd_filter *f)
{
    if (f == NULL)
        return;
    for (int i = 0; i < PPD__NFILTERS; i++)
        ppd__regex_free(f->re[i]);
    for (int i = 0; i < 2; i++)
        tag_free(&f->tag[i]);
    free(f);
}

bool
ppd__filter_has(const struct ppd_filter *f, enum ppd__filter_re which)
{
    return f != NULL && f->re[which] != NULL;
}

bool
ppd__filter_match(const struct ppd_filter *f, enum ppd__filter_re which,
                  struct ppd_str s)
{
    if (f == NULL || f->re[which] == NULL)
        return false;
    return ppd__regex_match(f->re[which], s);
}

enum ppd_status
ppd__regex_new(const char *pattern, const char *option,
               struct ppd__regex **out, struct ppd_error *err)
{
    *out = NULL;
    struct ppd__regex *re = calloc(1, sizeof *re);
    if (re == NULL)
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    int code;
    PCRE2_SIZE at;
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                             PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &at,
                             NULL);
    if (re->code == NULL) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        free(re);
        return ppd_error_set(err, PPD_EINVAL, NULL,
                             "invalid %s pattern '%s': %s at offset %zu",
                             option, pattern, (const char *)msg, (size_t)at);
    }
    re->md = pcre2_match_data_create(4, NULL);
    if (re->md == NULL) {
        ppd__regex_free(re);
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    }
    *out = re;
    return PPD_OK;
}

enum ppd_status
ppd_pattern_check(const char *pattern, const char *option,
                  struct ppd_error *err)
{
    struct ppd__regex *re;
    enum ppd_status st = ppd__regex_new(pattern, option, &re, err);
    ppd__regex_free(re);
    return st;
}

bool
ppd__regex_match(const struct ppd__regex *re, struct ppd_str s)
{
    return pcre2_match(re->code, (PCRE2_SPTR)s.ptr, s.len, 0, 0, re->md,
                       NULL) >= 0;
}

void
ppd__regex_free(struct ppd__regex *re)
{
    if (re == NULL)
        return;
    pcre2_code_free(re->code);
    pcre2_match_data_free(re->md);
    free(re);
}
