/*
 * rows.c - what every format reads of a row: its frames, its culprit,
 * and how many rows of a section are shown.
 */
#include <stdlib.h>

#include "output/output.h"

bool
ppd__row_frames(const struct ppd_diff *d, const struct ppd_diff_row *r,
                struct ppd__frames *f)
{
    if (r->nframes > f->cap) {
        uint32_t *nv = realloc(f->v, r->nframes * sizeof *nv);
        if (nv == NULL)
            return false;
        f->v = nv;
        f->cap = r->nframes;
    }
    f->n = ppd_accum_stack(d->accum, r->stack, f->v, f->cap);
    return true;
}

struct ppd_str
ppd__frame_name(const struct ppd_diff *d, uint32_t id)
{
    return ppd_accum_frame(d->accum, id)->name;
}

struct ppd_str
ppd__culprit(const struct ppd_diff *d, const struct ppd_diff_row *r)
{
    if (r->culprit == PPD_NO_FRAME)
        return (struct ppd_str){"(no stack)", 10};
    return ppd__frame_name(d, r->culprit);
}

size_t
ppd__shown(const struct ppd_diff *d, enum ppd_diff_section s, size_t top)
{
    size_t n = d->nkept[s];
    return top != 0 && n > top ? top : n;
}

/* A name inside a folded stack: a ';' would split the frame, so it is
 * written as ':' (Java signatures and some generic names hold one). */
static void
put_folded_name(FILE *out, struct ppd_str s)
{
    size_t start = 0;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == ';') {
            ppd__put_name(out, (struct ppd_str){s.ptr + start, i - start});
            fputc(':', out);
            start = i + 1;
        }
    ppd__put_name(out, (struct ppd_str){s.ptr + start, s.len - start});
}

void
ppd__put_folded_frames(FILE *out, const struct ppd_accum *a,
                       const struct ppd__frames *f)
{
    if (f->n == 0) {
        fputs("(no stack)", out);
        return;
    }
    for (size_t k = 0; k < f->n; k++) {
        if (k > 0)
            fputc(';', out);
        put_folded_name(out, ppd_accum_frame(a, f->v[f->n - 1 - k])->name);
    }
}

void
ppd__put_folded(FILE *out, const struct ppd_diff *d,
                const struct ppd__frames *f)
{
    ppd__put_folded_frames(out, d->accum, f);
}

bool
ppd__trend_frames(const struct ppd_trend *t, const struct ppd_trend_row *r,
                  struct ppd__frames *f)
{
    size_t need = t->entries ? 1 : r->nframes;
    if (need > f->cap) {
        uint32_t *nv = realloc(f->v, need * sizeof *nv);
        if (nv == NULL)
            return false;
        f->v = nv;
        f->cap = need;
    }
    if (t->entries) {
        f->v[0] = r->frame;
        f->n = 1;
    } else {
        f->n = ppd_accum_stack(t->accum, r->stack, f->v, f->cap);
    }
    return true;
}

const char *
ppd__trend_hint(const struct ppd_trend *t, const struct ppd_trend_row *r,
                const struct ppd__frames *f,
                const struct ppd_render_options *o)
{
    if (o->hints == NULL || r->s.delta <= 0)
        return NULL;
    return ppd_signatures_match(o->hints, o->hint_kind, t->accum, f->v, f->n,
                                r->s.delta);
}

struct ppd_str
ppd__trend_culprit(const struct ppd_trend *t, const struct ppd_trend_row *r)
{
    if (r->frame == PPD_NO_FRAME)
        return (struct ppd_str){"(no stack)", 10};
    return ppd_accum_frame(t->accum, r->frame)->name;
}

void
ppd__sparkline(FILE *out, const int64_t *v, size_t n, bool ascii)
{
    static const char *const blocks[8] = {
        "\u2581", "\u2582", "\u2583", "\u2584",
        "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ramp[] = "_.:-=+*#";
    int64_t lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    for (size_t i = 0; i < n; i++) {
        /* Flat series sit at the bottom when 0, in the middle else. */
        int k = hi == lo ? (hi == 0 ? 0 : 3)
                         : (int)(((double)v[i] - (double)lo) * 7.0 /
                                     ((double)hi - (double)lo) +
                                 0.5);
        if (ascii)
            fputc(ramp[k], out);
        else
            fputs(blocks[k], out);
    }
}

const char *
ppd__diff_hint(const struct ppd_diff *d, const struct ppd_diff_row *r,
               const struct ppd__frames *f,
               const struct ppd_render_options *o)
{
    if (o->hints == NULL || r->section != PPD_GROWING)
        return NULL;
    return ppd_signatures_match(o->hints, o->hint_kind, d->accum, f->v, f->n,
                                d->ncolumns == 1 ? r->values[0] : r->delta);
}

const char *
ppd__view_hint(const struct ppd_view *v, const struct ppd_view_row *r,
               const struct ppd_render_options *o)
{
    if (o->hints == NULL || (r->cum_delta <= 0 && v->ncolumns > 1) ||
        (v->ncolumns == 1 && r->cum[0] <= 0))
        return NULL;
    return ppd_signatures_match(o->hints, o->hint_kind, v->accum, &r->frame,
                                1, v->ncolumns == 1 ? r->cum[0] : r->cum_delta);
}
