/*
 * folded.c - folded stacks for flame graph tools: one line per stack,
 * frames root first joined by ';', then its value; for a diff both
 * values, base then cur (the two-column form differential flame graph
 * scripts read). Every stack with a value is written, whatever -n says.
 */
#include <inttypes.h>

#include "output/output.h"

bool
ppd__render_folded(FILE *out, const struct ppd_diff *d,
                   const struct ppd_render_options *o, struct ppd__frames *f)
{
    (void)o;
    size_t last = d->ncolumns - 1;
    for (size_t i = 0; i < d->nrows; i++) {
        const struct ppd_diff_row *r = &d->rows[i];
        if (r->nframes == 0)
            continue; /* no stack, no flame */
        if (!ppd__row_frames(d, r, f))
            return false;
        ppd__put_folded(out, d, f);
        if (d->ncolumns == 1)
            fprintf(out, " %" PRId64 "\n", r->values[0]);
        else
            fprintf(out, " %" PRId64 " %" PRId64 "\n", r->values[0],
                    r->values[last]);
    }
    return true;
}
