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

bool
ppd__render_tsv_view(FILE *out, const struct ppd_view *v,
                     const struct ppd_render_options *o)
{
    (void)o;
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
