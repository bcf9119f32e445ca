/*
 * folded.c - folded stacks for flame graph tools: one line per stack,
 * frames root first joined by ';', then its value; for a diff the delta,
 * the base or the current value, or both, base then cur (the two-column
 * form differential flame graph scripts read). Every stack with a value
 * is written, whatever -n says.
 */
#include "output/obuf.h"
#include "output/output.h"

bool
ppd__render_folded(FILE *out, const struct ppd_diff *d,
                   const struct ppd_render_options *o, struct ppd__frames *f)
{
    size_t last = d->ncolumns - 1;
    bool both = d->ncolumns > 1 && o->folded_value == PPD_FOLDED_BOTH;
    char buf[1 << 16];
    struct ppd__obuf b = {out, buf, 0, sizeof buf};
    struct ppd__texts t = {0};
    bool ok = true;
    for (size_t i = 0; i < d->nrows && ok; i++) {
        const struct ppd_diff_row *r = &d->rows[i];
        if (r->nframes == 0)
            continue; /* no stack, no flame */
        int64_t v = d->ncolumns == 1                       ? r->values[0]
                    : o->folded_value == PPD_FOLDED_BASE ? r->values[0]
                    : o->folded_value == PPD_FOLDED_CUR  ? r->values[last]
                                                         : r->delta;
        if (!both && v == 0)
            continue;
        ok = ppd__row_frames_at(d, d->rows, i, d->nrows, f) &&
             ppd__texts_stack(&t, d->accum, f);
        if (!ok)
            break;
        ppd__obuf_put(&b, t.buf, t.n);
        PPD__OBUF_LIT(&b, " ");
        if (both) {
            ppd__obuf_int(&b, r->values[0]);
            PPD__OBUF_LIT(&b, " ");
            v = r->values[last];
        }
        ppd__obuf_int(&b, v);
        PPD__OBUF_LIT(&b, "\n");
    }
    ppd__obuf_flush(&b);
    ppd__texts_free(&t);
    return ok;
}
