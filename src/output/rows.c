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

void
ppd__put_folded(FILE *out, const struct ppd_diff *d,
                const struct ppd__frames *f)
{
    if (f->n == 0) {
        fputs("(no stack)", out);
        return;
    }
    for (size_t k = 0; k < f->n; k++) {
        if (k > 0)
            fputc(';', out);
        ppd__put_name(out, ppd__frame_name(d, f->v[f->n - 1 - k]));
    }
}
