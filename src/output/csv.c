/*
 * csv.c - the TSV columns as RFC 4180 CSV, for spreadsheets: a field
 * holding a comma, a quote or a line break is quoted, quotes doubled.
 * Names are written as everywhere (control bytes escaped first).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

/* Write text[0..n) as one CSV field. */
static void
put_field(FILE *out, const char *text, size_t n)
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

/* A name or stack written by fn into a buffer, then as one field. */
static bool
put_built(FILE *out, void (*fn)(FILE *, const void *, const void *),
          const void *a, const void *b)
{
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
    put_field(out, buf, len);
    free(buf);
    return true;
}

static void
folded_fn(FILE *out, const void *d, const void *f)
{
    ppd__put_folded(out, d, f);
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

bool
ppd__render_csv(FILE *out, const struct ppd_diff *d,
                const struct ppd_render_options *o, struct ppd__frames *f)
{
    bool single = d->ncolumns == 1;
    size_t last = d->ncolumns - 1;
    fputs(single ? "value,stack,culprit\n"
                 : "delta,base,cur,stack,culprit,growth\n",
          out);
    for (int s = PPD_GROWING; s <= PPD_SHRINKING; s++) {
        if (s == PPD_SHRINKING && o->hide_shrinking)
            continue;
        size_t at = ppd_diff_section_start(d, (enum ppd_diff_section)s);
        size_t n = ppd__shown(d, (enum ppd_diff_section)s, o->top);
        for (size_t i = 0; i < n; i++) {
            const struct ppd_diff_row *r = &d->rows[at + i];
            if (!ppd__row_frames(d, r, f))
                return false;
            if (single)
                fprintf(out, "%" PRId64 ",", r->values[0]);
            else
                fprintf(out, "%" PRId64 ",%" PRId64 ",%" PRId64 ",",
                        r->delta, r->values[0], r->values[last]);
            struct ppd_str culprit = ppd__culprit(d, r);
            if (!put_built(out, folded_fn, d, f))
                return false;
            fputc(',', out);
            if (!put_built(out, name_fn, &culprit, NULL))
                return false;
            if (!single) {
                char g[32];
                ppd__growth_text(g, sizeof g, r->values[0], r->values[last]);
                fprintf(out, ",%s", g);
            }
            fputc('\n', out);
        }
    }
    return true;
}

bool
ppd__render_csv_view(FILE *out, const struct ppd_view *v,
                     const struct ppd_render_options *o)
{
    (void)o;
    bool single = v->ncolumns == 1;
    size_t last = v->ncolumns - 1;
    fputs(single ? "flat,cum,name\n"
                 : "flat,cum,base_flat,cur_flat,base_cum,cur_cum,name\n",
          out);
    for (size_t i = 0; i < v->nrows; i++) {
        const struct ppd_view_row *r = &v->rows[i];
        if (single)
            fprintf(out, "%" PRId64 ",%" PRId64 ",", r->flat[0], r->cum[0]);
        else
            fprintf(out,
                    "%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
                    ",%" PRId64 ",%" PRId64 ",",
                    r->flat_delta, r->cum_delta, r->flat[0], r->flat[last],
                    r->cum[0], r->cum[last]);
        if (!put_built(out, entry_fn, v, r))
            return false;
        fputc('\n', out);
    }
    return true;
}
