/*
 * diff.c - aggregate profiles by symbolized stack and rank the deltas.
 *
 * Each profile's locations are translated once into interned frame ids
 * (inline frames expanded); each distinct sample then becomes a frame-id
 * sequence looked up in one table shared by all profiles, so matching
 * never depends on location ids or addresses.
 *
 * The one non-obvious decision: once aggregation is done the frame table
 * is renumbered in name order, so comparing two stacks' frame ids compares
 * their text, and ranking needs no string comparisons at all.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "hash.h"
#include "pprofdiff/diff.h"

struct rowacc {
    size_t seq_off;  /* into pool */
    size_t val_off;  /* into vals */
    uint32_t nframes;
    uint64_t hash;
};

struct acc {
    struct ppd_arena *arena;
    size_t nprof;
    /* Frame interning. */
    const char **names;
    size_t nnames, names_cap;
    uint32_t *ftab; /* id + 1 */
    size_t ftab_size;
    /* Stacks. */
    uint32_t *pool;
    size_t npool, pool_cap;
    int64_t *vals;
    size_t nvals, vals_cap;
    struct rowacc *rows;
    size_t nrows, rows_cap;
    uint32_t *rtab; /* row + 1 */
    size_t rtab_size;
};

static bool
grow(void **v, size_t *cap, size_t elem, size_t need)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return false;
        ncap *= 2;
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
    uint32_t *t = calloc(size, sizeof *t);
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

/* Intern a frame name; returns its id or UINT32_MAX when out of memory. */
static uint32_t
intern(struct acc *a, const char *name)
{
    if ((a->nnames + 1) * 2 > a->ftab_size && !rehash_frames(a))
        return UINT32_MAX;
    size_t len = strlen(name);
    size_t j = ppd__hash_bytes(name, len) & (a->ftab_size - 1);
    while (a->ftab[j] != 0) {
        const char *s = a->names[a->ftab[j] - 1];
        if (strcmp(s, name) == 0)
            return a->ftab[j] - 1;
        j = (j + 1) & (a->ftab_size - 1);
    }
    if (!grow((void **)&a->names, &a->names_cap, sizeof *a->names,
              a->nnames + 1))
        return UINT32_MAX;
    a->names[a->nnames] = name;
    a->ftab[j] = (uint32_t)(a->nnames + 1);
    return (uint32_t)a->nnames++;
}

/* The frame name of a location without symbols. */
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

static bool
rehash_rows(struct acc *a)
{
    size_t size = ppd__table_size(a->nrows + 1);
    if (size <= a->rtab_size)
        return true;
    uint32_t *t = calloc(size, sizeof *t);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < a->nrows; i++) {
        size_t j = a->rows[i].hash & (size - 1);
        while (t[j] != 0)
            j = (j + 1) & (size - 1);
        t[j] = (uint32_t)(i + 1);
    }
    free(a->rtab);
    a->rtab = t;
    a->rtab_size = size;
    return true;
}

/* Find or add the row of seq[0..n); returns its index or SIZE_MAX. */
static size_t
row_for(struct acc *a, const uint32_t *seq, uint32_t n)
{
    if ((a->nrows + 1) * 2 > a->rtab_size && !rehash_rows(a))
        return SIZE_MAX;
    uint64_t h = ppd__hash_bytes(seq, n * sizeof *seq);
    size_t j = h & (a->rtab_size - 1);
    while (a->rtab[j] != 0) {
        struct rowacc *r = &a->rows[a->rtab[j] - 1];
        if (r->hash == h && r->nframes == n &&
            memcmp(a->pool + r->seq_off, seq, n * sizeof *seq) == 0)
            return a->rtab[j] - 1;
        j = (j + 1) & (a->rtab_size - 1);
    }
    if (!grow((void **)&a->rows, &a->rows_cap, sizeof *a->rows,
              a->nrows + 1) ||
        !grow((void **)&a->pool, &a->pool_cap, sizeof *a->pool,
              a->npool + n) ||
        !grow((void **)&a->vals, &a->vals_cap, sizeof *a->vals,
              a->nvals + a->nprof))
        return SIZE_MAX;
    struct rowacc *r = &a->rows[a->nrows];
    r->seq_off = a->npool;
    r->val_off = a->nvals;
    r->nframes = n;
    r->hash = h;
    if (n > 0)
        memcpy(a->pool + a->npool, seq, n * sizeof *seq);
    a->npool += n;
    memset(a->vals + a->nvals, 0, a->nprof * sizeof *a->vals);
    a->nvals += a->nprof;
    a->rtab[j] = (uint32_t)(a->nrows + 1);
    return a->nrows++;
}

/* Add one profile's chosen column into the accumulator. */
static bool
add_profile(struct acc *a, const struct ppd_profile *p, size_t pi, long idx,
            int64_t *total)
{
    bool ok = false;
    uint32_t *first = calloc(p->nlocations + 1, sizeof *first);
    uint32_t *lf = NULL;
    uint32_t *seq = NULL;
    size_t nlf = 0, lf_cap = 0, seq_cap = 0;
    if (first == NULL)
        goto out;
    /* Location -> frame ids, inline frames expanded (innermost first). */
    for (size_t i = 0; i < p->nlocations; i++) {
        const struct ppd_location *l = &p->locations[i];
        first[i] = (uint32_t)nlf;
        uint32_t nl = l->nlines ? l->nlines : 1;
        if (!grow((void **)&lf, &lf_cap, sizeof *lf, nlf + nl))
            goto out;
        if (l->nlines == 0) {
            const char *name = fallback_name(a, l);
            if (name == NULL || (lf[nlf++] = intern(a, name)) == UINT32_MAX)
                goto out;
            continue;
        }
        for (uint32_t k = 0; k < l->nlines; k++) {
            const struct ppd_function *f = l->lines[k].function;
            const char *name = f->name[0] ? f->name : f->system_name;
            if (name[0] == '\0')
                name = fallback_name(a, l);
            if (name == NULL || (lf[nlf++] = intern(a, name)) == UINT32_MAX)
                goto out;
        }
    }
    first[p->nlocations] = (uint32_t)nlf;

    uint64_t sum = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        const struct ppd_sample *s = &p->samples[i];
        int64_t v = s->values[idx];
        if (v == 0)
            continue;
        size_t n = 0;
        for (uint32_t k = 0; k < s->nlocs; k++) {
            uint32_t li = s->locs[k];
            size_t c = first[li + 1] - first[li];
            if (!grow((void **)&seq, &seq_cap, sizeof *seq, n + c))
                goto out;
            memcpy(seq + n, lf + first[li], c * sizeof *seq);
            n += c;
        }
        if (n > UINT32_MAX)
            goto out;
        size_t r = row_for(a, seq, (uint32_t)n);
        if (r == SIZE_MAX)
            goto out;
        int64_t *cell = &a->vals[a->rows[r].val_off + pi];
        *cell = (int64_t)((uint64_t)*cell + (uint64_t)v);
        sum += (uint64_t)v;
    }
    *total = (int64_t)sum;
    ok = true;
out:
    free(first);
    free(lf);
    free(seq);
    return ok;
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

/* Row order; frame ids are in name order when this runs. */
static int
cmp_row(const void *x, const void *y)
{
    const struct ppd_diff_row *a = x, *b = y;
    if (a->section != b->section)
        return a->section < b->section ? -1 : 1;
    if (a->delta != b->delta) {
        if (a->section == PPD_SHRINKING)
            return a->delta < b->delta ? -1 : 1;
        return a->delta > b->delta ? -1 : 1;
    }
    /* Unchanged rows: bigger current value first. Values are compared
     * through the last column, which cmp_row reaches via the row. */
    /* Root-first stack text, shorter prefix first. */
    uint32_t i = a->nframes, j = b->nframes;
    while (i > 0 && j > 0) {
        uint32_t fa = a->frames[--i], fb = b->frames[--j];
        if (fa != fb)
            return fa < fb ? -1 : 1;
    }
    if (i != j)
        return i < j ? -1 : 1;
    return 0;
}

static enum ppd_status
missing_sample(const struct ppd_profile *const *profiles, size_t n,
               size_t bad, const char *spec, struct ppd_error *err)
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

    *out = NULL;
    if (n == 0)
        return ppd_error_set(err, PPD_EINVAL, NULL, "no profiles to compare");
    a.arena = ppd__arena_new();
    if (a.arena == NULL)
        goto oom;
    a.nprof = n;
    d = ppd__arena_calloc(a.arena, 1, sizeof *d);
    long *sidx = ppd__arena_calloc(a.arena, n, sizeof *sidx);
    int64_t *totals = ppd__arena_calloc(a.arena, n, sizeof *totals);
    if (d == NULL || sidx == NULL || totals == NULL)
        goto oom;
    d->arena = a.arena;

    /* The sample type: by name, so that profiles whose type lists differ
     * in order still compare the same quantity. */
    const struct ppd_profile *last = profiles[n - 1];
    const char *spec = opt != NULL ? opt->sample : NULL;
    long li = ppd_profile_sample_index(last, spec);
    if (li < 0) {
        st = missing_sample(profiles, n, n - 1,
                            spec && spec[0] ? spec : last->default_sample_type,
                            err);
        goto fail;
    }
    const char *tname = last->sample_types[li].type;
    for (size_t i = 0; i < n; i++) {
        sidx[i] = ppd_profile_sample_index(profiles[i], tname);
        if (sidx[i] < 0) {
            st = missing_sample(profiles, n, i, tname, err);
            goto fail;
        }
        if (!add_profile(&a, profiles[i], i, sidx[i], &totals[i]))
            goto oom;
    }
    d->nprofiles = n;
    d->profiles = profiles;
    d->sample_index = sidx;
    d->sample_type = last->sample_types[li];
    d->totals = totals;
    d->total_delta =
        n > 1 ? (int64_t)((uint64_t)totals[n - 1] - (uint64_t)totals[0])
              : totals[0];

    /* Renumber frames in name order. */
    order = malloc((a.nnames ? a.nnames : 1) * sizeof *order);
    remap = malloc((a.nnames ? a.nnames : 1) * sizeof *remap);
    const char **names = ppd__arena_calloc(a.arena, a.nnames ? a.nnames : 1,
                                           sizeof *names);
    if (order == NULL || remap == NULL || names == NULL)
        goto oom;
    for (size_t i = 0; i < a.nnames; i++) {
        order[i].name = a.names[i];
        order[i].id = (uint32_t)i;
    }
    qsort(order, a.nnames, sizeof *order, cmp_name);
    for (size_t i = 0; i < a.nnames; i++) {
        remap[order[i].id] = (uint32_t)i;
        names[i] = order[i].name;
    }
    d->frames = names;
    d->nframes = a.nnames;

    uint32_t *pool = ppd__arena_calloc(a.arena, a.npool ? a.npool : 1,
                                       sizeof *pool);
    int64_t *vals = ppd__arena_calloc(a.arena, a.nvals ? a.nvals : 1,
                                      sizeof *vals);
    struct ppd_diff_row *rows = ppd__arena_calloc(
        a.arena, a.nrows ? a.nrows : 1, sizeof *rows);
    if (pool == NULL || vals == NULL || rows == NULL)
        goto oom;
    for (size_t i = 0; i < a.npool; i++)
        pool[i] = remap[a.pool[i]];
    if (a.nvals > 0)
        memcpy(vals, a.vals, a.nvals * sizeof *vals);
    size_t nr = 0;
    for (size_t i = 0; i < a.nrows; i++) {
        const struct rowacc *ra = &a.rows[i];
        struct ppd_diff_row *r = &rows[nr];
        r->frames = pool + ra->seq_off;
        r->nframes = ra->nframes;
        r->values = vals + ra->val_off;
        bool any = false;
        for (size_t k = 0; k < n; k++)
            any = any || r->values[k] != 0;
        if (!any)
            continue; /* samples that cancelled out within each profile */
        r->delta = n > 1 ? (int64_t)((uint64_t)r->values[n - 1] -
                                     (uint64_t)r->values[0])
                         : r->values[0];
        r->section = r->delta > 0   ? PPD_GROWING
                     : r->delta < 0 ? PPD_SHRINKING
                                    : PPD_UNCHANGED;
        r->culprit = 0;
        for (uint32_t k = 0; k < r->nframes; k++)
            if (!ppd_diff_is_runtime_frame(names[r->frames[k]], opt)) {
                r->culprit = k;
                break;
            }
        d->nsection[r->section]++;
        nr++;
    }
    qsort(rows, nr, sizeof *rows, cmp_row);
    d->rows = rows;
    d->nrows = nr;
    *out = d;
    d = NULL;
    st = PPD_OK;
    goto out;
oom:
    st = ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
fail:
    ppd__arena_free(a.arena);
out:
    free(order);
    free(remap);
    free(a.names);
    free(a.ftab);
    free(a.pool);
    free(a.vals);
    free(a.rows);
    free(a.rtab);
    return st;
}

void
ppd_diff_free(struct ppd_diff *d)
{
    if (d == NULL)
        return;
    ppd__arena_free(d->arena);
}
