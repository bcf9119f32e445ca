/*
 * diff.c - sections and ranking over an accumulator's stacks.
 *
 * The one non-obvious decision: when only the first rows of each section
 * will be shown, they are selected with a bounded heap instead of sorting
 * every stack, in the one pass over the stacks, with no row made for the
 * others. A diff of two big heap profiles has half a million stacks and
 * the reader wants twenty; the heap costs n log 20 comparisons, and ties
 * (which need the stacks' text) are rare among the leaders.
 */
#include <stdlib.h>
#include <string.h>

#include "model/arena.h"
#include "model/sort.h"
#include "pprofdiff/diff.h"

struct rank_ctx {
    const struct ppd_accum *a;
    const uint32_t *name_rank;
    ppd_diff_rank_fn rank;
    void *user;
};

static int
by_delta(const struct ppd_diff_row *a, const struct ppd_diff_row *b,
         void *ctx)
{
    (void)ctx;
    if (a->delta == b->delta)
        return 0;
    if (a->section == PPD_SHRINKING)
        return a->delta < b->delta ? -1 : 1;
    return a->delta > b->delta ? -1 : 1;
}

static int
cmp_rows(const void *x, const void *y, void *ctx)
{
    const struct ppd_diff_row *a = x, *b = y;
    const struct rank_ctx *c = ctx;
    if (a->section != b->section)
        return a->section < b->section ? -1 : 1;
    int r = c->rank(a, b, c->user);
    if (r != 0)
        return r;
    return ppd_accum_stack_cmp(c->a, c->name_rank, a->stack, b->stack);
}

/* Max-heap on the ranking: the worst of the rows kept so far on top. */
static void
sift_down(struct ppd_diff_row *h, size_t n, size_t i, struct rank_ctx *c)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && cmp_rows(&h[l], &h[m], c) > 0)
            m = l;
        if (r < n && cmp_rows(&h[r], &h[m], c) > 0)
            m = r;
        if (m == i)
            return;
        struct ppd_diff_row t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void
sift_up(struct ppd_diff_row *h, size_t i, struct rank_ctx *c)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (cmp_rows(&h[i], &h[p], c) <= 0)
            return;
        struct ppd_diff_row t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/*
 * Keep the best top of rows[0..n) (one section) in rows[0..top), ranked.
 * Returns the number kept, SIZE_MAX when out of memory.
 */
static size_t
select_top(struct ppd_diff_row *rows, size_t n, size_t top,
           struct rank_ctx *c)
{
    size_t k = top == 0 || top > n ? n : top;
    if (k < n) {
        for (size_t i = 1; i < k; i++)
            sift_up(rows, i, c);
        for (size_t i = k; i < n; i++)
            if (cmp_rows(&rows[i], &rows[0], c) < 0) {
                rows[0] = rows[i];
                sift_down(rows, k, 0, c);
            }
    }
    if (!ppd__sort(rows, k, sizeof *rows, cmp_rows, c))
        return SIZE_MAX;
    return k;
}

static enum ppd_diff_section
section_of(int64_t delta)
{
    return delta > 0 ? PPD_GROWING : delta < 0 ? PPD_SHRINKING
                                               : PPD_UNCHANGED;
}

/*
 * The row of stack s in *r. Returns 1 when it is ranked, 0 when all its
 * values are 0, -1 when it is unchanged and only counted, -2 when it
 * changed by less than the floor and is only counted.
 */
static int
row_of(const struct ppd_accum *a, size_t s, const struct ppd_diff_options *o,
       struct ppd_diff_row *r)
{
    bool keep_unchanged = o->keep_unchanged;
    size_t ncols = ppd_accum_ncolumns(a);
    const int64_t *v = ppd_accum_values(a, s);
    int64_t delta = ncols > 1 ? (int64_t)((uint64_t)v[ncols - 1] -
                                          (uint64_t)v[0])
                              : v[0];
    *r = (struct ppd_diff_row){
        .stack = (uint32_t)s,
        .nframes = ppd_accum_depth(a, s),
        .culprit = PPD_NO_FRAME,
        .values = v,
        .delta = delta,
        .section = section_of(delta),
    };
    if (r->section != PPD_UNCHANGED) {
        uint64_t m = delta < 0 ? (uint64_t)0 - (uint64_t)delta
                               : (uint64_t)delta;
        return m < o->min_change ? -2 : 1;
    }
    for (size_t j = 0; j < ncols; j++)
        if (v[j] != 0)
            return keep_unchanged ? 1 : -1;
    return 0;
}

/*
 * The first opt->top rows of each section of a's stacks, ranked, in a
 * new array of the arena (*rows, *nrows), in one pass: a bounded heap
 * per section keeps the best so far. Sets d's counts. False when out of
 * memory.
 */
static bool
rank_top(const struct ppd_accum *a, const struct ppd_diff_options *opt,
         struct rank_ctx *c, struct ppd_diff *d, struct ppd_arena *arena,
         struct ppd_diff_row **rows, size_t *nrows)
{
    size_t top = opt->top, nstacks = ppd_accum_nstacks(a);
    struct ppd_diff_row *heap = malloc(3 * top * sizeof *heap);
    if (heap == NULL)
        return false;
    size_t n[3] = {0, 0, 0};
    for (size_t s = 0; s < nstacks; s++) {
        struct ppd_diff_row r;
        int kept = row_of(a, s, opt, &r);
        d->nunchanged += kept != 0 && r.section == PPD_UNCHANGED;
        d->nfloor += kept == -2;
        if (kept <= 0)
            continue;
        d->nsection[r.section]++;
        struct ppd_diff_row *h = heap + (size_t)r.section * top;
        size_t *k = &n[r.section];
        if (*k < top) {
            h[*k] = r;
            sift_up(h, (*k)++, c);
        } else if (cmp_rows(&r, &h[0], c) < 0) {
            h[0] = r;
            sift_down(h, top, 0, c);
        }
    }
    *rows = ppd__arena_calloc(arena, n[0] + n[1] + n[2] + 1, sizeof **rows);
    bool ok = *rows != NULL;
    *nrows = 0;
    for (int s = 0; s < 3 && ok; s++) {
        struct ppd_diff_row *h = heap + (size_t)s * top;
        ok = ppd__sort(h, n[s], sizeof *h, cmp_rows, c);
        memcpy(*rows + *nrows, h, n[s] * sizeof *h);
        d->nkept[s] = n[s];
        *nrows += n[s];
    }
    free(heap);
    return ok;
}

size_t
ppd_diff_section_start(const struct ppd_diff *d, enum ppd_diff_section s)
{
    size_t at = 0;
    for (int i = 0; i < (int)s; i++)
        at += d->nkept[i];
    return at;
}

enum ppd_status
ppd_diff_compute(const struct ppd_accum *a, const struct ppd_diff_options *opt,
                 struct ppd_diff **out, struct ppd_error *err)
{
    static const struct ppd_diff_options none = {0};
    if (opt == NULL)
        opt = &none;
    *out = NULL;
    struct ppd_arena *arena = ppd__arena_new();
    uint32_t *name_rank = opt->totals_only ? NULL : ppd_accum_name_order(a);
    uint32_t *frames = NULL;
    size_t nstacks = ppd_accum_nstacks(a);
    size_t ncols = ppd_accum_ncolumns(a);
    struct ppd_diff_row *all = NULL;
    struct ppd_diff *d = arena ? ppd__arena_calloc(arena, 1, sizeof *d) : NULL;
    int64_t *totals = arena ? ppd__arena_calloc(arena, ncols, sizeof *totals)
                            : NULL;
    if (d == NULL || totals == NULL ||
        (name_rank == NULL && !opt->totals_only))
        goto oom;
    d->accum = a;
    d->ncolumns = ncols;
    d->min_change = opt->min_change;
    d->sample_type = *ppd_accum_type(a);
    d->priv = arena;
    for (size_t i = 0; i < ncols; i++)
        totals[i] = ppd_accum_column(a, i)->total;
    d->totals = totals;
    d->total_delta = ncols > 1 ? (int64_t)((uint64_t)totals[ncols - 1] -
                                           (uint64_t)totals[0])
                               : totals[0];
    if (opt->totals_only) {
        *out = d;
        return PPD_OK;
    }

    struct rank_ctx c = {a, name_rank, opt->rank ? opt->rank : by_delta,
                         opt->rank_ctx};
    struct ppd_diff_row *rows = NULL;
    size_t nrows = 0;
    size_t count[3] = {0, 0, 0};
    if (opt->top > 0 && opt->top < nstacks / 4) {
        /* A few rows of many: each section's first top rows are kept in
         * a bounded heap as the stacks go by, in one pass. */
        if (!rank_top(a, opt, &c, d, arena, &rows, &nrows))
            goto oom;
        goto culprits;
    }

    /* Rows by section, in stack order: count, then place. */
    for (size_t s = 0; s < nstacks; s++) {
        struct ppd_diff_row r;
        int kept = row_of(a, s, opt, &r);
        d->nunchanged += kept != 0 && r.section == PPD_UNCHANGED;
        d->nfloor += kept == -2;
        count[r.section] += kept > 0;
    }
    size_t total = count[0] + count[1] + count[2];
    all = malloc((total ? total : 1) * sizeof *all);
    if (all == NULL)
        goto oom;
    size_t at[3] = {0, count[0], count[0] + count[1]};
    for (size_t s = 0; s < nstacks; s++) {
        struct ppd_diff_row r;
        if (row_of(a, s, opt, &r) > 0)
            all[at[r.section]++] = r;
    }

    /* Rank each section, keeping its first opt->top rows. */
    rows = ppd__arena_calloc(arena, total ? total : 1, sizeof *rows);
    if (rows == NULL)
        goto oom;
    size_t start = 0;
    for (int s = 0; s < 3; s++) {
        d->nsection[s] = count[s];
        size_t k = select_top(all + start, count[s], opt->top, &c);
        if (k == SIZE_MAX)
            goto oom;
        memcpy(rows + nrows, all + start, k * sizeof *rows);
        d->nkept[s] = k;
        nrows += k;
        start += count[s];
    }

culprits:
    /* The culprit of each kept row. */
    free(all);
    all = NULL;
    size_t fcap = 0;
    for (size_t i = 0; i < nrows; i++) {
        struct ppd_diff_row *r = &rows[i];
        /* Ranked rows visit the stacks in no order of the tables. */
        if (i + 16 < nrows)
            ppd_accum_prefetch(a, rows[i + 16].stack, false);
        if (i + 8 < nrows)
            ppd_accum_prefetch(a, rows[i + 8].stack, true);
        if (r->nframes == 0)
            continue;
        if (r->nframes > fcap) {
            uint32_t *nf = realloc(frames, r->nframes * sizeof *nf);
            if (nf == NULL)
                goto oom;
            frames = nf;
            fcap = r->nframes;
        }
        ppd_accum_stack(a, r->stack, frames, fcap);
        r->culprit = ppd_stack_culprit(a, frames, r->nframes, opt);
    }
    d->rows = rows;
    d->nrows = nrows;
    free(frames);
    free(name_rank);
    *out = d;
    return PPD_OK;
oom:
    free(all);
    free(frames);
    free(name_rank);
    ppd__arena_free(arena);
    return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
}

void
ppd_diff_free(struct ppd_diff *d)
{
    if (d == NULL)
        return;
    ppd__arena_free(d->priv);
}
