/*
 * trend.c - series statistics and the leak-suspect ranking over the
 * columns of an accumulator (the formula is in trend.h).
 *
 * Every stack's statistics are computed from the accumulator's values
 * read in time order; only the ranked rows get a copy of their series,
 * so memory is the rows shown times the snapshots.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/arena.h"
#include "model/sort.h"
#include "pprofdiff/trend.h"

struct cand {
    uint32_t id;     /* stack, or view row */
    double shape;    /* the score without its size factor */
    int64_t delta;
};

struct priv {
    struct ppd_arena *arena;
    struct ppd_view *view; /* entry rows */
};

/*
 * The statistics of v[0..n) at hours[] (NULL: no times), score without
 * its size factor in *shape.
 */
static void
series_stats(const int64_t *v, size_t n, const double *hours,
             struct ppd_trend_stats *s, double *shape)
{
    memset(s, 0, sizeof *s);
    s->first = v[0];
    s->last = v[n - 1];
    s->delta = (int64_t)((uint64_t)s->last - (uint64_t)s->first);
    double up = 0, down = 0, maxstep = 0;
    for (size_t i = 1; i < n; i++) {
        double d = (double)v[i] - (double)v[i - 1];
        if (d > 0) {
            s->grew++;
            up += d;
            if (d > maxstep)
                maxstep = d;
        } else if (d < 0) {
            s->shrank++;
            down -= d;
        }
    }
    s->slope_per_hour = NAN;
    if (hours != NULL) {
        double mx = 0, my = 0;
        for (size_t i = 0; i < n; i++) {
            mx += hours[i];
            my += (double)v[i];
        }
        mx /= (double)n;
        my /= (double)n;
        double sxy = 0, sxx = 0;
        for (size_t i = 0; i < n; i++) {
            sxy += (hours[i] - mx) * ((double)v[i] - my);
            sxx += (hours[i] - mx) * (hours[i] - mx);
        }
        if (sxx > 0)
            s->slope_per_hour = sxy / sxx;
    }
    double net = (double)v[n - 1] - (double)v[0];
    double m = (double)(n - 1);
    *shape = 0;
    if (net > 0 && n > 1) {
        double even = net / m / maxstep;
        *shape = ((double)s->grew / m) * (net / (up + down)) *
                 sqrt(even < 1 ? even : 1);
    }
}

struct rank_ctx {
    const struct ppd_trend *t;
    const uint32_t *name_rank;
    const struct ppd_view *view;
};

static int
cmp_cand(const void *x, const void *y, void *ctx)
{
    const struct cand *a = x, *b = y;
    const struct rank_ctx *c = ctx;
    if (a->shape != b->shape)
        return a->shape > b->shape ? -1 : 1;
    if (a->delta != b->delta)
        return a->delta > b->delta ? -1 : 1;
    if (c->view != NULL) {
        const struct ppd_frame *fa =
            ppd_accum_frame(c->t->accum, c->view->rows[a->id].frame);
        const struct ppd_frame *fb =
            ppd_accum_frame(c->t->accum, c->view->rows[b->id].frame);
        size_t l = fa->name.len < fb->name.len ? fa->name.len : fb->name.len;
        int r = memcmp(fa->name.ptr, fb->name.ptr, l);
        if (r != 0)
            return r;
        return fa->name.len < fb->name.len ? -1 : fa->name.len > fb->name.len;
    }
    return ppd_accum_stack_cmp(c->t->accum, c->name_rank, a->id, b->id);
}

/* Restore the heap below i: each parent ranks below its children. */
static void
sift(struct cand *c, size_t n, size_t i, struct rank_ctx *rc)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && cmp_cand(&c[l], &c[m], rc) > 0)
            m = l;
        if (r < n && cmp_cand(&c[r], &c[m], rc) > 0)
            m = r;
        if (m == i)
            return;
        struct cand t = c[i];
        c[i] = c[m];
        c[m] = t;
        i = m;
    }
}

/*
 * Keep the best k of c[0..n) in c[0..k), unordered: a heap with the
 * worst kept on top, so a big trend shown 20 rows at a time costs
 * n log k comparisons, not a sort of every stack.
 */
static void
keep_best(struct cand *c, size_t n, size_t k, struct rank_ctx *rc)
{
    for (size_t i = k / 2; i-- > 0;)
        sift(c, k, i, rc);
    for (size_t i = k; i < n; i++)
        if (cmp_cand(&c[i], &c[0], rc) < 0) {
            c[0] = c[i];
            sift(c, k, 0, rc);
        }
}

/*
 * The columns that hold a profile (a column without one is a gap: a
 * window a backend had no data for), in time order (stable), into
 * order[0..*n); and whether all are timed.
 */
static bool
time_order(const struct ppd_accum *a, const int64_t *times, size_t *order,
           int64_t *sorted, size_t *np)
{
    bool timed = times != NULL;
    size_t n = 0;
    for (size_t i = 0; i < ppd_accum_ncolumns(a); i++) {
        if (!ppd_accum_column(a, i)->added)
            continue;
        order[n++] = i;
        if (times == NULL || times[i] == 0)
            timed = false;
    }
    *np = n;
    if (timed)
        for (size_t i = 1; i < n; i++) { /* insertion: n is small */
            size_t k = order[i], j = i;
            while (j > 0 && times[order[j - 1]] > times[k]) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = k;
        }
    for (size_t i = 0; i < n; i++)
        sorted[i] = times != NULL ? times[order[i]] : 0;
    return timed && n > 0;
}

enum ppd_status
ppd_trend_compute(const struct ppd_accum *a,
                  const struct ppd_trend_options *opt,
                  struct ppd_trend **out, struct ppd_error *err)
{
    static const struct ppd_trend_options none = {0};
    if (opt == NULL)
        opt = &none;
    *out = NULL;
    size_t ncols = ppd_accum_ncolumns(a), n = 0;
    for (size_t i = 0; i < ncols; i++)
        n += ppd_accum_column(a, i)->added;
    if (n < 2)
        return ppd_error_set(err, PPD_EINVAL, NULL,
                             "a trend needs at least two snapshots with "
                             "data, got %zu",
                             n);
    struct ppd_arena *arena = ppd__arena_new();
    struct ppd_trend *t = arena ? ppd__arena_calloc(arena, 1, sizeof *t)
                                : NULL;
    struct priv *pv = t ? ppd__arena_calloc(arena, 1, sizeof *pv) : NULL;
    size_t *order = pv ? ppd__arena_calloc(arena, ncols, sizeof *order)
                       : NULL;
    int64_t *times = order ? ppd__arena_calloc(arena, n, sizeof *times)
                           : NULL;
    double *hours = times ? ppd__arena_calloc(arena, n, sizeof *hours)
                          : NULL;
    int64_t *buf = hours ? ppd__arena_calloc(arena, n, sizeof *buf) : NULL;
    int64_t *tot = buf ? ppd__arena_calloc(arena, n, sizeof *tot) : NULL;
    struct cand *cands = NULL;
    uint32_t *name_rank = NULL;
    if (tot == NULL)
        goto oom;
    pv->arena = arena;
    t->priv = pv;
    t->accum = a;
    t->n = n;
    t->order = order;
    t->times = times;
    t->entries = opt->entries;
    t->timed = time_order(a, opt->times, order, times, &n);
    t->ngaps = ncols - n;
    t->ordered_by = t->timed && opt->time_source ? opt->time_source
                                                 : "argument order";
    for (size_t i = 1; i < n; i++)
        t->nties += t->timed && times[i] == times[i - 1];
    for (size_t i = 0; i < n; i++)
        hours[i] = t->timed ? (double)(times[i] - times[0]) / 3.6e12 : 0;
    const double *h = t->timed && times[n - 1] > times[0] ? hours : NULL;
    double shape;
    for (size_t i = 0; i < n; i++)
        tot[i] = ppd_accum_column(a, order[i])->total;
    series_stats(tot, n, h, &t->total, &shape);
    t->total.series = tot;
    t->total.score = 0;

    /* Every series' statistics; the candidates to rank. */
    size_t nser;
    if (opt->entries) {
        struct ppd_view_options vo = {.keep_unchanged = true};
        if (ppd_view_compute(a, &vo, &pv->view, err) != PPD_OK) {
            ppd__arena_free(arena);
            return err ? err->code : PPD_ENOMEM;
        }
        nser = pv->view->nrows;
    } else {
        nser = ppd_accum_nstacks(a);
    }
    t->nseries = nser;
    cands = malloc((nser ? nser : 1) * sizeof *cands);
    if (cands == NULL)
        goto oom;
    size_t nc = 0;
    double top = 0;
    for (size_t s = 0; s < nser; s++) {
        const int64_t *v;
        if (opt->entries) {
            const struct ppd_view_row *r = &pv->view->rows[s];
            v = opt->cum ? r->cum : r->flat;
        } else {
            v = ppd_accum_values(a, s);
        }
        for (size_t i = 0; i < n; i++)
            buf[i] = v[order[i]];
        struct ppd_trend_stats st;
        series_stats(buf, n, NULL, &st, &shape);
        if (shape > 0) {
            t->nsuspects++;
            if ((double)st.delta > top)
                top = (double)st.delta;
        }
        if (shape > 0 || opt->all)
            cands[nc++] = (struct cand){(uint32_t)s, shape, st.delta};
    }
    /* The size factor, then the ranking. */
    for (size_t i = 0; i < nc; i++)
        if (cands[i].shape > 0)
            cands[i].shape *= (double)cands[i].delta / top;
    if (!opt->entries && (name_rank = ppd_accum_name_order(a)) == NULL)
        goto oom;
    struct rank_ctx rc = {t, name_rank, opt->entries ? pv->view : NULL};
    size_t nrows = opt->top > 0 && opt->top < nc ? opt->top : nc;
    if (nrows < nc)
        keep_best(cands, nc, nrows, &rc);
    if (!ppd__sort(cands, nrows, sizeof *cands, cmp_cand, &rc))
        goto oom;
    struct ppd_trend_row *rows =
        ppd__arena_calloc(arena, nrows ? nrows : 1, sizeof *rows);
    int64_t *series =
        ppd__arena_calloc(arena, (nrows ? nrows : 1) * n, sizeof *series);
    uint32_t *frames = NULL;
    size_t fcap = 0;
    if (rows == NULL || series == NULL)
        goto oom;
    for (size_t k = 0; k < nrows; k++) {
        struct ppd_trend_row *r = &rows[k];
        uint32_t id = cands[k].id;
        const int64_t *v;
        if (opt->entries) {
            const struct ppd_view_row *vr = &pv->view->rows[id];
            v = opt->cum ? vr->cum : vr->flat;
            r->frame = vr->frame;
            r->inlined = vr->inlined;
        } else {
            v = ppd_accum_values(a, id);
            r->stack = id;
            r->nframes = ppd_accum_depth(a, id);
            r->frame = PPD_NO_FRAME;
            if (r->nframes > fcap) {
                uint32_t *nf = realloc(frames, r->nframes * sizeof *nf);
                if (nf == NULL) {
                    free(frames);
                    goto oom;
                }
                frames = nf;
                fcap = r->nframes;
            }
            if (r->nframes > 0) {
                ppd_accum_stack(a, id, frames, fcap);
                r->frame = ppd_stack_culprit(a, frames, r->nframes,
                                             opt->diff);
            }
        }
        int64_t *sv = series + k * n;
        for (size_t i = 0; i < n; i++)
            sv[i] = v[order[i]];
        series_stats(sv, n, h, &r->s, &shape);
        r->s.series = sv;
        r->s.score = 100 * cands[k].shape;
    }
    free(frames);
    t->rows = rows;
    t->nrows = nrows;
    free(cands);
    free(name_rank);
    *out = t;
    return PPD_OK;
oom:
    free(cands);
    free(name_rank);
    if (pv != NULL)
        ppd_view_free(pv->view);
    ppd__arena_free(arena);
    return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
}

void
ppd_trend_free(struct ppd_trend *t)
{
    if (t == NULL)
        return;
    struct priv *pv = t->priv;
    ppd_view_free(pv->view);
    ppd__arena_free(pv->arena);
}
