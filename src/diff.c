/*
 * diff.c - aggregate profiles by symbolized stack and rank the deltas.
 *
 * Each profile's locations are translated once into interned frame ids
 * (inline frames expanded). A sample's stack is expanded into frame ids,
 * hashed, and added to the row with the same frames; a row remembers the
 * first sample that made it instead of a copy of its frames, so the diff
 * of two half-million-sample profiles stores no stacks of its own.
 *
 * The one non-obvious decision: after merging, frames are renumbered in
 * name order, so comparing two stacks' frame ids compares their text and
 * tie-breaking needs no string comparisons. Stacks whose delta is 0 are
 * counted but not ranked unless asked for: in a diff of two big heap
 * profiles they are most of the rows and nobody reads them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "hash.h"
#include "pprofdiff/diff.h"

/*
 * Per profile: location index -> frame ids lf[first[i] .. first[i+1]),
 * and for hashing, each location's frames folded into a polynomial hash
 * (pow = B^frames, sum = the frames' contribution), so a stack's hash is
 * one multiply-add per location and equals the hash of its expanded
 * frames however they are split into locations.
 */
struct locframes {
    uint32_t *first;
    uint32_t *lf;
    uint64_t *pow;
    uint64_t *sum;
};

#define HASH_BASE 0x100000001b3u

/*
 * A row while merging: the first sample with this stack. Its values are
 * vals[row * nprof ...]; its hash is recomputed when the table grows.
 */
struct rowacc {
    uint32_t prof;
    uint32_t sample;
};

struct acc {
    struct ppd_arena *arena;
    const struct ppd_profile *const *profiles;
    size_t nprof;
    struct locframes *lfs;
    /* Frame interning. */
    const char **names;
    size_t nnames, names_cap;
    uint32_t *ftab; /* id + 1 */
    size_t ftab_size;
    /* Rows. */
    struct rowacc *rows;
    size_t nrows, rows_cap;
    uint64_t *rtab; /* tagged slots (hash.h) */
    size_t rtab_size;
    int64_t *vals;
    size_t nvals, vals_cap;
    /* Scratch stacks. */
    uint32_t *seq, *seq2;
    size_t seq_cap, seq2_cap;
};

static bool
grow(void **v, size_t *cap, size_t elem, size_t need)
{
    if (need <= *cap)
        return true;
    /* A first reservation is taken at its word; growth is by half. */
    size_t ncap = *cap ? *cap : (need > 64 ? need : 64);
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return false;
        ncap += ncap / 2;
    }
    void *nv = realloc(*v, ncap * elem);
    if (nv == NULL)
        return false;
    *v = nv;
    *cap = ncap;
    return true;
}

static bool
rehash_frames(struct acc *a)
{
    size_t size = ppd__table_size(a->nnames + 1);
    if (size <= a->ftab_size)
        return true;
    uint32_t *t = ppd__table_new(size);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < a->nnames; i++) {
        size_t j = ppd__hash_bytes(a->names[i], strlen(a->names[i])) &
                   (size - 1);
        while (t[j] != 0)
            j = (j + 1) & (size - 1);
        t[j] = (uint32_t)(i + 1);
    }
    free(a->ftab);
    a->ftab = t;
    a->ftab_size = size;
    return true;
}

/* Intern a frame name; returns its id or PPD_NO_FRAME when out of memory. */
static uint32_t
intern(struct acc *a, const char *name)
{
    if (ppd__table_full(a->nnames, a->ftab_size) && !rehash_frames(a))
        return PPD_NO_FRAME;
    size_t len = strlen(name);
    size_t j = ppd__hash_bytes(name, len) & (a->ftab_size - 1);
    while (a->ftab[j] != 0) {
        const char *s = a->names[a->ftab[j] - 1];
        if (strcmp(s, name) == 0)
            return a->ftab[j] - 1;
        j = (j + 1) & (a->ftab_size - 1);
    }
    if (a->nnames >= PPD_NO_FRAME - 1 ||
        !grow((void **)&a->names, &a->names_cap, sizeof *a->names,
              a->nnames + 1))
        return PPD_NO_FRAME;
    a->names[a->nnames] = name;
    a->ftab[j] = (uint32_t)(a->nnames + 1);
    return (uint32_t)a->nnames++;
}

/* The frame name of a location without symbols: "file+0xoffset". */
static const char *
fallback_name(struct acc *a, const struct ppd_location *l)
{
    char buf[64];
    const struct ppd_mapping *m = l->mapping;
    if (m == NULL) {
        snprintf(buf, sizeof buf, "0x%" PRIx64, l->address);
        return ppd__arena_strndup(a->arena, buf, strlen(buf));
    }
    uint64_t off = l->address - m->memory_start + m->file_offset;
    snprintf(buf, sizeof buf, "+0x%" PRIx64, off);
    const char *file = m->filename[0] ? m->filename : "<unknown>";
    size_t fl = strlen(file), bl = strlen(buf);
    char *s = ppd__arena_alloc(a->arena, fl + bl + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, file, fl);
    memcpy(s + fl, buf, bl + 1);
    return s;
}

/* Frame ids of every location of p, inline frames expanded. */
static bool
locframes_build(struct acc *a, const struct ppd_profile *p,
                struct locframes *out)
{
    size_t total = 0;
    for (size_t i = 0; i < p->nlocations; i++)
        total += p->locations[i].nlines ? p->locations[i].nlines : 1;
    out->first = ppd__arena_alloc(a->arena,
                                  (p->nlocations + 1) * sizeof *out->first);
    out->lf = ppd__arena_alloc(a->arena, (total ? total : 1) * sizeof *out->lf);
    if (out->first == NULL || out->lf == NULL)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < p->nlocations; i++) {
        const struct ppd_location *l = &p->locations[i];
        out->first[i] = (uint32_t)n;
        uint32_t nl = l->nlines ? l->nlines : 1;
        for (uint32_t k = 0; k < nl; k++) {
            const char *name = NULL;
            if (l->nlines > 0) {
                const struct ppd_function *f = l->lines[k].function;
                name = f->name[0] ? f->name : f->system_name;
            }
            if (name == NULL || name[0] == '\0')
                name = fallback_name(a, l);
            if (name == NULL)
                return false;
            out->lf[n] = intern(a, name);
            if (out->lf[n++] == PPD_NO_FRAME)
                return false;
        }
    }
    out->first[p->nlocations] = (uint32_t)n;
    return true;
}

/* Fill pow/sum of every location once the frame ids are final. */
static bool
locframes_fold(struct acc *a, const struct ppd_profile *p,
               struct locframes *lf)
{
    size_t nl = p->nlocations ? p->nlocations : 1;
    lf->pow = ppd__arena_alloc(a->arena, nl * sizeof *lf->pow);
    lf->sum = ppd__arena_alloc(a->arena, nl * sizeof *lf->sum);
    if (lf->pow == NULL || lf->sum == NULL)
        return false;
    for (size_t i = 0; i < p->nlocations; i++) {
        uint64_t pw = 1, sm = 0;
        for (uint32_t k = lf->first[i]; k < lf->first[i + 1]; k++) {
            sm = sm * HASH_BASE + lf->lf[k] + 1;
            pw *= HASH_BASE;
        }
        lf->pow[i] = pw;
        lf->sum[i] = sm;
    }
    return true;
}

/* The hash and frame count of a sample's expanded stack. */
static uint64_t
stack_hash(const struct locframes *lf, const struct ppd_sample *s,
           uint32_t *nframes)
{
    const unsigned char *p = s->stack, *end = s->stack + s->stack_len;
    uint64_t h = 0;
    uint32_t n = 0, loc;
    while (ppd_stack_next(&p, end, &loc)) {
        h = h * lf->pow[loc] + lf->sum[loc];
        n += lf->first[loc + 1] - lf->first[loc];
    }
    *nframes = n;
    return ppd__hash_u64(h ^ n);
}

/* Expand a sample's stack into frame ids, leaf first; SIZE_MAX on OOM. */
static size_t
expand(const struct locframes *lf, const struct ppd_sample *s, uint32_t **buf,
       size_t *cap)
{
    const unsigned char *p = s->stack, *end = s->stack + s->stack_len;
    size_t n = 0;
    uint32_t loc;
    while (ppd_stack_next(&p, end, &loc)) {
        uint32_t b = lf->first[loc], e = lf->first[loc + 1];
        if (!grow((void **)buf, cap, sizeof **buf, n + (e - b)))
            return SIZE_MAX;
        memcpy(*buf + n, lf->lf + b, (e - b) * sizeof **buf);
        n += e - b;
    }
    return n;
}

/* Make the row table big enough for `more` new rows. */
static bool
reserve_rows(struct acc *a, size_t more)
{
    size_t size = ppd__table_size(a->nrows + more);
    if (size <= a->rtab_size)
        return true;
    uint64_t *t = ppd__table64_new(size);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < a->nrows; i++) {
        const struct rowacc *r = &a->rows[i];
        uint32_t nf;
        uint64_t h = stack_hash(&a->lfs[r->prof],
                                &a->profiles[r->prof]->samples[r->sample], &nf);
        size_t j = h & (size - 1);
        while (t[j] != 0)
            j = (j + 1) & (size - 1);
        t[j] = SLOT(h, i);
    }
    free(a->rtab);
    a->rtab = t;
    a->rtab_size = size;
    return true;
}

/*
 * The row for sample si of profile pi, whose frames hash to h and number
 * n; SIZE_MAX when out of memory. A candidate row is confirmed by
 * comparing the frames themselves, never by the hash alone.
 */
static size_t
row_for(struct acc *a, uint64_t h, uint32_t pi, uint32_t si)
{
    const struct locframes *lf = &a->lfs[pi];
    const struct ppd_sample *s = &a->profiles[pi]->samples[si];
    size_t mask = a->rtab_size - 1;
    size_t j = h & mask;
    uint64_t sl;
    size_t n = SIZE_MAX;
    while ((sl = a->rtab[j]) != 0) {
        const struct rowacc *r = &a->rows[SLOT_INDEX(sl)];
        if (SLOT_MATCH(sl, h)) {
            if (n == SIZE_MAX) {
                n = expand(lf, s, &a->seq, &a->seq_cap);
                if (n == SIZE_MAX)
                    return SIZE_MAX;
            }
            size_t m = expand(&a->lfs[r->prof],
                              &a->profiles[r->prof]->samples[r->sample],
                              &a->seq2, &a->seq2_cap);
            if (m == SIZE_MAX)
                return SIZE_MAX;
            if (m == n &&
                (n == 0 || memcmp(a->seq, a->seq2, n * sizeof *a->seq) == 0))
                return SLOT_INDEX(sl);
        }
        j = (j + 1) & mask;
    }
    if (ppd__table_full(a->nrows, a->rtab_size)) {
        /* Grow, then find this stack's empty slot in the new table. */
        if (!reserve_rows(a, 1))
            return SIZE_MAX;
        mask = a->rtab_size - 1;
        for (j = h & mask; a->rtab[j] != 0; j = (j + 1) & mask)
            ;
    }
    if (a->nrows >= UINT32_MAX - 1 ||
        !grow((void **)&a->rows, &a->rows_cap, sizeof *a->rows,
              a->nrows + 1) ||
        !grow((void **)&a->vals, &a->vals_cap, sizeof *a->vals,
              a->nvals + a->nprof))
        return SIZE_MAX;
    struct rowacc *r = &a->rows[a->nrows];
    r->prof = pi;
    r->sample = si;
    memset(a->vals + a->nvals, 0, a->nprof * sizeof *a->vals);
    a->nvals += a->nprof;
    a->rtab[j] = SLOT(h, a->nrows);
    return a->nrows++;
}

/*
 * Add one profile's chosen column into the accumulator. Each sample's
 * stack hash is computed a little ahead of its lookup and the slot it
 * points at prefetched, so the table's random accesses overlap.
 */
static bool
add_profile(struct acc *a, size_t pi, long idx, int64_t *total)
{
    const struct ppd_profile *p = a->profiles[pi];
    const struct locframes *lf = &a->lfs[pi];
    if (!locframes_build(a, p, &a->lfs[pi]) ||
        !locframes_fold(a, p, &a->lfs[pi]))
        return false;
    size_t live = 0;
    for (size_t i = 0; i < p->nsamples; i++)
        live += p->samples[i].values[idx] != 0;
    /* Room for this profile's stacks when they are new; a later profile
     * mostly repeats earlier stacks, and the table grows if not. */
    if (!reserve_rows(a, a->nrows == 0 ? live + 1 : 1))
        return false;
    uint64_t ring[PREFETCH_AHEAD];
    uint32_t nf;
    for (size_t i = 0; i < p->nsamples && i < PREFETCH_AHEAD; i++) {
        ring[i] = stack_hash(lf, &p->samples[i], &nf);
        ppd__prefetch(&a->rtab[ring[i] & (a->rtab_size - 1)]);
    }
    uint64_t sum = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        uint64_t h = ring[i % PREFETCH_AHEAD];
        if (i + PREFETCH_AHEAD < p->nsamples) {
            uint64_t ahead =
                stack_hash(lf, &p->samples[i + PREFETCH_AHEAD], &nf);
            ring[i % PREFETCH_AHEAD] = ahead;
            ppd__prefetch(&a->rtab[ahead & (a->rtab_size - 1)]);
        }
        int64_t v = p->samples[i].values[idx];
        if (v == 0)
            continue;
        size_t r = row_for(a, h, (uint32_t)pi, (uint32_t)i);
        if (r == SIZE_MAX)
            return false;
        int64_t *cell = &a->vals[r * a->nprof + pi];
        *cell = (int64_t)((uint64_t)*cell + (uint64_t)v);
        sum += (uint64_t)v;
    }
    *total = (int64_t)sum;
    return true;
}

static int64_t
delta_of(const int64_t *v, size_t n)
{
    return n > 1 ? (int64_t)((uint64_t)v[n - 1] - (uint64_t)v[0]) : v[0];
}

static enum ppd_diff_section
section_of(const int64_t *v, size_t n)
{
    int64_t delta = delta_of(v, n);
    return delta > 0 ? PPD_GROWING : delta < 0 ? PPD_SHRINKING : PPD_UNCHANGED;
}

bool
ppd_diff_is_runtime_frame(const char *name, const struct ppd_diff_options *opt)
{
    static const char *const builtin[] = {"runtime.", "runtime/", "internal/",
                                          "sync.", "time.Sleep"};
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (strncmp(name, builtin[i], strlen(builtin[i])) == 0)
            return true;
    if (opt != NULL)
        for (size_t i = 0; i < opt->nruntime_prefixes; i++) {
            const char *pre = opt->runtime_prefixes[i];
            if (pre[0] != '\0' && strncmp(name, pre, strlen(pre)) == 0)
                return true;
        }
    return false;
}

size_t
ppd_diff_row_frames(const struct ppd_diff *d, const struct ppd_diff_row *r,
                    uint32_t *out, size_t cap)
{
    const struct locframes *lfs = d->priv;
    const struct locframes *lf = &lfs[r->profile];
    const struct ppd_sample *s = r->sample;
    const unsigned char *p = s->stack, *end = s->stack + s->stack_len;
    size_t n = 0;
    uint32_t loc;
    while (ppd_stack_next(&p, end, &loc))
        for (uint32_t k = lf->first[loc]; k < lf->first[loc + 1]; k++) {
            if (n < cap)
                out[n] = lf->lf[k];
            n++;
        }
    return n;
}

struct name_id {
    const char *name;
    uint32_t id;
};

static int
cmp_name(const void *x, const void *y)
{
    const struct name_id *a = x, *b = y;
    return strcmp(a->name, b->name);
}

/*
 * A row being ranked, with its frames root first in a shared pool, so a
 * comparison reads two short arrays instead of decoding two stacks.
 */
struct sort_item {
    struct ppd_diff_row row;
    const uint32_t *rootfirst;
};

static int
cmp_item(const void *x, const void *y)
{
    const struct sort_item *ia = x, *ib = y;
    const struct ppd_diff_row *a = &ia->row, *b = &ib->row;
    if (a->section != b->section)
        return a->section < b->section ? -1 : 1;
    if (a->delta != b->delta) {
        if (a->section == PPD_SHRINKING)
            return a->delta < b->delta ? -1 : 1;
        return a->delta > b->delta ? -1 : 1;
    }
    /* Stack text, root first; frame ids are in name order. */
    uint32_t n = a->nframes < b->nframes ? a->nframes : b->nframes;
    for (uint32_t i = 0; i < n; i++)
        if (ia->rootfirst[i] != ib->rootfirst[i])
            return ia->rootfirst[i] < ib->rootfirst[i] ? -1 : 1;
    return a->nframes < b->nframes ? -1 : a->nframes > b->nframes;
}

/* Sort rows[0..n) into ranking order. */
static bool
rank_rows(const struct ppd_diff *d, struct ppd_diff_row *rows, size_t n)
{
    bool ok = false;
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += rows[i].nframes;
    struct sort_item *items = malloc((n ? n : 1) * sizeof *items);
    uint32_t *pool = malloc((total ? total : 1) * sizeof *pool);
    if (items == NULL || pool == NULL)
        goto out;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t *f = pool + at;
        size_t m = ppd_diff_row_frames(d, &rows[i], f, rows[i].nframes);
        for (size_t k = 0; k < m / 2; k++) {
            uint32_t t = f[k];
            f[k] = f[m - 1 - k];
            f[m - 1 - k] = t;
        }
        items[i].row = rows[i];
        items[i].rootfirst = f;
        at += m;
    }
    qsort(items, n, sizeof *items, cmp_item);
    for (size_t i = 0; i < n; i++)
        rows[i] = items[i].row;
    ok = true;
out:
    free(items);
    free(pool);
    return ok;
}

/*
 * The index in p of the sample type t (index at in the profile it comes
 * from): the type with t's name and unit, preferring the same index when
 * several match; else the only type of that name; else -1.
 */
static long
same_type(const struct ppd_profile *p, const struct ppd_value_type *t,
          size_t at)
{
    long found = -1, by_name = -1;
    size_t names = 0;
    for (size_t k = 0; k < p->nsample_types; k++) {
        const struct ppd_value_type *v = &p->sample_types[k];
        if (strcmp(v->type, t->type) != 0)
            continue;
        names++;
        by_name = (long)k;
        if (strcmp(v->unit, t->unit) == 0 && (found < 0 || k == at))
            found = (long)k;
    }
    if (found >= 0)
        return found;
    return names == 1 ? by_name : -1;
}

static enum ppd_status
missing_sample(const struct ppd_profile *const *profiles, size_t n,
               size_t bad, const char *spec, const char *default_of,
               struct ppd_error *err)
{
    char list[PPD_ERROR_MSG_MAX];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof list; i++) {
        const struct ppd_profile *p = profiles[i];
        int w = snprintf(list + used, sizeof list - used, "%s%s offers ",
                         i ? "; " : "", p->name);
        if (w < 0)
            break;
        used += (size_t)w;
        for (size_t k = 0; k < p->nsample_types && used < sizeof list; k++) {
            w = snprintf(list + used, sizeof list - used, "%s%s", k ? "," : "",
                         p->sample_types[k].type);
            if (w < 0)
                break;
            used += (size_t)w;
        }
    }
    if (default_of != NULL)
        return ppd_error_set(err, PPD_ESAMPLE, profiles[bad]->name,
                             "no sample type \"%s\", the default of %s: "
                             "profiles of different kinds? choose one with "
                             "-s (%s)",
                             spec, default_of, list);
    return ppd_error_set(err, PPD_ESAMPLE, profiles[bad]->name,
                         "no sample type \"%s\" (%s)", spec, list);
}

enum ppd_status
ppd_diff_compute(const struct ppd_profile *const *profiles, size_t n,
                 const struct ppd_diff_options *opt, struct ppd_diff **out,
                 struct ppd_error *err)
{
    enum ppd_status st = PPD_ENOMEM;
    struct acc a = {0};
    struct ppd_diff *d = NULL;
    struct name_id *order = NULL;
    uint32_t *remap = NULL;
    bool *runtime = NULL;

    *out = NULL;
    if (n == 0 || n > UINT32_MAX)
        return ppd_error_set(err, PPD_EINVAL, NULL, "no profiles to compare");
    a.arena = ppd__arena_new();
    if (a.arena == NULL)
        goto oom;
    a.nprof = n;
    a.profiles = profiles;
    d = ppd__arena_calloc(a.arena, 1, sizeof *d);
    long *sidx = ppd__arena_calloc(a.arena, n, sizeof *sidx);
    int64_t *totals = ppd__arena_calloc(a.arena, n, sizeof *totals);
    a.lfs = ppd__arena_calloc(a.arena, n, sizeof *a.lfs);
    if (d == NULL || sidx == NULL || totals == NULL || a.lfs == NULL)
        goto oom;
    d->arena = a.arena;
    d->priv = a.lfs;

    /* The sample type, chosen on the last profile and matched by name in
     * the others, so type lists in a different order still line up. */
    const struct ppd_profile *last = profiles[n - 1];
    const char *spec = opt != NULL ? opt->sample : NULL;
    bool chosen = spec != NULL && spec[0] != '\0';
    long li = ppd_profile_sample_index(last, spec);
    if (li < 0) {
        st = missing_sample(profiles, n, n - 1,
                            chosen ? spec : last->default_sample_type, NULL,
                            err);
        goto fail;
    }
    const char *tname = last->sample_types[li].type;
    for (size_t i = 0; i < n; i++) {
        sidx[i] = i == n - 1 ? li
                             : same_type(profiles[i], &last->sample_types[li],
                                         (size_t)li);
        if (sidx[i] < 0) {
            /* Without -s the type is the last profile's default: when
             * the profiles are of different kinds, say whose it is. */
            st = missing_sample(profiles, n, i, tname,
                                chosen ? NULL : last->name, err);
            goto fail;
        }
    }
    /* Most stacks of one profile recur in the others: start the row
     * tables at the largest profile's size. */
    size_t most = 0;
    for (size_t i = 0; i < n; i++)
        if (profiles[i]->nsamples > most)
            most = profiles[i]->nsamples;
    if (!grow((void **)&a.rows, &a.rows_cap, sizeof *a.rows, most + 1) ||
        !grow((void **)&a.vals, &a.vals_cap, sizeof *a.vals, (most + 1) * n))
        goto oom;
    for (size_t i = 0; i < n; i++)
        if (!add_profile(&a, i, sidx[i], &totals[i]))
            goto oom;
    free(a.rtab);
    a.rtab = NULL;
    d->nprofiles = n;
    d->profiles = profiles;
    d->sample_index = sidx;
    d->sample_type = last->sample_types[li];
    d->totals = totals;
    d->total_delta =
        n > 1 ? (int64_t)((uint64_t)totals[n - 1] - (uint64_t)totals[0])
              : totals[0];

    /* Renumber frames in name order. */
    size_t nf = a.nnames ? a.nnames : 1;
    order = malloc(nf * sizeof *order);
    remap = malloc(nf * sizeof *remap);
    runtime = calloc(nf, sizeof *runtime);
    const char **names = ppd__arena_calloc(a.arena, nf, sizeof *names);
    if (order == NULL || remap == NULL || runtime == NULL || names == NULL)
        goto oom;
    for (size_t i = 0; i < a.nnames; i++) {
        order[i].name = a.names[i];
        order[i].id = (uint32_t)i;
    }
    qsort(order, a.nnames, sizeof *order, cmp_name);
    for (size_t i = 0; i < a.nnames; i++) {
        remap[order[i].id] = (uint32_t)i;
        names[i] = order[i].name;
        runtime[i] = ppd_diff_is_runtime_frame(names[i], opt);
    }
    for (size_t i = 0; i < n; i++) {
        const struct locframes *lf = &a.lfs[i];
        uint32_t total = lf->first[profiles[i]->nlocations];
        for (uint32_t k = 0; k < total; k++)
            lf->lf[k] = remap[lf->lf[k]];
    }
    d->frames = names;
    d->nframes = a.nnames;

    bool keep0 = opt != NULL && opt->keep_unchanged;
    int64_t *vals = a.vals;
    if (!ppd__arena_adopt(a.arena, vals))
        goto oom;
    a.vals = NULL;
    /* Count the rows to keep, so that a big diff whose stacks are mostly
     * unchanged allocates only what it shows. */
    size_t keep = 0;
    for (size_t i = 0; i < a.nrows; i++) {
        const int64_t *v = vals + i * n;
        enum ppd_diff_section sec = section_of(v, n);
        if (sec == PPD_UNCHANGED) {
            bool any = false;
            for (size_t j = 0; j < n; j++)
                any = any || v[j] != 0;
            if (any)
                d->nunchanged++;
            if (!any || !keep0)
                continue;
        }
        d->nsection[sec]++;
        keep++;
    }
    struct ppd_diff_row *rows =
        ppd__arena_calloc(a.arena, keep ? keep : 1, sizeof *rows);
    if (rows == NULL)
        goto oom;
    size_t nr = 0;
    for (size_t i = 0; i < a.nrows; i++) {
        const struct rowacc *ra = &a.rows[i];
        const int64_t *v = vals + i * n;
        enum ppd_diff_section sec = section_of(v, n);
        if (sec == PPD_UNCHANGED) {
            bool any = false;
            for (size_t j = 0; j < n; j++)
                any = any || v[j] != 0;
            if (!any || !keep0)
                continue;
        }
        struct ppd_diff_row *r = &rows[nr];
        r->values = v;
        r->section = sec;
        r->delta = delta_of(v, n);
        r->profile = ra->prof;
        r->sample = &profiles[ra->prof]->samples[ra->sample];
        r->culprit = PPD_NO_FRAME;
        size_t m = expand(&a.lfs[ra->prof], r->sample, &a.seq, &a.seq_cap);
        if (m == SIZE_MAX || m > UINT32_MAX)
            goto oom;
        r->nframes = (uint32_t)m;
        if (m > 0) {
            r->culprit = a.seq[0];
            for (size_t k = 0; k < m; k++)
                if (!runtime[a.seq[k]]) {
                    r->culprit = a.seq[k];
                    break;
                }
        }
        nr++;
    }
    free(a.rows);
    a.rows = NULL;
    if (!rank_rows(d, rows, nr))
        goto oom;
    d->rows = rows;
    d->nrows = nr;
    *out = d;
    st = PPD_OK;
    goto out;
oom:
    st = ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
fail:
    ppd__arena_free(a.arena);
out:
    free(order);
    free(remap);
    free(runtime);
    free(a.names);
    free(a.ftab);
    free(a.rows);
    free(a.rtab);
    free(a.vals);
    free(a.seq);
    free(a.seq2);
    return st;
}

void
ppd_diff_free(struct ppd_diff *d)
{
    if (d == NULL)
        return;
    ppd__arena_free(d->arena);
}
