/*
 * trend_text.c - a trend for people: the snapshots and the total's
 * course, then one aligned line per leak suspect with a sparkline of
 * its series, its culprit and its whole stack (so grep finds it by any
 * frame), and a hint under the rows that match a known leak.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

#define MAXCELL 64
#define NCELL 7 /* rank score slope delta first last grew/shrank */

static int
imax(int a, int b)
{
    return a > b ? a : b;
}

static void
rate_text(char *buf, size_t n, double per_h, const char *unit)
{
    if (isnan(per_h) || fabs(per_h) > 9.2e18) {
        snprintf(buf, n, "-");
        return;
    }
    char v[MAXCELL - 8]; /* room for "/h" in buf */
    ppd_render_value(v, sizeof v, (int64_t)llround(per_h), unit, true);
    snprintf(buf, n, "%s/h", v);
}

static void
cells(const struct ppd_trend *t, size_t rank, const struct ppd_trend_row *r,
      char c[NCELL][MAXCELL])
{
    const char *unit = ppd_accum_type(t->accum)->unit;
    snprintf(c[0], MAXCELL, "%zu", rank);
    snprintf(c[1], MAXCELL, "%.1f", r->s.score);
    rate_text(c[2], MAXCELL, r->s.slope_per_hour, unit);
    ppd_render_value(c[3], MAXCELL, r->s.delta, unit, true);
    ppd_render_value(c[4], MAXCELL, r->s.first, unit, false);
    ppd_render_value(c[5], MAXCELL, r->s.last, unit, false);
    snprintf(c[6], MAXCELL, "+%" PRIu32 " -%" PRIu32, r->s.grew,
             r->s.shrank);
}

static void
pad(FILE *out, const char *s, int w, bool right)
{
    int n = ppd__utf8_width(s);
    if (right)
        for (int i = n; i < w; i++)
            fputc(' ', out);
    fputs(s, out);
    if (!right)
        for (int i = n; i < w; i++)
            fputc(' ', out);
}

static void
put_snapshot(FILE *out, const char *label, const struct ppd_trend *t,
             size_t i, int width)
{
    char when[64];
    ppd__time_text(when, sizeof when, t->times[i]);
    const char *name = ppd_accum_column(t->accum, t->order[i])->name;
    fprintf(out, "%-10s ", label);
    int room = width - 11 - 3 - ppd__utf8_width(when);
    if (width > 0)
        ppd__fit_name(out, (struct ppd_str){name, strlen(name)},
                      room > 12 ? room : 12);
    else
        fputs(name, out);
    fprintf(out, "   %s\n", when);
}

static void
put_head(FILE *out, const struct ppd_trend *t,
         const struct ppd_render_options *o)
{
    const struct ppd_accum *a = t->accum;
    const struct ppd_value_type *ty = ppd_accum_type(a);
    fprintf(out, "trend:     %s   sample: %s (%s)\n",
            ppd_accum_column(a, t->order[t->n - 1])->kind, ty->type,
            ty->unit);
    fprintf(out, "snapshots: %zu, in %s", t->n, t->ordered_by);
    if (t->timed && t->times[t->n - 1] > t->times[0]) {
        char sp[32];
        ppd_render_duration(sp, sizeof sp, t->times[t->n - 1] - t->times[0]);
        fprintf(out, ", over %s", sp);
    }
    fputc('\n', out);
    if (t->nties > 0)
        fprintf(out,
                "note:      %zu snapshot%s share%s a time with the one "
                "before; kept in argument order\n",
                t->nties, t->nties == 1 ? "" : "s", t->nties == 1 ? "s" : "");
    if (t->ngaps > 0)
        fprintf(out,
                "gaps:      %zu window%s without data, left out (not "
                "counted as 0)\n",
                t->ngaps, t->ngaps == 1 ? "" : "s");
    put_snapshot(out, "first:", t, 0, o->width);
    put_snapshot(out, "last:", t, t->n - 1, o->width);
    char d[MAXCELL], f[MAXCELL], l[MAXCELL], r[MAXCELL];
    ppd_render_value(d, sizeof d, t->total.delta, ty->unit, true);
    ppd_render_value(f, sizeof f, t->total.first, ty->unit, false);
    ppd_render_value(l, sizeof l, t->total.last, ty->unit, false);
    rate_text(r, sizeof r, t->total.slope_per_hour, ty->unit);
    fprintf(out, "total:     %s (%s -> %s)   slope %s   ", d, f, l, r);
    ppd__sparkline(out, t->total.series, t->n, o->ascii);
    fputc('\n', out);
    fprintf(out, "%-10s %zu, %zu growing as a leak would (score > 0)\n",
            t->entries ? "entries:" : "stacks:", t->nseries, t->nsuspects);
}

bool
ppd__render_text_trend(FILE *out, const struct ppd_trend *t,
                       const struct ppd_render_options *o)
{
    static const char *const head[NCELL] = {"rank", "score", "slope",
                                            "delta", "first", "last",
                                            "steps"};
    put_head(out, t, o);
    if (t->nrows == 0) {
        fputs("\nno leak suspects: nothing grew from the first snapshot "
              "to the last\n",
              out);
        return true;
    }
    int w[NCELL];
    for (int c = 0; c < NCELL; c++)
        w[c] = ppd__utf8_width(head[c]);
    int wculprit = 7;
    char c[NCELL][MAXCELL];
    for (size_t i = 0; i < t->nrows; i++) {
        cells(t, i + 1, &t->rows[i], c);
        for (int k = 0; k < NCELL; k++)
            w[k] = imax(w[k], ppd__utf8_width(c[k]));
        int cw = ppd__name_width(ppd__trend_culprit(t, &t->rows[i]));
        wculprit = imax(wculprit, cw > 60 ? 60 : cw);
    }
    int wspark = imax((int)t->n, 6);
    size_t total = t->nsuspects;
    /* On a terminal: the culprit and the stack share what is left. */
    int wstack = 0;
    bool fitted = o->width > 0 && !o->stack_lines && !t->entries;
    if (o->width > 0) {
        int fixed = wspark + 2;
        for (int k = 0; k < NCELL; k++)
            fixed += w[k] + 2;
        int left = o->width - fixed;
        if (left < 12)
            left = 12;
        wculprit = wculprit > left ? left : wculprit;
        wstack = left;
    }
    fprintf(out, "\n%sleak suspects (%zu of %zu)%s\n",
            o->color ? "\033[1m" : "", t->nrows,
            total > t->nrows ? total : t->nrows, o->color ? "\033[0m" : "");
    for (int k = 0; k < NCELL; k++) {
        pad(out, head[k], w[k], k < NCELL - 1);
        fputs("  ", out);
    }
    pad(out, "series", wspark, false);
    fputs("  ", out);
    if (t->entries || o->stack_lines) {
        fputs(t->entries ? "name\n" : "culprit\n", out);
    } else if (fitted) {
        fputs(wstack >= 26 ? "stack (leaf < ... < root)\n" : "stack\n",
              out);
    } else {
        pad(out, "culprit", wculprit, false);
        fputs("  stack (leaf < ... < root)\n", out);
    }
    struct ppd__frames f = {0};
    for (size_t i = 0; i < t->nrows; i++) {
        const struct ppd_trend_row *r = &t->rows[i];
        if (!ppd__trend_frames(t, r, &f)) {
            free(f.v);
            return false;
        }
        cells(t, i + 1, r, c);
        for (int k = 0; k < NCELL; k++) {
            bool hue = o->color && (k == 2 || k == 3) && r->s.delta != 0;
            if (hue)
                fputs(r->s.delta > 0 ? "\033[31m" : "\033[32m", out);
            pad(out, c[k], w[k], k < NCELL - 1);
            if (hue)
                fputs("\033[0m", out);
            fputs("  ", out);
        }
        ppd__sparkline(out, r->s.series, t->n, o->ascii);
        for (int k = (int)t->n; k < wspark; k++)
            fputc(' ', out);
        fputs("  ", out);
        struct ppd_str name = ppd__trend_culprit(t, r);
        if (o->color)
            fputs("\033[1m", out);
        size_t ci = 0;
        while (ci < f.n && f.v[ci] != r->frame)
            ci++;
        if (ci == f.n)
            ci = 0;
        if (fitted) {
            if (o->color)
                fputs("\033[0m", out);
            ppd__fit_stack(out, t->accum, f.v, f.n, ci, wstack);
            fputc('\n', out);
            const char *hint = ppd__trend_hint(t, r, &f, o);
            if (hint != NULL)
                ppd__wrap_text(out, "hint: ", hint, w[0] + 2, o->width);
            continue;
        }
        if (t->entries) {
            ppd__put_entry(out, ppd_accum_frame(t->accum, r->frame),
                           ppd_accum_grain(t->accum), r->inlined);
        } else if (o->width > 0) {
            int used = ppd__fit_name(out, name, wculprit);
            for (int k = used; k < wculprit && !o->stack_lines; k++)
                fputc(' ', out);
        } else {
            ppd__put_name(out, name);
            for (int k = ppd__name_width(name);
                 k < wculprit && !o->stack_lines; k++)
                fputc(' ', out);
        }
        if (o->color)
            fputs("\033[0m", out);
        if (!t->entries && o->stack_lines) {
            fputc('\n', out);
            ppd__stack_lines(out, t->accum, f.v, f.n, ci, w[0] + 2, o->width,
                             o->color);
        } else if (!t->entries) {
            fputs("  ", out);
            if (o->width > 0) {
                ppd__fit_stack(out, t->accum, f.v, f.n, ci, wstack);
            } else {
                for (size_t k = 0; k < f.n; k++) {
                    if (k > 0)
                        fputs(" < ", out);
                    ppd__put_name(out,
                                  ppd_accum_frame(t->accum, f.v[k])->name);
                }
                if (f.n == 0)
                    fputs("(no stack)", out);
            }
            fputc('\n', out);
        } else {
            fputc('\n', out);
        }
        const char *hint = ppd__trend_hint(t, r, &f, o);
        if (hint != NULL)
            ppd__wrap_text(out, "hint: ", hint, w[0] + 2, o->width);
    }
    free(f.v);
    if (t->nrows < total)
        fprintf(out, "... %zu more suspects (-n 0 shows all)\n",
                total - t->nrows);
    return true;
}
