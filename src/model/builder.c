/*
 * builder.c - records in, a validated profile model out.
 *
 * Every input format feeds the same builder (builder.h). Samples are kept
 * as the varint bytes of their location ids (the merge key) and merged by
 * key and label set in batches as they arrive, because the tables they
 * point to may come later in the input; once the input ends, ids are
 * resolved to table indices and every cross-reference is checked, with
 * the record named in the error. Decoded tables are charged against a
 * budget, so no input can take unbounded memory.
 *
 * The one non-obvious decision: a sample's key is the model's stack when
 * the location ids are 1..n in table order (as Go writes them): a stack
 * holds index + 1. Otherwise keys are rewritten in place once the tables
 * are known, locations ordered by use, so a stack costs about one byte
 * per frame from input to model either way.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/arena.h"
#include "model/builder.h"
#include "model/hash.h"
#include "model/varint.h"
#include "model/vec.h"

struct vt_idx {
    int64_t type, unit;
};

struct loc_raw {
    uint64_t id, mapping_id, address;
    struct ppd__line_rec *lines;
    uint32_t nlines;
    bool is_folded;
};

#define NO_SET PPD_NO_LABELS

/* A distinct label set: raw varint bytes of its (key,str,num,unit) tuples. */
struct lset_raw {
    size_t off;
    uint32_t len;
    uint32_t count;
    uint32_t first;
};

/* Open-addressing table of tagged slots (see hash.h). */
struct slots {
    uint64_t *v;
    size_t size;
};

/*
 * While records arrive, a sample's key (the varint location ids at
 * keys[stack_off .. + stack_len)) and label-set id are the fields of its
 * struct ppd_sample: the key becomes the stack.
 */
struct ppd__builder {
    const char *name;
    struct ppd_error *err;
    enum ppd_status st;
    struct ppd_profile *p;
    struct ppd_arena *arena; /* the profile's */

    PPD_VEC(struct vt_idx) stypes;
    PPD_VEC(struct ppd__mapping_rec) maps;
    PPD_VEC(struct loc_raw) locs;
    PPD_VEC(struct ppd__function_rec) fns;
    PPD_VEC(struct ppd_str) strs;
    bool str0_nonempty; /* string 0 must be "" */
    bool strs_adopted;  /* strs.v belongs to the profile's arena */
    PPD_VEC(int64_t) comments;
    PPD_VEC(struct ppd_sample) samples;
    PPD_VEC(uint32_t) orig; /* input index of each kept record */
    PPD_VEC(int64_t) vals;  /* nvalues_first values per kept record */
    struct slots merge;     /* kept records by key, see merge_batch() */
    size_t merged;          /* records [0, merged) are distinct */
    size_t window;          /* merge when this many records wait */
    bool negative;          /* a value below 0 was read */
    uint64_t held;          /* bytes of the vectors above, for the budget */
    uint64_t budget;        /* cap on held + arena bytes */
    uint64_t max_depth;     /* cap on one sample's locations */
    /* The largest location id used, and whether id 0 was: enough to know
     * whether the keys can serve as stacks unchanged. */
    uint64_t max_id;
    bool id0_used;
    /* Value counts: the first record's, and the first record that has
     * another count (checked against the sample types once all is read). */
    size_t nvalues_first;
    size_t odd_record, odd_nvalues;
    bool have_odd;
    PPD_VEC(unsigned char) keys; /* sample keys, later their stacks */
    PPD_VEC(struct lset_raw) lsets;
    struct slots lset_slots;
    PPD_VEC(unsigned char) lbytes; /* label set bytes */
    unsigned char *kbuf;           /* key being built */
    size_t kcap;

    int64_t drop_frames, keep_frames, default_sample_type, doc_url;
    struct vt_idx period_type;
    size_t nsamples_read;
    size_t expect; /* ppd__builder_reserve's hint of the sample count */
};

static enum ppd_status fail(struct ppd__builder *b, enum ppd_status code,
                            const char *record, uint64_t index,
                            const char *fmt, ...) PPD_PRINTF(5, 6);

/*
 * Record an error of the records (stage PROFILE). With record not NULL
 * the message starts "RECORD INDEX" and fmt goes on from there (": ..."
 * or " (id N): ..."), and the error names the record as data.
 */
static enum ppd_status
fail(struct ppd__builder *b, enum ppd_status code, const char *record,
     uint64_t index, const char *fmt, ...)
{
    char rest[PPD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    if (record != NULL)
        b->st = ppd_error_set(b->err, code, b->name, "%s %" PRIu64 "%s",
                              record, index, rest);
    else
        b->st = ppd_error_set(b->err, code, b->name, "%s", rest);
    ppd_error_where(b->err, PPD_STAGE_PROFILE, PPD_NO_OFFSET, record, index);
    return b->st;
}

#define FAIL(b, code, ...) fail((b), (code), NULL, 0, __VA_ARGS__)
#define FAIL_REC(b, code, record, index, ...) \
    fail((b), (code), (record), (index), __VA_ARGS__)

/* Grow a vector, charging the budget; reports running out of memory. */
static bool
vec_grow(struct ppd__builder *b, void **v, size_t *cap, size_t elem,
         size_t need)
{
    if (ppd__grow(v, cap, elem, need, &b->held))
        return true;
    FAIL(b, PPD_ENOMEM, "out of memory");
    return false;
}

#define VEC_PUSH(b, vec, item)                                           \
    (((vec).n < (vec).cap || vec_grow((b), (void **)&(vec).v, &(vec).cap, \
                                      sizeof *(vec).v, (vec).n + 1))     \
         ? ((vec).v[(vec).n++] = (item), true)                           \
         : false)

/*
 * Grow slots, which hold items 0..n-1, to room for want items at half
 * load, rehashing with hash_of(i). Returns false when out of memory.
 */
static bool
slots_reserve_for(struct ppd__builder *b, struct slots *t, size_t n, size_t want,
                  uint64_t (*hash_of)(const struct ppd__builder *, size_t))
{
    if (want <= t->size / 4 * 3)
        return true;
    size_t size = ppd__table_size(want);
    uint64_t *v = ppd__table64_new(size);
    if (v == NULL) {
        FAIL(b, PPD_ENOMEM, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = hash_of(b, i);
        size_t j = (size_t)h & (size - 1);
        while (v[j] != 0)
            j = (j + 1) & (size - 1);
        v[j] = SLOT(h, i);
    }
    free(t->v);
    t->v = v;
    t->size = size;
    return true;
}

/* Grow slots holding items 0..n-1 to room for one more. */
static bool
slots_reserve(struct ppd__builder *b, struct slots *t, size_t n,
              uint64_t (*hash_of)(const struct ppd__builder *, size_t))
{
    return slots_reserve_for(b, t, n, n + 1, hash_of);
}

/*
 * memcpy and memcmp for the few dozen bytes of one record, in 8-byte
 * moves the compiler keeps inline. Measured, not guessed: on the deep
 * pair the libc calls for these copies cost more than all the parsing
 * around them (0.29 s -> 0.21 s for the whole diff once inline). Safe
 * for overlapping moves to a lower address (merge_batch's).
 */
static inline void
copy_small(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    for (; n >= 8; n -= 8, d += 8, s += 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        memcpy(d, &w, 8);
    }
    for (; n > 0; n--)
        *d++ = *s++;
}

static inline bool
same_small(const void *x, const void *y, size_t n)
{
    const unsigned char *a = x, *b = y;
    for (; n >= 8; n -= 8, a += 8, b += 8) {
        uint64_t u, v;
        memcpy(&u, a, 8);
        memcpy(&v, b, 8);
        if (u != v)
            return false;
    }
    for (; n > 0; n--)
        if (*a++ != *b++)
            return false;
    return true;
}

static uint64_t
sample_hash(const unsigned char *key, size_t len, uint32_t lset)
{
    return ppd__hash_bytes(key, len) ^ ppd__hash_u64(lset);
}

static uint64_t
lset_hash_at(const struct ppd__builder *b, size_t i)
{
    const struct lset_raw *l = &b->lsets.v[i];
    return ppd__hash_bytes(b->lbytes.v + l->off, l->len);
}

/* The label-set id of s's labels; NO_SET stands for "no labels". */
static bool
labelset_for(struct ppd__builder *b, const struct ppd__sample_rec *s,
             uint32_t sample, uint32_t *out)
{
    *out = NO_SET;
    if (s->nlabels == 0)
        return true;
    size_t need = 40 * s->nlabels;
    if (need > b->kcap) {
        size_t ncap = b->kcap ? b->kcap : 256;
        while (ncap < need)
            ncap *= 2;
        unsigned char *nb = realloc(b->kbuf, ncap);
        if (nb == NULL)
            return FAIL(b, PPD_ENOMEM, "out of memory"), false;
        b->kbuf = nb;
        b->kcap = ncap;
    }
    size_t k = 0;
    for (size_t i = 0; i < s->nlabels; i++) {
        const struct ppd__label_rec *l = &s->labels[i];
        k += ppd__varint_put(b->kbuf + k, (uint64_t)l->key);
        k += ppd__varint_put(b->kbuf + k, (uint64_t)l->str);
        k += ppd__varint_put(b->kbuf + k, (uint64_t)l->num);
        k += ppd__varint_put(b->kbuf + k, (uint64_t)l->unit);
    }
    if (!slots_reserve(b, &b->lset_slots, b->lsets.n, lset_hash_at))
        return false;
    size_t mask = b->lset_slots.size - 1;
    uint64_t h = ppd__hash_bytes(b->kbuf, k);
    size_t j = (size_t)h & mask;
    uint64_t sl;
    while ((sl = b->lset_slots.v[j]) != 0) {
        const struct lset_raw *l = &b->lsets.v[SLOT_INDEX(sl)];
        if (SLOT_MATCH(sl, h) && l->len == k &&
            same_small(b->lbytes.v + l->off, b->kbuf, k)) {
            *out = SLOT_INDEX(sl);
            return true;
        }
        j = (j + 1) & mask;
    }
    if (b->lbytes.n + k > b->lbytes.cap &&
        !vec_grow(b, (void **)&b->lbytes.v, &b->lbytes.cap, 1,
                  b->lbytes.n + k))
        return false;
    memcpy(b->lbytes.v + b->lbytes.n, b->kbuf, k);
    struct lset_raw l = {b->lbytes.n, (uint32_t)k, (uint32_t)s->nlabels,
                         sample};
    b->lbytes.n += k;
    if (!VEC_PUSH(b, b->lsets, l))
        return false;
    b->lset_slots.v[j] = SLOT(h, b->lsets.n - 1);
    *out = (uint32_t)(b->lsets.n - 1);
    return true;
}

/* Records merged at a time: enough to keep many probes in flight. */
#define MERGE_BATCH 65536
/* Records left waiting once merging stopped paying (more when more
 * distinct ones are kept). */
#define MERGE_WINDOW ((size_t)1 << 20)

static bool merge_batch(struct ppd__builder *b);
static bool merge_rehash(struct ppd__builder *b, size_t kept, size_t want);

/*
 * Record one sample. Records are appended, and every MERGE_BATCH of them
 * merged into the distinct samples so far (merge_batch()), so memory
 * follows the number of distinct samples while the hash-table probes are
 * still batched; once batches stop finding repeats, records wait longer
 * (b->window) and the last ones are not merged.
 */
bool
ppd__builder_sample(struct ppd__builder *b, const struct ppd__sample_rec *s)
{
    size_t index = b->nsamples_read++;
    if (index >= UINT32_MAX - 1)
        return FAIL(b, PPD_ETOOBIG, "more than %u samples", UINT32_MAX - 1),
               false;
    if (s->nlocs > b->max_depth)
        return FAIL_REC(b, PPD_ETOOBIG, "sample", index,
                        ": %zu locations, more than the limit of %" PRIu64
                        " (raise it with --max-depth)",
                        s->nlocs, b->max_depth),
               false;
    if (s->nlocs > UINT32_MAX / 16 || s->nlabels > UINT32_MAX / 64 ||
        s->nvals > UINT32_MAX / 2)
        return FAIL_REC(b, PPD_ETOOBIG, "sample", index,
                        ": too many locations, labels or values"),
               false;
    /* Every record must carry as many values as the first; the count is
     * checked against the sample types once they are all read. A record
     * that differs is remembered for that error and not kept. */
    if (index == 0) {
        b->nvalues_first = s->nvals;
        /* With the first record's shape, the hint sizes the values and
         * the keys (a quarter more key bytes than it has, for deeper
         * stacks) at once rather than by regrowing; never more than the
         * input's own size (the hint came from it), and no memory for
         * it is no error. */
        size_t cap = b->expect * PPD__SAMPLE_BYTES_HINT;
        size_t vals = b->expect * s->nvals, keys = b->expect *
                                                   (s->locs_len +
                                                    s->locs_len / 4 + 1);
        if (b->expect > 0 && s->nvals <= 64 && s->locs_len <= 1024 &&
            vals * sizeof *b->vals.v <= cap &&
            ppd__grow((void **)&b->vals.v, &b->vals.cap, sizeof *b->vals.v,
                      vals, &b->held))
            ppd__grow((void **)&b->keys.v, &b->keys.cap, 1,
                      keys < cap ? keys : cap, &b->held);
    } else if (s->nvals != b->nvalues_first) {
        if (!b->have_odd) {
            b->have_odd = true;
            b->odd_record = index;
            b->odd_nvalues = s->nvals;
        }
        return true;
    }
    uint32_t lset;
    if (!labelset_for(b, s, (uint32_t)index, &lset))
        return false;
    /* The key is the location ids' canonical varints: the walker's bytes
     * as they are, but for a rare longer encoding of a small id. */
    size_t need = b->keys.n + s->locs_len;
    if (need > b->keys.cap &&
        !vec_grow(b, (void **)&b->keys.v, &b->keys.cap, 1, need))
        return false;
    unsigned char *key = b->keys.v + b->keys.n;
    const unsigned char *q = s->locs, *qend = s->locs + s->locs_len;
    size_t k = s->locs_len;
    /* Most stacks have only one-byte ids (below 128): then the bytes are
     * the key as they are, and their largest and smallest tell all. */
    if (s->checked) {
        if (k > 0)
            copy_small(key, q, k);
        if (s->max_id > b->max_id)
            b->max_id = s->max_id;
        b->id0_used |= s->has_zero;
    } else {
        k = 0;
        while (q < qend) {
            uint64_t id = ppd__varint_get(&q);
            k += ppd__varint_put(key + k, id);
            if (id > b->max_id)
                b->max_id = id;
            b->id0_used |= id == 0;
        }
    }
    if (b->keys.n + k > UINT32_MAX)
        return FAIL_REC(b, PPD_ETOOBIG, "sample", index,
                        ": stacks exceed 4 GiB"),
               false;
    size_t nv = s->nvals;
    for (size_t j = 0; j < nv; j++)
        b->negative |= s->vals[j] < 0;
    /* A record like the one before it (runs of identical samples are
     * common in CPU and goroutine profiles) adds its values there. */
    if (b->samples.n > 0) {
        const struct ppd_sample *last = &b->samples.v[b->samples.n - 1];
        if (last->stack_len == k && last->labelset == lset &&
            same_small(b->keys.v + last->stack_off, key, k)) {
            /* No values, no vector: never offset a NULL pointer. */
            if (nv > 0) {
                int64_t *v = b->vals.v + (b->samples.n - 1) * nv;
                for (size_t j = 0; j < nv; j++)
                    v[j] = (int64_t)((uint64_t)v[j] + (uint64_t)s->vals[j]);
            }
            return true;
        }
    }
    if (b->vals.n + nv > b->vals.cap &&
        !vec_grow(b, (void **)&b->vals.v, &b->vals.cap, sizeof *b->vals.v,
                  b->vals.n + nv))
        return false;
    if (nv > 0)
        copy_small(b->vals.v + b->vals.n, s->vals, nv * sizeof *b->vals.v);
    b->vals.n += nv;
    struct ppd_sample smp = {
        .stack_off = (uint32_t)b->keys.n,
        .stack_len = (uint32_t)k,
        .labelset = lset,
    };
    if (!VEC_PUSH(b, b->samples, smp) ||
        !VEC_PUSH(b, b->orig, (uint32_t)index))
        return false;
    b->keys.n += k;
    if (b->samples.n - b->merged >= b->window)
        return merge_batch(b);
    return true;
}

/* ---- Resolution and validation. ---- */

/* An id -> index map (open addressing; ids are never 0). */
struct idmap {
    uint64_t *ids;  /* hashed: the ids */
    uint32_t *idx;  /* hashed: their indices; dense: index + 1 by id */
    size_t size;    /* hashed: table size */
    uint64_t dense; /* > 0: ids are below this and idx is a direct table */
};

static void
idmap_free(struct idmap *m)
{
    free(m->ids);
    free(m->idx);
}

/*
 * Build the map; reports the first zero or duplicate id. Ids that are
 * small (as Go and most writers number them, 1..n) get a direct table.
 */
static bool
idmap_build(struct ppd__builder *b, struct idmap *m, const char *what, size_t n,
            const void *base, size_t stride, size_t id_off)
{
    uint64_t max = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t id;
        memcpy(&id, (const char *)base + i * stride + id_off, sizeof id);
        if (id == 0)
            return FAIL_REC(b, PPD_ECORRUPT, what, i, ": id 0 is reserved"),
                   false;
        if (id > max)
            max = id;
    }
    if (max < (uint64_t)n * 4 + 1024) {
        m->dense = max + 1;
        m->idx = ppd__table_new((size_t)m->dense);
        if (m->idx == NULL)
            return FAIL(b, PPD_ENOMEM, "out of memory"), false;
        for (size_t i = 0; i < n; i++) {
            uint64_t id;
            memcpy(&id, (const char *)base + i * stride + id_off, sizeof id);
            if (m->idx[id] != 0)
                return FAIL_REC(b, PPD_ECORRUPT, what, i,
                                ": duplicate id %" PRIu64, id),
                       false;
            m->idx[id] = (uint32_t)(i + 1);
        }
        return true;
    }
    m->size = ppd__table_size(n);
    m->ids = calloc(m->size, sizeof *m->ids);
    m->idx = ppd__table_new(m->size);
    if (m->ids == NULL || m->idx == NULL)
        return FAIL(b, PPD_ENOMEM, "out of memory"), false;
    for (size_t i = 0; i < n; i++) {
        uint64_t id;
        memcpy(&id, (const char *)base + i * stride + id_off, sizeof id);
        size_t j = (size_t)ppd__hash_u64(id) & (m->size - 1);
        while (m->ids[j] != 0) {
            if (m->ids[j] == id)
                return FAIL_REC(b, PPD_ECORRUPT, what, i,
                                ": duplicate id %" PRIu64, id),
                       false;
            j = (j + 1) & (m->size - 1);
        }
        m->ids[j] = id;
        m->idx[j] = (uint32_t)i;
    }
    return true;
}

static inline bool
idmap_get(const struct idmap *m, uint64_t id, uint32_t *out)
{
    if (m->dense > 0) {
        if (id >= m->dense || m->idx[id] == 0)
            return false;
        *out = m->idx[id] - 1;
        return true;
    }
    if (id == 0 || m->size == 0)
        return false;
    size_t j = (size_t)ppd__hash_u64(id) & (m->size - 1);
    while (m->ids[j] != 0) {
        if (m->ids[j] == id) {
            *out = m->idx[j];
            return true;
        }
        j = (j + 1) & (m->size - 1);
    }
    return false;
}

/*
 * Resolve a string index; on failure report "<what> <index> (id <id>):
 * <field> string index ..." (the id only when the record has one, the
 * record only when index is not SIZE_MAX).
 */
static bool
str_at_id(struct ppd__builder *b, int64_t i, struct ppd_str *out,
          const char *what, size_t index, uint64_t id, const char *field)
{
    if (i >= 0 && (uint64_t)i < b->strs.n) {
        *out = b->strs.v[i];
        return true;
    }
    char idtext[40] = "";
    if (id != 0)
        snprintf(idtext, sizeof idtext, " (id %" PRIu64 ")", id);
    if (index != SIZE_MAX)
        FAIL_REC(b, PPD_ECORRUPT, what, index,
                 "%s: %s string index %" PRId64
                 " out of range (string table has %zu entries)",
                 idtext, field, i, b->strs.n);
    else
        FAIL(b, PPD_ECORRUPT,
             "%s string index %" PRId64
             " out of range (string table has %zu entries)",
             field, i, b->strs.n);
    return false;
}

static bool
str_at(struct ppd__builder *b, int64_t i, struct ppd_str *out,
       const char *what, size_t index, const char *field)
{
    return str_at_id(b, i, out, what, index, 0, field);
}

/* As str_at, for the fields the model keeps as C strings. */
static bool
cstr_at(struct ppd__builder *b, int64_t i, const char **out,
        const char *what, size_t index, const char *field)
{
    struct ppd_str s;
    if (!str_at_id(b, i, &s, what, index, 0, field))
        return false;
    *out = s.ptr;
    return true;
}

static uint64_t
record_hash(const struct ppd__builder *b, size_t i)
{
    const struct ppd_sample *s = &b->samples.v[i];
    return sample_hash(b->keys.v + s->stack_off, s->stack_len,
                       s->labelset);
}

/* Rebuild the merge table for the kept records with room for want. */
static bool
merge_rehash(struct ppd__builder *b, size_t kept, size_t want)
{
    size_t size = ppd__table_size(want);
    uint64_t *t = ppd__table64_new(size);
    if (t == NULL)
        return FAIL(b, PPD_ENOMEM, "out of memory"), false;
    uint64_t ring[PREFETCH_AHEAD];
    for (size_t i = 0; i < kept && i < PREFETCH_AHEAD; i++) {
        ring[i] = record_hash(b, i);
        ppd__prefetch(&t[ring[i] & (size - 1)]);
    }
    for (size_t i = 0; i < kept; i++) {
        uint64_t h = ring[i % PREFETCH_AHEAD];
        if (i + PREFETCH_AHEAD < kept) {
            uint64_t ahead = record_hash(b, i + PREFETCH_AHEAD);
            ring[i % PREFETCH_AHEAD] = ahead;
            ppd__prefetch(&t[ahead & (size - 1)]);
        }
        size_t j = (size_t)h & (size - 1);
        while (t[j] != 0)
            j = (j + 1) & (size - 1);
        t[j] = SLOT(h, i);
    }
    b->held += (uint64_t)(size - b->merge.size) * sizeof *t;
    free(b->merge.v);
    b->merge.v = t;
    b->merge.size = size;
    return true;
}

/*
 * Merge the records appended since the last batch into the distinct ones
 * before them: a record whose stack and label set are already kept adds
 * its values there and is dropped; a new one moves down, key bytes and
 * values with it, so every vector stays dense. Hashes are computed a
 * little ahead of the probes and their slots prefetched, so the table's
 * random accesses overlap instead of each waiting for memory.
 */
static bool
merge_batch(struct ppd__builder *b)
{
    size_t n = b->samples.n, kept = b->merged;
    size_t nv = b->nvalues_first;
    size_t kend = kept > 0 ? (size_t)b->samples.v[kept - 1].stack_off +
                                 b->samples.v[kept - 1].stack_len
                           : 0;
    if (ppd__table_full(n, b->merge.size) && !merge_rehash(b, kept, n))
        return false;
    size_t mask = b->merge.size - 1;
    uint64_t ring[PREFETCH_AHEAD];
    for (size_t i = kept; i < n && i < kept + PREFETCH_AHEAD; i++) {
        ring[i % PREFETCH_AHEAD] = record_hash(b, i);
        ppd__prefetch(&b->merge.v[ring[i % PREFETCH_AHEAD] & mask]);
    }
    for (size_t i = b->merged; i < n; i++) {
        uint64_t h = ring[i % PREFETCH_AHEAD];
        if (i + PREFETCH_AHEAD < n) {
            uint64_t ahead = record_hash(b, i + PREFETCH_AHEAD);
            ring[i % PREFETCH_AHEAD] = ahead;
            ppd__prefetch(&b->merge.v[ahead & mask]);
        }
        const struct ppd_sample *x = &b->samples.v[i];
        const unsigned char *xk = b->keys.v + x->stack_off;
        const int64_t *xv = nv > 0 ? b->vals.v + i * nv : NULL;
        size_t j = (size_t)h & mask;
        uint64_t sl;
        bool merged = false;
        while ((sl = b->merge.v[j]) != 0) {
            uint32_t e = SLOT_INDEX(sl);
            const struct ppd_sample *y = &b->samples.v[e];
            if (SLOT_MATCH(sl, h) && y->stack_len == x->stack_len &&
                y->labelset == x->labelset &&
                same_small(b->keys.v + y->stack_off, xk, x->stack_len)) {
                for (size_t k = 0; k < nv; k++) {
                    int64_t *v = &b->vals.v[(size_t)e * nv + k];
                    *v = (int64_t)((uint64_t)*v + (uint64_t)xv[k]);
                }
                merged = true;
                break;
            }
            j = (j + 1) & mask;
        }
        if (merged)
            continue;
        /* Keep record i as the kept-th distinct one. Kept records never
         * move again, so their slots stay valid; a record only ever moves
         * down, over bytes already read. */
        b->merge.v[j] = SLOT(h, kept);
        uint32_t len = x->stack_len;
        if (b->keys.v + kend != xk)
            copy_small(b->keys.v + kend, xk, len);
        if (kept != i) {
            b->samples.v[kept] = *x;
            b->orig.v[kept] = b->orig.v[i];
            if (nv > 0)
                copy_small(b->vals.v + kept * nv, xv, nv * sizeof *xv);
        }
        b->samples.v[kept].stack_off = (uint32_t)kend;
        kend += len;
        kept++;
    }
    /* A batch with (almost) nothing to merge, as every batch of a Go
     * heap or goroutine profile: merging stops paying, and records wait
     * until MERGE_WINDOW of them (or as many as are kept, if more) do,
     * so memory takes at most that many records more than the distinct
     * samples. A batch that merged puts it back. So does a negative
     * value: |a| + |b| is not |a + b|, and totals of absolute values
     * must not depend on where merging stopped. */
    size_t batch = n - b->merged, dup = n - kept;
    b->window = dup * 64 < batch && !b->negative
                    ? (kept > MERGE_WINDOW ? kept : MERGE_WINDOW)
                    : MERGE_BATCH;
    b->samples.n = b->orig.n = kept;
    b->vals.n = kept * nv;
    b->keys.n = kend;
    b->merged = kept;
    return true;
}

static int
cmp_uses(const void *x, const void *y)
{
    const uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/*
 * Stacks: location ids to location indices. The locations are first put
 * in order of use, most used first, so the indices of the frames that
 * most stacks share fit in one varint byte; each key is then rewritten
 * in place (or in the arena when its indices encode longer than its ids),
 * and the key buffer is handed to the profile.
 */
/*
 * Can the sample keys (varint location ids) serve as the model's stacks
 * (varint location index + 1) unchanged? Yes when location i has id
 * i + 1 and every id used is defined; the use counts tell the latter
 * without reading a single key again.
 */
static bool locations_numbered(const struct ppd_profile *p);

static bool
keys_are_stacks(const struct ppd__builder *b, const struct ppd_profile *p)
{
    if (b->id0_used)
        return false;
    if (b->max_id > p->nlocations && b->max_id < 0x80) {
        /* A bound from the reader: every id is one byte, find the
         * largest. */
        unsigned char hi = 0;
        for (size_t i = 0; i < b->keys.n; i++)
            hi = b->keys.v[i] > hi ? b->keys.v[i] : hi;
        return hi <= p->nlocations && locations_numbered(p);
    }
    if (b->max_id > p->nlocations)
        return false;
    return locations_numbered(p);
}

/* Is location i's id i + 1 for every i? */
static bool
locations_numbered(const struct ppd_profile *p)
{
    for (size_t i = 0; i < p->nlocations; i++)
        if (p->locations[i].id != i + 1)
            return false;
    return true;
}

static bool
resolve_stacks(struct ppd__builder *b, const struct idmap *lmap)
{
    struct ppd_profile *p = b->p;
    size_t nloc = p->nlocations;
    bool ok = false;
    uint64_t *order = calloc(nloc ? nloc : 1, sizeof *order);
    uint32_t *rank = malloc((nloc ? nloc : 1) * sizeof *rank);
    unsigned char *stacks = NULL;
    size_t packed = 0;
    if (order == NULL || rank == NULL)
        goto oom;

    /* Location ids 1..n in table order, as Go writes them, and no id
     * used that is not defined: every key already reads index + 1, and
     * the stacks are the keys as they are. */
    if (keys_are_stacks(b, p)) {
        packed = b->keys.n;
        goto adopt;
    }

    /* Distinct samples per location (every id checked on the way), to
     * put the most used locations first. */
    for (size_t i = 0; i < b->samples.n; i++) {
        const unsigned char *k = b->keys.v + b->samples.v[i].stack_off;
        const unsigned char *end = k + b->samples.v[i].stack_len;
        while (k < end) {
            uint64_t id = ppd__varint_get(&k);
            uint32_t li;
            if (!idmap_get(lmap, id, &li)) {
                FAIL_REC(b, PPD_ECORRUPT, "sample", b->orig.v[i],
                         ": location id %" PRIu64 " not defined", id);
                goto out;
            }
            if (order[li] < 0xffffffff00000000u)
                order[li] += (uint64_t)1 << 32;
        }
    }
    /* Most used first, ties by wire order: sort (~uses, index). */
    for (size_t i = 0; i < nloc; i++)
        order[i] = ((UINT64_MAX - order[i]) & 0xffffffff00000000u) | i;
    qsort(order, nloc, sizeof *order, cmp_uses);
    struct ppd_location *locs =
        ppd__arena_calloc(b->arena, nloc ? nloc : 1, sizeof *locs);
    if (locs == NULL)
        goto oom;
    for (size_t i = 0; i < nloc; i++) {
        uint32_t old = (uint32_t)order[i];
        rank[old] = (uint32_t)i;
        locs[i] = p->locations[old];
    }
    p->locations = locs;

    /* Rewrite every key into a new buffer: pass 1 sizes it, pass 2
     * writes the stacks (varint index + 1, by the ranks above). */
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            stacks = malloc(packed ? packed : 1);
            if (stacks == NULL)
                goto oom;
            packed = 0;
        }
        for (size_t i = 0; i < b->samples.n; i++) {
            struct ppd_sample *s = &b->samples.v[i];
            const unsigned char *k = b->keys.v + s->stack_off;
            const unsigned char *end = k + s->stack_len;
            size_t w = packed;
            while (k < end) {
                uint32_t li = 0;
                (void)idmap_get(lmap, ppd__varint_get(&k), &li); /* checked */
                if (pass == 0)
                    w += ppd__varint_len((uint64_t)rank[li] + 1);
                else
                    w += ppd__varint_put(stacks + w, (uint64_t)rank[li] + 1);
            }
            if (w > UINT32_MAX) {
                FAIL(b, PPD_ETOOBIG, "stacks exceed 4 GiB");
                goto out;
            }
            if (pass == 1) {
                s->stack_off = (uint32_t)packed;
                s->stack_len = (uint32_t)(w - packed);
            }
            packed = w;
        }
    }
    free(b->keys.v);
    b->keys.v = stacks;
    b->keys.cap = packed;
    stacks = NULL;
adopt:
    b->keys.n = packed;
    ppd__shrink((void **)&b->keys.v, b->keys.n, 1);
    ppd__shrink((void **)&b->vals.v, b->vals.n, sizeof *b->vals.v);
    p->stacks = b->keys.v;
    p->values = b->vals.v;
    if (!ppd__arena_adopt(b->arena, b->vals.v))
        goto oom;
    b->vals.v = NULL;
    if (!ppd__arena_adopt(b->arena, b->keys.v))
        goto oom;
    b->keys.v = NULL;
    ppd__shrink((void **)&b->samples.v, b->samples.n, sizeof *b->samples.v);
    if (!ppd__arena_adopt(b->arena, b->samples.v))
        goto oom;
    p->samples = b->samples.v;
    p->nsamples = b->samples.n;
    p->nsamples_read = b->nsamples_read;
    b->samples.v = NULL;
    ok = true;
    goto out;
oom:
    FAIL(b, PPD_ENOMEM, "out of memory");
out:
    free(order);
    free(rank);
    free(stacks);
    return ok;
}

static bool
resolve(struct ppd__builder *b)
{
    struct ppd_profile *p = b->p;
    struct ppd_arena *a = b->arena;
    bool ok = false;
    struct idmap fmap = {0}, lmap = {0}, mmap_ = {0};

    if (b->strs.n == 0 || b->str0_nonempty) {
        if (b->strs.n == 0 && b->stypes.n == 0 && b->samples.n == 0 &&
            b->locs.n == 0)
            FAIL(b, PPD_ENOTPROF, "not a profile: no sample types, samples "
                                  "or strings (empty profile)");
        else if (b->strs.n == 0)
            FAIL(b, PPD_ECORRUPT, "string table is empty (entry 0 must be "
                                  "the empty string)");
        else
            FAIL(b, PPD_ECORRUPT, "string table entry 0 is not empty");
        return false;
    }
    if (b->stypes.n == 0) {
        FAIL(b, PPD_ENOTPROF, "not a profile: no sample types");
        return false;
    }
    /* Every record carries one value per sample type. */
    if (b->nsamples_read > 0 && b->nvalues_first != b->stypes.n) {
        FAIL_REC(b, PPD_ECORRUPT, "sample", 0,
             ": %zu value%s, but the profile has %zu sample type%s",
             b->nvalues_first, b->nvalues_first == 1 ? "" : "s", b->stypes.n,
             b->stypes.n == 1 ? "" : "s");
        return false;
    }
    if (b->have_odd) {
        FAIL_REC(b, PPD_ECORRUPT, "sample", b->odd_record,
             ": %zu value%s, but the profile has %zu sample type%s",
             b->odd_nvalues, b->odd_nvalues == 1 ? "" : "s",
             b->stypes.n, b->stypes.n == 1 ? "" : "s");
        return false;
    }
    /* The records still waiting are merged, unless merging stopped
     * paying (then they stay: a repeat is added up by whoever reads the
     * profile by stack), and no value is negative. */
    if ((b->window == MERGE_BATCH || b->negative) && !merge_batch(b))
        return false;
    free(b->merge.v);
    b->merge.v = NULL;
    /* The label-set table is done with: free it before the model grows. */
    free(b->lset_slots.v);
    b->lset_slots.v = NULL;
    /* The string table moves into the model as it is: a table of
     * millions of entries is never copied. */
    ppd__shrink((void **)&b->strs.v, b->strs.n, sizeof *b->strs.v);
    if (!ppd__arena_adopt(a, b->strs.v))
        goto oom;
    p->strings = b->strs.v;
    p->nstrings = b->strs.n;
    b->strs_adopted = true;

    p->nsample_types = b->stypes.n;
    p->sample_types =
        ppd__arena_calloc(a, b->stypes.n, sizeof *p->sample_types);
    if (p->sample_types == NULL)
        goto oom;
    for (size_t i = 0; i < b->stypes.n; i++) {
        if (!cstr_at(b, b->stypes.v[i].type, &p->sample_types[i].type,
                    "sample_type", i, "type") ||
            !cstr_at(b, b->stypes.v[i].unit, &p->sample_types[i].unit,
                    "sample_type", i, "unit"))
            goto out;
    }
    if (!cstr_at(b, b->default_sample_type, &p->default_sample_type, NULL,
                SIZE_MAX, "default_sample_type") ||
        !cstr_at(b, b->drop_frames, &p->drop_frames, NULL, SIZE_MAX,
                "drop_frames") ||
        !cstr_at(b, b->keep_frames, &p->keep_frames, NULL, SIZE_MAX,
                "keep_frames") ||
        !cstr_at(b, b->doc_url, &p->doc_url, NULL, SIZE_MAX, "doc_url") ||
        !cstr_at(b, b->period_type.type, &p->period_type.type, NULL, SIZE_MAX,
                "period_type.type") ||
        !cstr_at(b, b->period_type.unit, &p->period_type.unit, NULL, SIZE_MAX,
                "period_type.unit"))
        goto out;
    p->ncomments = b->comments.n;
    p->comments = ppd__arena_calloc(a, b->comments.n, sizeof *p->comments);
    if (p->comments == NULL)
        goto oom;
    for (size_t i = 0; i < b->comments.n; i++)
        if (!cstr_at(b, b->comments.v[i], &p->comments[i], "comment", i,
                    "text"))
            goto out;

    /* Functions. */
    p->nfunctions = b->fns.n;
    p->functions = ppd__arena_calloc(a, b->fns.n, sizeof *p->functions);
    if (p->functions == NULL)
        goto oom;
    for (size_t i = 0; i < b->fns.n; i++) {
        const struct ppd__function_rec *f = &b->fns.v[i];
        struct ppd_function *o = &p->functions[i];
        o->id = f->id;
        o->start_line = f->start_line;
        if (!str_at_id(b, f->name, &o->name, "function", i, f->id, "name") ||
            !str_at_id(b, f->system_name, &o->system_name, "function", i,
                       f->id, "system_name") ||
            !str_at_id(b, f->filename, &o->filename, "function", i, f->id,
                       "filename"))
            goto out;
    }
    if (!idmap_build(b, &fmap, "function", b->fns.n, b->fns.v,
                     sizeof *b->fns.v, offsetof(struct ppd__function_rec, id)))
        goto out;

    /* Mappings. */
    p->nmappings = b->maps.n;
    p->mappings = ppd__arena_calloc(a, b->maps.n, sizeof *p->mappings);
    if (p->mappings == NULL)
        goto oom;
    for (size_t i = 0; i < b->maps.n; i++) {
        const struct ppd__mapping_rec *m = &b->maps.v[i];
        struct ppd_mapping *o = &p->mappings[i];
        o->id = m->id;
        o->memory_start = m->memory_start;
        o->memory_limit = m->memory_limit;
        o->file_offset = m->file_offset;
        o->has_functions = m->has_functions;
        o->has_filenames = m->has_filenames;
        o->has_line_numbers = m->has_line_numbers;
        o->has_inline_frames = m->has_inline_frames;
        if (!str_at_id(b, m->filename, &o->filename, "mapping", i, m->id,
                       "filename") ||
            !str_at_id(b, m->build_id, &o->build_id, "mapping", i, m->id,
                       "build_id"))
            goto out;
    }
    if (!idmap_build(b, &mmap_, "mapping", b->maps.n, b->maps.v,
                     sizeof *b->maps.v,
                     offsetof(struct ppd__mapping_rec, id)))
        goto out;

    /* Locations. */
    p->nlocations = b->locs.n;
    p->locations = ppd__arena_calloc(a, b->locs.n, sizeof *p->locations);
    if (p->locations == NULL)
        goto oom;
    for (size_t i = 0; i < b->locs.n; i++) {
        const struct loc_raw *l = &b->locs.v[i];
        struct ppd_location *o = &p->locations[i];
        o->id = l->id;
        o->address = l->address;
        o->is_folded = l->is_folded;
        if (l->mapping_id != 0) {
            uint32_t mi;
            if (!idmap_get(&mmap_, l->mapping_id, &mi)) {
                FAIL_REC(b, PPD_ECORRUPT, "location", i,
                         " (id %" PRIu64 "): mapping id %" PRIu64
                         " not defined",
                         l->id, l->mapping_id);
                goto out;
            }
            o->mapping = &p->mappings[mi];
        }
        struct ppd_line *lines = ppd__arena_calloc(a, l->nlines, sizeof *lines);
        if (lines == NULL)
            goto oom;
        for (uint32_t k = 0; k < l->nlines; k++) {
            uint32_t fi;
            if (!idmap_get(&fmap, l->lines[k].function_id, &fi)) {
                FAIL_REC(b, PPD_ECORRUPT, "location", i,
                         " (id %" PRIu64 "): line %u: function id "
                         "%" PRIu64 " not defined",
                         l->id, k, l->lines[k].function_id);
                goto out;
            }
            lines[k].function = &p->functions[fi];
            lines[k].line = l->lines[k].line;
            lines[k].column = l->lines[k].column;
        }
        o->lines = lines;
        o->nlines = l->nlines;
    }
    if (!idmap_build(b, &lmap, "location", b->locs.n, b->locs.v,
                     sizeof *b->locs.v, offsetof(struct loc_raw, id)))
        goto out;

    /* Label sets, shared by the samples that carry them. */
    p->nlabelsets = b->lsets.n;
    p->labelsets = ppd__arena_calloc(a, b->lsets.n ? b->lsets.n : 1,
                                     sizeof *p->labelsets);
    if (p->labelsets == NULL)
        goto oom;
    for (size_t i = 0; i < b->lsets.n; i++) {
        const struct lset_raw *l = &b->lsets.v[i];
        struct ppd_label *labels =
            ppd__arena_calloc(a, l->count, sizeof *labels);
        if (labels == NULL)
            goto oom;
        const unsigned char *k = b->lbytes.v + l->off;
        for (uint32_t j = 0; j < l->count; j++) {
            int64_t key = (int64_t)ppd__varint_get(&k);
            int64_t str = (int64_t)ppd__varint_get(&k);
            labels[j].num = (int64_t)ppd__varint_get(&k);
            int64_t unit = (int64_t)ppd__varint_get(&k);
            if (!str_at(b, key, &labels[j].key, "sample", l->first,
                        "label key") ||
                !str_at(b, str, &labels[j].str, "sample", l->first,
                        "label str") ||
                !str_at(b, unit, &labels[j].unit, "sample", l->first,
                        "label num_unit"))
                goto out;
        }
        p->labelsets[i].labels = labels;
        p->labelsets[i].nlabels = l->count;
    }

    if (!resolve_stacks(b, &lmap))
        goto out;
    ok = true;
    goto out;
oom:
    FAIL(b, PPD_ENOMEM, "out of memory");
out:
    idmap_free(&fmap);
    idmap_free(&lmap);
    idmap_free(&mmap_);
    return ok;
}

/* ---- Records. ---- */

struct ppd__builder *
ppd__builder_new(const char *name, uint64_t budget, uint64_t max_depth,
                 struct ppd_error *err)
{
    struct ppd__builder *b = calloc(1, sizeof *b);
    if (b == NULL) {
        ppd_error_set(err, PPD_ENOMEM, name, "out of memory");
        return NULL;
    }
    b->err = err;
    b->budget = budget;
    b->max_depth = max_depth;
    b->window = MERGE_BATCH;
    b->arena = ppd__arena_new();
    if (b->arena != NULL) {
        b->p = ppd__arena_calloc(b->arena, 1, sizeof *b->p);
        b->name = ppd__arena_strndup(b->arena, name ? name : "",
                                     name ? strlen(name) : 0);
    }
    /* The key buffer always exists, so that offsets into it are valid
     * even for profiles whose stacks are all empty. */
    if (b->p == NULL || b->name == NULL ||
        !ppd__grow((void **)&b->keys.v, &b->keys.cap, 1, 64, &b->held)) {
        ppd_error_set(err, PPD_ENOMEM, name, "out of memory");
        ppd__builder_free(b);
        return NULL;
    }
    b->p->arena = b->arena;
    b->p->name = b->name;
    return b;
}

void
ppd__builder_free(struct ppd__builder *b)
{
    if (b == NULL)
        return;
    ppd__arena_free(b->arena);
    free(b->stypes.v);
    free(b->maps.v);
    free(b->locs.v);
    free(b->fns.v);
    if (!b->strs_adopted)
        free(b->strs.v);
    free(b->comments.v);
    free(b->samples.v);
    free(b->orig.v);
    free(b->vals.v);
    free(b->merge.v);
    free(b->keys.v);
    free(b->lsets.v);
    free(b->lset_slots.v);
    free(b->lbytes.v);
    free(b->kbuf);
    free(b);
}

bool
ppd__builder_string(struct ppd__builder *b, const char *s, size_t len)
{
    if (len > UINT32_MAX)
        return FAIL_REC(b, PPD_ETOOBIG, "string", b->strs.n, " too long"),
               false;
    /* Empty strings share one constant: a table of them costs only its
     * entries. */
    struct ppd_str str = {"", 0};
    if (len > 0) {
        str.ptr = ppd__arena_strndup(b->arena, s, len);
        str.len = len;
        if (str.ptr == NULL)
            return FAIL(b, PPD_ENOMEM, "out of memory"), false;
    }
    if (b->strs.n == 0 && len != 0)
        b->str0_nonempty = true;
    return VEC_PUSH(b, b->strs, str);
}

bool
ppd__builder_sample_type(struct ppd__builder *b, int64_t type, int64_t unit)
{
    struct vt_idx x = {type, unit};
    return VEC_PUSH(b, b->stypes, x);
}

void
ppd__builder_period_type(struct ppd__builder *b, int64_t type, int64_t unit)
{
    b->period_type.type = type;
    b->period_type.unit = unit;
}

bool
ppd__builder_mapping(struct ppd__builder *b, const struct ppd__mapping_rec *m)
{
    if (m->id == 0)
        return FAIL_REC(b, PPD_ECORRUPT, "mapping", b->maps.n,
                        ": id 0 is reserved"),
               false;
    return VEC_PUSH(b, b->maps, *m);
}

bool
ppd__builder_location(struct ppd__builder *b,
                      const struct ppd__location_rec *l)
{
    if (l->id == 0)
        return FAIL_REC(b, PPD_ECORRUPT, "location", b->locs.n,
                        ": id 0 is reserved"),
               false;
    if (l->nlines > UINT32_MAX / 2)
        return FAIL_REC(b, PPD_ETOOBIG, "location", b->locs.n,
                        ": too many lines"),
               false;
    struct loc_raw lr = {
        .id = l->id,
        .mapping_id = l->mapping_id,
        .address = l->address,
        .nlines = (uint32_t)l->nlines,
        .is_folded = l->is_folded,
    };
    if (l->nlines > 0) {
        lr.lines = ppd__arena_calloc(b->arena, l->nlines, sizeof *lr.lines);
        if (lr.lines == NULL)
            return FAIL(b, PPD_ENOMEM, "out of memory"), false;
        memcpy(lr.lines, l->lines, l->nlines * sizeof *lr.lines);
    }
    return VEC_PUSH(b, b->locs, lr);
}

bool
ppd__builder_function(struct ppd__builder *b,
                      const struct ppd__function_rec *f)
{
    if (f->id == 0)
        return FAIL_REC(b, PPD_ECORRUPT, "function", b->fns.n,
                        ": id 0 is reserved"),
               false;
    return VEC_PUSH(b, b->fns, *f);
}

bool
ppd__builder_comment(struct ppd__builder *b, int64_t str)
{
    return VEC_PUSH(b, b->comments, str);
}

void
ppd__builder_scalar(struct ppd__builder *b, enum ppd__scalar which, int64_t v)
{
    switch (which) {
    case PPD__DROP_FRAMES: b->drop_frames = v; break;
    case PPD__KEEP_FRAMES: b->keep_frames = v; break;
    case PPD__TIME_NANOS: b->p->time_nanos = v; break;
    case PPD__DURATION_NANOS: b->p->duration_nanos = v; break;
    case PPD__PERIOD: b->p->period = v; break;
    case PPD__DEFAULT_SAMPLE_TYPE: b->default_sample_type = v; break;
    case PPD__DOC_URL: b->doc_url = v; break;
    }
}

void
ppd__builder_reserve(struct ppd__builder *b, size_t expect)
{
    if (expect < 1024)
        return;
    b->expect = expect;
    if (ppd__grow((void **)&b->samples.v, &b->samples.cap,
                  sizeof *b->samples.v, expect, &b->held) &&
        ppd__grow((void **)&b->keys.v, &b->keys.cap, 1, expect * 16,
                  &b->held) &&
        !merge_rehash(b, 0, expect < MERGE_BATCH ? expect : MERGE_BATCH)) {
        /* Only a hint: running out of memory here is not an error yet. */
        b->st = PPD_OK;
        if (b->err != NULL)
            b->err->code = PPD_OK;
    }
}

bool
ppd__builder_over_budget(const struct ppd__builder *b, uint64_t *held)
{
    *held = b->held + ppd__arena_used(b->arena);
    return *held > b->budget;
}

enum ppd_status
ppd__builder_status(const struct ppd__builder *b)
{
    return b->st;
}

enum ppd_status
ppd__builder_finish(struct ppd__builder *b, uint64_t raw_bytes, bool gzipped,
                    struct ppd_profile **out)
{
    *out = NULL;
    if (b->st != PPD_OK)
        return b->st;
    if (!resolve(b))
        return b->st != PPD_OK ? b->st : PPD_ECORRUPT;
    b->p->raw_bytes = raw_bytes;
    b->p->gzipped = gzipped;
    *out = b->p;
    b->p = NULL;
    b->arena = NULL; /* now the profile's */
    return PPD_OK;
}
