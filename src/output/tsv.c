/*
 * tsv.c - rows for scripts: tab-separated (tsv) or comma-separated as
 * RFC 4180 (csv, for spreadsheets), the same columns either way. A
 * header line, raw integers, stacks folded (root first, ';'-joined).
 * Columns are only ever added at the end. In csv a field holding a
 * comma, a quote or a line break is quoted, quotes doubled; names are
 * written as everywhere (control bytes escaped first).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output/obuf.h"
#include "output/output.h"

/* Write text[0..n) as one CSV field. */
static void
put_quoted(FILE *out, const char *text, size_t n)
{
    if (memchr(text, ',', n) == NULL && memchr(text, '"', n) == NULL) {
        fwrite(text, 1, n, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '"')
            fputc('"', out);
        fputc(text[i], out);
    }
    fputc('"', out);
}

/*
 * A text field written by fn: as it is for tsv; for csv into a buffer
 * first, then quoted as needed. False when out of memory.
 */
static bool
put_text(FILE *out, char sep, void (*fn)(FILE *, const void *, const void *),
         const void *a, const void *b)
{
    if (sep == '\t') {
        fn(out, a, b);
        return true;
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (mem == NULL)
        return false;
    fn(mem, a, b);
    if (fclose(mem) != 0) {
        free(buf);
        return false;
    }
    put_quoted(out, buf, len);
    free(buf);
    return true;
}

static void
name_fn(FILE *out, const void *s, const void *unused)
{
    (void)unused;
    ppd__put_name(out, *(const struct ppd_str *)s);
}

static void
entry_fn(FILE *out, const void *v, const void *r)
{
    const struct ppd_view *view = v;
    const struct ppd_view_row *row = r;
    ppd__put_entry(out, ppd_accum_frame(view->accum, row->frame),
                   ppd_accum_grain(view->accum), row->inlined);
}

static void
entry_trend_fn(FILE *out, const void *tp, const void *rp)
{
    const struct ppd_trend *t = tp;
    const struct ppd_trend_row *r = rp;
    ppd__put_entry(out, ppd_accum_frame(t->accum, r->frame),
                   ppd_accum_grain(t->accum), r->inlined);
}

/* Header names joined by sep, "hint" last with hints, a line break. */
static void
put_header(FILE *out, char sep, const char *const *names, bool hint)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        if (i > 0)
            fputc(sep, out);
        fputs(names[i], out);
    }
    if (hint)
        fprintf(out, "%chint", sep);
    fputc('\n', out);
}

/* The hint column, when there is one: sep and the hint ("" for none). */
static bool
put_hint(FILE *out, char sep, const struct ppd_render_options *o,
         const char *hint)
{
    if (o->hints == NULL)
        return true;
    fputc(sep, out);
    if (hint == NULL)
        return true;
    struct ppd_str s = {hint, strlen(hint)};
    return put_text(out, sep, name_fn, &s, NULL);
}

/* Integers, each followed by sep. */
static void
put_ints(FILE *out, char sep, const int64_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%" PRId64 "%c", v[i], sep);
}

/* Write s[0..n) as a field: as it is in tsv; in csv quoted (quotes
 * doubled) when it holds a comma or a quote. */
static void
put_field(struct ppd__obuf *b, char sep, const char *s, size_t n)
{
    if (sep == '\t' ||
        (memchr(s, ',', n) == NULL && memchr(s, '"', n) == NULL)) {
        ppd__obuf_put(b, s, n);
        return;
    }
    PPD__OBUF_LIT(b, "\"");
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '"') {
            ppd__obuf_put(b, s + start, i + 1 - start);
            start = i; /* the quote again */
        }
    ppd__obuf_put(b, s + start, n - start);
    PPD__OBUF_LIT(b, "\"");
}

/* A name as a field, escaped (ppd__put_name) then as put_field. */
static bool
put_name_field(struct ppd__obuf *b, char sep, struct ppd__texts *t,
               struct ppd_str s)
{
    if (!ppd__texts_name(t, s))
        return false;
    put_field(b, sep, t->buf, t->n);
    return true;
}

/*
 * The stack rows: every piece goes through one output buffer, and each
 * frame's name is escaped once (ppd__texts), since tsv is the format
 * for every row of a diff of half a million stacks.
 */
static bool
render_stacks(FILE *out, const struct ppd_diff *d,
              const struct ppd_render_options *o, struct ppd__frames *f,
              char sep)
{
    static const char *const one[] = {"value", "stack", "culprit", NULL};
    static const char *const two[] = {"delta", "base",    "cur",
                                      "stack", "culprit", "growth", NULL};
    static const char *const with_ids[] = {"delta",   "base",   "cur",
                                           "stack",   "culprit", "growth",
                                           "survived", NULL};
    bool single = d->ncolumns == 1;
    bool ids = ppd_accum_has_survivors(d->accum);
    size_t last = d->ncolumns - 1;
    put_header(out, sep, single ? one : ids ? with_ids : two,
               o->hints != NULL);
    char buf[1 << 16];
    struct ppd__obuf b = {out, buf, 0, sizeof buf};
    struct ppd__texts t = {0}, name = {0};
    bool ok = true;
    for (int s = PPD_GROWING; s <= PPD_SHRINKING && ok; s++) {
        if (s == PPD_SHRINKING && o->hide_shrinking)
            continue;
        size_t at = ppd_diff_section_start(d, (enum ppd_diff_section)s);
        size_t n = ppd__shown(d, (enum ppd_diff_section)s, o->top);
        for (size_t i = 0; i < n && ok; i++) {
            const struct ppd_diff_row *r = &d->rows[at + i];
            ok = ppd__row_frames_at(d, d->rows + at, i, n, f) &&
                 ppd__texts_stack(&t, d->accum, f);
            if (!ok)
                break;
            int64_t nums[3] = {r->delta, r->values[0], r->values[last]};
            if (single)
                nums[0] = r->values[0];
            for (size_t k = 0; k < (single ? 1u : 3u); k++) {
                ppd__obuf_int(&b, nums[k]);
                ppd__obuf_put(&b, &sep, 1);
            }
            put_field(&b, sep, t.buf, t.n);
            ppd__obuf_put(&b, &sep, 1);
            ok = put_name_field(&b, sep, &name, ppd__culprit(d, r));
            if (!single) {
                char g[32];
                ppd__growth_text(g, sizeof g, r->values[0], r->values[last]);
                ppd__obuf_put(&b, &sep, 1);
                ppd__obuf_str(&b, g);
            }
            if (ids && !single) {
                ppd__obuf_put(&b, &sep, 1);
                ppd__obuf_int(&b, ppd_accum_survivors(d->accum, r->stack));
            }
            if (o->hints != NULL) {
                const char *hint = ppd__diff_hint(d, r, f, o);
                ppd__obuf_put(&b, &sep, 1);
                if (hint != NULL && ok)
                    ok = put_name_field(&b, sep, &name,
                                        (struct ppd_str){hint, strlen(hint)});
            }
            PPD__OBUF_LIT(&b, "\n");
        }
    }
    ppd__obuf_flush(&b);
    ppd__texts_free(&t);
    ppd__texts_free(&name);
    return ok;
}

static bool
render_view(FILE *out, const struct ppd_view *v,
            const struct ppd_render_options *o, char sep)
{
    static const char *const one[] = {"flat", "cum", "name", NULL};
    static const char *const two[] = {"flat",     "cum",      "base_flat",
                                      "cur_flat", "base_cum", "cur_cum",
                                      "name",     NULL};
    bool single = v->ncolumns == 1;
    size_t last = v->ncolumns - 1;
    put_header(out, sep, single ? one : two, o->hints != NULL);
    for (size_t i = 0; i < v->nrows; i++) {
        const struct ppd_view_row *r = &v->rows[i];
        int64_t nums[6] = {r->flat_delta, r->cum_delta, r->flat[0],
                           r->flat[last], r->cum[0],    r->cum[last]};
        if (single) {
            nums[0] = r->flat[0];
            nums[1] = r->cum[0];
        }
        put_ints(out, sep, nums, single ? 2 : 6);
        if (!put_text(out, sep, entry_fn, v, r) ||
            !put_hint(out, sep, o, ppd__view_hint(v, r, o)))
            return false;
        fputc('\n', out);
    }
    return true;
}

bool
ppd__render_tsv(FILE *out, const struct ppd_diff *d,
                const struct ppd_render_options *o, struct ppd__frames *f)
{
    return render_stacks(out, d, o, f, '\t');
}

bool
ppd__render_csv(FILE *out, const struct ppd_diff *d,
                const struct ppd_render_options *o, struct ppd__frames *f)
{
    return render_stacks(out, d, o, f, ',');
}

/*
 * --peek: one line per call into (direction caller) or out of (callee)
 * a matching function: function, direction, name (the other end),
 * delta, base, cur; with one input function, direction, name, value.
 */
static bool
render_tsv_peek(FILE *out, const struct ppd_view *v)
{
    const struct ppd_accum *a = v->accum;
    bool single = v->ncolumns == 1;
    size_t last = v->ncolumns - 1;
    fputs(single ? "function\tdirection\tname\tvalue\n"
                 : "function\tdirection\tname\tdelta\tbase\tcur\n",
          out);
    for (size_t i = 0; i < v->nrows; i++) {
        const struct ppd_view_row *r = &v->rows[i];
        for (int into = 1; into >= 0; into--)
            for (size_t k = 0; k < v->nedges; k++) {
                const struct ppd_view_edge *e = &v->edges[k];
                if ((into ? e->callee_entry : e->caller_entry) !=
                    v->row_entry[i])
                    continue;
                ppd__put_entry(out, ppd_accum_frame(a, r->frame),
                               ppd_accum_grain(a), r->inlined);
                fputs(into ? "\tcaller\t" : "\tcallee\t", out);
                ppd__put_entry(
                    out, ppd_accum_frame(a, into ? e->caller : e->callee),
                    ppd_accum_grain(a),
                    e->inlined ? PPD_INLINE_ALL : PPD_INLINE_NONE);
                if (single)
                    fprintf(out, "\t%" PRId64 "\n", e->values[0]);
                else
                    fprintf(out, "\t%" PRId64 "\t%" PRId64 "\t%" PRId64 "\n",
                            e->delta, e->values[0], e->values[last]);
            }
    }
    return true;
}

bool
ppd__render_tsv_view(FILE *out, const struct ppd_view *v,
                     const struct ppd_render_options *o)
{
    if (v->edges != NULL)
        return render_tsv_peek(out, v);
    return render_view(out, v, o, '\t');
}

bool
ppd__render_csv_view(FILE *out, const struct ppd_view *v,
                     const struct ppd_render_options *o)
{
    return render_view(out, v, o, ',');
}

/* A double with one decimal, or nothing when NaN. */
static void
put_real(FILE *out, double v)
{
    if (!isnan(v))
        fprintf(out, "%.1f", v);
}

static void
trend_stack_fn(FILE *out, const void *a, const void *f)
{
    ppd__put_folded_frames(out, a, f);
}

static bool
render_trend(FILE *out, const struct ppd_trend *t,
             const struct ppd_render_options *o, char sep)
{
    static const char *const head[] = {
        "rank", "score", "slope_per_hour", "delta", "first", "last", "grew",
        "shrank", "series", "stack", "culprit", NULL};
    struct ppd__frames f = {0};
    put_header(out, sep, head, o->hints != NULL);
    bool ok = true;
    for (size_t i = 0; i < t->nrows && ok; i++) {
        const struct ppd_trend_row *r = &t->rows[i];
        if (!ppd__trend_frames(t, r, &f)) {
            ok = false;
            break;
        }
        fprintf(out, "%zu%c%.1f%c", i + 1, sep, r->s.score, sep);
        put_real(out, r->s.slope_per_hour);
        fputc(sep, out);
        int64_t nums[3] = {r->s.delta, r->s.first, r->s.last};
        put_ints(out, sep, nums, 3);
        fprintf(out, "%" PRIu32 "%c%" PRIu32 "%c", r->s.grew, sep,
                r->s.shrank, sep);
        /* The series joined by ',': quoted in csv. */
        if (sep == ',')
            fputc('"', out);
        for (size_t k = 0; k < t->n; k++)
            fprintf(out, k ? ",%" PRId64 : "%" PRId64, r->s.series[k]);
        if (sep == ',')
            fputc('"', out);
        fputc(sep, out);
        struct ppd_str culprit = ppd__trend_culprit(t, r);
        if (t->entries) {
            ok = put_text(out, sep, entry_trend_fn, t, r);
        } else {
            ok = put_text(out, sep, trend_stack_fn, t->accum, &f);
        }
        fputc(sep, out);
        ok = ok && put_text(out, sep, name_fn, &culprit, NULL) &&
             put_hint(out, sep, o, ppd__trend_hint(t, r, &f, o));
        fputc('\n', out);
    }
    free(f.v);
    return ok;
}

bool
ppd__render_tsv_trend(FILE *out, const struct ppd_trend *t,
                      const struct ppd_render_options *o)
{
    return render_trend(out, t, o, '\t');
}

bool
ppd__render_csv_trend(FILE *out, const struct ppd_trend *t,
                      const struct ppd_render_options *o)
{
    return render_trend(out, t, o, ',');
}
