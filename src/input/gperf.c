/*
 * gperf.c - gperftools' CPU profile, and the memory maps that gperftools
 * profiles end with.
 *
 * A CPU profile is 64-bit words: a header {0, 3, 0, period in µs, 0};
 * records {count, depth, pc...}; a trailer {0, 1, 0}; then the process's
 * /proc/self/maps as text. As pprof: every pc but the leaf's is less
 * one (a return address), each sample's values are {count, count x
 * period in ns}, and a second frame shared by nearly every sample (the
 * signal handler's) is left out.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "input/gperf.h"
#include "model/hash.h"

#define MAX_DEPTH 4096

static uint64_t
word(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

bool
ppd__gperf_cpu_is(const unsigned char *s, size_t n)
{
    return n >= 40 && word(s) == 0 && word(s + 8) == 3 && word(s + 16) == 0 &&
           word(s + 24) > 0 && word(s + 32) == 0;
}

void
ppd__maps_free(struct ppd__maps *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].file);
    free(m->v);
    memset(m, 0, sizeof *m);
}

static bool
hex(const char **p, const char *end, uint64_t *v)
{
    const char *q = *p;
    uint64_t x = 0;
    int digits = 0;
    while (q < end && isxdigit((unsigned char)*q) && digits < 17) {
        int c = tolower((unsigned char)*q++);
        x = x << 4 | (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
        digits++;
    }
    if (digits == 0 || digits > 16)
        return false;
    *v = x;
    *p = q;
    return true;
}

/* "start-end perms offset dev inode [path]": executable ones kept. */
bool
ppd__maps_line(struct ppd__maps *m, const char *p, const char *end)
{
    uint64_t start, limit, offset;
    if (!hex(&p, end, &start) || p >= end || *p++ != '-' ||
        !hex(&p, end, &limit) || p >= end || *p++ != ' ')
        return true;
    const char *perms = p;
    while (p < end && *p != ' ')
        p++;
    if (p - perms < 3 || perms[2] != 'x' || p >= end)
        return true;
    p++;
    if (!hex(&p, end, &offset) || limit <= start)
        return true;
    for (int field = 0; field < 2 && p < end; field++) { /* dev, inode */
        while (p < end && *p == ' ')
            p++;
        while (p < end && *p != ' ')
            p++;
    }
    while (p < end && *p == ' ')
        p++;
    if (m->n == m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 16;
        struct ppd__map *nv = realloc(m->v, nc * sizeof *nv);
        if (nv == NULL)
            return false;
        m->v = nv;
        m->cap = nc;
    }
    char *file = strndup(p, (size_t)(end - p));
    if (file == NULL)
        return false;
    m->v[m->n++] = (struct ppd__map){start, limit, offset, file};
    return true;
}

uint64_t
ppd__maps_find(const struct ppd__maps *m, uint64_t addr)
{
    for (size_t i = 0; i < m->n; i++)
        if (addr >= m->v[i].start && addr < m->v[i].limit)
            return i + 1;
    return 0;
}

bool
ppd__maps_emit(const struct ppd__maps *m, struct ppd__builder *b,
               int64_t (*intern)(void *ctx, const char *s, size_t n),
               void *ctx)
{
    for (size_t i = 0; i < m->n; i++) {
        int64_t f = intern(ctx, m->v[i].file, strlen(m->v[i].file));
        if (f < 0)
            return false;
        struct ppd__mapping_rec r = {.id = i + 1,
                                     .memory_start = m->v[i].start,
                                     .memory_limit = m->v[i].limit,
                                     .file_offset = m->v[i].offset,
                                     .filename = f};
        if (!ppd__builder_mapping(b, &r))
            return false;
    }
    return true;
}

/* ---- The CPU profile ---- */

struct cpu {
    struct ppd__source *s;
    struct ppd__builder *b;
    uint64_t *pcs; /* every sample's pcs, back to back */
    size_t npcs, cappcs;
    struct sample {
        uint64_t count;
        size_t at, depth;
    } *samples;
    size_t nsamples, capsamples;
    /* Strings: "" and the mapping files, in order. */
    int64_t nstrings;
};

static int64_t
intern_seq(void *ctx, const char *s, size_t n)
{
    struct cpu *c = ctx;
    if (!ppd__builder_string(c->b, s, n))
        return -1;
    return c->nstrings++;
}

static bool
read_word(struct ppd__source *s, uint64_t *v)
{
    if (!ppd__source_fill(s, 8))
        return false;
    *v = word(s->buf + s->pos);
    s->pos += 8;
    return true;
}

static enum ppd_status
corrupt(struct cpu *c, const char *what)
{
    return ppd_error_set(c->s->err, PPD_ECORRUPT, c->s->name,
                         "gperftools CPU profile: %s", what);
}

static enum ppd_status
nomem(struct cpu *c)
{
    enum ppd_status st = ppd__builder_status(c->b);
    return st != PPD_OK ? st
                        : ppd_error_set(c->s->err, PPD_ENOMEM, c->s->name,
                                        "out of memory");
}

/* pprof's rule: a second frame in all but 1/32 of the samples goes. */
static void
drop_handler_frame(struct cpu *c)
{
    for (int iter = 0; iter < 2; iter++) {
        size_t margin = c->nsamples / 32, best = 0;
        uint64_t addr = 0;
        /* The most frequent second frame; a majority vote suffices
         * (it must appear in nearly every sample to go). */
        size_t votes = 0;
        for (size_t i = 0; i < c->nsamples; i++) {
            struct sample *sm = &c->samples[i];
            if (sm->depth < 2)
                continue;
            uint64_t a = c->pcs[sm->at + 1];
            if (votes == 0) {
                addr = a;
                votes = 1;
            } else {
                votes += a == addr ? 1 : (size_t)-1;
            }
        }
        for (size_t i = 0; i < c->nsamples; i++) {
            struct sample *sm = &c->samples[i];
            best += sm->depth >= 2 && c->pcs[sm->at + 1] == addr;
        }
        if (votes == 0 || best + margin < c->nsamples)
            return;
        for (size_t i = 0; i < c->nsamples; i++) {
            struct sample *sm = &c->samples[i];
            if (sm->depth >= 2 && c->pcs[sm->at + 1] == addr) {
                memmove(&c->pcs[sm->at + 1], &c->pcs[sm->at + 2],
                        (sm->depth - 2) * sizeof *c->pcs);
                sm->depth--;
            }
        }
    }
}

enum ppd_status
ppd__gperf_cpu_read(struct ppd__source *s, struct ppd__builder *b)
{
    struct cpu c = {.s = s, .b = b};
    struct ppd__maps maps = {0};
    enum ppd_status st = PPD_OK;
    uint64_t h[5];
    for (int i = 0; i < 5; i++)
        if (!read_word(s, &h[i])) {
            st = s->st != PPD_OK ? s->st : corrupt(&c, "truncated header");
            goto out;
        }
    uint64_t period_ns = h[3] * 1000;
    for (;;) {
        uint64_t count, depth;
        if (!read_word(s, &count) || !read_word(s, &depth)) {
            st = s->st != PPD_OK ? s->st : corrupt(&c, "no end-of-samples "
                                                       "record");
            goto out;
        }
        if (depth > MAX_DEPTH) {
            st = corrupt(&c, "a sample deeper than 4096 frames");
            goto out;
        }
        if (c.npcs + depth > c.cappcs) {
            size_t nc = (c.npcs + depth) * 2 + 1024;
            uint64_t *np = realloc(c.pcs, nc * sizeof *np);
            if (np == NULL) {
                st = nomem(&c);
                goto out;
            }
            c.pcs = np;
            c.cappcs = nc;
        }
        for (uint64_t i = 0; i < depth; i++)
            if (!read_word(s, &c.pcs[c.npcs + i])) {
                st = s->st != PPD_OK ? s->st : corrupt(&c, "truncated "
                                                           "sample");
                goto out;
            }
        if (count == 0 && depth == 1 && c.pcs[c.npcs] == 0)
            break; /* the trailer */
        for (uint64_t i = 1; i < depth; i++)
            c.pcs[c.npcs + i]--; /* return addresses: the call */
        if (c.nsamples == c.capsamples) {
            size_t nc = c.capsamples ? c.capsamples * 2 : 256;
            struct sample *ns = realloc(c.samples, nc * sizeof *ns);
            if (ns == NULL) {
                st = nomem(&c);
                goto out;
            }
            c.samples = ns;
            c.capsamples = nc;
        }
        c.samples[c.nsamples++] = (struct sample){count, c.npcs, depth};
        c.npcs += depth;
        uint64_t held;
        if (ppd__builder_over_budget(b, &held)) {
            st = ppd_error_set(s->err, PPD_ETOOBIG, s->name,
                               "decoded tables exceed the limit");
            goto out;
        }
    }
    /* The memory map, as text lines. */
    for (;;) {
        if (!ppd__source_fill(s, 1))
            break;
        size_t avail = s->end - s->pos;
        const unsigned char *p = s->buf + s->pos;
        const unsigned char *nl = memchr(p, '\n', avail);
        if (nl == NULL && !s->eof && avail < 65536) {
            if (!ppd__source_fill(s, avail + 1) && s->st != PPD_OK)
                break;
            continue;
        }
        size_t len = nl ? (size_t)(nl - p) : avail;
        if (!ppd__maps_line(&maps, (const char *)p, (const char *)p + len)) {
            st = nomem(&c);
            goto out;
        }
        s->pos += len + (nl != NULL);
    }
    if (s->st != PPD_OK) {
        st = s->st;
        goto out;
    }
    drop_handler_frame(&c);
    /* Records: strings, types, mappings, locations, samples. */
    const char *const strs[] = {"", "samples", "count", "cpu",
                                "nanoseconds"};
    for (size_t i = 0; i < 5; i++)
        if (intern_seq(&c, strs[i], strlen(strs[i])) < 0) {
            st = nomem(&c);
            goto out;
        }
    if (!ppd__builder_sample_type(b, 1, 2) ||
        !ppd__builder_sample_type(b, 3, 4) ||
        !ppd__maps_emit(&maps, b, intern_seq, &c)) {
        st = nomem(&c);
        goto out;
    }
    ppd__builder_period_type(b, 3, 4);
    ppd__builder_scalar(b, PPD__PERIOD, (int64_t)period_ns);
    /* Locations: one per address (open addressing over the addresses). */
    size_t cap = 1024;
    while (cap < c.npcs * 2 + 2)
        cap *= 2;
    uint64_t *keys = calloc(cap, sizeof *keys);
    uint64_t *ids = calloc(cap, sizeof *ids);
    unsigned char *key = malloc(MAX_DEPTH * 10);
    uint64_t nloc = 0;
    if (keys == NULL || ids == NULL || key == NULL) {
        free(keys);
        free(ids);
        free(key);
        st = nomem(&c);
        goto out;
    }
    for (size_t i = 0; i < c.nsamples && st == PPD_OK; i++) {
        struct sample *sm = &c.samples[i];
        /* pprof also drops a frame that repeats the leaf less one. */
        size_t depth = sm->depth;
        uint64_t *pc = &c.pcs[sm->at];
        if (depth > 1 && pc[0] == pc[1] + 1) {
            memmove(&pc[1], &pc[2], (depth - 2) * sizeof *pc);
            depth--;
        }
        size_t k = 0;
        for (size_t d = 0; d < depth; d++) {
            uint64_t a = pc[d];
            size_t j = (size_t)ppd__hash_u64(a) & (cap - 1);
            while (ids[j] != 0 && keys[j] != a)
                j = (j + 1) & (cap - 1);
            if (ids[j] == 0) {
                keys[j] = a;
                ids[j] = ++nloc;
                struct ppd__location_rec l = {
                    .id = nloc, .address = a,
                    .mapping_id = ppd__maps_find(&maps, a)};
                if (!ppd__builder_location(b, &l)) {
                    st = nomem(&c);
                    break;
                }
            }
            uint64_t id = ids[j];
            while (id >= 0x80) {
                key[k++] = (unsigned char)(id | 0x80);
                id >>= 7;
            }
            key[k++] = (unsigned char)id;
        }
        if (st != PPD_OK)
            break;
        int64_t vals[2] = {(int64_t)sm->count,
                           (int64_t)(sm->count * period_ns)};
        struct ppd__sample_rec r = {.locs = key, .locs_len = k,
                                    .nlocs = depth, .vals = vals,
                                    .nvals = 2};
        if (!ppd__builder_sample(b, &r))
            st = nomem(&c);
    }
    free(keys);
    free(ids);
    free(key);
out:
    ppd__maps_free(&maps);
    free(c.pcs);
    free(c.samples);
    return st;
}
