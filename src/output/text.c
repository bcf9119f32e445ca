/*
 * text.c - the output people read: a header with both capture times, the
 * totals and the rate, then one aligned line per stack with its culprit
 * (the first frame that is not runtime code) before the whole stack, so
 * that grep finds a stack by any frame.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

struct widths {
    int rank, delta, base, cur, growth, survived, culprit;
};

#define MAXCELL 64

static void
row_cells(const struct ppd_diff *d, const struct ppd_diff_row *r,
          char delta[MAXCELL], char base[MAXCELL], char cur[MAXCELL],
          char growth[MAXCELL])
{
    const char *unit = d->sample_type.unit;
    size_t last = d->ncolumns - 1;
    if (d->ncolumns == 1) {
        ppd_render_value(delta, MAXCELL, r->values[0], unit, false);
        /* A share of pprof's total, as its flat% column. */
        int64_t t = ppd_accum_column(d->accum, 0)->abs_total;
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
    ppd__growth_text(growth, MAXCELL, r->values[0], r->values[last]);
}

static int
imax(int a, int b)
{
    return a > b ? a : b;
}

static void
pad_right(FILE *out, const char *s, int w)
{
    int n = ppd__utf8_width(s);
    for (int i = n; i < w; i++)
        fputc(' ', out);
    fputs(s, out);
}

static void
pad_left(FILE *out, const char *s, int w)
{
    int n = ppd__utf8_width(s);
    fputs(s, out);
    for (int i = n; i < w; i++)
        fputc(' ', out);
}

/* Colours (ANSI SGR): growth red, shrinking green, names bold. */
#define HUE_UP "31"
#define HUE_DOWN "32"
#define HUE_BOLD "1"

static const char *
hue_of(int64_t delta)
{
    return delta > 0 ? HUE_UP : delta < 0 ? HUE_DOWN : NULL;
}

/* pad_right, in colour hue (NULL: none) when color is set. */
static void
put_cell(FILE *out, const char *s, int w, const char *hue, bool color)
{
    if (hue == NULL || !color) {
        pad_right(out, s, w);
        return;
    }
    fprintf(out, "\033[%sm", hue);
    pad_right(out, s, w);
    fputs("\033[0m", out);
}

/* Print the frames of f, leaf first, joined by " < ". */
static void
put_stack(FILE *out, const struct ppd_diff *d, const struct ppd__frames *f)
{
    if (f->n == 0) {
        fputs("(no stack)", out);
        return;
    }
    for (size_t k = 0; k < f->n; k++) {
        if (k > 0)
            fputs(" < ", out);
        ppd__put_name(out, ppd__frame_name(d, f->v[k]));
    }
}

static void
pad_name(FILE *out, struct ppd_str s, int w)
{
    ppd__put_name(out, s);
    for (int i = ppd__name_width(s); i < w; i++)
        fputc(' ', out);
}

/* A matching signature's hint, under the row (wrapped to width). */
static void
put_hint(FILE *out, const char *hint, int indent, int width)
{
    if (hint != NULL)
        ppd__wrap_text(out, "hint: ", hint, indent, width);
}

/* The index of frame id among f's, 0 when absent. */
static size_t
index_of(const struct ppd__frames *f, uint32_t id)
{
    for (size_t k = 0; k < f->n; k++)
        if (f->v[k] == id)
            return k;
    return 0;
}

static bool
render_section(FILE *out, const struct ppd_diff *d,
               const struct ppd_render_options *o, enum ppd_diff_section s,
               const char *title, struct ppd__frames *f)
{
    static const char *const sname[] = {"growing", "unchanged", "shrinking"};
    size_t at = ppd_diff_section_start(d, s);
    size_t n = ppd__shown(d, s, o->top);
    size_t total = d->nsection[s];
    bool single = d->ncolumns == 1;
    if (total == 0)
        return true;
    struct widths w = {4, 5, 4, 3, 6, 8, 7};
    /* Goroutine dumps on both sides: how many of cur's goroutines were
     * there in base, on the same stack. */
    bool ids = !single && ppd_accum_has_survivors(d->accum);
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
        w.rank = imax(w.rank, ppd__utf8_width(rank));
        w.delta = imax(w.delta, ppd__utf8_width(c1));
        w.base = imax(w.base, ppd__utf8_width(c2));
        w.cur = imax(w.cur, ppd__utf8_width(c3));
        w.growth = imax(w.growth, ppd__utf8_width(c4));
        int cw = ppd__name_width(ppd__culprit(d, r));
        w.culprit = imax(w.culprit, cw > 60 ? 60 : cw);
    }
    /* On a terminal, inline: no culprit column, the stack from the
     * culprit rootward in what the other columns leave. With stacks as
     * lines: the culprit in what is left. */
    int wculprit = w.culprit, wstack = 0;
    bool fitted = o->width > 0 && !o->stack_lines;
    if (o->width > 0) {
        int fixed = w.rank + 2 + w.delta + 2 + w.growth + 2 +
                    (single ? 0 : w.base + 2 + w.cur + 2) +
                    (ids ? w.survived + 2 : 0);
        int left = o->width - fixed;
        if (left < 12)
            left = 12;
        wculprit = wculprit > left ? left : wculprit;
        wstack = left;
    }
    fputc('\n', out);
    if (o->color)
        fputs("\033[" HUE_BOLD "m", out);
    fprintf(out, "%s (%zu stack%s)", title, total, total == 1 ? "" : "s");
    fputs(o->color ? "\033[0m\n" : "\n", out);
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
        if (ids) {
            fputs("  ", out);
            pad_right(out, "survived", w.survived);
        }
    }
    fputs("  ", out);
    if (o->stack_lines) {
        fputs("culprit\n", out);
    } else if (fitted) {
        fputs(wstack >= 26 ? "stack (leaf < ... < root)\n" : "stack\n",
              out);
    } else {
        pad_left(out, "culprit", wculprit);
        fputs("  stack (leaf < ... < root)\n", out);
    }
    for (size_t i = 0; i < n; i++) {
        const struct ppd_diff_row *r = &d->rows[at + i];
        row_cells(d, r, c1, c2, c3, c4);
        char rank[24];
        snprintf(rank, sizeof rank, "%zu", i + 1);
        const char *hue = single ? NULL : hue_of(r->delta);
        pad_right(out, rank, w.rank);
        fputs("  ", out);
        put_cell(out, c1, w.delta, hue, o->color);
        fputs("  ", out);
        if (!single) {
            pad_right(out, c2, w.base);
            fputs("  ", out);
            pad_right(out, c3, w.cur);
            fputs("  ", out);
        }
        put_cell(out, c4, w.growth, hue, o->color);
        if (ids) {
            char sv[24];
            snprintf(sv, sizeof sv, "%" PRId64,
                     ppd_accum_survivors(d->accum, r->stack));
            fputs("  ", out);
            pad_right(out, sv, w.survived);
        }
        fputs("  ", out);
        if (!ppd__row_frames(d, r, f))
            return false;
        size_t ci = index_of(f, r->culprit);
        if (fitted) {
            ppd__fit_stack(out, d->accum, f->v, f->n, ci, wstack);
            fputc('\n', out);
        } else {
            if (o->color)
                fputs("\033[" HUE_BOLD "m", out);
            if (o->width > 0)
                ppd__fit_name(out, ppd__culprit(d, r), wculprit);
            else if (o->stack_lines)
                ppd__put_name(out, ppd__culprit(d, r));
            else
                pad_name(out, ppd__culprit(d, r), w.culprit);
            if (o->color)
                fputs("\033[0m", out);
            if (o->stack_lines) {
                fputc('\n', out);
                ppd__stack_lines(out, d->accum, f->v, f->n, ci, w.rank + 2,
                                 o->width, o->color);
            } else {
                fputs("  ", out);
                put_stack(out, d, f);
                fputc('\n', out);
            }
        }
        put_hint(out, ppd__diff_hint(d, r, f, o), w.rank + 2, o->width);
    }
    if (n < total)
        fprintf(out, "... %zu more %s%sstack%s (-n 0 shows all)\n",
                total - n, single ? "" : sname[s], single ? "" : " ",
                total - n == 1 ? "" : "s");
    return true;
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

/*
 * The header: kind and sample type, then the input with its total, or
 * both inputs with their times, the span, the total change and the
 * rate. what names the entries counted ("stacks", "functions", ...).
 */
/*
 * "LABEL NAME   REST": on a terminal (width > 0) the name cut to what
 * the label and the rest leave.
 */
static void
put_named(FILE *out, const char *label, const char *name, const char *rest,
          int width)
{
    fputs(label, out);
    int room = width - ppd__utf8_width(label) - ppd__utf8_width(rest);
    if (width > 0)
        ppd__fit_name(out, (struct ppd_str){name, strlen(name)},
                      room > 12 ? room : 12);
    else
        fputs(name, out);
    fputs(rest, out);
}

static void
put_header(FILE *out, const struct ppd_accum *a, const char *what,
           size_t nentries, int width)
{
    size_t ncols = ppd_accum_ncolumns(a);
    const struct ppd_value_type *type = ppd_accum_type(a);
    const struct ppd_column *cur = ppd_accum_column(a, ncols - 1);
    const char *unit = type->unit;
    char t[64], v1[MAXCELL], v2[MAXCELL], v3[MAXCELL];
    fprintf(out, "profile: %s   sample: %s (%s)\n", cur->kind, type->type,
            unit);
    if (ncols == 1) {
        char rest[96];
        ppd__time_text(t, sizeof t, cur->time_nanos);
        snprintf(rest, sizeof rest, "   %s\n", t);
        put_named(out, "input:   ", cur->name, rest, width);
        /* pprof's total is the sum of absolute values: a profile saved
         * as a difference holds negative ones, and says its net too. */
        ppd_render_value(v1, sizeof v1, cur->abs_total, unit, false);
        fprintf(out, "total:   %s in %zu %s", v1, nentries, what);
        if (cur->abs_total != cur->total) {
            ppd_render_value(v2, sizeof v2, cur->total, unit, true);
            fprintf(out, "   (net %s: it holds negative values)", v2);
        }
        fputc('\n', out);
        return;
    }
    const struct ppd_column *base = ppd_accum_column(a, 0);
    char rest[160];
    ppd__time_text(t, sizeof t, base->time_nanos);
    snprintf(rest, sizeof rest, "   %s\n", t);
    put_named(out, "base:    ", base->name, rest, width);
    ppd__time_text(t, sizeof t, cur->time_nanos);
    int k = snprintf(rest, sizeof rest, "   %s", t);
    int64_t span = 0;
    if (base->time_nanos != 0 && cur->time_nanos != 0 &&
        span_of(base->time_nanos, cur->time_nanos, &span)) {
        char sp[32];
        if (span >= 0) {
            ppd_render_duration(sp, sizeof sp, span);
            snprintf(rest + k, sizeof rest - (size_t)k, "   (+%s later)", sp);
        } else {
            /* Swapped arguments are a common slip: say so plainly. */
            ppd_render_duration(sp, sizeof sp, -span);
            snprintf(rest + k, sizeof rest - (size_t)k,
                     "   (%s EARLIER than base: arguments swapped?)", sp);
        }
    }
    strncat(rest, "\n", sizeof rest - strlen(rest) - 1);
    put_named(out, "cur:     ", cur->name, rest, width);
    int64_t tb = base->total, tc = cur->total;
    int64_t delta = (int64_t)((uint64_t)tc - (uint64_t)tb);
    ppd_render_value(v1, sizeof v1, delta, unit, true);
    ppd_render_value(v2, sizeof v2, tb, unit, false);
    ppd_render_value(v3, sizeof v3, tc, unit, false);
    char g[32];
    ppd__growth_text(g, sizeof g, tb, tc);
    fprintf(out, "total:   %s (%s -> %s, %s)", v1, v2, v3, g);
    double per_h = span > 0 ? (double)delta * 3.6e12 / (double)span : 0;
    if (span > 0 && fabs(per_h) < 9.2e18) {
        char r[MAXCELL];
        ppd_render_value(r, sizeof r, (int64_t)llround(per_h), unit, true);
        fprintf(out, "   rate %s/h", r);
    }
    fputc('\n', out);
}

/*
 * With filters, the totals above are the profiles' (as pprof's): say
 * what the rows below add up to.
 */
static void
put_kept(FILE *out, const struct ppd_accum *a)
{
    if (!ppd_accum_filtered(a))
        return;
    size_t ncols = ppd_accum_ncolumns(a);
    uint64_t tb = 0, tc = 0;
    for (size_t s = 0; s < ppd_accum_nstacks(a); s++) {
        const int64_t *v = ppd_accum_values(a, s);
        tb += (uint64_t)v[0];
        tc += (uint64_t)v[ncols - 1];
    }
    const char *unit = ppd_accum_type(a)->unit;
    char v1[MAXCELL], v2[MAXCELL], v3[MAXCELL];
    if (ncols == 1) {
        ppd_render_value(v1, sizeof v1, (int64_t)tc, unit, false);
        fprintf(out, "kept:    %s by the filters\n", v1);
        return;
    }
    ppd_render_value(v1, sizeof v1, (int64_t)(tc - tb), unit, true);
    ppd_render_value(v2, sizeof v2, (int64_t)tb, unit, false);
    ppd_render_value(v3, sizeof v3, (int64_t)tc, unit, false);
    fprintf(out, "kept:    %s (%s -> %s) by the filters\n", v1, v2, v3);
}

/* How many rows a noise floor (or --drop-negative) left out. */
static void
put_floor(FILE *out, const struct ppd_accum *a, size_t n, uint64_t floor,
          const char *what)
{
    if (n == 0)
        return;
    if (floor == 0) {
        fprintf(out, "dropped: %zu %s with negative changes\n", n, what);
        return;
    }
    char v[MAXCELL];
    ppd_render_value(v, sizeof v,
                     floor > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)floor,
                     ppd_accum_type(a)->unit, false);
    fprintf(out, "floor:   %zu %s changed by less than %s, not listed\n", n,
            what, v);
}

bool
ppd__render_text(FILE *out, const struct ppd_diff *d,
                 const struct ppd_render_options *o, struct ppd__frames *sc)
{
    if (d->ncolumns == 1) {
        put_header(out, d->accum, "stacks",
                   d->nsection[PPD_GROWING] + d->nsection[PPD_SHRINKING],
                   o->width);
        put_kept(out, d->accum);
        /* Negative values (a profile written as a difference) too. */
        return render_section(out, d, o, PPD_GROWING, "top stacks", sc) &&
               render_section(out, d, o, PPD_SHRINKING, "negative values",
                              sc);
    }
    put_header(out, d->accum, NULL, 0, o->width);
    put_kept(out, d->accum);
    fprintf(out, "stacks:  %zu growing, %zu shrinking, %zu unchanged\n",
            d->nsection[PPD_GROWING], d->nsection[PPD_SHRINKING],
            d->nunchanged);
    put_floor(out, d->accum, d->nfloor, d->min_change, "stacks");
    ppd__put_memory_text(out, d->accum);
    return render_section(out, d, o, PPD_GROWING, "growing", sc) &&
           (o->hide_shrinking ||
            render_section(out, d, o, PPD_SHRINKING, "shrinking", sc)) &&
           (!o->show_unchanged ||
            render_section(out, d, o, PPD_UNCHANGED, "unchanged", sc));
}

/* The entries of a grain, for headers. */
static const char *
entries_of(enum ppd_grain g)
{
    return g == PPD_GRAIN_LINE ? "lines"
           : g == PPD_GRAIN_FILE ? "files"
                                 : "functions";
}

/*
 * One line of a view: a row (rank > 0), or a call into (<-) or out of
 * (->) the row above or below, whose change and current value go in the
 * cum columns. With w NULL, only widen widths.
 */
static void
put_view_line(FILE *out, const struct ppd_view *v, size_t rank,
              const struct ppd_view_row *r, const struct ppd_view_edge *e,
              bool into, int *w, bool color, int width)
{
    const struct ppd_accum *a = v->accum;
    const char *unit = ppd_accum_type(a)->unit;
    bool single = v->ncolumns == 1;
    size_t last = v->ncolumns - 1;
    char cell[5][MAXCELL] = {"", "", "", "", ""};
    if (r != NULL) {
        snprintf(cell[0], MAXCELL, "%zu", rank);
        ppd_render_value(cell[1], MAXCELL, r->flat_delta, unit, !single);
        ppd_render_value(cell[2], MAXCELL, r->cum_delta, unit, !single);
        ppd_render_value(cell[3], MAXCELL, r->flat[last], unit, false);
        ppd_render_value(cell[4], MAXCELL, r->cum[last], unit, false);
    } else {
        ppd_render_value(cell[2], MAXCELL, e->delta, unit, !single);
        ppd_render_value(cell[4], MAXCELL, e->values[last], unit, false);
    }
    int ncell = single ? 3 : 5;
    if (out == NULL) {
        for (int c = 0; c < ncell; c++)
            w[c] = imax(w[c], ppd__utf8_width(cell[c]));
        return;
    }
    int used = 0;
    for (int c = 0; c < ncell; c++) {
        const char *hue = NULL;
        if (!single && (c == 1 || c == 2))
            hue = hue_of(r == NULL  ? e->delta
                         : c == 1   ? r->flat_delta
                                    : r->cum_delta);
        put_cell(out, cell[c], w[c], hue, color);
        fputs("  ", out);
        used += w[c] + 2;
    }
    /* On a terminal, the name in what is left (written aside first). */
    char *buf = NULL;
    size_t blen = 0;
    FILE *real = out;
    if (width > 0 && (out = open_memstream(&buf, &blen)) == NULL)
        out = real;
    if (r != NULL) {
        ppd__put_entry(out, ppd_accum_frame(a, r->frame), ppd_accum_grain(a),
                       r->inlined);
    } else {
        fputs(into ? "  <- " : "  -> ", out);
        ppd__put_entry(out, ppd_accum_frame(a, into ? e->caller : e->callee),
                       ppd_accum_grain(a), PPD_INLINE_NONE);
        if (e->inlined)
            fputs(" (inline)", out);
    }
    if (out != real) {
        if (fclose(out) == 0) {
            int room = width - used;
            ppd__fit_name(real, (struct ppd_str){buf, blen},
                          room > 12 ? room : 12);
        }
        free(buf);
        out = real;
    }
    fputc('\n', out);
}

/*
 * --peek: each row between the calls into it and the calls out of it,
 * blocks between rules, as pprof -peek. out NULL measures.
 */
static void
put_peek_rows(FILE *out, const struct ppd_view *v, int *w, int rule,
              bool color, int width)
{
    for (size_t i = 0; i < v->nrows; i++) {
        uint32_t entry = v->row_entry[i];
        if (out != NULL) {
            for (int k = 0; k < rule; k++)
                fputc('-', out);
            fputc('\n', out);
        }
        for (size_t k = 0; k < v->nedges; k++)
            if (v->edges[k].callee_entry == entry)
                put_view_line(out, v, 0, NULL, &v->edges[k], true, w,
                              color, width);
        put_view_line(out, v, i + 1, &v->rows[i], NULL, false, w, color,
                      width);
        for (size_t k = 0; k < v->nedges; k++)
            if (v->edges[k].caller_entry == entry)
                put_view_line(out, v, 0, NULL, &v->edges[k], false, w,
                              color, width);
    }
}

/* A view's column heads, aligned to w; returns the width used. */
static int
put_view_head(FILE *out, int *w, bool single)
{
    static const char *const head[2][5] = {
        {"rank", "flat", "cum", "", ""},
        {"rank", "flat", "cum", "cur flat", "cur cum"}};
    int used = 4;
    for (int c = 0; c < (single ? 3 : 5); c++) {
        pad_right(out, head[!single][c], w[c]);
        fputs("  ", out);
        used += w[c] + 2;
    }
    fputs("name\n", out);
    return used;
}

bool
ppd__render_text_view(FILE *out, const struct ppd_view *v,
                      const struct ppd_render_options *o)
{
    const struct ppd_accum *a = v->accum;
    const char *what = entries_of(ppd_accum_grain(a));
    bool single = v->ncolumns == 1;
    put_header(out, a, what, v->nentries, o->width);
    put_kept(out, a);
    if (!single) {
        char label[16];
        snprintf(label, sizeof label, "%s:", what);
        fprintf(out, "%-8s %zu changed, %zu unchanged\n", label,
                v->nentries - v->nunchanged, v->nunchanged);
    }
    put_floor(out, a, v->nfloor, v->min_change, what);
    ppd__put_memory_text(out, a);
    /* Columns: flat and cum deltas, then the current values; widths
     * measured first. */
    int w[5] = {4, 4, 3, 8, 7};
    if (v->edges != NULL) {
        put_peek_rows(NULL, v, w, 0, false, 0);
        fprintf(out, "\n%s matching --peek (%zu), with their callers (<-) "
                     "and callees (->)\n",
                what, v->nrows);
        int rule = put_view_head(out, w, single);
        put_peek_rows(out, v, w, rule, o->color, o->width);
        if (v->nrows > 0) {
            for (int k = 0; k < rule; k++)
                fputc('-', out);
            fputc('\n', out);
        }
        return true;
    }
    for (size_t i = 0; i < v->nrows; i++)
        put_view_line(NULL, v, i + 1, &v->rows[i], NULL, false, w, false, 0);
    size_t total =
        (single ? v->nentries : v->nentries - v->nunchanged) - v->nfloor;
    fprintf(out, "\n%s (%zu of %zu)\n", what, v->nrows, total);
    put_view_head(out, w, single);
    for (size_t i = 0; i < v->nrows; i++) {
        put_view_line(out, v, i + 1, &v->rows[i], NULL, false, w, o->color,
                      o->width);
        put_hint(out, ppd__view_hint(v, &v->rows[i], o), w[0] + 2, o->width);
    }
    if (v->nrows < total)
        fprintf(out, "... %zu more %s (-n 0 shows all)\n", total - v->nrows,
                what);
    return true;
}
