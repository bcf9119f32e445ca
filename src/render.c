/*
 * render.c - text and TSV output of a diff.
 *
 * Every row is one line with the whole stack on it, so `grep` finds a
 * stack by any frame. The human format puts the culprit (the first frame
 * that is not runtime code) in its own column before the stack; the TSV
 * format keeps raw integers and folded stacks (root first, ';'-joined).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pprofdiff/render.h"

char *
ppd_render_value(char *buf, size_t n, int64_t v, const char *unit, bool sign)
{
    const char *sg = v < 0 ? "-" : (sign && v > 0 ? "+" : "");
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (strcmp(unit, "bytes") == 0) {
        static const char *const suf[] = {"B", "KiB", "MiB", "GiB", "TiB",
                                          "PiB", "EiB"};
        double x = (double)a;
        size_t i = 0;
        while (x >= 1024 && i + 1 < sizeof suf / sizeof suf[0]) {
            x /= 1024;
            i++;
        }
        if (i == 0)
            snprintf(buf, n, "%s%" PRIu64 "B", sg, a);
        else
            snprintf(buf, n, "%s%.*f%s", sg, x < 10 ? 2 : 1, x, suf[i]);
        return buf;
    }
    if (strcmp(unit, "nanoseconds") == 0) {
        double x = (double)a;
        const char *s = "ns";
        if (x >= 1e9) {
            x /= 1e9;
            s = "s";
        } else if (x >= 1e6) {
            x /= 1e6;
            s = "ms";
        } else if (x >= 1e3) {
            x /= 1e3;
            s = "µs";
        }
        if (strcmp(s, "ns") == 0)
            snprintf(buf, n, "%s%" PRIu64 "ns", sg, a);
        else
            snprintf(buf, n, "%s%.*f%s", sg, x < 10 ? 2 : 1, x, s);
        return buf;
    }
    snprintf(buf, n, "%s%" PRIu64, sg, a);
    return buf;
}

char *
ppd_render_duration(char *buf, size_t n, int64_t ns)
{
    const char *sg = ns < 0 ? "-" : "";
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t s = a / 1000000000u;
    if (s < 60)
        snprintf(buf, n, "%s%.1fs", sg, (double)a / 1e9);
    else if (s < 3600)
        snprintf(buf, n, "%s%" PRIu64 "m%" PRIu64 "s", sg, s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, n, "%s%" PRIu64 "h%" PRIu64 "m", sg, s / 3600,
                 s / 60 % 60);
    else
        snprintf(buf, n, "%s%" PRIu64 "d%" PRIu64 "h", sg, s / 86400,
                 s / 3600 % 24);
    return buf;
}

static void
growth_text(char *buf, size_t n, int64_t base, int64_t cur)
{
    if (base == 0 || cur == base) {
        snprintf(buf, n, cur == base ? "0%%" : "new");
        return;
    }
    double pct = ((double)cur - (double)base) * 100.0 / fabs((double)base);
    if (fabs(pct) >= 100)
        snprintf(buf, n, "%+.0f%%", pct);
    else
        snprintf(buf, n, "%+.1f%%", pct);
}

static void
time_text(char *buf, size_t n, int64_t ns)
{
    if (ns == 0) {
        snprintf(buf, n, "(no time)");
        return;
    }
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(buf, n, "%" PRId64, ns);
}

/* Print text with tabs and newlines turned into spaces. */
/* Reusable frame buffer for the rows being printed. */
struct scratch {
    uint32_t *frames;
    size_t cap;
};

static void
put_clean(FILE *out, const char *s)
{
    if (strpbrk(s, "\t\n\r") == NULL) {
        fputs(s, out);
        return;
    }
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

/* The row's frames, leaf first, in buf (grown as needed). */
static size_t
frames_of(const struct ppd_diff *d, const struct ppd_diff_row *r,
          uint32_t **buf, size_t *cap)
{
    size_t n = ppd_diff_row_frames(d, r, *buf, *cap);
    if (n > *cap) {
        uint32_t *nb = realloc(*buf, n * sizeof *nb);
        if (nb == NULL)
            return 0;
        *buf = nb;
        *cap = n;
        n = ppd_diff_row_frames(d, r, *buf, *cap);
    }
    return n;
}

static void
put_stack(FILE *out, const struct ppd_diff *d, const struct ppd_diff_row *r,
          struct scratch *sc, bool folded)
{
    size_t n = frames_of(d, r, &sc->frames, &sc->cap);
    if (n == 0) {
        fputs("(no stack)", out);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            fputs(folded ? ";" : " < ", out);
        put_clean(out, d->frames[sc->frames[folded ? n - 1 - k : k]]);
    }
}

static const char *
culprit_of(const struct ppd_diff *d, const struct ppd_diff_row *r)
{
    return r->culprit != PPD_NO_FRAME ? d->frames[r->culprit] : "(no stack)";
}

static size_t
section_start(const struct ppd_diff *d, enum ppd_diff_section s)
{
    size_t at = 0;
    for (int i = 0; i < (int)s; i++)
        at += d->nsection[i];
    return at;
}

static size_t
shown(const struct ppd_diff *d, enum ppd_diff_section s, size_t top)
{
    size_t n = d->nsection[s];
    return top != 0 && n > top ? top : n;
}

static void
render_tsv(FILE *out, const struct ppd_diff *d,
           const struct ppd_render_options *o, struct scratch *sc)
{
    bool single = d->nprofiles == 1;
    if (single)
        fputs("value\tstack\tculprit\n", out);
    else
        fputs("delta\tbase\tcur\tstack\tculprit\tgrowth\n", out);
    for (int s = PPD_GROWING; s <= PPD_SHRINKING; s++) {
        if (s == PPD_SHRINKING && o->hide_shrinking)
            continue;
        size_t at = section_start(d, (enum ppd_diff_section)s);
        size_t n = shown(d, (enum ppd_diff_section)s, o->top);
        for (size_t i = 0; i < n; i++) {
            const struct ppd_diff_row *r = &d->rows[at + i];
            if (single) {
                fprintf(out, "%" PRId64 "\t", r->values[0]);
            } else {
                fprintf(out, "%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t",
                        r->delta, r->values[0], r->values[d->nprofiles - 1]);
            }
            put_stack(out, d, r, sc, true);
            fputc('\t', out);
            put_clean(out, culprit_of(d, r));
            if (!single) {
                char g[32];
                growth_text(g, sizeof g, r->values[0],
                            r->values[d->nprofiles - 1]);
                fprintf(out, "\t%s", g);
            }
            fputc('\n', out);
        }
    }
}

struct widths {
    int rank, delta, base, cur, growth, culprit;
};

#define MAXCELL 64

static void
row_cells(const struct ppd_diff *d, const struct ppd_diff_row *r,
          char delta[MAXCELL], char base[MAXCELL], char cur[MAXCELL],
          char growth[MAXCELL])
{
    const char *unit = d->sample_type.unit;
    size_t last = d->nprofiles - 1;
    if (d->nprofiles == 1) {
        ppd_render_value(delta, MAXCELL, r->values[0], unit, false);
        int64_t t = d->totals[0];
        if (t != 0)
            snprintf(growth, MAXCELL, "%.1f%%",
                     (double)r->values[0] * 100.0 / (double)t);
        else
            snprintf(growth, MAXCELL, "-");
        base[0] = cur[0] = '\0';
        return;
    }
    ppd_render_value(delta, MAXCELL, r->delta, unit, true);
    ppd_render_value(base, MAXCELL, r->values[0], unit, false);
    ppd_render_value(cur, MAXCELL, r->values[last], unit, false);
    growth_text(growth, MAXCELL, r->values[0], r->values[last]);
}

static int
imax(int a, int b)
{
    return a > b ? a : b;
}

/* Display width of a UTF-8 string (counts code points). */
static int
utf8_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

static void
pad_right(FILE *out, const char *s, int w)
{
    int n = utf8_width(s);
    for (int i = n; i < w; i++)
        fputc(' ', out);
    fputs(s, out);
}

static void
pad_left(FILE *out, const char *s, int w)
{
    int n = utf8_width(s);
    fputs(s, out);
    for (int i = n; i < w; i++)
        fputc(' ', out);
}

static void
render_section(FILE *out, const struct ppd_diff *d,
               const struct ppd_render_options *o, enum ppd_diff_section s,
               const char *title, struct scratch *sc)
{
    static const char *const sname[] = {"growing", "unchanged", "shrinking"};
    size_t at = section_start(d, s);
    size_t n = shown(d, s, o->top);
    size_t total = d->nsection[s];
    bool single = d->nprofiles == 1;
    if (total == 0)
        return;
    struct widths w = {4, 5, 4, 3, 6, 7};
    if (single) {
        w.delta = 5;
        w.growth = 5;
    }
    char c1[MAXCELL], c2[MAXCELL], c3[MAXCELL], c4[MAXCELL];
    for (size_t i = 0; i < n; i++) {
        const struct ppd_diff_row *r = &d->rows[at + i];
        row_cells(d, r, c1, c2, c3, c4);
        char rank[24];
        snprintf(rank, sizeof rank, "%zu", i + 1);
        w.rank = imax(w.rank, utf8_width(rank));
        w.delta = imax(w.delta, utf8_width(c1));
        w.base = imax(w.base, utf8_width(c2));
        w.cur = imax(w.cur, utf8_width(c3));
        w.growth = imax(w.growth, utf8_width(c4));
        int cw = utf8_width(culprit_of(d, r));
        w.culprit = imax(w.culprit, cw > 60 ? 60 : cw);
    }
    fprintf(out, "\n%s (%zu stack%s)\n", title, total, total == 1 ? "" : "s");
    pad_right(out, "rank", w.rank);
    fputs("  ", out);
    if (single) {
        pad_right(out, "value", w.delta);
        fputs("  ", out);
        pad_right(out, "share", w.growth);
    } else {
        pad_right(out, "delta", w.delta);
        fputs("  ", out);
        pad_right(out, "base", w.base);
        fputs("  ", out);
        pad_right(out, "cur", w.cur);
        fputs("  ", out);
        pad_right(out, "growth", w.growth);
    }
    fputs("  ", out);
    pad_left(out, "culprit", w.culprit);
    fputs("  stack (leaf < ... < root)\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct ppd_diff_row *r = &d->rows[at + i];
        row_cells(d, r, c1, c2, c3, c4);
        char rank[24];
        snprintf(rank, sizeof rank, "%zu", i + 1);
        pad_right(out, rank, w.rank);
        fputs("  ", out);
        pad_right(out, c1, w.delta);
        fputs("  ", out);
        if (!single) {
            pad_right(out, c2, w.base);
            fputs("  ", out);
            pad_right(out, c3, w.cur);
            fputs("  ", out);
        }
        pad_right(out, c4, w.growth);
        fputs("  ", out);
        pad_left(out, culprit_of(d, r), w.culprit);
        fputs("  ", out);
        put_stack(out, d, r, sc, false);
        fputc('\n', out);
    }
    if (n < total)
        fprintf(out, "... %zu more %s%sstack%s (-n 0 shows all)\n",
                total - n, single ? "" : sname[s], single ? "" : " ",
                total - n == 1 ? "" : "s");
}

/*
 * cur - base in *out, false when that does not fit in int64 (or its
 * negation would not: the caller prints -span for an earlier cur).
 */
static bool
span_of(int64_t base, int64_t cur, int64_t *out)
{
    if ((base < 0 && cur > INT64_MAX + base) ||
        (base > 0 && cur < INT64_MIN + base + 1))
        return false;
    *out = cur - base;
    return true;
}

static void
render_text(FILE *out, const struct ppd_diff *d,
            const struct ppd_render_options *o, struct scratch *sc)
{
    const struct ppd_profile *cur = d->profiles[d->nprofiles - 1];
    const char *unit = d->sample_type.unit;
    char t[64], v1[MAXCELL], v2[MAXCELL], v3[MAXCELL];
    fprintf(out, "profile: %s   sample: %s (%s)\n", ppd_profile_kind(cur),
            d->sample_type.type, unit);
    if (d->nprofiles == 1) {
        time_text(t, sizeof t, cur->time_nanos);
        fprintf(out, "input:   %s   %s\n", cur->name, t);
        ppd_render_value(v1, sizeof v1, d->totals[0], unit, false);
        fprintf(out, "total:   %s in %zu stacks\n", v1, d->nrows);
        render_section(out, d, o, PPD_GROWING, "top stacks", sc);
        /* Negative values (a profile written as a difference) too. */
        render_section(out, d, o, PPD_SHRINKING, "negative values", sc);
        return;
    }
    const struct ppd_profile *base = d->profiles[0];
    time_text(t, sizeof t, base->time_nanos);
    fprintf(out, "base:    %s   %s\n", base->name, t);
    time_text(t, sizeof t, cur->time_nanos);
    fprintf(out, "cur:     %s   %s", cur->name, t);
    int64_t span = 0;
    if (base->time_nanos != 0 && cur->time_nanos != 0 &&
        span_of(base->time_nanos, cur->time_nanos, &span)) {
        char sp[32];
        if (span >= 0) {
            ppd_render_duration(sp, sizeof sp, span);
            fprintf(out, "   (+%s later)", sp);
        } else {
            /* Swapped arguments are a common slip: say so plainly. */
            ppd_render_duration(sp, sizeof sp, -span);
            fprintf(out, "   (%s EARLIER than base: arguments swapped?)", sp);
        }
    }
    fputc('\n', out);
    int64_t tb = d->totals[0], tc = d->totals[d->nprofiles - 1];
    ppd_render_value(v1, sizeof v1, d->total_delta, unit, true);
    ppd_render_value(v2, sizeof v2, tb, unit, false);
    ppd_render_value(v3, sizeof v3, tc, unit, false);
    char g[32];
    growth_text(g, sizeof g, tb, tc);
    fprintf(out, "total:   %s (%s -> %s, %s)", v1, v2, v3, g);
    double per_h = span > 0 ? (double)d->total_delta * 3.6e12 / (double)span
                            : 0;
    if (span > 0 && fabs(per_h) < 9.2e18) {
        char r[MAXCELL];
        ppd_render_value(r, sizeof r, (int64_t)llround(per_h), unit, true);
        fprintf(out, "   rate %s/h", r);
    }
    fputc('\n', out);
    fprintf(out, "stacks:  %zu growing, %zu shrinking, %zu unchanged\n",
            d->nsection[PPD_GROWING], d->nsection[PPD_SHRINKING],
            d->nunchanged);
    render_section(out, d, o, PPD_GROWING, "growing", sc);
    if (!o->hide_shrinking)
        render_section(out, d, o, PPD_SHRINKING, "shrinking", sc);
    if (o->show_unchanged)
        render_section(out, d, o, PPD_UNCHANGED, "unchanged", sc);
}

enum ppd_status
ppd_render(FILE *out, const struct ppd_diff *d,
           const struct ppd_render_options *opt, struct ppd_error *err)
{
    struct ppd_render_options o = {0};
    if (opt != NULL)
        o = *opt;
    struct scratch sc = {0};
    if (o.format == PPD_FORMAT_TSV)
        render_tsv(out, d, &o, &sc);
    else
        render_text(out, d, &o, &sc);
    free(sc.frames);
    if (fflush(out) != 0 || ferror(out))
        return ppd_error_set(err, PPD_EIO, "<stdout>", "write error");
    return PPD_OK;
}
