/*
 * rows.c - what every format reads of a row: its frames, its culprit,
 * and how many rows of a section are shown.
 */
#include <stdlib.h>
#include <string.h>

#include "output/json.h"
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

bool
ppd__row_frames_at(const struct ppd_diff *d, const struct ppd_diff_row *rows,
                   size_t i, size_t n, struct ppd__frames *f)
{
    if (i + 16 < n)
        ppd_accum_prefetch(d->accum, rows[i + 16].stack, false);
    if (i + 8 < n)
        ppd_accum_prefetch(d->accum, rows[i + 8].stack, true);
    return ppd__row_frames(d, &rows[i], f);
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

/* Room for n more bytes at t->buf + t->n. */
static bool
texts_room(struct ppd__texts *t, size_t n)
{
    if (n <= t->cap - t->n)
        return true;
    size_t cap = t->cap ? t->cap : 256;
    while (cap - t->n < n)
        cap *= 2;
    char *nb = realloc(t->buf, cap);
    if (nb == NULL)
        return false;
    t->buf = nb;
    t->cap = cap;
    return true;
}

/* Append s, escaped as ppd__put_name does; in a folded stack (folded) a
 * ';' is written ':'. */
static bool
texts_put_name(struct ppd__texts *t, struct ppd_str s, bool folded)
{
    static const char hex[] = "0123456789abcdef";
    if (!texts_room(t, 4 * s.len))
        return false;
    char *w = t->buf + t->n;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (c == ';' && folded) {
            *w++ = ':';
        } else if (c == '\t' || c == '\n' || c == '\r') {
            *w++ = ' ';
        } else if (c < 0x20 || c == 0x7f) {
            *w++ = '\\';
            *w++ = 'x';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 15];
        } else {
            *w++ = (char)c;
        }
    }
    t->n = (size_t)(w - t->buf);
    return true;
}

/* Frame id's folded text in the pool, made on first use. */
static bool
texts_frame(struct ppd__texts *t, const struct ppd_accum *a, uint32_t id)
{
    size_t nf = ppd_accum_nframes(a);
    if (nf > t->nframes) {
        uint32_t *no = realloc(t->off, nf * sizeof *no);
        if (no != NULL)
            t->off = no;
        uint32_t *nl = no ? realloc(t->len, nf * sizeof *nl) : NULL;
        if (nl == NULL)
            return false;
        t->len = nl;
        memset(t->len + t->nframes, 0xff, (nf - t->nframes) * sizeof *nl);
        t->nframes = nf;
    }
    if (t->len[id] != UINT32_MAX)
        return true;
    /* Made in buf, then kept in the pool. */
    size_t mark = t->n;
    struct ppd_str name = ppd_accum_frame(a, id)->name;
    if (t->json) {
        if (!texts_room(t, 6 * name.len + 2))
            return false;
        size_t used;
        t->buf[t->n++] = '"';
        t->n += ppd__json_quote_some(t->buf + t->n, 6 * name.len, name.ptr,
                                     name.len, &used);
        t->buf[t->n++] = '"';
    } else if (!texts_put_name(t, name, true)) {
        return false;
    }
    size_t len = t->n - mark;
    if (len > t->cappool - t->npool) {
        size_t cap = t->cappool ? t->cappool : 4096;
        while (cap - t->npool < len)
            cap *= 2;
        char *np = realloc(t->pool, cap);
        if (np == NULL || cap > UINT32_MAX) {
            if (np != NULL)
                t->pool = np;
            return false;
        }
        t->pool = np;
        t->cappool = cap;
    }
    memcpy(t->pool + t->npool, t->buf + mark, len);
    t->off[id] = (uint32_t)t->npool;
    t->len[id] = (uint32_t)len;
    t->npool += len;
    t->n = mark;
    return true;
}

bool
ppd__texts_stack(struct ppd__texts *t, const struct ppd_accum *a,
                 const struct ppd__frames *f)
{
    t->n = 0;
    if (f->n == 0) {
        if (!texts_room(t, 10))
            return false;
        memcpy(t->buf, "(no stack)", 10);
        t->n = 10;
        return true;
    }
    for (size_t k = 0; k < f->n; k++) {
        uint32_t id = f->v[f->n - 1 - k];
        if (!texts_frame(t, a, id) || !texts_room(t, t->len[id] + 1))
            return false;
        if (k > 0)
            t->buf[t->n++] = ';';
        memcpy(t->buf + t->n, t->pool + t->off[id], t->len[id]);
        t->n += t->len[id];
    }
    return true;
}

bool
ppd__texts_json_stack(struct ppd__texts *t, const struct ppd_accum *a,
                      const struct ppd__frames *f)
{
    t->n = 0;
    if (!texts_room(t, 2))
        return false;
    t->buf[t->n++] = '[';
    for (size_t k = 0; k < f->n; k++) {
        uint32_t id = f->v[k];
        if (!texts_frame(t, a, id) || !texts_room(t, t->len[id] + 3))
            return false;
        if (k > 0) {
            t->buf[t->n++] = ',';
            t->buf[t->n++] = ' ';
        }
        memcpy(t->buf + t->n, t->pool + t->off[id], t->len[id]);
        t->n += t->len[id];
    }
    t->buf[t->n++] = ']';
    return true;
}

bool
ppd__texts_name(struct ppd__texts *t, struct ppd_str s)
{
    t->n = 0;
    return texts_put_name(t, s, false);
}

void
ppd__texts_free(struct ppd__texts *t)
{
    free(t->off);
    free(t->len);
    free(t->pool);
    free(t->buf);
    memset(t, 0, sizeof *t);
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
