/*
 * compat.h - the tests' shorthand for "accumulate these profiles, then
 * rank": one call, and one free for both.
 */
#ifndef PPD_TEST_COMPAT_H
#define PPD_TEST_COMPAT_H

#include "pprofdiff/accum.h"
#include "pprofdiff/diff.h"

struct test_opts {
    const char *sample;
    bool keep_unchanged;
    const char *const *runtime_prefixes;
    size_t nruntime_prefixes;
    bool totals_only;
};

static inline enum ppd_status
test_diff(const struct ppd_profile *const *ps, size_t n,
          const struct test_opts *o, struct ppd_diff **d,
          struct ppd_error *err)
{
    struct ppd_accum *a = NULL;
    *d = NULL;
    enum ppd_status st =
        ppd_accum_profiles(ps, n, o ? o->sample : NULL, &a, err);
    if (st != PPD_OK)
        return st;
    struct ppd_diff_options dopt = {0};
    if (o != NULL) {
        dopt.keep_unchanged = o->keep_unchanged;
        dopt.runtime_prefixes = o->runtime_prefixes;
        dopt.nruntime_prefixes = o->nruntime_prefixes;
        dopt.totals_only = o->totals_only;
    }
    st = ppd_diff_compute(a, &dopt, d, err);
    if (st != PPD_OK)
        ppd_accum_free(a);
    return st;
}

static inline void
test_diff_free(struct ppd_diff *d)
{
    if (d == NULL)
        return;
    struct ppd_accum *a = (struct ppd_accum *)(uintptr_t)d->accum;
    ppd_diff_free(d);
    ppd_accum_free(a);
}

/* The name of frame id in d, as a C string. */
static inline const char *
test_frame(const struct ppd_diff *d, uint32_t id)
{
    return ppd_accum_frame(d->accum, id)->name.ptr;
}

/* Frames of row r, leaf first. */
static inline size_t
test_row_frames(const struct ppd_diff *d, const struct ppd_diff_row *r,
                uint32_t *out, size_t cap)
{
    return ppd_accum_stack(d->accum, r->stack, out, cap);
}

#endif
