/*
 * tsv.c - tab-separated rows for scripts: a header line, raw integers,
 * stacks folded (root first, ';'-joined). Columns are only ever added at
 * the end.
 */
#include <inttypes.h>

#include "output/output.h"

bool
ppd__render_tsv(FILE *out, const struct ppd_diff *d,
                const struct ppd_render_options *o, struct ppd__frames *f)
{
    bool single = d->ncolumns == 1;
    size_t last = d->ncolumns - 1;
    fputs(single ? "value\tstack\tculprit\n"
                 : "delta\tbase\tcur\tstack\tculprit\tgrowth\n",
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
                fprintf(out, "%" PRId64 "\t", r->values[0]);
            else
                fprintf(out, "%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t",
                        r->delta, r->values[0], r->values[last]);
            ppd__put_folded(out, d, f);
            fputc('\t', out);
            ppd__put_name(out, ppd__culprit(d, r));
            if (!single) {
                char g[32];
                ppd__growth_text(g, sizeof g, r->values[0], r->values[last]);
                fprintf(out, "\t%s", g);
            }
            fputc('\n', out);
        }
    }
    return true;
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
    (void)o;
    if (v->edges != NULL)
        return render_tsv_peek(out, v);
    bool single = v->ncolumns == 1;
    size_t last = v->ncolumns - 1;
    fputs(single ? "flat\tcum\tname\n"
                 : "flat\tcum\tbase_flat\tcur_flat\tbase_cum\tcur_cum\tname\n",
          out);
    for (size_t i = 0; i < v->nrows; i++) {
        const struct ppd_view_row *r = &v->rows[i];
        if (single)
            fprintf(out, "%" PRId64 "\t%" PRId64 "\t", r->flat[0], r->cum[0]);
        else
            fprintf(out,
                    "%" PRId64 "\t%" PRId64 "\t%" PRId64 "\t%" PRId64
                    "\t%" PRId64 "\t%" PRId64 "\t",
                    r->flat_delta, r->cum_delta, r->flat[0], r->flat[last],
                    r->cum[0], r->cum[last]);
        ppd__put_entry(out, ppd_accum_frame(v->accum, r->frame),
                       ppd_accum_grain(v->accum), r->inlined);
        fputc('\n', out);
    }
    return true;
}
