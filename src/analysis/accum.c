/*
 * accum.c - stacks of many profiles, matched by frame names, in N columns.
 *
 * Each profile's locations are translated once into interned frame ids
 * (inline frames expanded) and a polynomial hash per location, so a
 * sample's stack hash is one multiply-add per location and equals the
 * hash of its expanded frames however they are split into locations. A
 * stack is looked up by that hash and confirmed by comparing its frames,
 * never by the hash alone.
 *
 * The one non-obvious decision: stacks are stored as varints of frame
 * ids, root first, in one pool. Frame ids are handed out in order of
 * first use, so the frames that every stack shares (the root side) take
 * one byte each, and comparing two stacks as text, root first, decodes
 * only up to their first difference.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/arena.h"
#include "model/bigmem.h"
#include "model/hash.h"
#include "model/sort.h"
#include "model/vec.h"
#include "analysis/filter.h"
#include "pprofdiff/accum.h"

#define HASH_BASE 0x100000001b3u

struct last_goroutine {
    int64_t goid, value;
    size_t stack;
};

struct ppd_accum {
    struct ppd_arena *arena; /* frame names, column facts */
    size_t ncols;
    struct ppd_value_type type;
    struct ppd_column *cols;
    const char **offers; /* per column: its sample types, for errors */
    const char **first_names; /* per column: the first three inputs'
                                 names, once merged */
    const char *default_of; /* the input whose default type this is */
    enum ppd_grain grain;
    bool labels_only; /* stacks of label frames alone */
    double *scale; /* per column: values are multiplied by it, 1: as is */

    /* Goroutine identity (debug=2 dumps, label "goid"): the (goid,
     * stack) pairs of the first column, the last column's goroutines,
     * and, once both are in, per stack the value of the last column's
     * goroutines found among the first's. Columns may come in any
     * order. */
    struct {
        uint64_t *slots; /* hash of the pair | 1; 0: empty */
        uint64_t *goids;
        uint32_t *stacks;
        size_t cap, n;
        bool any; /* the first column had goids */
        PPD_VEC(struct last_goroutine) last;
        PPD_VEC(int64_t) survived;
    } ids;

    uint64_t serial; /* ppd_accum_serial() */
    PPD_VEC(struct ppd_frame) frames;
    uint32_t *ftab; /* frame id + 1, by name hash */
    size_t ftab_size;

    PPD_VEC(unsigned char) pool; /* stacks: varint frame ids, root first */
    PPD_VEC(uint32_t) off;       /* stack i starts at pool[off[i]] */
    PPD_VEC(uint32_t) depth;
    PPD_VEC(uint64_t) hash;
    PPD_VEC(int64_t) vals; /* ncols per stack */
    const struct ppd_filter *filter; /* borrowed; NULL: none */
    const char **root_keys, **leaf_keys; /* label keys as frames */
    size_t nroot, nleaf;
    uint64_t *stab;        /* tagged slots (hash.h) */
    size_t stab_size;

};

/* Per profile while it is added: location -> frames. */
struct locframes {
    uint32_t *first; /* frames of location i: lf[first[i] .. first[i+1]) */
    uint32_t *lf;
    uint32_t most;   /* the most frames of one location (at least 1) */
    unsigned char *flags; /* with a filter: LOC_* per location */
};

/* What a filter says of a location (struct locframes.flags). */
#define LOC_FOCUSED 1  /* counts as focused (--focus, or no focus) */
#define LOC_IGNORED 2  /* matches --ignore */
#define LOC_HIDDEN 4   /* --hide/--show left it no frame */
#define LOC_FROM 8     /* matches --show-from */

/* A sample's frames, leaf first, and their hash. */
struct framebuf {
    uint32_t *v;
    size_t cap;
    uint32_t n;
    uint64_t h;
};

static uint64_t
frame_hash(const struct ppd_frame *f)
{
    uint64_t h = ppd__hash_bytes(f->name.ptr, f->name.len);
    if (f->file.len > 0)
        h ^= ppd__hash_u64(ppd__hash_bytes(f->file.ptr, f->file.len) + 1);
    return h ^ ppd__hash_u64((uint64_t)f->line * 2 + f->inlined);
}

static bool
same_frame(const struct ppd_frame *x, const struct ppd_frame *y)
{
    return x->name.len == y->name.len && x->file.len == y->file.len &&
           x->line == y->line && x->inlined == y->inlined &&
           memcmp(x->name.ptr, y->name.ptr, x->name.len) == 0 &&
           (x->file.len == 0 ||
            memcmp(x->file.ptr, y->file.ptr, x->file.len) == 0);
}

static bool
rehash_frames(struct ppd_accum *a)
{
    size_t size = ppd__table_size(a->frames.n + 1);
    if (size <= a->ftab_size)
        return true;
    uint32_t *t = ppd__table_new(size);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < a->frames.n; i++) {
        size_t j = frame_hash(&a->frames.v[i]) & (size - 1);
        while (t[j] != 0)
            j = (j + 1) & (size - 1);
        t[j] = (uint32_t)(i + 1);
    }
    free(a->ftab);
    a->ftab = t;
    a->ftab_size = size;
    return true;
}

/* Intern a frame (its strings copied); returns its id, UINT32_MAX when
 * out of memory. */
static uint32_t
intern_frame(struct ppd_accum *a, const struct ppd_frame *key)
{
    if (ppd__table_full(a->frames.n, a->ftab_size) && !rehash_frames(a))
        return UINT32_MAX;
    size_t mask = a->ftab_size - 1;
    size_t j = frame_hash(key) & mask;
    while (a->ftab[j] != 0) {
        if (same_frame(&a->frames.v[a->ftab[j] - 1], key))
            return a->ftab[j] - 1;
        j = (j + 1) & mask;
    }
    if (a->frames.n >= UINT32_MAX - 1)
        return UINT32_MAX;
    struct ppd_frame f = *key;
    f.name.ptr = ppd__arena_strndup(a->arena, key->name.ptr, key->name.len);
    if (key->file.len > 0)
        f.file.ptr = ppd__arena_strndup(a->arena, key->file.ptr,
                                        key->file.len);
    else
        f.file = (struct ppd_str){"", 0};
    if (f.name.ptr == NULL || f.file.ptr == NULL ||
        !PPD_VEC_PUSH(a->frames, f, NULL))
        return UINT32_MAX;
    a->ftab[j] = (uint32_t)a->frames.n;
    return (uint32_t)(a->frames.n - 1);
}

/* Intern a frame known by its name alone. */
static uint32_t
intern(struct ppd_accum *a, const char *name, size_t len)
{
    struct ppd_frame key = {{name, len}, {"", 0}, 0, false};
    return intern_frame(a, &key);
}

/*
 * v times ratio, rounded half away from zero, as pprof scales a sample
 * (-normalize); v itself when ratio is 1.
 */
static inline int64_t
scaled(int64_t v, double ratio)
{
    if (ratio == 1)
        return v;
    double x = round((double)v * ratio);
    if (x >= 9223372036854775807.0)
        return INT64_MAX;
    if (x <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)x;
}

/* The frame id of a location without symbols: "base+0xoffset", the
 * mapping file's base name (real mapping paths run to 150 characters).
 * The function, line and file views group such locations per binary as
 * pprof does: "[base]", or "<unknown>" without a mapping file. */
static uint32_t
intern_fallback(struct ppd_accum *a, const struct ppd_location *l)
{
    char off[32];
    const struct ppd_mapping *m = l->mapping;
    if (a->grain != PPD_GRAIN_STACK) {
        struct ppd_str file = m != NULL ? m->filename : (struct ppd_str){"", 0};
        size_t cut = file.len;
        while (cut > 0 && file.ptr[cut - 1] != '/')
            cut--;
        if (cut == file.len) /* no file, or a name ending in '/' */
            return intern(a, "<unknown>", 9);
        char *s = malloc(file.len - cut + 3);
        if (s == NULL)
            return UINT32_MAX;
        s[0] = '[';
        memcpy(s + 1, file.ptr + cut, file.len - cut);
        s[file.len - cut + 1] = ']';
        s[file.len - cut + 2] = '\0';
        uint32_t id = intern(a, s, file.len - cut + 2);
        free(s);
        return id;
    }
    if (m == NULL) {
        int n = snprintf(off, sizeof off, "0x%" PRIx64, l->address);
        return intern(a, off, (size_t)n);
    }
    int n = snprintf(off, sizeof off, "+0x%" PRIx64,
                     l->address - m->memory_start + m->file_offset);
    struct ppd_str file = m->filename;
    size_t cut = file.len;
    while (cut > 0 && file.ptr[cut - 1] != '/')
        cut--;
    if (cut < file.len)
        file = (struct ppd_str){file.ptr + cut, file.len - cut};
    if (file.len == 0)
        file = (struct ppd_str){"<unknown>", 9};
    char *s = malloc(file.len + (size_t)n + 1);
    if (s == NULL)
        return UINT32_MAX;
    memcpy(s, file.ptr, file.len);
    memcpy(s + file.len, off, (size_t)n + 1);
    uint32_t id = intern(a, s, file.len + (size_t)n);
    free(s);
    return id;
}

static void
locframes_free(struct locframes *lf)
{
    free(lf->first);
    free(lf->lf);
    free(lf->flags);
}

/* Does a name or file of line k, or the mapping's file, match? */
static bool
line_matches(const struct ppd_filter *f, enum ppd__filter_re re,
             const struct ppd_location *l, uint32_t k)
{
    const struct ppd_function *fn = l->lines[k].function;
    return ppd__filter_match(f, re, fn->name) ||
           ppd__filter_match(f, re, fn->filename);
}

static bool
mapping_matches(const struct ppd_filter *f, enum ppd__filter_re re,
                const struct ppd_location *l)
{
    return l->mapping != NULL && l->mapping->filename.len > 0 &&
           ppd__filter_match(f, re, l->mapping->filename);
}

static bool
location_matches(const struct ppd_filter *f, enum ppd__filter_re re,
                 const struct ppd_location *l)
{
    for (uint32_t k = 0; k < l->nlines; k++)
        if (line_matches(f, re, l, k))
            return true;
    return mapping_matches(f, re, l);
}

/*
 * Which lines of location l the filter keeps (keep[k]), and its LOC_*
 * flags, as pprof's FilterSamplesByName and ShowFrom decide: focus and
 * ignore look at the location as it is; hide and show then drop lines;
 * show_from keeps the lines up to the outermost one whose function
 * matches, on what is left.
 */
static unsigned char
filter_location(const struct ppd_filter *f, const struct ppd_location *l,
                bool *keep)
{
    unsigned char flags = 0;
    bool named = ppd__filter_has(f, PPD__FOCUS) ||
                 ppd__filter_has(f, PPD__IGNORE) ||
                 ppd__filter_has(f, PPD__HIDE) || ppd__filter_has(f, PPD__SHOW);
    if (named) {
        if (ppd__filter_has(f, PPD__IGNORE) &&
            location_matches(f, PPD__IGNORE, l))
            flags |= LOC_IGNORED;
        else if (!ppd__filter_has(f, PPD__FOCUS) ||
                 location_matches(f, PPD__FOCUS, l))
            flags |= LOC_FOCUSED;
    }
    for (uint32_t k = 0; k < l->nlines; k++)
        keep[k] = true;
    uint32_t kept = l->nlines;
    bool changed = false;
    if (ppd__filter_has(f, PPD__HIDE) && location_matches(f, PPD__HIDE, l)) {
        bool all = mapping_matches(f, PPD__HIDE, l);
        for (uint32_t k = 0; k < l->nlines; k++)
            if (all || line_matches(f, PPD__HIDE, l, k)) {
                keep[k] = false;
                kept--;
            }
        changed = true;
    }
    if (ppd__filter_has(f, PPD__SHOW)) {
        if (!mapping_matches(f, PPD__SHOW, l))
            for (uint32_t k = 0; k < l->nlines; k++)
                if (keep[k] && !line_matches(f, PPD__SHOW, l, k)) {
                    keep[k] = false;
                    kept--;
                }
        changed = true;
    }
    if (changed && kept == 0)
        flags |= LOC_HIDDEN;
    if (ppd__filter_has(f, PPD__SHOW_FROM) && !(flags & LOC_HIDDEN)) {
        if (mapping_matches(f, PPD__SHOW_FROM, l)) {
            flags |= LOC_FROM;
        } else {
            /* The outermost kept line whose function matches; the lines
             * outside it go. */
            for (uint32_t k = l->nlines; k-- > 0;) {
                if (!keep[k] ||
                    !ppd__filter_match(f, PPD__SHOW_FROM,
                                       l->lines[k].function->name))
                    continue;
                for (uint32_t j = k + 1; j < l->nlines; j++)
                    keep[j] = false;
                flags |= LOC_FROM;
                break;
            }
        }
    }
    return flags;
}

/* Frame ids and hash parts of every location of p. */
static bool
locframes_build(struct ppd_accum *a, const struct ppd_profile *p,
                struct locframes *out)
{
    size_t nloc = p->nlocations;
    size_t total = 0;
    for (size_t i = 0; i < nloc; i++)
        total += p->locations[i].nlines ? p->locations[i].nlines : 1;
    out->first = malloc((nloc + 1) * sizeof *out->first);
    out->lf = malloc((total ? total : 1) * sizeof *out->lf);
    bool *keep = NULL;
    size_t keep_cap = 0;
    if (a->filter != NULL)
        out->flags = calloc(nloc ? nloc : 1, 1);
    if (out->first == NULL || out->lf == NULL ||
        (a->filter != NULL && out->flags == NULL))
        return false;
    size_t n = 0;
    bool ok = false;
    for (size_t i = 0; i < nloc; i++) {
        const struct ppd_location *l = &p->locations[i];
        out->first[i] = (uint32_t)n;
        uint32_t nl = l->nlines ? l->nlines : 1;
        if (nl > out->most)
            out->most = nl;
        /* The lines a filter keeps, and which of them is the outermost
         * (the others were inlined into the next one kept). */
        uint32_t outer = l->nlines ? l->nlines - 1 : 0;
        if (a->filter != NULL) {
            if (l->nlines > keep_cap) {
                bool *nk = realloc(keep, l->nlines * sizeof *nk);
                if (nk == NULL)
                    goto out;
                keep = nk;
                keep_cap = l->nlines;
            }
            out->flags[i] = filter_location(a->filter, l, keep);
            if (out->flags[i] & LOC_HIDDEN)
                continue;
            for (uint32_t k = 0; k < l->nlines; k++)
                if (keep[k])
                    outer = k;
        }
        for (uint32_t k = 0; k < nl; k++) {
            uint32_t id = UINT32_MAX;
            bool named = false;
            if (keep != NULL && l->nlines > 0 && !keep[k])
                continue;
            if (l->nlines > 0) {
                const struct ppd_function *f = l->lines[k].function;
                struct ppd_str nm = f->name.len ? f->name : f->system_name;
                /* lines[0] is the innermost: all but the last line of a
                 * location were inlined into the next. */
                struct ppd_frame key = {nm, {"", 0}, 0, false};
                if (a->grain != PPD_GRAIN_STACK)
                    key.inlined = k < outer;
                if (a->grain == PPD_GRAIN_LINE) {
                    key.file = f->filename;
                    key.line = l->lines[k].line;
                } else if (a->grain == PPD_GRAIN_FILE) {
                    key.name = f->filename.len
                                   ? f->filename
                                   : (struct ppd_str){"<unknown>", 9};
                    nm = key.name;
                }
                if (nm.len > 0) {
                    id = intern_frame(a, &key);
                    named = true;
                }
            }
            if (!named)
                id = intern_fallback(a, l);
            if (id == UINT32_MAX)
                goto out;
            out->lf[n++] = id;
        }
    }
    out->first[nloc] = (uint32_t)n;
    ok = true;
out:
    free(keep);
    return ok;
}

/*
 * Expand a sample's stack (location varints) into fb, leaf first, and
 * hash the frames as they are written. False when out of memory.
 */
static bool
expand_hash(const struct locframes *lf, const unsigned char *p, uint32_t len,
            struct framebuf *fb)
{
    /* A location takes at least one byte: len * most frames is room. */
    size_t room = (size_t)len * lf->most;
    if (room > fb->cap &&
        !ppd__grow((void **)&fb->v, &fb->cap, sizeof *fb->v, room, NULL))
        return false;
    const unsigned char *end = p + len;
    const uint32_t *first = lf->first, *lfs = lf->lf;
    uint32_t *v = fb->v;
    uint64_t h = 0;
    size_t k = 0;
    uint32_t loc;
    while (ppd_stack_next(&p, end, &loc)) {
        uint32_t b = first[loc], e = first[loc + 1];
        do {
            uint32_t id = lfs[b];
            v[k++] = id;
            h = h * HASH_BASE + id + 1;
        } while (++b < e);
    }
    fb->n = (uint32_t)k;
    fb->h = ppd__hash_u64(h ^ k);
    return true;
}

/* The end of stack s's bytes in the pool. */
static const unsigned char *
stack_end(const struct ppd_accum *a, size_t s)
{
    return a->pool.v + (s + 1 < a->off.n ? a->off.v[s + 1] : a->pool.n);
}

/* Does stack s hold the n frames of buf (leaf first)? */
static bool
same_stack(const struct ppd_accum *a, size_t s, const uint32_t *buf,
           uint32_t n)
{
    if (a->depth.v[s] != n)
        return false;
    const unsigned char *p = a->pool.v + a->off.v[s], *end = stack_end(a, s);
    uint32_t id;
    for (uint32_t k = n; k > 0; k--)
        if (!ppd_uvarint32_next(&p, end, &id) || id != buf[k - 1])
            return false;
    return true;
}

static bool
reserve_stacks(struct ppd_accum *a, size_t more)
{
    size_t size = ppd__table_size(a->off.n + more);
    if (size <= a->stab_size)
        return true;
    uint64_t *t = ppd__table64_new(size);
    if (t == NULL)
        return false;
    for (size_t i = 0; i < a->off.n; i++) {
        uint64_t h = a->hash.v[i];
        size_t j = h & (size - 1);
        while (t[j] != 0)
            j = (j + 1) & (size - 1);
        t[j] = SLOT(h, i);
    }
    free(a->stab);
    a->stab = t;
    a->stab_size = size;
    return true;
}

/* Room for n more stacks of bytes frame-id bytes in all; false when
 * out of memory (or n rows of values would overflow). */
static bool
reserve_rows(struct ppd_accum *a, size_t n, size_t bytes)
{
    return n <= SIZE_MAX / a->ncols && PPD_VEC_RESERVE(a->pool, bytes, NULL) &&
           PPD_VEC_RESERVE(a->off, n, NULL) &&
           PPD_VEC_RESERVE(a->depth, n, NULL) &&
           PPD_VEC_RESERVE(a->hash, n, NULL) &&
           PPD_VEC_RESERVE(a->vals, n * a->ncols, NULL);
}

/* Write the n frames of buf (leaf first) at w as the pool keeps them:
 * varints, root first (at most 5 bytes each). The end of what it wrote. */
static unsigned char *
encode_frames(unsigned char *w, const uint32_t *buf, uint32_t n)
{
    for (uint32_t k = n; k > 0; k--) {
        uint32_t v = buf[k - 1];
        while (v >= 0x80) {
            *w++ = (unsigned char)(v | 0x80);
            v >>= 7;
        }
        *w++ = (unsigned char)v;
    }
    return w;
}

/* A new row for a stack of n frames in at most bytes pool bytes, to be
 * written at the pool's end; SIZE_MAX when out of memory. */
static size_t
new_row(struct ppd_accum *a, uint64_t h, uint32_t n, size_t bytes)
{
    if (a->off.n >= UINT32_MAX - 1 || a->pool.n + bytes > UINT32_MAX ||
        !reserve_rows(a, 1, bytes))
        return SIZE_MAX;
    size_t s = a->off.n;
    a->off.v[a->off.n++] = (uint32_t)a->pool.n;
    a->depth.v[a->depth.n++] = n;
    a->hash.v[a->hash.n++] = h;
    memset(a->vals.v + a->vals.n, 0, a->ncols * sizeof *a->vals.v);
    a->vals.n += a->ncols;
    return s;
}

/* A new stack of the n frames of buf; SIZE_MAX when out of memory. */
static size_t
new_stack(struct ppd_accum *a, uint64_t h, const uint32_t *buf, uint32_t n)
{
    size_t s = new_row(a, h, n, (size_t)n * 5);
    if (s == SIZE_MAX)
        return s;
    a->pool.n = (size_t)(encode_frames(a->pool.v + a->pool.n, buf, n) -
                         a->pool.v);
    return s;
}

/*
 * The later stages of a lookup's prefetch (the first is its slot): once
 * the slot is in the cache, the stack it names (its depth, offset and
 * cell; stage 2), then the stack's bytes (stage 3).
 */
static inline void
prefetch_stack(const struct ppd_accum *a, const struct framebuf *fb,
               size_t col, int stage)
{
    uint64_t sl = a->stab[fb->h & (a->stab_size - 1)];
    if (sl == 0 || !SLOT_MATCH(sl, fb->h))
        return;
    size_t s = SLOT_INDEX(sl);
    if (stage == 2) {
        ppd__prefetch(&a->off.v[s]);
        ppd__prefetch(&a->depth.v[s]);
        ppd__prefetch(&a->vals.v[s * a->ncols + col]);
    } else {
        ppd__prefetch(a->pool.v + a->off.v[s]);
    }
}

/* A stack of hash h is new and *j the empty slot its probe ended on: if
 * the table is full, grow it and find the stack's slot there. False
 * when out of memory. */
static bool
room_for_one(struct ppd_accum *a, uint64_t h, size_t *j)
{
    if (!ppd__table_full(a->off.n, a->stab_size))
        return true;
    if (!reserve_stacks(a, 1))
        return false;
    size_t mask = a->stab_size - 1;
    for (*j = h & mask; a->stab[*j] != 0; *j = (*j + 1) & mask)
        ;
    return true;
}

/* The stack of the frames in fb; SIZE_MAX when out of memory. */
static size_t
stack_for(struct ppd_accum *a, const struct framebuf *fb)
{
    uint64_t h = fb->h;
    uint32_t n = fb->n;
    size_t mask = a->stab_size - 1;
    size_t j = h & mask;
    uint64_t sl;
    while ((sl = a->stab[j]) != 0) {
        /* The slot's 32 bits of hash make a false match rare enough
         * that the stack's own bytes settle it. */
        if (SLOT_MATCH(sl, h) && same_stack(a, SLOT_INDEX(sl), fb->v, n))
            return SLOT_INDEX(sl);
        j = (j + 1) & mask;
    }
    if (!room_for_one(a, h, &j))
        return SIZE_MAX;
    size_t s = new_stack(a, h, fb->v, n);
    if (s != SIZE_MAX)
        a->stab[j] = SLOT(h, s);
    return s;
}

/*
 * Expand and hash the frames of the locations locs[0..n), leaf first,
 * after the frames leaf[0..nleaf) and before root[0..nroot) (labels as
 * frames).
 */
static bool
expand_hash_locs(const struct locframes *lf, const uint32_t *locs, size_t n,
                 const uint32_t *leaf, size_t nleaf, const uint32_t *root,
                 size_t nroot, struct framebuf *fb)
{
    size_t room = n * lf->most + nleaf + nroot;
    if (room > fb->cap &&
        !ppd__grow((void **)&fb->v, &fb->cap, sizeof *fb->v, room, NULL))
        return false;
    uint64_t h = 0;
    size_t k = 0;
    for (size_t i = 0; i < nleaf; i++) {
        fb->v[k++] = leaf[i];
        h = h * HASH_BASE + leaf[i] + 1;
    }
    for (size_t i = 0; i < nroot + n; i++) {
        if (i >= n) {
            uint32_t id = root[i - n];
            fb->v[k++] = id;
            h = h * HASH_BASE + id + 1;
            continue;
        }
        for (uint32_t b = lf->first[locs[i]]; b < lf->first[locs[i] + 1];
             b++) {
            uint32_t id = lf->lf[b];
            fb->v[k++] = id;
            h = h * HASH_BASE + id + 1;
        }
    }
    fb->n = (uint32_t)k;
    fb->h = ppd__hash_u64(h ^ k);
    return true;
}

/*
 * A label value as pprof writes it into a pseudo-frame: a number scaled
 * to the largest binary memory unit that keeps it at least 1 ("2kB"),
 * "%.2f" with a trailing ".00" dropped; other units as the number.
 */
static void
scaled_label(char *buf, size_t n, int64_t v, struct ppd_str unit)
{
    static const char *const mem[] = {"B", "kB", "MB", "GB", "TB", "PB"};
    bool bytes = (unit.len == 5 && memcmp(unit.ptr, "bytes", 5) == 0) ||
                 (unit.len == 4 && memcmp(unit.ptr, "byte", 4) == 0) ||
                 (unit.len == 1 && unit.ptr[0] == 'b');
    double x = (double)v;
    const char *suffix = "";
    if (bytes) {
        size_t i = 0;
        double a = x < 0 ? -x : x;
        while (i + 1 < sizeof mem / sizeof mem[0] && a >= 1024) {
            a /= 1024;
            x /= 1024;
            i++;
        }
        suffix = mem[i];
    }
    int len = snprintf(buf, n, "%.2f", x);
    if (len >= 3 && (size_t)len < n && strcmp(buf + len - 3, ".00") == 0)
        buf[len - 3] = '\0';
    size_t at = strlen(buf);
    snprintf(buf + at, n - at, "%s", suffix);
}

/*
 * The pseudo-frame of label key in label set ls (NULL: no labels): its
 * values, strings first, joined by ',' ("<unknown>" when it has none),
 * with the key as its file, as pprof's -tagroot/-tagleaf make them.
 */
static uint32_t
label_frame(struct ppd_accum *a, const struct ppd_labelset *ls,
            const char *key)
{
    char buf[1024];
    size_t used = 0, klen = strlen(key);
    buf[0] = '\0';
    for (int pass = 0; pass < 2 && ls != NULL; pass++)
        for (uint32_t j = 0; j < ls->nlabels; j++) {
            const struct ppd_label *l = &ls->labels[j];
            if (l->key.len != klen || memcmp(l->key.ptr, key, klen) != 0 ||
                (pass == 0) != (l->str.len > 0))
                continue;
            char num[64];
            struct ppd_str v = l->str;
            if (pass == 1) {
                scaled_label(num, sizeof num, l->num, l->unit);
                v = (struct ppd_str){num, strlen(num)};
            }
            if (used + v.len + 2 >= sizeof buf)
                continue;
            if (used > 0)
                buf[used++] = ',';
            memcpy(buf + used, v.ptr, v.len);
            used += v.len;
        }
    struct ppd_frame f = {{buf, used}, {key, klen}, 0, false};
    /* Without a value: pprof's unnamed frame, shown as "<unknown>" (as
     * the key alone in the line view). */
    if (used == 0 && a->grain != PPD_GRAIN_LINE)
        f.name = (struct ppd_str){"<unknown>", 9};
    if (a->grain == PPD_GRAIN_STACK || a->grain == PPD_GRAIN_FUNCTION)
        f.file = (struct ppd_str){"", 0};
    else if (a->grain == PPD_GRAIN_FILE) {
        f.name = f.file;
        f.file = (struct ppd_str){"", 0};
    }
    return intern_frame(a, &f);
}

/*
 * The label frames of every label set of p (and of "no labels", last):
 * leaf frames leaf-first, the last key leaf-most; root frames in the
 * order they follow the stack, the first key root-most.
 */
static bool
label_frames(struct ppd_accum *a, const struct ppd_profile *p,
             uint32_t **leaf, uint32_t **root)
{
    size_t nsets = p->nlabelsets + 1;
    size_t nl = nsets * a->nleaf, nr = nsets * a->nroot;
    *leaf = malloc((nl > 0 ? nl : 1) * sizeof **leaf);
    *root = malloc((nr > 0 ? nr : 1) * sizeof **root);
    if (*leaf == NULL || *root == NULL)
        return false;
    for (size_t ls = 0; ls < nsets; ls++) {
        const struct ppd_labelset *set =
            ls < p->nlabelsets ? &p->labelsets[ls] : NULL;
        for (size_t j = 0; j < a->nleaf; j++) {
            uint32_t id = label_frame(a, set, a->leaf_keys[a->nleaf - 1 - j]);
            if (id == UINT32_MAX)
                return false;
            (*leaf)[ls * a->nleaf + j] = id;
        }
        for (size_t j = 0; j < a->nroot; j++) {
            uint32_t id = label_frame(a, set, a->root_keys[a->nroot - 1 - j]);
            if (id == UINT32_MAX)
                return false;
            (*root)[ls * a->nroot + j] = id;
        }
    }
    return true;
}

/*
 * Add p's samples through the filter: pprof drops a sample whose labels
 * fail --tagfocus or match --tagignore, one with an ignored location or
 * without a focused one, then the locations hide or show left without
 * a frame (and the sample if none is left), then with show_from the
 * locations rootward of the root-most match (and the sample without
 * one). Totals count every sample, as pprof's do.
 */
/* The goid label of sample x of p, or -1. */
static int64_t
goid_of(const struct ppd_profile *p, const struct ppd_sample *x)
{
    if (x->labelset == PPD_NO_LABELS)
        return -1;
    const struct ppd_labelset *ls = &p->labelsets[x->labelset];
    for (uint32_t k = 0; k < ls->nlabels; k++) {
        const struct ppd_label *l = &ls->labels[k];
        if (l->key.len == 4 && memcmp(l->key.ptr, "goid", 4) == 0 &&
            l->str.len == 0)
            return l->num;
    }
    return -1;
}

static uint64_t
pair_hash(int64_t goid, size_t s)
{
    return ppd__hash_u64((uint64_t)goid * 0x9e3779b97f4a7c15u ^ s) | 1;
}

/*
 * Goroutine identity: in the first column, remember (goid, stack); in
 * the last (of several), count v towards the stack's survivors when the
 * pair was remembered. False when out of memory.
 */
static bool
note_goid(struct ppd_accum *a, size_t col, int64_t goid, size_t s, int64_t v)
{
    if (goid < 0 || a->ncols < 2 || (col != 0 && col != a->ncols - 1))
        return true;
    uint64_t h = pair_hash(goid, s);
    if (col == 0) {
        if ((a->ids.n + 1) * 2 > a->ids.cap) {
            size_t nc = a->ids.cap ? a->ids.cap * 2 : 1024;
            uint64_t *ns = calloc(nc, sizeof *ns);
            uint64_t *ng = calloc(nc, sizeof *ng);
            uint32_t *nst = calloc(nc, sizeof *nst);
            if (ns == NULL || ng == NULL || nst == NULL) {
                free(ns);
                free(ng);
                free(nst);
                return false;
            }
            for (size_t i = 0; i < a->ids.cap; i++) {
                if (a->ids.slots[i] == 0)
                    continue;
                size_t j = a->ids.slots[i] & (nc - 1);
                while (ns[j] != 0)
                    j = (j + 1) & (nc - 1);
                ns[j] = a->ids.slots[i];
                ng[j] = a->ids.goids[i];
                nst[j] = a->ids.stacks[i];
            }
            free(a->ids.slots);
            free(a->ids.goids);
            free(a->ids.stacks);
            a->ids.slots = ns;
            a->ids.goids = ng;
            a->ids.stacks = nst;
            a->ids.cap = nc;
        }
        size_t j = h & (a->ids.cap - 1);
        while (a->ids.slots[j] != 0) {
            if (a->ids.goids[j] == (uint64_t)goid && a->ids.stacks[j] == s)
                return true;
            j = (j + 1) & (a->ids.cap - 1);
        }
        a->ids.slots[j] = h;
        a->ids.goids[j] = (uint64_t)goid;
        a->ids.stacks[j] = (uint32_t)s;
        a->ids.n++;
        a->ids.any = true;
        return true;
    }
    if (!PPD_VEC_RESERVE(a->ids.last, 1, NULL))
        return false;
    a->ids.last.v[a->ids.last.n++] = (struct last_goroutine){goid, v, s};
    return true;
}

/* Was (goid, s) in the first column? */
static bool
in_first(const struct ppd_accum *a, int64_t goid, size_t s)
{
    if (a->ids.cap == 0)
        return false;
    uint64_t h = pair_hash(goid, s);
    for (size_t j = h & (a->ids.cap - 1); a->ids.slots[j] != 0;
         j = (j + 1) & (a->ids.cap - 1))
        if (a->ids.slots[j] == h && a->ids.goids[j] == (uint64_t)goid &&
            a->ids.stacks[j] == s)
            return true;
    return false;
}

/* Once the first and last columns are in: the survivors per stack. */
static bool
count_survivors(struct ppd_accum *a)
{
    if (!a->ids.any || a->ncols < 2 || !a->cols[0].added ||
        !a->cols[a->ncols - 1].added)
        return true;
    size_t n = ppd_accum_nstacks(a);
    a->ids.survived.n = 0;
    if (!PPD_VEC_RESERVE(a->ids.survived, n, NULL))
        return false;
    memset(a->ids.survived.v, 0, n * sizeof(int64_t));
    a->ids.survived.n = n;
    for (size_t i = 0; i < a->ids.last.n; i++) {
        const struct last_goroutine *g = &a->ids.last.v[i];
        if (in_first(a, g->goid, g->stack))
            a->ids.survived.v[g->stack] =
                (int64_t)((uint64_t)a->ids.survived.v[g->stack] +
                          (uint64_t)g->value);
    }
    return true;
}

static bool
add_filtered(struct ppd_accum *a, size_t col, const struct ppd_profile *p,
             long idx, const struct locframes *lf, struct framebuf *fb,
             uint64_t *sum, uint64_t *abs)
{
    const struct ppd_filter *f = a->filter; /* may be NULL */
    bool named = ppd__filter_has(f, PPD__FOCUS) ||
                 ppd__filter_has(f, PPD__IGNORE) ||
                 ppd__filter_has(f, PPD__HIDE) || ppd__filter_has(f, PPD__SHOW);
    bool from = ppd__filter_has(f, PPD__SHOW_FROM);
    uint32_t *locs = NULL, *leaf = NULL, *root = NULL;
    bool *tag_ok = NULL; /* per label set (and "none", last) */
    size_t cap = 0;
    bool ok = false;
    if ((a->nleaf > 0 || a->nroot > 0) && !label_frames(a, p, &leaf, &root))
        goto out;
    if (ppd__filter_has_tags(f)) {
        tag_ok = malloc((p->nlabelsets + 1) * sizeof *tag_ok);
        if (tag_ok == NULL)
            goto out;
        for (size_t ls = 0; ls <= p->nlabelsets; ls++)
            tag_ok[ls] = ppd__filter_labels(
                f, ls < p->nlabelsets ? &p->labelsets[ls] : NULL);
    }
    for (size_t i = 0; i < p->nsamples; i++) {
        int64_t v = scaled(ppd_sample_values(p, i)[idx], a->scale[col]);
        if (v == 0)
            continue;
        *sum += (uint64_t)v;
        *abs += v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        const struct ppd_sample *x = &p->samples[i];
        size_t ls = x->labelset == PPD_NO_LABELS ? p->nlabelsets
                                                 : x->labelset;
        if (tag_ok != NULL && !tag_ok[ls])
            continue;
        const unsigned char *q = ppd_sample_stack(p, x);
        const unsigned char *end = q + x->stack_len;
        if (x->stack_len > cap &&
            !ppd__grow((void **)&locs, &cap, sizeof *locs, x->stack_len,
                       NULL))
            goto out;
        size_t n = 0;
        bool focused = false, ignored = false;
        uint32_t loc;
        while (ppd_stack_next(&q, end, &loc)) {
            unsigned char fl = lf->flags ? lf->flags[loc] : LOC_FOCUSED;
            focused |= (fl & LOC_FOCUSED) != 0;
            ignored |= (fl & LOC_IGNORED) != 0;
            if (!(fl & LOC_HIDDEN))
                locs[n++] = loc;
        }
        if (named && (ignored || !focused || n == 0))
            continue;
        if (from) {
            size_t k = n;
            while (k > 0 && !(lf->flags[locs[k - 1]] & LOC_FROM))
                k--;
            if (k == 0)
                continue;
            n = k;
        }
        if (a->labels_only)
            n = 0;
        if (!expand_hash_locs(lf, locs, n,
                              leaf ? leaf + ls * a->nleaf : NULL, a->nleaf,
                              root ? root + ls * a->nroot : NULL, a->nroot,
                              fb))
            goto out;
        size_t s = stack_for(a, fb);
        if (s == SIZE_MAX || !note_goid(a, col, goid_of(p, x), s, v))
            goto out;
        int64_t *cell = &a->vals.v[s * a->ncols + col];
        *cell = (int64_t)((uint64_t)*cell + (uint64_t)v);
    }
    ok = true;
out:
    free(locs);
    free(leaf);
    free(root);
    free(tag_ok);
    return ok;
}

/*
 * The index in p of the sample type t: the type with t's name and unit;
 * else the only type of that name; else -1.
 */
static long
same_type(const struct ppd_profile *p, const struct ppd_value_type *t)
{
    long found = -1, by_name = -1;
    size_t names = 0;
    for (size_t k = 0; k < p->nsample_types; k++) {
        const struct ppd_value_type *v = &p->sample_types[k];
        if (strcmp(v->type, t->type) != 0)
            continue;
        names++;
        by_name = (long)k;
        if (found < 0 && strcmp(v->unit, t->unit) == 0)
            found = (long)k;
    }
    if (found >= 0)
        return found;
    return names == 1 ? by_name : -1;
}

/* "NAME offers a,b,c" for p, in the arena; NULL when out of memory. */
static const char *
offers_of(struct ppd_accum *a, const struct ppd_profile *p)
{
    char buf[PPD_ERROR_MSG_MAX];
    size_t used = 0;
    int w = snprintf(buf, sizeof buf, "%s offers ", p->name);
    if (w > 0)
        used = (size_t)w < sizeof buf ? (size_t)w : sizeof buf - 1;
    for (size_t k = 0; k < p->nsample_types && used + 1 < sizeof buf; k++) {
        w = snprintf(buf + used, sizeof buf - used, "%s%s", k ? "," : "",
                     p->sample_types[k].type);
        if (w < 0)
            break;
        used += (size_t)w < sizeof buf - used ? (size_t)w
                                              : sizeof buf - used - 1;
    }
    return ppd__arena_strndup(a->arena, buf, used);
}

static enum ppd_status
missing_type(struct ppd_accum *a, size_t col, struct ppd_error *err)
{
    char list[PPD_ERROR_MSG_MAX];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < a->ncols; i++) {
        if (a->offers[i] == NULL)
            continue;
        int w = snprintf(list + used, sizeof list - used, "%s%s",
                         used ? "; " : "", a->offers[i]);
        if (w < 0 || (size_t)w >= sizeof list - used)
            break;
        used += (size_t)w;
    }
    enum ppd_status st;
    if (a->default_of != NULL)
        st = ppd_error_set(err, PPD_ESAMPLE, a->cols[col].name,
                           "no sample type \"%s\", the default of %s: "
                           "profiles of different kinds? choose one with "
                           "-s (%s)",
                           a->type.type, a->default_of, list);
    else
        st = ppd_error_set(err, PPD_ESAMPLE, a->cols[col].name,
                           "no sample type \"%s\" (%s)", a->type.type, list);
    ppd_error_where(err, PPD_STAGE_ANALYSIS, PPD_NO_OFFSET, NULL, 0);
    return st;
}

/* The "runtime.MemStats.NAME=VALUE" comments of p, as "NAME=VALUE". */
static bool
keep_memstats(struct ppd_accum *a, struct ppd_column *c,
              const struct ppd_profile *p)
{
    static const char prefix[] = "runtime.MemStats.";
    size_t n = 0, pl = sizeof prefix - 1;
    for (size_t i = 0; i < p->ncomments; i++)
        n += strncmp(p->comments[i], prefix, pl) == 0;
    if (n == 0)
        return true;
    const char **v = ppd__arena_calloc(a->arena, n, sizeof *v);
    if (v == NULL)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < p->ncomments; i++)
        if (strncmp(p->comments[i], prefix, pl) == 0) {
            const char *s = p->comments[i] + pl;
            if ((v[k++] = ppd__arena_strndup(a->arena, s, strlen(s))) == NULL)
                return false;
        }
    c->memstats = v;
    c->nmemstats = n;
    return true;
}

/*
 * Take p's name, kind, time and duration into column col: the first
 * profile's as they are, a later one's merged (names joined, up to three
 * and a count after them, kept in first_names; the earliest time;
 * durations added). False when out of memory.
 */
static bool
merge_column(struct ppd_accum *a, size_t col, const struct ppd_profile *p)
{
    struct ppd_column *c = &a->cols[col];
    a->offers[col] = offers_of(a, p);
    if (a->offers[col] == NULL)
        return false;
    c->ninputs++;
    if (!c->added) {
        const char *kind = ppd_profile_kind(p);
        c->name = ppd__arena_strndup(a->arena, p->name, strlen(p->name));
        c->kind = ppd__arena_strndup(a->arena, kind, strlen(kind));
        a->first_names[col] = c->name;
        c->time_nanos = p->time_nanos;
        c->duration_nanos = p->duration_nanos;
        c->added = true;
        return c->name != NULL && c->kind != NULL && keep_memstats(a, c, p);
    }
    c->nmemstats = 0; /* a merge of several has no one account */
    if (p->time_nanos != 0 &&
        (c->time_nanos == 0 || p->time_nanos < c->time_nanos))
        c->time_nanos = p->time_nanos;
    c->duration_nanos =
        (int64_t)((uint64_t)c->duration_nanos + (uint64_t)p->duration_nanos);
    char buf[PPD_ERROR_MSG_MAX];
    if (c->ninputs <= 3) {
        snprintf(buf, sizeof buf, "%s + %s", c->name, p->name);
    } else {
        snprintf(buf, sizeof buf, "%s + %zu more", a->first_names[col],
                 c->ninputs - 3);
    }
    const char *name = ppd__arena_strndup(a->arena, buf, strlen(buf));
    if (name == NULL)
        return false;
    c->name = name;
    if (c->ninputs == 3)
        a->first_names[col] = name;
    return true;
}

/* Room in a's tables before p is added: the first profile's stacks are
 * all new, so room for them at once (a later profile mostly repeats
 * them, and the tables grow if not). False when out of memory. */
static bool
reserve_for_add(struct ppd_accum *a, const struct ppd_profile *p, long idx)
{
    size_t live = 0, bytes = 0;
    for (size_t i = 0; a->off.n == 0 && i < p->nsamples; i++)
        if (ppd_sample_values(p, i)[idx] != 0) {
            live++;
            bytes += p->samples[i].stack_len;
        }
    if (a->off.n == 0 && !reserve_rows(a, live, bytes + 64))
        return false;
    return reserve_stacks(a, live + 1);
}

/*
 * Add p's samples to column col without a filter, summing into *sum and
 * *abs. Each sample is expanded and hashed a little ahead of its lookup,
 * and the slot it points at prefetched, so the table's random accesses
 * overlap instead of each waiting for memory. False when out of memory.
 */
static bool
add_plain(struct ppd_accum *a, size_t col, const struct ppd_profile *p,
          long idx, const struct locframes *lf, struct framebuf *ring,
          uint64_t *sum, uint64_t *abs)
{
    size_t n = p->nsamples;
    for (size_t i = 0; i < n && i < PREFETCH_AHEAD; i++) {
        const struct ppd_sample *x = &p->samples[i];
        if (!expand_hash(lf, ppd_sample_stack(p, x), x->stack_len, &ring[i]))
            return false;
        ppd__prefetch(&a->stab[ring[i].h & (a->stab_size - 1)]);
    }
    for (size_t i = 0; i < n; i++) {
        struct framebuf *fb = &ring[i % PREFETCH_AHEAD];
        if (i + PREFETCH_AHEAD / 2 < n)
            prefetch_stack(a, &ring[(i + PREFETCH_AHEAD / 2) % PREFETCH_AHEAD],
                           col, 2);
        if (i + PREFETCH_AHEAD / 4 < n)
            prefetch_stack(a, &ring[(i + PREFETCH_AHEAD / 4) % PREFETCH_AHEAD],
                           col, 3);
        int64_t v = scaled(ppd_sample_values(p, i)[idx], a->scale[col]);
        if (v != 0) {
            size_t s = stack_for(a, fb);
            if (s == SIZE_MAX ||
                (p->nlabelsets > 0 &&
                 !note_goid(a, col, goid_of(p, &p->samples[i]), s, v)))
                return false;
            int64_t *cell = &a->vals.v[s * a->ncols + col];
            *cell = (int64_t)((uint64_t)*cell + (uint64_t)v);
            *sum += (uint64_t)v;
            *abs += v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        }
        if (i + PREFETCH_AHEAD < n) {
            const struct ppd_sample *x = &p->samples[i + PREFETCH_AHEAD];
            if (!expand_hash(lf, ppd_sample_stack(p, x), x->stack_len, fb))
                return false;
            ppd__prefetch(&a->stab[fb->h & (a->stab_size - 1)]);
        }
    }
    return true;
}

/* Column c's totals after an add, and the goroutines that survived. */
static bool
add_done(struct ppd_accum *a, struct ppd_column *c, uint64_t sum,
         uint64_t abs)
{
    c->total = (int64_t)((uint64_t)c->total + sum);
    c->abs_total = (int64_t)((uint64_t)c->abs_total + abs);
    return count_survivors(a);
}

enum ppd_status
ppd_accum_add(struct ppd_accum *a, size_t col, const struct ppd_profile *p,
              struct ppd_error *err)
{
    struct locframes lf = {0};
    struct framebuf ring[PREFETCH_AHEAD];
    memset(ring, 0, sizeof ring);
    enum ppd_status st = PPD_ENOMEM;
    if (col >= a->ncols)
        return ppd_error_set(err, PPD_EINVAL, p->name, "no column %zu", col);
    struct ppd_column *c = &a->cols[col];
    if (!merge_column(a, col, p))
        goto oom;
    long idx = same_type(p, &a->type);
    if (idx < 0)
        return missing_type(a, col, err);
    uint64_t sum = 0, abs = 0;
    if (!locframes_build(a, p, &lf) || !reserve_for_add(a, p, idx))
        goto oom;
    if (a->filter != NULL || a->nroot > 0 || a->nleaf > 0) {
        if (!add_filtered(a, col, p, idx, &lf, &ring[0], &sum, &abs))
            goto oom;
    } else if (!add_plain(a, col, p, idx, &lf, ring, &sum, &abs)) {
        goto oom;
    }
    if (!add_done(a, c, sum, abs))
        goto oom;
    st = PPD_OK;
    goto out;
oom:
    st = ppd_error_set(err, PPD_ENOMEM, p->name, "out of memory");
out:
    locframes_free(&lf);
    for (size_t i = 0; i < PREFETCH_AHEAD; i++)
        free(ring[i].v);
    return st;
}

/* ---- Adding in three steps (accum.h). ---- */

struct ppd_accum_prep {
    const struct ppd_profile *p; /* until expanded */
    char *name;                  /* p's, for errors */
    size_t col;
    long idx;
    double scale;
    struct locframes lf;
    bool expanded, oom;
    bool release; /* expanding, give p's memory back as it is read */
    /* Expanded: the samples with a value, n of them: their hash, value,
     * depth, and frames as the pool keeps them, bytes[end[i - 1] ..
     * end[i]). */
    size_t n;
    uint64_t *hash;
    int64_t *val;
    uint32_t *depth;
    size_t *end;
    unsigned char *bytes;
    size_t nbytes, capbytes;
    uint64_t sum, abs;
};

/* Does any sample of p carry a goroutine id (goid_of())? */
static bool
has_goids(const struct ppd_profile *p)
{
    for (size_t i = 0; i < p->nlabelsets; i++)
        for (uint32_t k = 0; k < p->labelsets[i].nlabels; k++) {
            const struct ppd_label *l = &p->labelsets[i].labels[k];
            if (l->key.len == 4 && memcmp(l->key.ptr, "goid", 4) == 0 &&
                l->str.len == 0)
                return true;
        }
    return false;
}

bool
ppd_accum_can_prepare(const struct ppd_accum *a, const struct ppd_profile *p)
{
    return a->filter == NULL && a->nroot == 0 && a->nleaf == 0 &&
           !a->labels_only && !has_goids(p);
}

enum ppd_status
ppd_accum_prepare(struct ppd_accum *a, size_t col, const struct ppd_profile *p,
                  struct ppd_accum_prep **out, struct ppd_error *err)
{
    *out = NULL;
    if (col >= a->ncols)
        return ppd_error_set(err, PPD_EINVAL, p->name, "no column %zu", col);
    if (!ppd_accum_can_prepare(a, p))
        return ppd_error_set(err, PPD_EINVAL, p->name,
                             "a filtered or labelled add cannot be "
                             "prepared");
    struct ppd_accum_prep *pr = calloc(1, sizeof *pr);
    if (pr == NULL || (pr->name = strdup(p->name)) == NULL ||
        !merge_column(a, col, p))
        goto oom;
    pr->idx = same_type(p, &a->type);
    if (pr->idx < 0) {
        ppd_accum_prep_free(pr);
        return missing_type(a, col, err);
    }
    if (!locframes_build(a, p, &pr->lf))
        goto oom;
    pr->p = p;
    pr->col = col;
    pr->scale = a->scale[col];
    *out = pr;
    return PPD_OK;
oom:
    ppd_accum_prep_free(pr);
    return ppd_error_set(err, PPD_ENOMEM, p->name, "out of memory");
}

/* Give back the memory of p's samples before sample i (bigmem.h). */
static void
release_samples(const struct ppd_profile *p, size_t i)
{
    ppd__big_release(p->samples, i * sizeof *p->samples);
    ppd__big_release(p->values, i * p->nsample_types * sizeof *p->values);
    ppd__big_release(p->stacks, p->samples[i].stack_off);
}

void
ppd_accum_prepared_expand(struct ppd_accum_prep *pr, bool consume)
{
    if (pr->expanded)
        return;
    pr->release = consume;
    pr->expanded = true;
    const struct ppd_profile *p = pr->p;
    size_t ns = p->nsamples;
    struct framebuf fb = {0};
    pr->hash = malloc((ns ? ns : 1) * sizeof *pr->hash);
    pr->val = malloc((ns ? ns : 1) * sizeof *pr->val);
    pr->depth = malloc((ns ? ns : 1) * sizeof *pr->depth);
    pr->end = malloc((ns ? ns : 1) * sizeof *pr->end);
    if (pr->hash == NULL || pr->val == NULL || pr->depth == NULL ||
        pr->end == NULL)
        goto oom;
    for (size_t i = 0; i < ns; i++) {
        /* The profile is read once, front to back, and is done with
         * after: its samples read so far go back to the system as the
         * expanded ones take memory, so the two never add up. */
        if (pr->release && i > 0 && i % 65536 == 0)
            release_samples(p, i);
        int64_t v = scaled(ppd_sample_values(p, i)[pr->idx], pr->scale);
        if (v == 0)
            continue;
        const struct ppd_sample *x = &p->samples[i];
        if (!expand_hash(&pr->lf, ppd_sample_stack(p, x), x->stack_len, &fb) ||
            !ppd__grow((void **)&pr->bytes, &pr->capbytes, 1,
                       pr->nbytes + (size_t)fb.n * 5 + 1, NULL))
            goto oom;
        size_t k = pr->n++;
        pr->hash[k] = fb.h;
        pr->val[k] = v;
        pr->depth[k] = fb.n;
        pr->nbytes = (size_t)(encode_frames(pr->bytes + pr->nbytes, fb.v,
                                            fb.n) -
                              pr->bytes);
        pr->end[k] = pr->nbytes;
        pr->sum += (uint64_t)v;
        pr->abs += v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    }
    free(fb.v);
    pr->p = NULL;
    return;
oom:
    free(fb.v);
    pr->oom = true;
    pr->p = NULL;
}

/* The stack of prepared sample k; SIZE_MAX when out of memory. */
static size_t
stack_for_prepared(struct ppd_accum *a, const struct ppd_accum_prep *pr,
                   size_t k)
{
    uint64_t h = pr->hash[k];
    size_t start = k > 0 ? pr->end[k - 1] : 0, len = pr->end[k] - start;
    const unsigned char *bytes = pr->bytes + start;
    size_t mask = a->stab_size - 1;
    size_t j = h & mask;
    uint64_t sl;
    while ((sl = a->stab[j]) != 0) {
        /* The same frames are the same bytes (canonical varints). */
        size_t s = SLOT_INDEX(sl);
        if (SLOT_MATCH(sl, h) && a->depth.v[s] == pr->depth[k] &&
            (size_t)(stack_end(a, s) - (a->pool.v + a->off.v[s])) == len &&
            memcmp(a->pool.v + a->off.v[s], bytes, len) == 0)
            return s;
        j = (j + 1) & mask;
    }
    if (!room_for_one(a, h, &j))
        return SIZE_MAX;
    size_t s = new_row(a, h, pr->depth[k], len);
    if (s == SIZE_MAX)
        return s;
    if (len > 0)
        memcpy(a->pool.v + a->pool.n, bytes, len);
    a->pool.n += len;
    a->stab[j] = SLOT(h, s);
    return s;
}

enum ppd_status
ppd_accum_add_prepared(struct ppd_accum *a, struct ppd_accum_prep *pr,
                       struct ppd_error *err)
{
    size_t n = pr->n, col = pr->col;
    struct ppd_column *c = &a->cols[col];
    if (!pr->expanded) {
        /* Not expanded: as ppd_accum_add does, a sample at a time. */
        struct framebuf ring[PREFETCH_AHEAD];
        memset(ring, 0, sizeof ring);
        uint64_t sum = 0, abs = 0;
        bool ok = reserve_for_add(a, pr->p, pr->idx) &&
                  add_plain(a, col, pr->p, pr->idx, &pr->lf, ring, &sum,
                            &abs) &&
                  add_done(a, c, sum, abs);
        for (size_t i = 0; i < PREFETCH_AHEAD; i++)
            free(ring[i].v);
        if (!ok)
            goto oom;
        return PPD_OK;
    }
    if (pr->oom)
        goto oom;
    if (a->off.n == 0 && !reserve_rows(a, n, pr->nbytes + 64))
        goto oom;
    if (!reserve_stacks(a, a->off.n == 0 ? n + 1 : 1))
        goto oom;
    /* Slots a little ahead, then the stacks they name (as in
     * ppd_accum_add). */
    for (size_t i = 0; i < n; i++) {
        if (i + PREFETCH_AHEAD < n)
            ppd__prefetch(&a->stab[pr->hash[i + PREFETCH_AHEAD] &
                                   (a->stab_size - 1)]);
        if (i + PREFETCH_AHEAD / 2 < n) {
            uint64_t h = pr->hash[i + PREFETCH_AHEAD / 2];
            uint64_t sl = a->stab[h & (a->stab_size - 1)];
            if (sl != 0 && SLOT_MATCH(sl, h)) {
                ppd__prefetch(&a->off.v[SLOT_INDEX(sl)]);
                ppd__prefetch(&a->vals.v[SLOT_INDEX(sl) * a->ncols + col]);
            }
        }
        size_t s = stack_for_prepared(a, pr, i);
        if (s == SIZE_MAX)
            goto oom;
        int64_t *cell = &a->vals.v[s * a->ncols + col];
        *cell = (int64_t)((uint64_t)*cell + (uint64_t)pr->val[i]);
    }
    if (!add_done(a, c, pr->sum, pr->abs))
        goto oom;
    return PPD_OK;
oom:
    return ppd_error_set(err, PPD_ENOMEM, pr->name, "out of memory");
}

enum ppd_status
ppd_accum_reserve_prepared(struct ppd_accum *a,
                           const struct ppd_accum_prep *pr)
{
    if (!pr->expanded || pr->oom)
        return PPD_EINVAL;
    if (pr->nbytes > UINT32_MAX || !reserve_rows(a, pr->n, pr->nbytes + 64))
        return PPD_ENOMEM;
    return PPD_OK;
}

/* The rows and frame bytes p's add may make: one per sample, its
 * location bytes (a frame id is a byte or two, a location most often one
 * frame) and a quarter more. The stacks lie end to end: the last one's
 * end is all their bytes. */
static void
add_estimate(const struct ppd_profile *p, size_t *rows, size_t *bytes)
{
    if (p->nsamples == 0)
        return;
    const struct ppd_sample *x = &p->samples[p->nsamples - 1];
    size_t all = (size_t)x->stack_off + x->stack_len;
    *rows += p->nsamples;
    *bytes += all + all / 4;
}

bool
ppd_accum_reserve_pair(struct ppd_accum *a, const struct ppd_accum_prep *cur,
                       const struct ppd_accum_prep *base)
{
    if (a->off.n > 0 || cur->p == NULL || base->p == NULL)
        return true;
    size_t rows = 0, bytes = 64;
    add_estimate(cur->p, &rows, &bytes);
    add_estimate(base->p, &rows, &bytes);
    /* Only the arrays: the table is sized by the first add, and grows
     * little after (most of the second profile's stacks are there). */
    return reserve_rows(a, rows, bytes);
}

void
ppd_accum_prep_free(struct ppd_accum_prep *pr)
{
    if (pr == NULL)
        return;
    locframes_free(&pr->lf);
    free(pr->name);
    free(pr->hash);
    free(pr->val);
    free(pr->depth);
    free(pr->end);
    free(pr->bytes);
    free(pr);
}

enum ppd_status
ppd_accum_new(size_t ncolumns, const struct ppd_value_type *type,
              const char *default_of, struct ppd_accum **out,
              struct ppd_error *err)
{
    *out = NULL;
    if (ncolumns == 0 || ncolumns > UINT32_MAX)
        return ppd_error_set(err, PPD_EINVAL, NULL, "no profiles to compare");
    struct ppd_accum *a = calloc(1, sizeof *a);
    if (a == NULL)
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    static uint64_t serials;
    a->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED);
    a->ncols = ncolumns;
    a->arena = ppd__arena_new();
    if (a->arena != NULL) {
        a->cols = ppd__arena_calloc(a->arena, ncolumns, sizeof *a->cols);
        a->scale = ppd__arena_calloc(a->arena, ncolumns, sizeof *a->scale);
        for (size_t i = 0; a->scale != NULL && i < ncolumns; i++)
            a->scale[i] = 1;
        a->offers = ppd__arena_calloc(a->arena, ncolumns, sizeof *a->offers);
        a->first_names =
            ppd__arena_calloc(a->arena, ncolumns, sizeof *a->first_names);
        a->type.type =
            ppd__arena_strndup(a->arena, type->type, strlen(type->type));
        a->type.unit =
            ppd__arena_strndup(a->arena, type->unit, strlen(type->unit));
        if (default_of != NULL)
            a->default_of = ppd__arena_strndup(a->arena, default_of,
                                               strlen(default_of));
    }
    if (a->arena == NULL || a->cols == NULL || a->scale == NULL ||
        a->offers == NULL ||
        a->first_names == NULL || a->type.type == NULL || a->type.unit == NULL ||
        !PPD_VEC_RESERVE(a->pool, 64, NULL)) {
        ppd_accum_free(a);
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    }
    *out = a;
    return PPD_OK;
}

void
ppd_accum_free(struct ppd_accum *a)
{
    if (a == NULL)
        return;
    ppd__arena_free(a->arena);
    free(a->frames.v);
    free(a->ftab);
    free(a->pool.v);
    free(a->off.v);
    free(a->depth.v);
    free(a->hash.v);
    free(a->vals.v);
    free(a->stab);
    free(a->ids.slots);
    free(a->ids.goids);
    free(a->ids.stacks);
    free(a->ids.survived.v);
    free(a->ids.last.v);
    free(a);
}

bool
ppd_accum_has_survivors(const struct ppd_accum *a)
{
    return a->ids.any && a->ncols > 1 && a->cols[0].added &&
           a->cols[a->ncols - 1].added;
}

int64_t
ppd_accum_survivors(const struct ppd_accum *a, size_t s)
{
    return s < a->ids.survived.n ? a->ids.survived.v[s] : 0;
}

size_t
ppd_accum_ncolumns(const struct ppd_accum *a)
{
    return a->ncols;
}

const struct ppd_column *
ppd_accum_column(const struct ppd_accum *a, size_t col)
{
    return &a->cols[col];
}

const struct ppd_value_type *
ppd_accum_type(const struct ppd_accum *a)
{
    return &a->type;
}

size_t
ppd_accum_nstacks(const struct ppd_accum *a)
{
    return a->off.n;
}

uint64_t
ppd_accum_serial(const struct ppd_accum *a)
{
    return a->serial;
}

size_t
ppd_accum_nframes(const struct ppd_accum *a)
{
    return a->frames.n;
}

const struct ppd_frame *
ppd_accum_frame(const struct ppd_accum *a, uint32_t id)
{
    return &a->frames.v[id];
}

const int64_t *
ppd_accum_values(const struct ppd_accum *a, size_t s)
{
    return a->vals.v + s * a->ncols;
}

uint32_t
ppd_accum_depth(const struct ppd_accum *a, size_t s)
{
    return a->depth.v[s];
}

void
ppd_accum_prefetch(const struct ppd_accum *a, size_t s, bool bytes)
{
    if (s >= a->off.n)
        return;
    if (bytes) {
        ppd__prefetch(a->pool.v + a->off.v[s]);
    } else {
        ppd__prefetch(&a->off.v[s]);
        ppd__prefetch(&a->depth.v[s]);
    }
}

size_t
ppd_accum_stack(const struct ppd_accum *a, size_t s, uint32_t *out,
                size_t cap)
{
    uint32_t n = a->depth.v[s];
    const unsigned char *p = a->pool.v + a->off.v[s], *end = stack_end(a, s);
    uint32_t id;
    for (uint32_t k = n; k > 0 && ppd_uvarint32_next(&p, end, &id); k--)
        if (k - 1 < cap)
            out[k - 1] = id;
    return n;
}

void
ppd_accum_stack_bytes(const struct ppd_accum *a, size_t s,
                      const unsigned char **p, const unsigned char **end)
{
    *p = a->pool.v + a->off.v[s];
    *end = stack_end(a, s);
}

void
ppd_accum_stacks_now(const struct ppd_accum *a, struct ppd_accum_stacks *out)
{
    *out = (struct ppd_accum_stacks){a->pool.v, a->off.v, a->depth.v,
                                     a->vals.v, a->off.n, a->ncols,
                                     a->serial};
}

enum ppd_status
ppd_accum_reserve_for(struct ppd_accum *a, const struct ppd_profile *p,
                      uint64_t frames, uint64_t most, struct ppd_error *err)
{
    if (a->filter != NULL || a->nroot > 0 || a->nleaf > 0 || a->labels_only)
        return ppd_error_set(err, PPD_EINVAL, p->name,
                             "no room is reserved with filters or label "
                             "frames");
    /* A new stack per sample at most, each of its frames a varint no
     * longer than the largest id p can make needs; and for the last
     * one, the room new_stack() asks before writing (5 bytes a frame). */
    uint64_t ids = (uint64_t)a->frames.n + p->nlocations;
    for (size_t i = 0; i < p->nlocations; i++)
        ids += p->locations[i].nlines;
    uint64_t width = 1;
    while (width < 5 && ids >= (uint64_t)1 << (7 * width))
        width++;
    uint64_t bytes = frames * width + most * 5 + 64;
    if (frames > UINT32_MAX || bytes > UINT32_MAX ||
        !reserve_rows(a, p->nsamples, (size_t)bytes))
        return ppd_error_set(err, PPD_ENOMEM, p->name, "out of memory");
    return PPD_OK;
}

int
ppd_accum_stack_cmp(const struct ppd_accum *a, const uint32_t *rank,
                    size_t x, size_t y)
{
    const unsigned char *p = a->pool.v + a->off.v[x];
    const unsigned char *q = a->pool.v + a->off.v[y];
    size_t lp = (size_t)(stack_end(a, x) - p);
    size_t lq = (size_t)(stack_end(a, y) - q);
    size_t n = lp < lq ? lp : lq, i = 0;
    /* Frame ids are written one way only (shortest varints), so the
     * stacks' common frames are their common bytes: skipped eight at a
     * time, and only the first frame that differs is decoded. */
    while (i + 8 <= n) {
        uint64_t u, v;
        memcpy(&u, p + i, 8);
        memcpy(&v, q + i, 8);
        if (u != v)
            break;
        i += 8;
    }
    while (i < n && p[i] == q[i])
        i++;
    if (i == n) /* one is the other, or the other's first frames */
        return lp < lq ? -1 : lp > lq;
    while (i > 0 && p[i - 1] >= 0x80) /* back to the frame's first byte */
        i--;
    const unsigned char *pi = p + i, *qi = q + i;
    uint32_t u = 0, v = 0;
    ppd_uvarint32_next(&pi, p + lp, &u);
    ppd_uvarint32_next(&qi, q + lq, &v);
    return rank[u] < rank[v] ? -1 : rank[u] > rank[v];
}

static int
cmp_frame_name(const void *x, const void *y, void *ctx)
{
    const struct ppd_accum *acc = ctx;
    const struct ppd_str *a = &acc->frames.v[*(const uint32_t *)x].name;
    const struct ppd_str *b = &acc->frames.v[*(const uint32_t *)y].name;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->ptr, b->ptr, n) : 0;
    if (c != 0)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

uint32_t *
ppd_accum_name_order(const struct ppd_accum *a)
{
    size_t n = a->frames.n;
    uint32_t *ids = malloc((n ? n : 1) * sizeof *ids);
    uint32_t *rank = malloc((n ? n : 1) * sizeof *rank);
    if (ids == NULL || rank == NULL) {
        free(ids);
        free(rank);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = (uint32_t)i;
    if (!ppd__sort(ids, n, sizeof *ids, cmp_frame_name, (void *)a)) {
        free(ids);
        free(rank);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        rank[ids[i]] = (uint32_t)i;
    free(ids);
    return rank;
}

/* The type was not found in the last profile: say what each offers. */
static enum ppd_status
missing_in_last(const struct ppd_profile *const *ps, size_t n,
                const char *spec, struct ppd_error *err)
{
    char list[PPD_ERROR_MSG_MAX];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const struct ppd_profile *p = ps[i];
        int w = snprintf(list + used, sizeof list - used, "%s%s offers ",
                         i ? "; " : "", p->name);
        for (size_t k = 0; w >= 0 && k < p->nsample_types; k++) {
            if ((size_t)w >= sizeof list - used)
                break;
            used += (size_t)w;
            w = snprintf(list + used, sizeof list - used, "%s%s",
                         k ? "," : "", p->sample_types[k].type);
        }
        if (w < 0 || (size_t)w >= sizeof list - used)
            break;
        used += (size_t)w;
    }
    return ppd_error_set(err, PPD_ESAMPLE, ps[n - 1]->name,
                         "no sample type \"%s\" (%s)", spec, list);
}

static enum ppd_status
accum_profiles(struct ppd_profile **take, const struct ppd_profile *const *ps,
               size_t n, const char *spec, struct ppd_accum **out,
               struct ppd_error *err)
{
    *out = NULL;
    if (n == 0)
        return ppd_error_set(err, PPD_EINVAL, NULL, "no profiles to compare");
    const struct ppd_profile *last = ps[n - 1];
    bool chosen = spec != NULL && spec[0] != '\0';
    long idx = ppd_profile_sample_index(last, spec);
    if (idx < 0)
        return missing_in_last(ps, n,
                               chosen ? spec : last->default_sample_type,
                               err);
    struct ppd_accum *a = NULL;
    enum ppd_status st =
        ppd_accum_new(n, &last->sample_types[idx], chosen ? NULL : last->name,
                      &a, err);
    for (size_t k = 0; k < n && st == PPD_OK; k++) {
        size_t i = k == 0 ? n - 1 : k - 1;
        st = ppd_accum_add(a, i, ps[i], err);
        if (st == PPD_OK && take != NULL) {
            /* Added: the profile's memory can go before the next one
             * is added. */
            ppd_profile_free(take[i]);
            take[i] = NULL;
        }
    }
    if (st != PPD_OK) {
        ppd_accum_free(a);
        return st;
    }
    *out = a;
    return PPD_OK;
}

enum ppd_status
ppd_accum_profiles(const struct ppd_profile *const *ps, size_t n,
                   const char *spec, struct ppd_accum **out,
                   struct ppd_error *err)
{
    return accum_profiles(NULL, ps, n, spec, out, err);
}

enum ppd_status
ppd_accum_take_profiles(struct ppd_profile **ps, size_t n, const char *spec,
                        struct ppd_accum **out, struct ppd_error *err)
{
    return accum_profiles(ps, (const struct ppd_profile *const *)ps, n, spec,
                          out, err);
}

enum ppd_status
ppd_accum_set_labels_only(struct ppd_accum *a, struct ppd_error *err)
{
    if (a->off.n > 0)
        return ppd_error_set(err, PPD_EINVAL, NULL,
                             "labels only: set before the first profile");
    a->labels_only = true;
    return PPD_OK;
}

enum ppd_status
ppd_accum_set_grain(struct ppd_accum *a, enum ppd_grain grain,
                    struct ppd_error *err)
{
    for (size_t i = 0; i < a->ncols; i++)
        if (a->cols[i].added)
            return ppd_error_set(err, PPD_EINVAL, NULL,
                                 "the grain is set before adding profiles");
    a->grain = grain;
    return PPD_OK;
}

enum ppd_grain
ppd_accum_grain(const struct ppd_accum *a)
{
    return a->grain;
}

enum ppd_status
ppd_accum_set_filter(struct ppd_accum *a, const struct ppd_filter *f,
                     struct ppd_error *err)
{
    for (size_t i = 0; i < a->ncols; i++)
        if (a->cols[i].added)
            return ppd_error_set(err, PPD_EINVAL, NULL,
                                 "the filter is set before adding profiles");
    a->filter = f;
    return PPD_OK;
}

enum ppd_status
ppd_accum_set_scale(struct ppd_accum *a, size_t col, double ratio,
                    struct ppd_error *err)
{
    if (col >= a->ncols || a->cols[col].added || !(ratio >= 0))
        return ppd_error_set(err, PPD_EINVAL, NULL,
                             "a scale is set on a free column, >= 0");
    a->scale[col] = ratio;
    return PPD_OK;
}

enum ppd_status
ppd_accum_profile_total(const struct ppd_accum *a,
                        const struct ppd_profile *p, int64_t *total,
                        struct ppd_error *err)
{
    long idx = same_type(p, &a->type);
    if (idx < 0)
        return ppd_error_set(err, PPD_ESAMPLE, p->name,
                             "no sample type %s/%s", a->type.type,
                             a->type.unit);
    uint64_t sum = 0;
    for (size_t i = 0; i < p->nsamples; i++)
        sum += (uint64_t)ppd_sample_values(p, i)[idx];
    *total = (int64_t)sum;
    return PPD_OK;
}

bool
ppd_accum_filtered(const struct ppd_accum *a)
{
    return a->filter != NULL;
}

enum ppd_status
ppd_accum_set_label_frames(struct ppd_accum *a, const char *const *root_keys,
                           size_t nroot, const char *const *leaf_keys,
                           size_t nleaf, struct ppd_error *err)
{
    for (size_t i = 0; i < a->ncols; i++)
        if (a->cols[i].added)
            return ppd_error_set(err, PPD_EINVAL, NULL,
                                 "label frames are set before adding "
                                 "profiles");
    a->root_keys = ppd__arena_calloc(a->arena, nroot ? nroot : 1,
                                     sizeof *a->root_keys);
    a->leaf_keys = ppd__arena_calloc(a->arena, nleaf ? nleaf : 1,
                                     sizeof *a->leaf_keys);
    if (a->root_keys == NULL || a->leaf_keys == NULL)
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; i < nroot + nleaf; i++) {
        const char *k = i < nroot ? root_keys[i] : leaf_keys[i - nroot];
        char *copy = ppd__arena_strndup(a->arena, k, strlen(k));
        if (copy == NULL)
            return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
        if (i < nroot)
            a->root_keys[i] = copy;
        else
            a->leaf_keys[i - nroot] = copy;
    }
    a->nroot = nroot;
    a->nleaf = nleaf;
    return PPD_OK;
}
