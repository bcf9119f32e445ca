/*
 * folded.c - folded stacks for flame graph tools: one line per stack,
 * frames root first joined by ';', then its value; for a diff the delta,
 * the base or the current value, or both, base then cur (the two-column
 * form differential flame graph scripts read). Every stack with a value
 * is written, whatever -n says.
 */
#include <inttypes.h>

#include "output/output.h"

bool
ppd__render_folded(FILE *out, const struct ppd_diff *d,
                   const struct ppd_render_options *o, struct ppd__frames *f)
{
    size_t last = d->ncolumns - 1;
    bool both = d->ncolumns > 1 && o->folded_value == PPD_FOLDED_BOTH;
    for (size_t i = 0; i < d->nrows; i++) {
        const struct ppd_diff_row *r = &d->rows[i];
        if (r->nframes == 0)
            continue; /* no stack, no flame */
        int64_t v = d->ncolumns == 1                       ? r->values[0]
                    : o->folded_value == PPD_FOLDED_BASE ? r->values[0]
                    : o->folded_value == PPD_FOLDED_CUR  ? r->values[last]
                                                         : r->delta;
        if (!both && v == 0)
            continue;
        if (!ppd__row_frames(d, r, f))
            return false;
        ppd__put_folded(out, d, f);
        if (both)
            fprintf(out, " %" PRId64 " %" PRId64 "\n", r->values[0],
                    r->values[last]);
        else
            fprintf(out, " %" PRId64 "\n", v);
    }
    return true;
}
