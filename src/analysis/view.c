/*
 * view.c - flat and cum per entry from the accumulator's stacks.
 *
 * The accumulator's frames tell an inlined call from a real one; an
 * entry is one node for both (frames are first mapped to entries). Then
 * one pass over the stacks: a stack's values go to its leaf entry's
 * flat, and to the cum of every entry in it, counted once per stack (a
 * mark per entry holds the last stack that counted it), as pprof counts
 * recursion; each call from one entry into another says whether the
 * callee was inlined, which is how pprof marks its nodes. A big
 * accumulator's stacks are passed over in two halves on two threads,
 * each with sums and calls of its own, added together after.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/filter.h"
#include "model/arena.h"
#include "model/cpus.h"
#include "model/hash.h"
#include "model/sort.h"
#include "pprofdiff/view.h"

struct rank_ctx {
    const struct ppd_accum *a;
    const uint32_t *name_rank;
};

static int
cmp_rows(const void *x, const void *y, void *ctx)
{
    const struct ppd_view_row *a = x, *b = y;
    const struct rank_ctx *c = ctx;
    if (a->flat_delta != b->flat_delta)
        return a->flat_delta > b->flat_delta ? -1 : 1;
    if (a->cum_delta != b->cum_delta)
        return a->cum_delta > b->cum_delta ? -1 : 1;
    if (c->name_rank[a->frame] != c->name_rank[b->frame])
        return c->name_rank[a->frame] < c->name_rank[b->frame] ? -1 : 1;
    const struct ppd_frame *fa = ppd_accum_frame(c->a, a->frame);
    const struct ppd_frame *fb = ppd_accum_frame(c->a, b->frame);
    size_t n = fa->file.len < fb->file.len ? fa->file.len : fb->file.len;
    int r = n ? memcmp(fa->file.ptr, fb->file.ptr, n) : 0;
    if (r != 0)
        return r;
    if (fa->file.len != fb->file.len)
        return fa->file.len < fb->file.len ? -1 : 1;
    if (fa->line != fb->line)
        return fa->line < fb->line ? -1 : 1;
    return 0;
}

/* A row with its entry number, sorted together. */
struct ranked {
    struct ppd_view_row row;
    uint32_t entry;
};

static int
cmp_ranked(const void *x, const void *y, void *ctx)
{
    return cmp_rows(&((const struct ranked *)x)->row,
                    &((const struct ranked *)y)->row, ctx);
}

static bool
sort_rows(struct ppd_view_row *rows, uint32_t *entries, size_t n,
          struct rank_ctx *c)
{
    struct ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (r == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        r[i].row = rows[i];
        r[i].entry = entries[i];
    }
    bool ok = ppd__sort(r, n, sizeof *r, cmp_ranked, c);
    for (size_t i = 0; ok && i < n; i++) {
        rows[i] = r[i].row;
        entries[i] = r[i].entry;
    }
    free(r);
    return ok;
}

/* Calls, largest change first (either sign), then by names: pprof's
 * order for a node's callers and callees. */
static int
cmp_edges(const void *x, const void *y, void *ctx)
{
    const struct ppd_view_edge *a = x, *b = y;
    const struct rank_ctx *c = ctx;
    uint64_t ma = a->delta < 0 ? -(uint64_t)a->delta : (uint64_t)a->delta;
    uint64_t mb = b->delta < 0 ? -(uint64_t)b->delta : (uint64_t)b->delta;
    if (ma != mb)
        return ma > mb ? -1 : 1;
    if (c->name_rank[a->caller] != c->name_rank[b->caller])
        return c->name_rank[a->caller] < c->name_rank[b->caller] ? -1 : 1;
    if (c->name_rank[a->callee] != c->name_rank[b->callee])
        return c->name_rank[a->callee] < c->name_rank[b->callee] ? -1 : 1;
    return 0;
}

/* Do frames x and y name the same entry (inline or not)? */
static bool
same_entry(const struct ppd_frame *x, const struct ppd_frame *y)
{
    return x->name.len == y->name.len && x->file.len == y->file.len &&
           x->line == y->line &&
           memcmp(x->name.ptr, y->name.ptr, x->name.len) == 0 &&
           (x->file.len == 0 ||
            memcmp(x->file.ptr, y->file.ptr, x->file.len) == 0);
}

/*
 * entry[f] = the entry of frame f, numbered by the first frame of each
 * (first[e]); returns the number of entries, SIZE_MAX when out of
 * memory.
 */
static size_t
map_entries(const struct ppd_accum *a, uint32_t *entry, uint32_t *first)
{
    size_t nf = ppd_accum_nframes(a), ne = 0;
    size_t size = ppd__table_size(nf + 1);
    uint32_t *t = ppd__table_new(size);
    if (t == NULL)
        return SIZE_MAX;
    for (size_t f = 0; f < nf; f++) {
        const struct ppd_frame *fr = ppd_accum_frame(a, (uint32_t)f);
        uint64_t h = ppd__hash_bytes(fr->name.ptr, fr->name.len) ^
                     ppd__hash_u64((uint64_t)fr->line) ^
                     ppd__hash_bytes(fr->file.ptr, fr->file.len) * 3;
        size_t j = (size_t)h & (size - 1);
        while (t[j] != 0 &&
               !same_entry(ppd_accum_frame(a, first[t[j] - 1]), fr))
            j = (j + 1) & (size - 1);
        if (t[j] == 0) {
            first[ne] = (uint32_t)f;
            t[j] = (uint32_t)++ne;
        }
        entry[f] = t[j] - 1;
    }
    free(t);
    return ne;
}

/* The calls touching peeked entries, found by their pair. */
struct edges {
    struct ppd_view_edge *v;
    int64_t *vals;
    size_t n, cap;
    uint64_t *tab; /* (caller << 32 | callee) + 1 per slot */
    uint32_t *idx; /* edge index per slot */
    size_t size;
};

static bool
edge_add(struct edges *e, uint32_t caller, uint32_t callee, uint32_t fcaller,
         uint32_t fcallee, bool inl, const int64_t *val, size_t ncols)
{
    if (e->n + 1 > e->size / 2) {
        size_t size = e->size ? e->size * 2 : 64;
        uint64_t *tab = calloc(size, sizeof *tab);
        uint32_t *idx = malloc(size * sizeof *idx);
        if (tab == NULL || idx == NULL) {
            free(tab);
            free(idx);
            return false;
        }
        for (size_t i = 0; i < e->size; i++) {
            if (e->tab[i] == 0)
                continue;
            size_t j = (size_t)ppd__hash_u64(e->tab[i]) & (size - 1);
            while (tab[j] != 0)
                j = (j + 1) & (size - 1);
            tab[j] = e->tab[i];
            idx[j] = e->idx[i];
        }
        free(e->tab);
        free(e->idx);
        e->tab = tab;
        e->idx = idx;
        e->size = size;
    }
    uint64_t key = ((uint64_t)caller << 32 | callee) + 1;
    size_t j = (size_t)ppd__hash_u64(key) & (e->size - 1);
    while (e->tab[j] != 0 && e->tab[j] != key)
        j = (j + 1) & (e->size - 1);
    if (e->tab[j] == 0) {
        if (e->n == e->cap) {
            size_t ncap = e->cap ? e->cap * 2 : 32;
            struct ppd_view_edge *nv = realloc(e->v, ncap * sizeof *nv);
            int64_t *nvals =
                nv ? realloc(e->vals, ncap * ncols * sizeof *nvals) : NULL;
            if (nv != NULL)
                e->v = nv;
            if (nvals == NULL)
                return false;
            e->vals = nvals;
            e->cap = ncap;
        }
        struct ppd_view_edge ed = {fcaller, fcallee, caller, callee,
                                   NULL, 0, inl};
        e->v[e->n] = ed;
        memset(e->vals + e->n * ncols, 0, ncols * sizeof *e->vals);
        e->tab[j] = key;
        e->idx[j] = (uint32_t)e->n++;
    }
    e->v[e->idx[j]].inlined &= inl;
    int64_t *v = e->vals + (size_t)e->idx[j] * ncols;
    for (size_t c = 0; c < ncols; c++)
        v[c] = (int64_t)((uint64_t)v[c] + (uint64_t)val[c]);
    return true;
}

/*
 * Every call from one entry into another, as pprof's graph has them: a
 * call is counted once per stack (the last stack that counted it is
 * kept), and it is inlined only if no stack made it as a real call.
 * An entry is marked inline when some call into it is inlined, partly
 * when others are not.
 */
struct calls {
    uint64_t *key;    /* (caller << 32 | callee) + 1 per slot; 0: empty */
    uint32_t *last;   /* per slot: the last stack that counted it, + 1 */
    unsigned char *real; /* per slot: some stack made it as a real call */
    size_t n, size;
    /* With few entries, a slot per pair instead: caller * dense + callee
     * (the table above unused). */
    size_t dense;
};

/* Up to this many entries, calls take a slot per pair of entries. */
#define DENSE_CALLS 1024

/* The slot of the call caller -> callee, made when new; SIZE_MAX: no
 * memory. */
static size_t
call_slot(struct calls *c, uint32_t caller, uint32_t callee)
{
    if (c->dense > 0)
        return (size_t)caller * c->dense + callee;
    if ((c->n + 1) * 2 > c->size) {
        size_t size = c->size ? c->size * 2 : 256;
        uint64_t *key = calloc(size, sizeof *key);
        uint32_t *last = calloc(size, sizeof *last);
        unsigned char *real = calloc(size, 1);
        if (key == NULL || last == NULL || real == NULL) {
            free(key);
            free(last);
            free(real);
            return SIZE_MAX;
        }
        for (size_t i = 0; i < c->size; i++) {
            if (c->key[i] == 0)
                continue;
            size_t j = (size_t)ppd__hash_u64(c->key[i]) & (size - 1);
            while (key[j] != 0)
                j = (j + 1) & (size - 1);
            key[j] = c->key[i];
            last[j] = c->last[i];
            real[j] = c->real[i];
        }
        free(c->key);
        free(c->last);
        free(c->real);
        c->key = key;
        c->last = last;
        c->real = real;
        c->size = size;
    }
    uint64_t k = ((uint64_t)caller << 32 | callee) + 1;
    size_t j = (size_t)ppd__hash_u64(k) & (c->size - 1);
    while (c->key[j] != 0 && c->key[j] != k)
        j = (j + 1) & (c->size - 1);
    if (c->key[j] == 0) {
        c->key[j] = k;
        c->n++;
    }
    return j;
}

static void
calls_free(struct calls *c)
{
    free(c->key);
    free(c->last);
    free(c->real);
}

/* dst[c] += v[c] for n columns, wrapping as int64 sums do here; a diff's
 * two columns without the loop. */
static inline void
add_values(int64_t *dst, const int64_t *v, size_t n)
{
    if (n == 2) {
        dst[0] = (int64_t)((uint64_t)dst[0] + (uint64_t)v[0]);
        dst[1] = (int64_t)((uint64_t)dst[1] + (uint64_t)v[1]);
        return;
    }
    for (size_t c = 0; c < n; c++)
        dst[c] = (int64_t)((uint64_t)dst[c] + (uint64_t)v[c]);
}

static uint64_t
magnitude(int64_t d)
{
    return d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
}

static int64_t
delta_of(const int64_t *v, size_t n)
{
    return n > 1 ? (int64_t)((uint64_t)v[n - 1] - (uint64_t)v[0]) : v[0];
}

/* What the pass over the stacks reads. */
struct pass_in {
    const struct ppd_accum *a;
    size_t ncols;
    const uint32_t *entry, *first;
    const unsigned char *inlined, *maybe_inl;
    const bool *peeked; /* NULL: no --peek */
};

/* What a pass over some of the stacks adds up (the first pass's arrays
 * are the view's; a second thread's are its own, added to them after). */
struct pass_out {
    int64_t *flat, *cum; /* ncols per entry */
    uint32_t *mark;      /* per entry: the last stack that counted it + 1 */
    struct calls calls;
    struct edges *edges; /* with --peek */
    size_t from, to;     /* the stacks */
    bool ok;
};

/*
 * One pass over stacks [o->from, o->to): the stack's frame ids as the
 * accumulator keeps them, root first: each entry's cum once per stack
 * (mark), and each call from one entry into another, which pprof also
 * counts once per stack, the first (root-most) time; the leaf's flat
 * last.
 */
static void
pass(const struct pass_in *in, struct pass_out *o)
{
    const struct ppd_accum *a = in->a;
    size_t ncols = in->ncols;
    const uint32_t *entry = in->entry, *first = in->first;
    const unsigned char *inlined = in->inlined, *maybe_inl = in->maybe_inl;
    const bool *peeked = in->peeked;
    int64_t *flat = o->flat, *cum = o->cum;
    uint32_t *mark = o->mark;
    struct calls *calls = &o->calls;
    const int64_t *vals = o->to > o->from ? ppd_accum_values(a, 0) : NULL;
    o->ok = false;
    for (size_t s = o->from; s < o->to; s++) {
        const int64_t *val = vals + s * ncols;
        /* pprof leaves samples of no value out of its graph: their
         * calls mark nothing. */
        bool any = false;
        for (size_t c = 0; c < ncols && !any; c++)
            any = val[c] != 0;
        const unsigned char *p, *end;
        ppd_accum_stack_bytes(a, s, &p, &end);
        uint32_t caller = UINT32_MAX, f;
        while (ppd_uvarint32_next(&p, end, &f)) {
            uint32_t e = entry[f];
            if (mark[e] != s + 1) {
                mark[e] = (uint32_t)(s + 1);
                add_values(cum + (size_t)e * ncols, val, ncols);
            }
            uint32_t from = caller;
            caller = e;
            if (!any || from == UINT32_MAX || from == e ||
                (!maybe_inl[e] &&
                 (peeked == NULL || (!peeked[from] && !peeked[e]))))
                continue;
            size_t j = call_slot(calls, from, e);
            if (j == SIZE_MAX)
                return;
            if (calls->last[j] == s + 1)
                continue;
            calls->last[j] = (uint32_t)(s + 1);
            bool inl = inlined[f];
            if (!inl)
                calls->real[j] = 1;
            if (peeked != NULL && (peeked[from] || peeked[e]) &&
                !edge_add(o->edges, from, e, first[from], first[e], inl, val,
                          ncols))
                return;
        }
        if (caller != UINT32_MAX) /* the leaf */
            add_values(flat + (size_t)caller * ncols, val, ncols);
    }
    o->ok = true;
}

struct pass_args {
    const struct pass_in *in;
    struct pass_out *o;
};

static void *
pass_thread(void *arg)
{
    struct pass_args *x = arg;
    pass(x->in, x->o);
    return NULL;
}

/* Room for the calls of ne entries: a slot per pair when few. */
static bool
calls_init(struct calls *c, size_t ne)
{
    if (ne == 0 || ne > DENSE_CALLS)
        return true;
    c->dense = ne;
    c->size = ne * ne;
    c->last = calloc(c->size, sizeof *c->last);
    c->real = calloc(c->size, 1);
    return c->last != NULL && c->real != NULL;
}

/* Add the second part's sums and calls to the first's. */
static bool
pass_merge(struct pass_out *to, const struct pass_out *from, size_t ne,
           size_t ncols)
{
    for (size_t i = 0; i < ne * ncols; i++) {
        to->flat[i] = (int64_t)((uint64_t)to->flat[i] +
                                (uint64_t)from->flat[i]);
        to->cum[i] = (int64_t)((uint64_t)to->cum[i] + (uint64_t)from->cum[i]);
    }
    const struct calls *c = &from->calls;
    for (size_t j = 0; j < c->size; j++) {
        size_t k = j;
        if (c->dense > 0) {
            if (c->last[j] == 0)
                continue;
        } else {
            if (c->key[j] == 0)
                continue;
            k = call_slot(&to->calls, (uint32_t)((c->key[j] - 1) >> 32),
                          (uint32_t)(c->key[j] - 1));
            if (k == SIZE_MAX)
                return false;
        }
        if (to->calls.last[k] == 0)
            to->calls.last[k] = 1; /* seen: no stack of its own now */
        to->calls.real[k] |= c->real[j];
    }
    return true;
}

/* Below this many stacks one thread makes a view as fast as two. */
#define SPLIT_MIN 65536

enum ppd_status
ppd_view_compute(const struct ppd_accum *a, const struct ppd_view_options *opt,
                 struct ppd_view **out, struct ppd_error *err)
{
    static const struct ppd_view_options none = {0};
    if (opt == NULL)
        opt = &none;
    *out = NULL;
    size_t nf = ppd_accum_nframes(a), ncols = ppd_accum_ncolumns(a);
    size_t ns = ppd_accum_nstacks(a);
    struct ppd_arena *arena = ppd__arena_new();
    uint32_t *entry = malloc((nf ? nf : 1) * sizeof *entry);
    uint32_t *first = malloc((nf ? nf : 1) * sizeof *first);
    unsigned char *inl_in = calloc(nf ? nf : 1, 1); /* 1 inline, 2 not */
    struct calls calls = {0};
    uint32_t *mark = calloc(nf ? nf : 1, sizeof *mark);
    /* Per frame: called inline (one byte, so the pass over the stacks
     * reads no frame records). */
    unsigned char *inlined = malloc(nf ? nf : 1);
    unsigned char *maybe_inl = NULL;
    uint32_t *name_rank = ppd_accum_name_order(a);
    struct ppd_view *v = arena ? ppd__arena_calloc(arena, 1, sizeof *v) : NULL;
    int64_t *flat = arena ? ppd__arena_calloc(arena, nf ? nf * ncols : 1,
                                              sizeof *flat)
                          : NULL;
    int64_t *cum = arena ? ppd__arena_calloc(arena, nf ? nf * ncols : 1,
                                             sizeof *cum)
                         : NULL;
    struct edges edges = {0};
    struct ppd__regex *peek_re = NULL;
    bool *peeked = NULL;
    enum ppd_status st = PPD_ENOMEM;
    if (v == NULL || flat == NULL || cum == NULL || mark == NULL ||
        name_rank == NULL || entry == NULL || first == NULL || inl_in == NULL ||
        inlined == NULL)
        goto out;
    size_t ne = map_entries(a, entry, first);
    if (ne == SIZE_MAX)
        goto out;
    for (size_t f = 0; f < nf; f++)
        inlined[f] = ppd_accum_frame(a, (uint32_t)f)->inlined;
    /* Only calls into an entry some frame of which was inlined can mark
     * it: the others need no call kept (unless peeked). */
    maybe_inl = calloc(ne ? ne : 1, 1);
    if (maybe_inl == NULL)
        goto out;
    for (size_t f = 0; f < nf; f++)
        if (inlined[f])
            maybe_inl[entry[f]] = 1;
    if (!calls_init(&calls, ne))
        goto out;
    if (opt->peek != NULL) {
        st = ppd__regex_new(opt->peek, "--peek", &peek_re, err);
        if (st != PPD_OK)
            goto out;
        st = PPD_ENOMEM;
        peeked = calloc(ne ? ne : 1, sizeof *peeked);
        if (peeked == NULL)
            goto out;
        for (size_t e = 0; e < ne; e++)
            peeked[e] = ppd__regex_match(peek_re,
                                         ppd_accum_frame(a, first[e])->name);
    }
    /* The pass over the stacks; a big accumulator's in two halves on
     * two threads (not with --peek, whose calls keep their order). */
    struct pass_in in = {a, ncols, entry, first, inlined, maybe_inl, peeked};
    struct pass_out mine = {flat, cum, mark, calls, &edges, 0, ns, false};
    struct pass_out side = {0};
    calls = (struct calls){0}; /* mine.calls holds them now */
    bool split = peeked == NULL && opt->threads != 1 &&
                 (opt->threads >= 2 || (ns >= SPLIT_MIN && ppd__two_cpus()));
    if (split) {
        size_t cells = ne * ncols > 0 ? ne * ncols : 1;
        side.flat = calloc(cells, sizeof *side.flat);
        side.cum = calloc(cells, sizeof *side.cum);
        side.mark = calloc(ne ? ne : 1, sizeof *side.mark);
        /* No room for a second half's sums: one pass over them all. */
        split = side.flat != NULL && side.cum != NULL && side.mark != NULL &&
                calls_init(&side.calls, ne);
    }
    if (split) {
        side.from = mine.to = ns / 2;
        side.to = ns;
        struct pass_args arg = {&in, &side};
        pthread_t th;
        bool started = pthread_create(&th, NULL, pass_thread, &arg) == 0;
        pass(&in, &mine);
        if (started)
            pthread_join(th, NULL);
        else
            pass(&in, &side);
        if (!side.ok || (mine.ok && !pass_merge(&mine, &side, ne, ncols)))
            mine.ok = false;
    } else {
        pass(&in, &mine);
    }
    calls = mine.calls;
    free(side.flat);
    free(side.cum);
    free(side.mark);
    calls_free(&side.calls);
    if (!mine.ok)
        goto out;
    for (size_t j = 0; j < calls.size; j++) {
        if (calls.dense > 0 ? calls.last[j] == 0 : calls.key[j] == 0)
            continue;
        uint32_t callee = calls.dense > 0 ? (uint32_t)(j % calls.dense)
                                          : (uint32_t)(calls.key[j] - 1);
        inl_in[callee] |= calls.real[j] ? 2 : 1;
    }
    struct ppd_view_row *rows =
        ppd__arena_calloc(arena, nf ? nf : 1, sizeof *rows);
    uint32_t *row_entry = ppd__arena_calloc(arena, nf ? nf : 1,
                                            sizeof *row_entry);
    if (rows == NULL || row_entry == NULL)
        goto out;
    size_t n = 0;
    for (size_t f = 0; f < ne; f++) {
        if (peeked != NULL && !peeked[f])
            continue;
        const int64_t *fl = flat + f * ncols, *cu = cum + f * ncols;
        bool any = false;
        for (size_t c = 0; c < ncols && !any; c++)
            any = fl[c] != 0 || cu[c] != 0;
        if (!any)
            continue;
        v->nentries++;
        struct ppd_view_row r = {
            .frame = first[f],
            .inlined = inl_in[f] == 1   ? PPD_INLINE_ALL
                       : inl_in[f] == 3 ? PPD_INLINE_PARTIAL
                                        : PPD_INLINE_NONE,
            .flat = fl,
            .cum = cu,
            .flat_delta = delta_of(fl, ncols),
            .cum_delta = delta_of(cu, ncols),
        };
        if (r.flat_delta == 0 && r.cum_delta == 0) {
            v->nunchanged++;
            if (!opt->keep_unchanged)
                continue;
        } else if ((magnitude(r.flat_delta) < opt->min_change &&
                    magnitude(r.cum_delta) < opt->min_change) ||
                   (opt->drop_negative &&
                    (r.flat_delta < 0 ||
                     (r.flat_delta == 0 && r.cum_delta < 0)))) {
            v->nfloor++;
            continue;
        }
        row_entry[n] = (uint32_t)f;
        rows[n++] = r;
    }
    struct rank_ctx ctx = {a, name_rank};
    /* Rows and their entry numbers are sorted together. */
    if (!sort_rows(rows, row_entry, n, &ctx))
        goto out;
    if (peeked != NULL) {
        struct ppd_view_edge *ev = ppd__arena_calloc(
            arena, edges.n ? edges.n : 1, sizeof *ev);
        int64_t *evals = ppd__arena_calloc(arena, edges.n ? edges.n * ncols
                                                          : 1,
                                           sizeof *evals);
        if (ev == NULL || evals == NULL)
            goto out;
        if (edges.n > 0)
            memcpy(evals, edges.vals, edges.n * ncols * sizeof *evals);
        for (size_t i = 0; i < edges.n; i++) {
            ev[i] = edges.v[i];
            ev[i].values = evals + i * ncols;
            ev[i].delta = delta_of(ev[i].values, ncols);
        }
        if (!ppd__sort(ev, edges.n, sizeof *ev, cmp_edges, &ctx))
            goto out;
        v->edges = ev;
        v->nedges = edges.n;
    }
    v->row_entry = row_entry;
    v->min_change = opt->min_change;
    v->accum = a;
    v->ncolumns = ncols;
    v->rows = rows;
    v->nrows = opt->top != 0 && n > opt->top ? opt->top : n;
    v->priv = arena;
    *out = v;
    st = PPD_OK;
out:
    free(edges.v);
    free(edges.vals);
    free(edges.tab);
    free(edges.idx);
    free(peeked);
    ppd__regex_free(peek_re);
    calls_free(&calls);
    free(entry);
    free(first);
    free(inl_in);
    free(inlined);
    free(maybe_inl);
    free(mark);
    free(name_rank);
    if (st == PPD_OK)
        return PPD_OK;
    ppd__arena_free(arena);
    if (st == PPD_ENOMEM)
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    return st;
}

void
ppd_view_free(struct ppd_view *v)
{
    if (v != NULL)
        ppd__arena_free(v->priv);
}
