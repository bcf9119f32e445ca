/*
 * test_view.c - the view's pass over the stacks made by two threads
 * gives the view one thread makes: on the real fixtures at every grain,
 * and on a synthetic profile of 70,000 stacks with inlined calls, big
 * enough for the split to happen unasked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth.h"

#include "pprofdiff/accum.h"
#include "pprofdiff/decode.h"
#include "pprofdiff/view.h"

/* An accumulator of grain g over the profiles ps (column i from ps[i]). */
static struct ppd_accum *
accum_of(struct ppd_profile *const *ps, size_t n, enum ppd_grain g)
{
    struct ppd_accum *a = NULL;
    struct ppd_error err = {0};
    if (ppd_accum_new(n, &ps[n - 1]->sample_types[ps[n - 1]->nsample_types - 1],
                      NULL, &a, &err) != PPD_OK ||
        ppd_accum_set_grain(a, g, &err) != PPD_OK) {
        ppd_accum_free(a);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (ppd_accum_add(a, i, ps[i], &err) != PPD_OK) {
            fprintf(stderr, "add: %s\n", err.msg);
            ppd_accum_free(a);
            return NULL;
        }
    return a;
}

/* The view with threads t, every entry (unchanged ones too). */
static struct ppd_view *
view_of(const struct ppd_accum *a, int t)
{
    struct ppd_view_options o = {.keep_unchanged = true, .threads = t};
    struct ppd_view *v = NULL;
    struct ppd_error err = {0};
    if (ppd_view_compute(a, &o, &v, &err) != PPD_OK)
        fprintf(stderr, "view: %s\n", err.msg);
    return v;
}

/* Do the views x and y hold the same rows, in the same order? */
static void
check_same(struct check_state *st, const struct ppd_view *x,
           const struct ppd_view *y, const char *what)
{
    CHECK(st, x != NULL && y != NULL);
    if (x == NULL || y == NULL)
        return;
    size_t bad = 0;
    CHECK_EQ_INT(st, x->nrows, y->nrows);
    CHECK_EQ_INT(st, x->nentries, y->nentries);
    CHECK_EQ_INT(st, x->nunchanged, y->nunchanged);
    for (size_t i = 0; i < x->nrows && i < y->nrows; i++) {
        const struct ppd_view_row *r = &x->rows[i], *q = &y->rows[i];
        bool same = r->frame == q->frame && r->inlined == q->inlined &&
                    r->flat_delta == q->flat_delta &&
                    r->cum_delta == q->cum_delta;
        for (size_t c = 0; c < x->ncolumns; c++)
            same = same && r->flat[c] == q->flat[c] && r->cum[c] == q->cum[c];
        bad += !same;
    }
    if (bad > 0)
        fprintf(stderr, "%s: %zu rows differ\n", what, bad);
    CHECK_EQ_INT(st, bad, 0);
}

static void
test_fixtures(struct check_state *st, const char *root)
{
    static const char *const pairs[][2] = {
        {"heap-0", "heap-2"}, {"goroutine-0", "goroutine-2"},
        {"cpu", "cpu"},       {"mutex-0", "mutex-2"},
        {"allocs-0", "allocs-2"},
    };
    static const enum ppd_grain grains[] = {
        PPD_GRAIN_STACK, PPD_GRAIN_FUNCTION, PPD_GRAIN_LINE, PPD_GRAIN_FILE};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct ppd_profile *ps[2] = {leak_fixture(root, pairs[i][0]),
                                     leak_fixture(root, pairs[i][1])};
        CHECK(st, ps[0] != NULL && ps[1] != NULL);
        for (size_t g = 0; ps[0] && ps[1] && g < 4; g++) {
            struct ppd_accum *a = accum_of(ps, 2, grains[g]);
            CHECK(st, a != NULL);
            if (a == NULL)
                continue;
            struct ppd_view *one = view_of(a, 1), *two = view_of(a, 2);
            check_same(st, one, two, pairs[i][0]);
            CHECK(st, one != NULL && one->nrows > 0);
            ppd_view_free(one);
            ppd_view_free(two);
            ppd_accum_free(a);
        }
        ppd_profile_free(ps[0]);
        ppd_profile_free(ps[1]);
    }
}

/* A deterministic stream of numbers. */
static uint32_t
next(uint64_t *x)
{
    *x = *x * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*x >> 33);
}

/*
 * n samples over np + ni functions: locations 1-np each one function,
 * locations np+1 to np+ni two (function k - np inlined into function k,
 * which no other location has, so that its calls into k - np are inline
 * alone); stacks of 4-11 locations drawn at random from lo to np + ni,
 * values 1-100 (scaled by mul).
 */
static struct ppd_profile *
random_profile(size_t n, uint64_t seed, int64_t mul, uint64_t lo,
               uint64_t np, uint64_t ni)
{
    static char names[2048][16];
    uint64_t nf = np + ni;
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "inuse_space", "bytes");
    for (uint64_t f = 0; f < nf && f < 2048; f++) {
        snprintf(names[f], sizeof names[f], "pkg.fn%04u", (unsigned)f);
        synth_function(&sy, f + 1, names[f]);
    }
    for (uint64_t l = 1; l <= nf; l++) {
        uint64_t fns[2] = {l <= np ? l : l - np, l};
        synth_location(&sy, l, 0, 0x1000 + 16 * l, l <= np ? 1 : 2, fns);
    }
    uint64_t x = seed;
    for (size_t i = 0; i < n; i++) {
        uint64_t locs[11];
        int depth = 4 + (int)(next(&x) % 8);
        for (int k = 0; k < depth; k++)
            locs[k] = lo + next(&x) % (nf + 1 - lo);
        int64_t v = (int64_t)(1 + next(&x) % 100) * mul;
        synth_sample(&sy, depth, locs, 1, &v);
    }
    return synth_profile(&sy, "random.pb");
}

/*
 * Functions 1-ni are called only inline in the base; the current
 * profile's stacks, which come after all of the base's, call them for
 * real too: their marks need both threads' calls. With more than 1024
 * entries, calls are kept in a hash table rather than a slot per pair.
 */
static void
test_big(struct check_state *st, uint64_t np, uint64_t ni)
{
    struct ppd_profile *ps[2] = {random_profile(80000, 1, 1, ni + 1, np, ni),
                                 random_profile(40000, 2, 3, 1, np, ni)};
    CHECK(st, ps[0] != NULL && ps[1] != NULL);
    for (int g = PPD_GRAIN_FUNCTION; ps[0] && ps[1] && g <= PPD_GRAIN_LINE;
         g++) {
        struct ppd_accum *a = accum_of(ps, 2, (enum ppd_grain)g);
        CHECK(st, a != NULL);
        if (a == NULL)
            continue;
        /* Big enough that the default splits (on two CPUs). */
        CHECK(st, ppd_accum_nstacks(a) >= 65536);
        struct ppd_view *one = view_of(a, 1), *two = view_of(a, 2);
        struct ppd_view *dflt = view_of(a, 0);
        check_same(st, one, two, "random, 2 threads");
        check_same(st, one, dflt, "random, default");
        /* Some entries are inlined somewhere, not everywhere. */
        size_t partial = 0;
        for (size_t i = 0; one != NULL && i < one->nrows; i++)
            partial += one->rows[i].inlined == PPD_INLINE_PARTIAL;
        CHECK(st, partial > 0);
        ppd_view_free(one);
        ppd_view_free(two);
        ppd_view_free(dflt);
        ppd_accum_free(a);
    }
    ppd_profile_free(ps[0]);
    ppd_profile_free(ps[1]);
}

int
main(int argc, char **argv)
{
    struct check_state st = {0};
    test_fixtures(&st, argc > 1 ? argv[1] : ".");
    test_big(&st, 40, 20);
    test_big(&st, 1000, 100);
    return check_report("test_view", &st);
}
