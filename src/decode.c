/*
 * decode.c - gzip + protobuf decoding of pprof profiles into the model.
 *
 * The input is consumed as a stream: a reader inflates (or copies) bytes
 * into a sliding window, the top-level Profile fields are walked by hand,
 * and each embedded message is handed to protobuf-c's generated unpack
 * with a scratch arena as its allocator -- except Sample, most of the
 * records, which is parsed in place into reused buffers. Samples are
 * merged by their location-id sequence (plus labels) in batches as they
 * arrive, because the tables they point to may come later on the wire;
 * once the input ends, ids are resolved to table indices and every
 * cross-reference is checked. Decoded tables are charged against a
 * budget tied to --max-bytes, so no input can take unbounded memory.
 *
 * The one non-obvious decision: a sample's stack is kept as the varint
 * bytes of its location ids (the merge key), rewritten in place into
 * varint location indices once the tables are known, so a stack costs
 * about one or two bytes per frame from the wire to the finished model.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "profile.pb-c.h"

#include "arena.h"
#include "hash.h"
#include "pprofdiff/decode.h"

#define WINDOW_FIRST ((size_t)256 << 10)
#define INBUF_SIZE ((size_t)128 << 10)

/* ---- The byte source: raw or gzip, file or memory. ---- */

struct reader {
    const char *name;
    struct ppd_error *err;
    uint64_t max; /* cap on produced (decompressed) bytes */

    FILE *fp;                 /* file source, or NULL */
    const unsigned char *mem; /* memory source */
    size_t memlen, mempos;

    bool gz;
    bool z_live;     /* inflateInit2 done */
    bool z_member_done;
    z_stream z;
    unsigned char *in; /* compressed input buffer (file source) */
    uint64_t in_done;  /* compressed bytes of finished members */
    bool src_eof;

    unsigned char *buf; /* window: valid bytes are buf[pos..end) */
    size_t cap, pos, end;
    uint64_t base;     /* stream offset of buf[0] */
    uint64_t produced; /* total bytes produced into the window */
    bool eof;          /* no more bytes will come */
    enum ppd_status st;

    unsigned char head[64]; /* first bytes produced, for sniffing */
    size_t nhead;
    unsigned char peek[2]; /* source bytes read to detect gzip */
    size_t npeek, peekpos;
    bool buf_borrowed; /* raw memory input used in place */
};

/* Read more raw source bytes into dst; returns the count, 0 at EOF. */
static size_t
src_read(struct reader *r, unsigned char *dst, size_t n)
{
    if (r->peekpos < r->npeek && n > 0) {
        size_t k = 0;
        while (r->peekpos < r->npeek && k < n)
            dst[k++] = r->peek[r->peekpos++];
        return k;
    }
    if (r->fp != NULL) {
        size_t got = fread(dst, 1, n, r->fp);
        if (got == 0 && ferror(r->fp)) {
            r->st = ppd_error_set(r->err, PPD_EIO, r->name, "read error: %s",
                                  strerror(errno));
            return 0;
        }
        return got;
    }
    size_t left = r->memlen - r->mempos;
    if (n > left)
        n = left;
    memcpy(dst, r->mem + r->mempos, n);
    r->mempos += n;
    return n;
}

static uint64_t
z_offset(const struct reader *r)
{
    return r->in_done + r->z.total_in;
}

static bool
too_big(struct reader *r)
{
    r->st = ppd_error_set(
        r->err, PPD_ETOOBIG, r->name,
        "%s exceeds the limit of %" PRIu64 " bytes (raise it with --max-bytes)",
        r->gz ? "inflated size" : "size", r->max);
    return false;
}

/*
 * Refill the compressed input when it is empty. Returns false on a read
 * error; sets src_eof at the end of the source.
 */
static bool
z_refill(struct reader *r)
{
    if (r->z.avail_in > 0 || r->src_eof)
        return true;
    if (r->fp == NULL) {
        /* Memory source: hand zlib everything left at once (in chunks
         * that fit uInt). */
        size_t left = r->memlen - r->mempos;
        if (left == 0) {
            r->src_eof = true;
            return true;
        }
        if (left > UINT_MAX)
            left = UINT_MAX;
        r->z.next_in = (unsigned char *)(uintptr_t)(r->mem + r->mempos);
        r->z.avail_in = (uInt)left;
        r->mempos += left;
        return true;
    }
    size_t got = src_read(r, r->in, INBUF_SIZE);
    if (r->st != PPD_OK)
        return false;
    if (got == 0)
        r->src_eof = true;
    r->z.next_in = r->in;
    r->z.avail_in = (uInt)got;
    return true;
}

/* Produce up to room bytes at dst from the gzip stream. */
static size_t
z_produce(struct reader *r, unsigned char *dst, size_t room)
{
    if (room > UINT_MAX)
        room = UINT_MAX;
    for (;;) {
        if (r->z_member_done) {
            /* A member ended: another may follow (multi-member gzip). */
            if (!z_refill(r))
                return 0;
            if (r->z.avail_in == 0) {
                r->eof = true;
                return 0;
            }
            if (r->z.next_in[0] != 0x1f) {
                r->st = ppd_error_set(
                    r->err, PPD_EGZIP, r->name,
                    "gzip: trailing garbage after the compressed data "
                    "(compressed byte %" PRIu64 ")",
                    z_offset(r));
                return 0;
            }
            r->in_done += r->z.total_in;
            inflateReset(&r->z);
            r->z_member_done = false;
        }
        if (!z_refill(r))
            return 0;
        r->z.next_out = dst;
        r->z.avail_out = (uInt)room;
        int rc = inflate(&r->z, Z_NO_FLUSH);
        size_t got = room - r->z.avail_out;
        if (rc == Z_STREAM_END) {
            r->z_member_done = true;
            if (got > 0)
                return got;
            continue;
        }
        if (rc == Z_OK || (rc == Z_BUF_ERROR && !r->src_eof)) {
            if (got > 0)
                return got;
            continue;
        }
        if (rc == Z_BUF_ERROR) {
            if (got > 0)
                return got;
            r->st = ppd_error_set(
                r->err, PPD_EGZIP, r->name,
                "gzip: unexpected end of compressed data (truncated after "
                "compressed byte %" PRIu64 ")",
                z_offset(r));
            return 0;
        }
        if (rc == Z_MEM_ERROR) {
            r->st = ppd_error_set(r->err, PPD_ENOMEM, r->name,
                                  "gzip: out of memory");
            return 0;
        }
        /* The trailer checks get plain words and the trailer's place:
         * zlib reports them once the 4 bytes concerned are read. */
        const char *msg = r->z.msg ? r->z.msg : "corrupt data";
        if (strcmp(msg, "incorrect data check") == 0)
            r->st = ppd_error_set(
                r->err, PPD_EGZIP, r->name,
                "gzip: CRC-32 mismatch, data corrupt (trailer at compressed "
                "byte %" PRIu64 ")",
                z_offset(r) - 4);
        else if (strcmp(msg, "incorrect length check") == 0)
            r->st = ppd_error_set(
                r->err, PPD_EGZIP, r->name,
                "gzip: length mismatch, data corrupt (trailer at compressed "
                "byte %" PRIu64 ")",
                z_offset(r) - 8);
        else
            r->st = ppd_error_set(r->err, PPD_EGZIP, r->name,
                                  "gzip: %s (compressed byte %" PRIu64 ")", msg,
                                  z_offset(r));
        return 0;
    }
}

/*
 * Make at least need bytes available at buf[pos]. Returns true when they
 * are; false at EOF (r->st stays PPD_OK) or on error (r->st set).
 */
static bool
fill(struct reader *r, size_t need)
{
    while (r->end - r->pos < need) {
        if (r->eof || r->st != PPD_OK)
            return false;
        if (r->pos > 0 && r->pos == r->end) {
            r->base += r->pos;
            r->pos = r->end = 0;
        }
        if (r->cap - r->end < 4096) {
            /* No room left: slide the live bytes down, and grow only when
             * they fill the window (a long field is arriving), so memory
             * follows the bytes that really come, never a claimed length. */
            if (r->pos > 0) {
                memmove(r->buf, r->buf + r->pos, r->end - r->pos);
                r->end -= r->pos;
                r->base += r->pos;
                r->pos = 0;
            }
            if (r->cap - r->end < 4096) {
                size_t ncap = r->cap ? r->cap * 2 : WINDOW_FIRST;
                unsigned char *nb =
                    r->cap > SIZE_MAX / 2 ? NULL : realloc(r->buf, ncap);
                if (nb == NULL) {
                    r->st = ppd_error_set(r->err, PPD_ENOMEM, r->name,
                                          "out of memory (window of %zu "
                                          "bytes)", ncap);
                    return false;
                }
                r->buf = nb;
                r->cap = ncap;
            }
        }
        size_t room = r->cap - r->end;
        /* Never produce more than one byte past the cap: that byte is
         * the proof that the input is too big, and memory stays bounded. */
        if (r->produced + room > r->max + 1)
            room = (size_t)(r->max + 1 - r->produced);
        size_t got = r->gz ? z_produce(r, r->buf + r->end, room)
                           : src_read(r, r->buf + r->end, room);
        if (r->st != PPD_OK)
            return false;
        if (got == 0) {
            r->eof = true;
            return false;
        }
        if (r->nhead < sizeof r->head) {
            size_t take = sizeof r->head - r->nhead;
            if (take > got)
                take = got;
            memcpy(r->head + r->nhead, r->buf + r->end, take);
            r->nhead += take;
        }
        r->end += got;
        r->produced += got;
        if (r->produced > r->max)
            return too_big(r);
    }
    return true;
}

/*
 * Consume n bytes without keeping them; false at a premature end (st
 * unchanged) or on error (st set).
 */
static bool
skip(struct reader *r, uint64_t n)
{
    while (n > 0) {
        size_t have = r->end - r->pos;
        if (have == 0) {
            if (!fill(r, 1))
                return false;
            continue;
        }
        size_t take = (uint64_t)have < n ? have : (size_t)n;
        r->pos += take;
        n -= take;
    }
    return true;
}

static uint64_t
offset_now(const struct reader *r)
{
    return r->base + r->pos;
}

/* ---- Decoder state. ---- */

struct vt_idx {
    int64_t type, unit;
};

struct line_raw {
    uint64_t function_id;
    int64_t line, column;
};

struct loc_raw {
    uint64_t id, mapping_id, address;
    struct line_raw *lines;
    uint32_t nlines;
    bool is_folded;
};

struct map_raw {
    Perftools__Profiles__Mapping m; /* scalar fields only */
};

struct fn_raw {
    uint64_t id;
    int64_t name, system_name, filename, start_line;
};

/*
 * While decoding, a sample record's key (the varint location ids at
 * keys[key_off[i] .. + stack_len)) and label-set id are kept in fields of
 * struct ppd_sample that are only filled in for real once the input has
 * ended: stack_len holds the key length (labelset is final already).
 * Only the key offset needs a side vector, so a record costs 4 bytes of
 * bookkeeping on top of what the model keeps anyway.
 */
#define NO_SET PPD_NO_LABELS

/* A distinct label set: raw varint bytes of its (key,str,num,unit) tuples. */
struct lset_raw {
    size_t off;
    uint32_t len;
    uint32_t count;
    uint32_t first;
};

/* One label of a sample, as string indices and a number. */
struct label_raw {
    int64_t key, str, num, unit;
};

/* A sample record as parsed: views into reusable buffers of the decoder. */
struct sample_view {
    const uint64_t *locs;
    size_t nlocs;
    const int64_t *vals;
    size_t nvals;
    const struct label_raw *labels;
    size_t nlabels;
};

/* Open-addressing table of tagged slots (see hash.h). */
struct slots {
    uint64_t *v;
    size_t size;
};

#define VEC(T)        \
    struct {          \
        T *v;         \
        size_t n, cap; \
    }

struct dec {
    struct reader r;
    struct ppd_profile *p;
    struct ppd_arena *arena;   /* the profile's */
    struct ppd_arena *scratch; /* reset after each record */
    ProtobufCAllocator alloc;

    VEC(struct vt_idx) stypes;
    VEC(struct map_raw) maps;
    VEC(struct loc_raw) locs;
    VEC(struct fn_raw) fns;
    VEC(const char *) strs;
    bool str0_nonempty; /* string 0 must be "" */
    VEC(int64_t) comments;
    VEC(struct ppd_sample) samples;
    VEC(uint32_t) key_off;
    VEC(uint32_t) orig;  /* wire index of each kept record, for errors */
    VEC(int64_t) vals;   /* nvalues_first values per kept record */
    struct slots merge;  /* kept records by key, see merge_batch() */
    size_t merged;       /* records [0, merged) are distinct */
    uint64_t held;       /* bytes of the vectors above, for the budget */
    uint64_t budget;     /* cap on held + arena bytes */
    /* Samples per location id (ids below USES_MAX), counted as records
     * stream in, to put the most used locations first. */
    VEC(uint32_t) id_uses;
    bool uses_overflow;
    /* Value counts: the first record's, and the first record that has
     * another count (checked against the sample types once all is read). */
    size_t nvalues_first;
    size_t odd_record, odd_nvalues;
    bool have_odd;
    VEC(unsigned char) keys;   /* sample keys, later their stacks */
    VEC(struct lset_raw) lsets;
    struct slots lset_slots;
    VEC(unsigned char) lbytes; /* label set bytes */
    unsigned char *kbuf;       /* key being built */
    size_t kcap;

    /* Reused for every sample record (parse_sample()). */
    VEC(uint64_t) sv_locs;
    VEC(int64_t) sv_vals;
    VEC(struct label_raw) sv_labels;

    int64_t drop_frames, keep_frames, default_sample_type, doc_url;
    struct vt_idx period_type;
    bool has_period_type;
    size_t nsamples_read;
};

#define VEC_PUSH(d, vec, item)                                         \
    (((vec).n < (vec).cap || vec_grow((d), (void **)&(vec).v, &(vec).cap, \
                                      sizeof *(vec).v, (vec).n + 1))  \
         ? ((vec).v[(vec).n++] = (item), true)                        \
         : false)

static bool
vec_grow(struct dec *d, void **v, size_t *cap, size_t elem, size_t need)
{
    /* A first reservation is taken at its word; growth is by half, so
     * big profiles waste less than with doubling. */
    size_t ncap = *cap ? *cap : (need > 16 ? need : 16);
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            goto oom;
        ncap += ncap / 2;
    }
    void *nv = realloc(*v, ncap * elem);
    if (nv == NULL)
        goto oom;
    *v = nv;
    d->held += (uint64_t)(ncap - *cap) * elem;
    *cap = ncap;
    return true;
oom:
    d->r.st = ppd_error_set(d->r.err, PPD_ENOMEM, d->r.name, "out of memory");
    return false;
}

static void
shrink_to_fit(void **v, size_t n, size_t elem)
{
    if (*v == NULL || n == 0)
        return;
    void *nv = realloc(*v, n * elem);
    if (nv != NULL)
        *v = nv;
}

static void *
scratch_alloc(void *data, size_t size)
{
    return ppd__arena_alloc(data, size);
}

static void
scratch_free(void *data, void *ptr)
{
    (void)data;
    (void)ptr;
}

#define FAIL(d, code, ...) \
    ((d)->r.st = ppd_error_set((d)->r.err, (code), (d)->r.name, __VA_ARGS__))

static bool
unpack_failed(struct dec *d, const char *what, size_t index, size_t len,
              uint64_t off)
{
    FAIL(d, PPD_EPROTO,
         "%s %zu: invalid protobuf encoding (%zu bytes at byte %" PRIu64 ")",
         what, index, len, off);
    return false;
}

static size_t
varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static size_t
put_varint(unsigned char *dst, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        dst[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    dst[n++] = (unsigned char)v;
    return n;
}

/*
 * Grow slots, which hold items 0..n-1, to room for want items at half
 * load, rehashing with hash_of(i). Returns false when out of memory.
 */
static bool
slots_reserve_for(struct dec *d, struct slots *t, size_t n, size_t want,
                  uint64_t (*hash_of)(const struct dec *, size_t))
{
    if (want <= t->size / 4 * 3)
        return true;
    size_t size = ppd__table_size(want);
    uint64_t *v = ppd__table64_new(size);
    if (v == NULL) {
        FAIL(d, PPD_ENOMEM, "out of memory");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t h = hash_of(d, i);
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
slots_reserve(struct dec *d, struct slots *t, size_t n,
              uint64_t (*hash_of)(const struct dec *, size_t))
{
    return slots_reserve_for(d, t, n, n + 1, hash_of);
}

static uint64_t
sample_hash(const unsigned char *key, size_t len, uint32_t lset)
{
    return ppd__hash_bytes(key, len) ^ ppd__hash_u64(lset);
}

static uint64_t
lset_hash_at(const struct dec *d, size_t i)
{
    const struct lset_raw *l = &d->lsets.v[i];
    return ppd__hash_bytes(d->lbytes.v + l->off, l->len);
}

/* The label-set id of s's labels; NO_SET stands for "no labels". */
static bool
labelset_for(struct dec *d, const struct sample_view *s, uint32_t sample,
             uint32_t *out)
{
    *out = NO_SET;
    if (s->nlabels == 0)
        return true;
    size_t need = 40 * s->nlabels;
    if (need > d->kcap) {
        size_t ncap = d->kcap ? d->kcap : 256;
        while (ncap < need)
            ncap *= 2;
        unsigned char *nb = realloc(d->kbuf, ncap);
        if (nb == NULL)
            return FAIL(d, PPD_ENOMEM, "out of memory"), false;
        d->kbuf = nb;
        d->kcap = ncap;
    }
    size_t k = 0;
    for (size_t i = 0; i < s->nlabels; i++) {
        const struct label_raw *l = &s->labels[i];
        k += put_varint(d->kbuf + k, (uint64_t)l->key);
        k += put_varint(d->kbuf + k, (uint64_t)l->str);
        k += put_varint(d->kbuf + k, (uint64_t)l->num);
        k += put_varint(d->kbuf + k, (uint64_t)l->unit);
    }
    if (!slots_reserve(d, &d->lset_slots, d->lsets.n, lset_hash_at))
        return false;
    size_t mask = d->lset_slots.size - 1;
    uint64_t h = ppd__hash_bytes(d->kbuf, k);
    size_t j = (size_t)h & mask;
    uint64_t sl;
    while ((sl = d->lset_slots.v[j]) != 0) {
        const struct lset_raw *l = &d->lsets.v[SLOT_INDEX(sl)];
        if (SLOT_MATCH(sl, h) && l->len == k &&
            memcmp(d->lbytes.v + l->off, d->kbuf, k) == 0) {
            *out = SLOT_INDEX(sl);
            return true;
        }
        j = (j + 1) & mask;
    }
    if (d->lbytes.n + k > d->lbytes.cap &&
        !vec_grow(d, (void **)&d->lbytes.v, &d->lbytes.cap, 1,
                  d->lbytes.n + k))
        return false;
    memcpy(d->lbytes.v + d->lbytes.n, d->kbuf, k);
    struct lset_raw l = {d->lbytes.n, (uint32_t)k, (uint32_t)s->nlabels,
                         sample};
    d->lbytes.n += k;
    if (!VEC_PUSH(d, d->lsets, l))
        return false;
    d->lset_slots.v[j] = SLOT(h, d->lsets.n - 1);
    *out = (uint32_t)(d->lsets.n - 1);
    return true;
}

#define USES_MAX ((uint64_t)1 << 22)

/* Extend the zero-initialised use counts to n entries. */
static bool
grow_uses(struct dec *d, size_t n)
{
    if (!vec_grow(d, (void **)&d->id_uses.v, &d->id_uses.cap,
                  sizeof *d->id_uses.v, n))
        return false;
    memset(d->id_uses.v + d->id_uses.n, 0,
           (n - d->id_uses.n) * sizeof *d->id_uses.v);
    d->id_uses.n = n;
    return true;
}

/* Records merged at a time: enough to keep many probes in flight. */
#define MERGE_BATCH 65536

static bool merge_batch(struct dec *d);
static bool merge_rehash(struct dec *d, size_t kept, size_t want);

/*
 * Record one sample. Records are appended, and every MERGE_BATCH of them
 * merged into the distinct samples so far (merge_batch()), so memory
 * follows the number of distinct samples while the hash-table probes are
 * still batched.
 */
static bool
add_sample(struct dec *d, const struct sample_view *s)
{
    size_t index = d->nsamples_read++;
    if (index >= UINT32_MAX - 1)
        return FAIL(d, PPD_ETOOBIG, "more than %u samples", UINT32_MAX - 1),
               false;
    if (s->nlocs > UINT32_MAX / 16 || s->nlabels > UINT32_MAX / 64 ||
        s->nvals > UINT32_MAX / 2)
        return FAIL(d, PPD_ETOOBIG,
                    "sample %zu: too many locations, labels or values", index),
               false;
    /* Every record must carry as many values as the first; the count is
     * checked against the sample types once they are all read. A record
     * that differs is remembered for that error and not kept. */
    if (index == 0) {
        d->nvalues_first = s->nvals;
    } else if (s->nvals != d->nvalues_first) {
        if (!d->have_odd) {
            d->have_odd = true;
            d->odd_record = index;
            d->odd_nvalues = s->nvals;
        }
        return true;
    }
    uint32_t lset;
    if (!labelset_for(d, s, (uint32_t)index, &lset))
        return false;
    size_t need = d->keys.n + 10 * s->nlocs;
    if (need > d->keys.cap &&
        !vec_grow(d, (void **)&d->keys.v, &d->keys.cap, 1, need))
        return false;
    unsigned char *key = d->keys.v + d->keys.n;
    size_t k = 0;
    for (size_t i = 0; i < s->nlocs; i++) {
        uint64_t id = s->locs[i];
        k += put_varint(key + k, id);
        if (id >= USES_MAX) {
            d->uses_overflow = true;
        } else {
            if (id >= d->id_uses.n && !grow_uses(d, (size_t)id + 1))
                return false;
            d->id_uses.v[id]++;
        }
    }
    if (d->keys.n + k > UINT32_MAX)
        return FAIL(d, PPD_ETOOBIG, "sample %zu: stacks exceed 4 GiB", index),
               false;
    size_t nv = s->nvals;
    if (d->vals.n + nv > d->vals.cap &&
        !vec_grow(d, (void **)&d->vals.v, &d->vals.cap, sizeof *d->vals.v,
                  d->vals.n + nv))
        return false;
    if (nv > 0)
        memcpy(d->vals.v + d->vals.n, s->vals, nv * sizeof *d->vals.v);
    d->vals.n += nv;
    struct ppd_sample smp = {
        .stack_len = (uint32_t)k, /* key length until resolved */
        .labelset = lset,
    };
    if (!VEC_PUSH(d, d->samples, smp) ||
        !VEC_PUSH(d, d->key_off, (uint32_t)d->keys.n) ||
        !VEC_PUSH(d, d->orig, (uint32_t)index))
        return false;
    d->keys.n += k;
    if (d->samples.n - d->merged >= MERGE_BATCH)
        return merge_batch(d);
    return true;
}

static const char *
field_name(uint32_t f)
{
    static const char *const names[] = {
        "field 0", "sample_type", "sample", "mapping", "location",
        "function", "string_table", "drop_frames", "keep_frames",
        "time_nanos", "duration_nanos", "period_type", "period", "comment",
        "default_sample_type", "doc_url"};
    return f < sizeof names / sizeof names[0] ? names[f] : "unknown field";
}

/* A varint within [*p, end); false when it runs past end or past 10 bytes. */
static bool
next_varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < 10 && *p < end; i++) {
        unsigned char b = *(*p)++;
        if (i == 9 && b > 1)
            return false; /* overflows 64 bits, as at the top level */
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* Skip one field of wire type wt in [*p, end). */
static bool
skip_field(const unsigned char **p, const unsigned char *end, unsigned wt)
{
    uint64_t v;
    switch (wt) {
    case 0:
        return next_varint(p, end, &v);
    case 1:
    case 5: {
        size_t n = wt == 1 ? 8 : 4;
        if ((size_t)(end - *p) < n)
            return false;
        *p += n;
        return true;
    }
    case 2:
        if (!next_varint(p, end, &v) || v > (uint64_t)(end - *p))
            return false;
        *p += v;
        return true;
    default:
        return false;
    }
}

/* Append the varint (wt 0) or packed varints (wt 2) of one field. */
static bool
scalars(struct dec *d, const unsigned char **p, const unsigned char *end,
        unsigned wt, void **vec, size_t *n, size_t *cap)
{
    uint64_t v;
    const unsigned char *stop = end;
    if (wt == 2) {
        if (!next_varint(p, end, &v) || v > (uint64_t)(end - *p))
            return false;
        stop = *p + v;
    } else if (wt != 0) {
        return false;
    }
    /* One value for wire type 0; for a packed field, as many as its
     * bytes hold, none included. */
    do {
        if (wt == 2 && *p == stop)
            break;
        if (!next_varint(p, stop, &v))
            return false;
        if (*n == *cap && !vec_grow(d, vec, cap, sizeof(uint64_t), *n + 1))
            return false;
        ((uint64_t *)*vec)[(*n)++] = v;
    } while (wt == 2);
    return true;
}

/*
 * Parse a Sample message into d's reusable buffers. This one record type
 * is parsed by hand rather than by protobuf-c's generated unpack: it is
 * most of a profile's records, and parsing it in place, with no
 * allocation per record, is a fifth of the decode time saved. It accepts
 * what the generated code accepts (packed or unpacked repeats, unknown
 * fields, fields in any order).
 */
static bool
parse_sample(struct dec *d, const unsigned char *p, size_t len,
             struct sample_view *out)
{
    const unsigned char *end = p + len;
    d->sv_locs.n = d->sv_vals.n = d->sv_labels.n = 0;
    while (p < end) {
        uint64_t tag;
        if (!next_varint(&p, end, &tag) || (tag >> 3) == 0 ||
            (tag >> 3) > 536870911u)
            return false;
        unsigned wt = (unsigned)(tag & 7);
        switch (tag >> 3) {
        case 1:
            if (!scalars(d, &p, end, wt, (void **)&d->sv_locs.v,
                         &d->sv_locs.n, &d->sv_locs.cap))
                return false;
            break;
        case 2:
            if (!scalars(d, &p, end, wt, (void **)&d->sv_vals.v,
                         &d->sv_vals.n, &d->sv_vals.cap))
                return false;
            break;
        case 3: {
            uint64_t n;
            if (wt != 2 || !next_varint(&p, end, &n) ||
                n > (uint64_t)(end - p))
                return false;
            const unsigned char *lend = p + n;
            struct label_raw l = {0, 0, 0, 0};
            while (p < lend) {
                uint64_t ltag, v;
                if (!next_varint(&p, lend, &ltag) || (ltag >> 3) == 0 ||
                    (ltag >> 3) > 536870911u)
                    return false;
                unsigned lwt = (unsigned)(ltag & 7);
                uint64_t f = ltag >> 3;
                if (f >= 1 && f <= 4) {
                    if (lwt != 0 || !next_varint(&p, lend, &v))
                        return false;
                    if (f == 1)
                        l.key = (int64_t)v;
                    else if (f == 2)
                        l.str = (int64_t)v;
                    else if (f == 3)
                        l.num = (int64_t)v;
                    else
                        l.unit = (int64_t)v;
                } else if (!skip_field(&p, lend, lwt)) {
                    return false;
                }
            }
            if (!VEC_PUSH(d, d->sv_labels, l))
                return false;
            break;
        }
        default:
            if (!skip_field(&p, end, wt))
                return false;
        }
    }
    out->locs = d->sv_locs.v;
    out->nlocs = d->sv_locs.n;
    out->vals = d->sv_vals.v;
    out->nvals = d->sv_vals.n;
    out->labels = d->sv_labels.v;
    out->nlabels = d->sv_labels.n;
    return true;
}

/* Handle one length-delimited top-level field. */
static bool
on_bytes(struct dec *d, uint32_t field, const unsigned char *data, size_t len,
         uint64_t off, uint64_t data_off)
{
    ProtobufCAllocator *al = &d->alloc;
    bool ok = true;
    switch (field) {
    case 1:   /* sample_type */
    case 11: { /* period_type */
        Perftools__Profiles__ValueType *vt =
            perftools__profiles__value_type__unpack(al, len, data);
        if (vt == NULL)
            return unpack_failed(d, field == 1 ? "sample_type" : "period_type",
                                 field == 1 ? d->stypes.n : 0, len, off);
        struct vt_idx x = {vt->type, vt->unit};
        if (field == 1) {
            ok = VEC_PUSH(d, d->stypes, x);
        } else {
            d->period_type = x;
            d->has_period_type = true;
        }
        break;
    }
    case 2: {
        struct sample_view sv;
        if (d->r.st != PPD_OK || !parse_sample(d, data, len, &sv)) {
            if (d->r.st != PPD_OK)
                return false;
            return unpack_failed(d, "sample", d->nsamples_read, len, off);
        }
        ok = add_sample(d, &sv);
        break;
    }
    case 3: {
        Perftools__Profiles__Mapping *m =
            perftools__profiles__mapping__unpack(al, len, data);
        if (m == NULL)
            return unpack_failed(d, "mapping", d->maps.n, len, off);
        if (m->id == 0)
            return FAIL(d, PPD_ECORRUPT, "mapping %zu: id 0 is reserved",
                        d->maps.n),
                   false;
        struct map_raw mr = {*m};
        ok = VEC_PUSH(d, d->maps, mr);
        break;
    }
    case 4: {
        Perftools__Profiles__Location *l =
            perftools__profiles__location__unpack(al, len, data);
        if (l == NULL)
            return unpack_failed(d, "location", d->locs.n, len, off);
        if (l->id == 0)
            return FAIL(d, PPD_ECORRUPT, "location %zu: id 0 is reserved",
                        d->locs.n),
                   false;
        if (l->n_line > UINT32_MAX / 2)
            return FAIL(d, PPD_ETOOBIG, "location %zu: too many lines",
                        d->locs.n),
                   false;
        struct loc_raw lr = {
            .id = l->id,
            .mapping_id = l->mapping_id,
            .address = l->address,
            .nlines = (uint32_t)l->n_line,
            .is_folded = l->is_folded,
        };
        if (l->n_line > 0) {
            lr.lines = ppd__arena_calloc(d->arena, l->n_line,
                                         sizeof *lr.lines);
            if (lr.lines == NULL)
                return FAIL(d, PPD_ENOMEM, "out of memory"), false;
            for (size_t i = 0; i < l->n_line; i++) {
                lr.lines[i].function_id = l->line[i]->function_id;
                lr.lines[i].line = l->line[i]->line;
                lr.lines[i].column = l->line[i]->column;
            }
        }
        ok = VEC_PUSH(d, d->locs, lr);
        break;
    }
    case 5: {
        Perftools__Profiles__Function *f =
            perftools__profiles__function__unpack(al, len, data);
        if (f == NULL)
            return unpack_failed(d, "function", d->fns.n, len, off);
        if (f->id == 0)
            return FAIL(d, PPD_ECORRUPT, "function %zu: id 0 is reserved",
                        d->fns.n),
                   false;
        struct fn_raw fr = {f->id, f->name, f->system_name, f->filename,
                            f->start_line};
        ok = VEC_PUSH(d, d->fns, fr);
        break;
    }
    case 6: {
        if (len > UINT32_MAX)
            return FAIL(d, PPD_ETOOBIG, "string %zu too long", d->strs.n),
                   false;
        /* Empty strings share one constant: a table of them costs only
         * its pointers. */
        const char *s = len == 0 ? ""
                                 : ppd__arena_strndup(d->arena,
                                                      (const char *)data, len);
        if (s == NULL)
            return FAIL(d, PPD_ENOMEM, "out of memory"), false;
        if (d->strs.n == 0 && len != 0)
            d->str0_nonempty = true;
        ok = VEC_PUSH(d, d->strs, s);
        break;
    }
    case 13: { /* packed comments */
        size_t i = 0;
        while (i < len && ok) {
            uint64_t v = 0;
            int shift = 0;
            size_t start = i;
            for (;;) {
                if (i >= len || shift > 63)
                    return FAIL(d, PPD_EPROTO,
                                "comment: malformed packed varint at byte "
                                "%" PRIu64,
                                data_off + start),
                           false;
                unsigned char b = data[i++];
                v |= (uint64_t)(b & 0x7f) << shift;
                shift += 7;
                if (!(b & 0x80))
                    break;
            }
            ok = VEC_PUSH(d, d->comments, (int64_t)v);
        }
        break;
    }
    case 7: case 8: case 9: case 10: case 12: case 14: case 15:
        return FAIL(d, PPD_EPROTO,
                    "%s at byte %" PRIu64
                    ": length-delimited, expected a varint",
                    field_name(field), off),
               false;
    default:
        break; /* unknown field: skipped, as protobuf does */
    }
    ppd__arena_reset(d->scratch);
    return ok;
}

static bool
on_varint(struct dec *d, uint32_t field, uint64_t v, uint64_t off)
{
    int64_t s = (int64_t)v;
    switch (field) {
    case 7: d->drop_frames = s; break;
    case 8: d->keep_frames = s; break;
    case 9: d->p->time_nanos = s; break;
    case 10: d->p->duration_nanos = s; break;
    case 12: d->p->period = s; break;
    case 13: return VEC_PUSH(d, d->comments, s);
    case 14: d->default_sample_type = s; break;
    case 15: d->doc_url = s; break;
    case 1: case 2: case 3: case 4: case 5: case 6: case 11:
        return FAIL(d, PPD_EPROTO,
                    "%s at byte %" PRIu64
                    ": a varint, expected a length-delimited message",
                    field_name(field), off),
               false;
    default: break;
    }
    return true;
}

/* Read a varint at the window; false on EOF/malformed (st set unless EOF
 * was expected by the caller). */
static bool
read_varint(struct dec *d, uint64_t *out, const char *what)
{
    struct reader *r = &d->r;
    uint64_t start = offset_now(r);
    fill(r, 10);
    if (r->st != PPD_OK)
        return false;
    size_t avail = r->end - r->pos;
    uint64_t v = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i >= avail)
            return FAIL(d, PPD_EPROTO,
                        "%s at byte %" PRIu64 ": truncated varint "
                        "(input ends at byte %" PRIu64 ")",
                        what, start, r->base + r->end),
                   false;
        unsigned char b = r->buf[r->pos + i];
        if (i == 9 && (b & 0x80))
            break; /* an eleventh byte would follow */
        if (i == 9 && b > 1)
            return FAIL(d, PPD_EPROTO,
                        "%s at byte %" PRIu64 ": varint overflows 64 bits",
                        what, start),
                   false;
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            r->pos += i + 1;
            *out = v;
            return true;
        }
    }
    return FAIL(d, PPD_EPROTO,
                "%s at byte %" PRIu64 ": varint longer than 10 bytes", what,
                start),
           false;
}


static bool
walk(struct dec *d)
{
    struct reader *r = &d->r;
    for (;;) {
        /* Decoded tables may take more room than their wire bytes (a
         * two-byte record becomes a struct): bound them too. */
        if (d->held + ppd__arena_used(d->arena) > d->budget)
            return FAIL(d, PPD_ETOOBIG,
                        "decoded tables exceed %" PRIu64
                        " bytes of memory at byte %" PRIu64
                        " (4 x --max-bytes + 64 MiB; raise --max-bytes)",
                        d->budget, offset_now(r)),
                   false;
        if (!fill(r, 1))
            return r->st == PPD_OK;
        uint64_t off = offset_now(r);
        uint64_t tag;
        if (!read_varint(d, &tag, "field tag"))
            return false;
        uint64_t field64 = tag >> 3;
        unsigned wt = (unsigned)(tag & 7);
        if (field64 == 0 || field64 > 536870911u)
            return FAIL(d, PPD_EPROTO,
                        "byte %" PRIu64 ": invalid field number %" PRIu64,
                        off, field64),
                   false;
        uint32_t field = (uint32_t)field64;
        switch (wt) {
        case 0: {
            uint64_t v;
            if (!read_varint(d, &v, field_name(field)))
                return false;
            if (!on_varint(d, field, v, off))
                return false;
            break;
        }
        case 1:
        case 5: {
            size_t n = wt == 1 ? 8 : 4;
            if (field <= 15)
                return FAIL(d, PPD_EPROTO,
                            "%s at byte %" PRIu64 ": unexpected fixed%zu "
                            "wire type",
                            field_name(field), off, n * 8),
                       false;
            if (!fill(r, n))
                return r->st == PPD_OK
                           ? (FAIL(d, PPD_EPROTO,
                                   "%s at byte %" PRIu64
                                   ": truncated",
                                   field_name(field), off),
                              false)
                           : false;
            r->pos += n;
            break;
        }
        case 2: {
            uint64_t len;
            if (!read_varint(d, &len, field_name(field)))
                return false;
            if (len > r->max)
                return FAIL(d, PPD_ETOOBIG,
                            "%s at byte %" PRIu64 ": length %" PRIu64
                            " exceeds the limit of %" PRIu64
                            " bytes (raise it with --max-bytes)",
                            field_name(field), off, len, r->max),
                       false;
            if (field > 15) {
                /* An unknown field is skipped as it streams by, never
                 * held whole in the window. */
                if (!skip(r, len)) {
                    if (r->st != PPD_OK)
                        return false;
                    return FAIL(d, PPD_EPROTO,
                                "%s at byte %" PRIu64 ": length %" PRIu64
                                " is past the end of the input (%" PRIu64
                                " bytes)",
                                field_name(field), off, len,
                                r->base + r->end),
                           false;
                }
                break;
            }
            if (!fill(r, (size_t)len)) {
                if (r->st != PPD_OK)
                    return false;
                return FAIL(d, PPD_EPROTO,
                            "%s at byte %" PRIu64 ": length %" PRIu64
                            " is past the end of the input (%" PRIu64
                            " bytes)",
                            field_name(field), off, len, r->base + r->end),
                       false;
            }
            const unsigned char *data = r->buf + r->pos;
            uint64_t data_off = offset_now(r);
            r->pos += (size_t)len;
            if (!on_bytes(d, field, data, (size_t)len, off, data_off))
                return false;
            break;
        }
        default:
            return FAIL(d, PPD_EPROTO,
                        "%s at byte %" PRIu64 ": invalid wire type %u",
                        field_name(field), off, wt),
                   false;
        }
    }
}

/* ---- Resolution and validation. ---- */

static enum ppd_status
set_name(struct ppd_profile **out, const char *name, struct ppd_error *err)
{
    struct ppd_profile *p = *out;
    p->name = ppd__arena_strndup(p->arena, name, strlen(name));
    if (p->name == NULL) {
        ppd_profile_free(p);
        *out = NULL;
        return ppd_error_set(err, PPD_ENOMEM, name, "out of memory");
    }
    return PPD_OK;
}

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
idmap_build(struct dec *d, struct idmap *m, const char *what, size_t n,
            const void *base, size_t stride, size_t id_off)
{
    uint64_t max = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t id;
        memcpy(&id, (const char *)base + i * stride + id_off, sizeof id);
        if (id == 0)
            return FAIL(d, PPD_ECORRUPT, "%s %zu: id 0 is reserved", what, i),
                   false;
        if (id > max)
            max = id;
    }
    if (max < (uint64_t)n * 4 + 1024) {
        m->dense = max + 1;
        m->idx = ppd__table_new((size_t)m->dense);
        if (m->idx == NULL)
            return FAIL(d, PPD_ENOMEM, "out of memory"), false;
        for (size_t i = 0; i < n; i++) {
            uint64_t id;
            memcpy(&id, (const char *)base + i * stride + id_off, sizeof id);
            if (m->idx[id] != 0)
                return FAIL(d, PPD_ECORRUPT,
                            "%s %zu: duplicate id %" PRIu64, what, i, id),
                       false;
            m->idx[id] = (uint32_t)(i + 1);
        }
        return true;
    }
    m->size = ppd__table_size(n);
    m->ids = calloc(m->size, sizeof *m->ids);
    m->idx = ppd__table_new(m->size);
    if (m->ids == NULL || m->idx == NULL)
        return FAIL(d, PPD_ENOMEM, "out of memory"), false;
    for (size_t i = 0; i < n; i++) {
        uint64_t id;
        memcpy(&id, (const char *)base + i * stride + id_off, sizeof id);
        size_t j = (size_t)ppd__hash_u64(id) & (m->size - 1);
        while (m->ids[j] != 0) {
            if (m->ids[j] == id)
                return FAIL(d, PPD_ECORRUPT,
                            "%s %zu: duplicate id %" PRIu64, what, i, id),
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
str_at_id(struct dec *d, int64_t i, const char **out, const char *what,
          size_t index, uint64_t id, const char *field)
{
    if (i >= 0 && (uint64_t)i < d->strs.n) {
        *out = d->strs.v[i];
        return true;
    }
    char rec[96] = "";
    if (index != SIZE_MAX && id != 0)
        snprintf(rec, sizeof rec, "%s %zu (id %" PRIu64 "): ", what, index,
                 id);
    else if (index != SIZE_MAX)
        snprintf(rec, sizeof rec, "%s %zu: ", what, index);
    FAIL(d, PPD_ECORRUPT,
         "%s%s string index %" PRId64
         " out of range (string table has %zu entries)",
         rec, field, i, d->strs.n);
    return false;
}

static bool
str_at(struct dec *d, int64_t i, const char **out, const char *what,
       size_t index, const char *field)
{
    return str_at_id(d, i, out, what, index, 0, field);
}

static uint64_t
get_varint(const unsigned char **pp)
{
    const unsigned char *p = *pp;
    uint64_t v = 0;
    int shift = 0;
    while (*p & 0x80) {
        v |= (uint64_t)(*p++ & 0x7f) << shift;
        shift += 7;
    }
    v |= (uint64_t)(*p++) << shift;
    *pp = p;
    return v;
}

static uint64_t
record_hash(const struct dec *d, size_t i)
{
    const struct ppd_sample *s = &d->samples.v[i];
    return sample_hash(d->keys.v + d->key_off.v[i], s->stack_len,
                       s->labelset);
}

/* Rebuild the merge table for the kept records with room for want. */
static bool
merge_rehash(struct dec *d, size_t kept, size_t want)
{
    size_t size = ppd__table_size(want);
    uint64_t *t = ppd__table64_new(size);
    if (t == NULL)
        return FAIL(d, PPD_ENOMEM, "out of memory"), false;
    uint64_t ring[PREFETCH_AHEAD];
    for (size_t i = 0; i < kept && i < PREFETCH_AHEAD; i++) {
        ring[i] = record_hash(d, i);
        ppd__prefetch(&t[ring[i] & (size - 1)]);
    }
    for (size_t i = 0; i < kept; i++) {
        uint64_t h = ring[i % PREFETCH_AHEAD];
        if (i + PREFETCH_AHEAD < kept) {
            uint64_t ahead = record_hash(d, i + PREFETCH_AHEAD);
            ring[i % PREFETCH_AHEAD] = ahead;
            ppd__prefetch(&t[ahead & (size - 1)]);
        }
        size_t j = (size_t)h & (size - 1);
        while (t[j] != 0)
            j = (j + 1) & (size - 1);
        t[j] = SLOT(h, i);
    }
    d->held += (uint64_t)(size - d->merge.size) * sizeof *t;
    free(d->merge.v);
    d->merge.v = t;
    d->merge.size = size;
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
merge_batch(struct dec *d)
{
    size_t n = d->samples.n, kept = d->merged;
    size_t nv = d->nvalues_first;
    size_t kend = kept > 0 ? (size_t)d->key_off.v[kept - 1] +
                                 d->samples.v[kept - 1].stack_len
                           : 0;
    if (ppd__table_full(n, d->merge.size) && !merge_rehash(d, kept, n))
        return false;
    size_t mask = d->merge.size - 1;
    uint64_t ring[PREFETCH_AHEAD];
    for (size_t i = kept; i < n && i < kept + PREFETCH_AHEAD; i++) {
        ring[i % PREFETCH_AHEAD] = record_hash(d, i);
        ppd__prefetch(&d->merge.v[ring[i % PREFETCH_AHEAD] & mask]);
    }
    for (size_t i = d->merged; i < n; i++) {
        uint64_t h = ring[i % PREFETCH_AHEAD];
        if (i + PREFETCH_AHEAD < n) {
            uint64_t ahead = record_hash(d, i + PREFETCH_AHEAD);
            ring[i % PREFETCH_AHEAD] = ahead;
            ppd__prefetch(&d->merge.v[ahead & mask]);
        }
        const struct ppd_sample *x = &d->samples.v[i];
        const unsigned char *xk = d->keys.v + d->key_off.v[i];
        const int64_t *xv = nv > 0 ? d->vals.v + i * nv : NULL;
        size_t j = (size_t)h & mask;
        uint64_t sl;
        bool merged = false;
        while ((sl = d->merge.v[j]) != 0) {
            uint32_t e = SLOT_INDEX(sl);
            const struct ppd_sample *y = &d->samples.v[e];
            if (SLOT_MATCH(sl, h) && y->stack_len == x->stack_len &&
                y->labelset == x->labelset &&
                (x->stack_len == 0 ||
                 memcmp(d->keys.v + d->key_off.v[e], xk, x->stack_len) ==
                     0)) {
                int64_t *v = d->vals.v + (size_t)e * nv;
                for (size_t k = 0; k < nv; k++)
                    v[k] = (int64_t)((uint64_t)v[k] + (uint64_t)xv[k]);
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
        d->merge.v[j] = SLOT(h, kept);
        uint32_t len = x->stack_len;
        memmove(d->keys.v + kend, xk, len);
        d->key_off.v[kept] = (uint32_t)kend;
        kend += len;
        if (kept != i) {
            d->samples.v[kept] = *x;
            d->orig.v[kept] = d->orig.v[i];
            if (nv > 0)
                memmove(d->vals.v + kept * nv, xv, nv * sizeof *xv);
        }
        kept++;
    }
    d->samples.n = d->key_off.n = d->orig.n = kept;
    d->vals.n = kept * nv;
    d->keys.n = kend;
    d->merged = kept;
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
static bool
resolve_stacks(struct dec *d, const struct idmap *lmap)
{
    struct ppd_profile *p = d->p;
    size_t nloc = p->nlocations;
    bool ok = false;
    uint64_t *order = calloc(nloc ? nloc : 1, sizeof *order);
    uint32_t *rank = malloc((nloc ? nloc : 1) * sizeof *rank);
    uint32_t *ids = NULL;
    size_t ids_cap = 0, packed = 0;
    if (order == NULL || rank == NULL)
        goto oom;

    /* Use counts by location, unless some id was too big to count. */
    for (size_t i = 0; i < nloc && !d->uses_overflow; i++) {
        uint64_t id = p->locations[i].id;
        if (id < d->id_uses.n)
            order[i] = (uint64_t)d->id_uses.v[id] << 32;
    }
    /* Most used first, ties by wire order: sort (~uses, index). */
    for (size_t i = 0; i < nloc; i++)
        order[i] = ((UINT64_MAX - order[i]) & 0xffffffff00000000u) | i;
    qsort(order, nloc, sizeof *order, cmp_uses);
    struct ppd_location *locs =
        ppd__arena_calloc(d->arena, nloc ? nloc : 1, sizeof *locs);
    if (locs == NULL)
        goto oom;
    for (size_t i = 0; i < nloc; i++) {
        uint32_t old = (uint32_t)order[i];
        rank[old] = (uint32_t)i;
        locs[i] = p->locations[old];
    }
    p->locations = locs;

    for (size_t i = 0; i < d->samples.n; i++) {
        struct ppd_sample *s = &d->samples.v[i];
        uint32_t key_len = s->stack_len;
        const unsigned char *k = d->keys.v + d->key_off.v[i];
        const unsigned char *end = k + key_len;
        size_t n = 0, newlen = 0;
        while (k < end) {
            if (n == ids_cap) {
                size_t ncap = ids_cap ? ids_cap * 2 : 64;
                uint32_t *n2 = realloc(ids, ncap * sizeof *n2);
                if (n2 == NULL)
                    goto oom;
                ids = n2;
                ids_cap = ncap;
            }
            uint64_t id = get_varint(&k);
            uint32_t li;
            if (!idmap_get(lmap, id, &li)) {
                FAIL(d, PPD_ECORRUPT,
                     "sample %u: location id %" PRIu64 " not defined",
                     d->orig.v[i], id);
                goto out;
            }
            ids[n] = rank[li];
            newlen += varint_len(ids[n++]);
        }
        /* Stacks are packed from the start of the buffer as they are
         * rewritten: the write position never passes the key being read,
         * whose ids are all in ids[] by now anyway. */
        unsigned char *dst = d->keys.v + packed;
        if (newlen > key_len) {
            dst = ppd__arena_alloc(d->arena, newlen);
            if (dst == NULL)
                goto oom;
            s->stack = dst;
            d->key_off.v[i] = UINT32_MAX; /* not in the key buffer */
        } else {
            d->key_off.v[i] = (uint32_t)packed;
            packed += newlen;
        }
        size_t w = 0;
        for (size_t j = 0; j < n; j++)
            w += put_varint(dst + w, ids[j]);
        s->stack_len = (uint32_t)w;

    }
    /* The keys move when trimmed: point the stacks into them after. */
    d->keys.n = packed;
    shrink_to_fit((void **)&d->keys.v, d->keys.n, 1);
    shrink_to_fit((void **)&d->vals.v, d->vals.n, sizeof *d->vals.v);
    for (size_t i = 0; i < d->samples.n; i++) {
        if (d->key_off.v[i] != UINT32_MAX)
            d->samples.v[i].stack = d->keys.v + d->key_off.v[i];
        d->samples.v[i].values = d->vals.v + i * p->nsample_types;
    }
    if (!ppd__arena_adopt(d->arena, d->vals.v))
        goto oom;
    d->vals.v = NULL;
    if (!ppd__arena_adopt(d->arena, d->keys.v))
        goto oom;
    d->keys.v = NULL;
    shrink_to_fit((void **)&d->samples.v, d->samples.n, sizeof *d->samples.v);
    if (!ppd__arena_adopt(d->arena, d->samples.v))
        goto oom;
    p->samples = d->samples.v;
    p->nsamples = d->samples.n;
    p->nsamples_read = d->nsamples_read;
    d->samples.v = NULL;
    ok = true;
    goto out;
oom:
    FAIL(d, PPD_ENOMEM, "out of memory");
out:
    free(order);
    free(rank);
    free(ids);
    return ok;
}

static bool
resolve(struct dec *d)
{
    struct ppd_profile *p = d->p;
    struct ppd_arena *a = d->arena;
    bool ok = false;
    struct idmap fmap = {0}, lmap = {0}, mmap_ = {0};

    if (d->strs.n == 0 || d->str0_nonempty) {
        if (d->strs.n == 0 && d->stypes.n == 0 && d->samples.n == 0 &&
            d->locs.n == 0)
            FAIL(d, PPD_ENOTPROF, "not a profile: no sample types, samples "
                                  "or strings (empty profile)");
        else if (d->strs.n == 0)
            FAIL(d, PPD_ECORRUPT, "string table is empty (entry 0 must be "
                                  "the empty string)");
        else
            FAIL(d, PPD_ECORRUPT, "string table entry 0 is not empty");
        return false;
    }
    if (d->stypes.n == 0) {
        FAIL(d, PPD_ENOTPROF, "not a profile: no sample types");
        return false;
    }
    /* Every record carries one value per sample type. */
    if (d->nsamples_read > 0 && d->nvalues_first != d->stypes.n) {
        FAIL(d, PPD_ECORRUPT,
             "sample 0: %zu value%s, but the profile has %zu sample type%s",
             d->nvalues_first, d->nvalues_first == 1 ? "" : "s", d->stypes.n,
             d->stypes.n == 1 ? "" : "s");
        return false;
    }
    if (d->have_odd) {
        FAIL(d, PPD_ECORRUPT,
             "sample %zu: %zu value%s, but the profile has %zu sample type%s",
             d->odd_record, d->odd_nvalues, d->odd_nvalues == 1 ? "" : "s",
             d->stypes.n, d->stypes.n == 1 ? "" : "s");
        return false;
    }
    if (!merge_batch(d))
        return false;
    free(d->merge.v);
    d->merge.v = NULL;
    /* The label-set table is done with: free it before the model grows. */
    free(d->lset_slots.v);
    d->lset_slots.v = NULL;
    p->strings = ppd__arena_calloc(a, d->strs.n, sizeof *p->strings);
    if (p->strings == NULL)
        goto oom;
    memcpy(p->strings, d->strs.v, d->strs.n * sizeof *p->strings);
    p->nstrings = d->strs.n;

    p->nsample_types = d->stypes.n;
    p->sample_types =
        ppd__arena_calloc(a, d->stypes.n, sizeof *p->sample_types);
    if (p->sample_types == NULL)
        goto oom;
    for (size_t i = 0; i < d->stypes.n; i++) {
        if (!str_at(d, d->stypes.v[i].type, &p->sample_types[i].type,
                    "sample_type", i, "type") ||
            !str_at(d, d->stypes.v[i].unit, &p->sample_types[i].unit,
                    "sample_type", i, "unit"))
            goto out;
    }
    if (!str_at(d, d->default_sample_type, &p->default_sample_type, NULL,
                SIZE_MAX, "default_sample_type") ||
        !str_at(d, d->drop_frames, &p->drop_frames, NULL, SIZE_MAX,
                "drop_frames") ||
        !str_at(d, d->keep_frames, &p->keep_frames, NULL, SIZE_MAX,
                "keep_frames") ||
        !str_at(d, d->doc_url, &p->doc_url, NULL, SIZE_MAX, "doc_url") ||
        !str_at(d, d->period_type.type, &p->period_type.type, NULL, SIZE_MAX,
                "period_type.type") ||
        !str_at(d, d->period_type.unit, &p->period_type.unit, NULL, SIZE_MAX,
                "period_type.unit"))
        goto out;
    p->ncomments = d->comments.n;
    p->comments = ppd__arena_calloc(a, d->comments.n, sizeof *p->comments);
    if (p->comments == NULL)
        goto oom;
    for (size_t i = 0; i < d->comments.n; i++)
        if (!str_at(d, d->comments.v[i], &p->comments[i], "comment", i,
                    "text"))
            goto out;

    /* Functions. */
    p->nfunctions = d->fns.n;
    p->functions = ppd__arena_calloc(a, d->fns.n, sizeof *p->functions);
    if (p->functions == NULL)
        goto oom;
    for (size_t i = 0; i < d->fns.n; i++) {
        const struct fn_raw *f = &d->fns.v[i];
        struct ppd_function *o = &p->functions[i];
        o->id = f->id;
        o->start_line = f->start_line;
        if (!str_at_id(d, f->name, &o->name, "function", i, f->id, "name") ||
            !str_at_id(d, f->system_name, &o->system_name, "function", i,
                       f->id, "system_name") ||
            !str_at_id(d, f->filename, &o->filename, "function", i, f->id,
                       "filename"))
            goto out;
    }
    if (!idmap_build(d, &fmap, "function", d->fns.n, d->fns.v,
                     sizeof *d->fns.v, offsetof(struct fn_raw, id)))
        goto out;

    /* Mappings. */
    p->nmappings = d->maps.n;
    p->mappings = ppd__arena_calloc(a, d->maps.n, sizeof *p->mappings);
    if (p->mappings == NULL)
        goto oom;
    for (size_t i = 0; i < d->maps.n; i++) {
        const Perftools__Profiles__Mapping *m = &d->maps.v[i].m;
        struct ppd_mapping *o = &p->mappings[i];
        o->id = m->id;
        o->memory_start = m->memory_start;
        o->memory_limit = m->memory_limit;
        o->file_offset = m->file_offset;
        o->has_functions = m->has_functions;
        o->has_filenames = m->has_filenames;
        o->has_line_numbers = m->has_line_numbers;
        o->has_inline_frames = m->has_inline_frames;
        if (!str_at_id(d, m->filename, &o->filename, "mapping", i, m->id,
                       "filename") ||
            !str_at_id(d, m->build_id, &o->build_id, "mapping", i, m->id,
                       "build_id"))
            goto out;
    }
    if (!idmap_build(d, &mmap_, "mapping", d->maps.n, d->maps.v,
                     sizeof *d->maps.v,
                     offsetof(struct map_raw, m) +
                         offsetof(Perftools__Profiles__Mapping, id)))
        goto out;

    /* Locations. */
    p->nlocations = d->locs.n;
    p->locations = ppd__arena_calloc(a, d->locs.n, sizeof *p->locations);
    if (p->locations == NULL)
        goto oom;
    for (size_t i = 0; i < d->locs.n; i++) {
        const struct loc_raw *l = &d->locs.v[i];
        struct ppd_location *o = &p->locations[i];
        o->id = l->id;
        o->address = l->address;
        o->is_folded = l->is_folded;
        if (l->mapping_id != 0) {
            uint32_t mi;
            if (!idmap_get(&mmap_, l->mapping_id, &mi)) {
                FAIL(d, PPD_ECORRUPT,
                     "location %zu (id %" PRIu64 "): mapping id %" PRIu64
                     " not defined",
                     i, l->id, l->mapping_id);
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
                FAIL(d, PPD_ECORRUPT,
                     "location %zu (id %" PRIu64 "): line %u: function id "
                     "%" PRIu64 " not defined",
                     i, l->id, k, l->lines[k].function_id);
                goto out;
            }
            lines[k].function = &p->functions[fi];
            lines[k].line = l->lines[k].line;
            lines[k].column = l->lines[k].column;
        }
        o->lines = lines;
        o->nlines = l->nlines;
    }
    if (!idmap_build(d, &lmap, "location", d->locs.n, d->locs.v,
                     sizeof *d->locs.v, offsetof(struct loc_raw, id)))
        goto out;

    /* Label sets, shared by the samples that carry them. */
    p->nlabelsets = d->lsets.n;
    p->labelsets = ppd__arena_calloc(a, d->lsets.n ? d->lsets.n : 1,
                                     sizeof *p->labelsets);
    if (p->labelsets == NULL)
        goto oom;
    for (size_t i = 0; i < d->lsets.n; i++) {
        const struct lset_raw *l = &d->lsets.v[i];
        struct ppd_label *labels =
            ppd__arena_calloc(a, l->count, sizeof *labels);
        if (labels == NULL)
            goto oom;
        const unsigned char *k = d->lbytes.v + l->off;
        for (uint32_t j = 0; j < l->count; j++) {
            int64_t key = (int64_t)get_varint(&k);
            int64_t str = (int64_t)get_varint(&k);
            labels[j].num = (int64_t)get_varint(&k);
            int64_t unit = (int64_t)get_varint(&k);
            if (!str_at(d, key, &labels[j].key, "sample", l->first,
                        "label key") ||
                !str_at(d, str, &labels[j].str, "sample", l->first,
                        "label str") ||
                !str_at(d, unit, &labels[j].unit, "sample", l->first,
                        "label num_unit"))
                goto out;
        }
        p->labelsets[i].labels = labels;
        p->labelsets[i].nlabels = l->count;
    }

    if (!resolve_stacks(d, &lmap))
        goto out;
    ok = true;
    goto out;
oom:
    FAIL(d, PPD_ENOMEM, "out of memory");
out:
    idmap_free(&fmap);
    idmap_free(&lmap);
    idmap_free(&mmap_);
    return ok;
}

/* Is the start of the input printable text (an error page, not a profile)? */
static bool
looks_like_text(const unsigned char *s, size_t n)
{
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (!(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f) ||
              c >= 0x80))
            return false;
    }
    /* A real profile begins with field 1 (0x0a) and a small length. */
    return true;
}

static void
text_error(struct dec *d)
{
    const unsigned char *s = d->r.head;
    size_t n = d->r.nhead;
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
                     s[i] == '\r'))
        i++;
    const char *kind = "text";
    if (i < n && s[i] == '<')
        kind = "HTML";
    else if (i < n && (s[i] == '{' || s[i] == '['))
        kind = "JSON";
    /* Quote up to 43 characters; "..." says there is more. Trailing
     * white space at the very end of the input reads as nothing. */
    size_t end = n;
    bool more = d->r.produced > n;
    while (!more && end > i && (s[end - 1] == ' ' || s[end - 1] == '\t' ||
                                s[end - 1] == '\n' || s[end - 1] == '\r'))
        end--;
    char quote[48];
    size_t q = 0;
    for (; i < end && q < 43; i++) {
        unsigned char c = s[i];
        quote[q++] = (c < 0x20 || c >= 0x7f) ? ' ' : (char)c;
    }
    more = more || i < end;
    quote[q] = '\0';
    FAIL(d, PPD_ENOTPROF, "not a pprof profile: input is %s%s: \"%s%s\"",
         kind, d->r.gz ? " (gzipped)" : "", quote, more ? "..." : "");
}

/*
 * The protobuf size to expect, when it can be known cheaply: the length of
 * a raw input, or a gzip input's ISIZE trailer (its size mod 2^32). Only a
 * hint for presizing; 0 when unknown.
 */
static uint64_t
size_hint(const struct reader *r)
{
    unsigned char t[4];
    uint64_t len;
    if (r->fp == NULL) {
        len = r->memlen;
        if (r->gz && len >= 4)
            memcpy(t, r->mem + len - 4, 4);
    } else {
        struct stat sb;
        int fd = fileno(r->fp);
        if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
            sb.st_size < 4)
            return 0;
        len = (uint64_t)sb.st_size;
        if (r->gz && pread(fd, t, 4, sb.st_size - 4) != 4)
            return 0;
    }
    if (r->gz)
        len = (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
              (uint64_t)t[3] << 24;
    return len < r->max ? len : r->max;
}

/*
 * Presize the sample tables for an input of about hint bytes (a sample
 * record takes some 50 bytes on the wire in big heap profiles), so a big
 * profile is not rehashed and copied a dozen times while it streams in.
 * Untouched reserved pages cost no memory, and the vectors are trimmed
 * when decoding ends.
 */
static void
reserve_for(struct dec *d, uint64_t hint)
{
    /* The key buffer always exists, so that offsets into it are valid
     * even for profiles whose stacks are all empty. */
    if (!vec_grow(d, (void **)&d->keys.v, &d->keys.cap, 1, 64))
        return;
    size_t expect = (size_t)(hint / 64);
    if (expect < 1024)
        return;
    if (vec_grow(d, (void **)&d->samples.v, &d->samples.cap,
                 sizeof *d->samples.v, expect) &&
        vec_grow(d, (void **)&d->key_off.v, &d->key_off.cap,
                 sizeof *d->key_off.v,
                 expect) &&
        vec_grow(d, (void **)&d->keys.v, &d->keys.cap, 1, expect * 16))
        (void)merge_rehash(d, 0, expect);
}

/*
 * In a gzipped input, protobuf offsets count inflated bytes: say so, by
 * turning every "byte N" of msg into "inflated byte N".
 */
static void
say_inflated(char *msg, size_t cap)
{
    char out[PPD_ERROR_MSG_MAX];
    size_t o = 0;
    for (const char *p = msg; *p != '\0' && o + 1 < sizeof out; p++) {
        if (strncmp(p, "byte ", 5) == 0 && p[5] >= '0' && p[5] <= '9' &&
            (p == msg || p[-1] == ' ' || p[-1] == '(')) {
            const char *w = "inflated ";
            while (*w != '\0' && o + 1 < sizeof out)
                out[o++] = *w++;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
    snprintf(msg, cap, "%s", out);
}

static enum ppd_status
decode(struct dec *d, struct ppd_profile **out)
{
    struct reader *r = &d->r;
    enum ppd_status st;
    struct ppd_profile *p = NULL;

    *out = NULL;
    d->arena = ppd__arena_new();
    d->scratch = ppd__arena_new();
    if (d->arena == NULL || d->scratch == NULL) {
        st = ppd_error_set(r->err, PPD_ENOMEM, r->name, "out of memory");
        goto out;
    }
    p = ppd__arena_calloc(d->arena, 1, sizeof *p);
    if (p == NULL) {
        st = ppd_error_set(r->err, PPD_ENOMEM, r->name, "out of memory");
        goto out;
    }
    p->arena = d->arena;
    d->p = p;
    d->budget = r->max > (UINT64_MAX - ((uint64_t)64 << 20)) / 4
                    ? UINT64_MAX
                    : r->max * 4 + ((uint64_t)64 << 20);
    d->alloc.alloc = scratch_alloc;
    d->alloc.free = scratch_free;
    d->alloc.allocator_data = d->scratch;

    /* Sniff: gzip magic, else raw protobuf. */
    const unsigned char *magic;
    size_t nmagic;
    if (r->fp != NULL) {
        while (r->npeek < 2) {
            size_t got = fread(r->peek + r->npeek, 1, 2 - r->npeek, r->fp);
            if (got == 0)
                break;
            r->npeek += got;
        }
        if (ferror(r->fp)) {
            st = ppd_error_set(r->err, PPD_EIO, r->name, "read error: %s",
                               strerror(errno));
            goto out;
        }
        magic = r->peek;
        nmagic = r->npeek;
    } else {
        magic = r->mem;
        nmagic = r->memlen;
    }
    if (nmagic == 0) {
        st = ppd_error_set(r->err, PPD_ENOTPROF, r->name,
                           "empty input: not a profile");
        goto out;
    }
    r->gz = nmagic >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    reserve_for(d, size_hint(r));
    if (r->st != PPD_OK) {
        st = r->st;
        goto out;
    }
    if (r->gz) {
        if (inflateInit2(&r->z, 15 + 16) != Z_OK) {
            st = ppd_error_set(r->err, PPD_ENOMEM, r->name, "out of memory");
            goto out;
        }
        r->z_live = true;
        if (r->fp != NULL) {
            r->in = malloc(INBUF_SIZE);
            if (r->in == NULL) {
                st = ppd_error_set(r->err, PPD_ENOMEM, r->name,
                                   "out of memory");
                goto out;
            }
        }
        if (!fill(r, 1)) {
            st = r->st != PPD_OK
                     ? r->st
                     : ppd_error_set(r->err, PPD_ENOTPROF, r->name,
                                     "empty input after gzip: not a profile");
            goto out;
        }
    } else if (r->fp == NULL) {
        /* Raw bytes in memory are walked in place. */
        if (r->memlen > r->max) {
            too_big(r);
            st = r->st;
            goto out;
        }
        r->buf = (unsigned char *)(uintptr_t)r->mem;
        r->buf_borrowed = true;
        r->end = r->cap = r->produced = r->memlen;
        r->eof = true;
        r->nhead = r->memlen < sizeof r->head ? r->memlen : sizeof r->head;
        memcpy(r->head, r->mem, r->nhead);
    }
    if (!fill(r, 64) && r->st != PPD_OK) {
        st = r->st;
        goto out;
    }
    if (looks_like_text(r->buf + r->pos,
                        r->end - r->pos < 64 ? r->end - r->pos : 64)) {
        text_error(d);
        st = r->st;
        goto out;
    }
    p->gzipped = r->gz;
    if (!walk(d) || !resolve(d)) {
        st = r->st;
        if (r->gz && (st == PPD_EPROTO || st == PPD_ETOOBIG) &&
            r->err != NULL)
            say_inflated(r->err->msg, sizeof r->err->msg);
        goto out;
    }
    p->raw_bytes = r->produced;
    *out = p;
    p = NULL;
    d->arena = NULL;
    st = PPD_OK;
out:
    if (st != PPD_OK && r->err != NULL && r->err->code == PPD_OK)
        ppd_error_set(r->err, st, r->name, "%s", ppd_status_str(st));
    if (r->z_live)
        inflateEnd(&r->z);
    free(r->in);
    if (!r->buf_borrowed)
        free(r->buf);
    ppd__arena_free(d->scratch);
    ppd__arena_free(d->arena);
    free(d->stypes.v);
    free(d->maps.v);
    free(d->locs.v);
    free(d->fns.v);
    free(d->strs.v);
    free(d->comments.v);
    free(d->samples.v);
    free(d->key_off.v);
    free(d->sv_locs.v);
    free(d->sv_vals.v);
    free(d->sv_labels.v);
    free(d->orig.v);
    free(d->vals.v);
    free(d->merge.v);
    free(d->id_uses.v);
    free(d->keys.v);
    free(d->lsets.v);
    free(d->lset_slots.v);
    free(d->lbytes.v);
    free(d->kbuf);
    return st;
}

/* ---- Entry points. ---- */

/* The cap in force: the caller's, at most 2^62 so that sums stay exact. */
static uint64_t
max_of(const struct ppd_decode_options *opt)
{
    uint64_t max = opt != NULL && opt->max_bytes != 0 ? opt->max_bytes
                                                      : PPD_DEFAULT_MAX_BYTES;
    return max > ((uint64_t)1 << 62) ? (uint64_t)1 << 62 : max;
}

enum ppd_status
ppd_decode_buffer(const void *data, size_t len, const char *name,
                  const struct ppd_decode_options *opt,
                  struct ppd_profile **out, struct ppd_error *err)
{
    struct dec d = {0};
    d.r.name = name ? name : "";
    d.r.err = err;
    d.r.max = max_of(opt);
    d.r.mem = data != NULL ? data : (const void *)"";
    d.r.memlen = data != NULL ? len : 0;
    enum ppd_status st = decode(&d, out);
    if (st == PPD_OK)
        st = set_name(out, d.r.name, err);
    return st;
}

enum ppd_status
ppd_decode_stream(FILE *fp, const char *name,
                  const struct ppd_decode_options *opt,
                  struct ppd_profile **out, struct ppd_error *err)
{
    struct dec d = {0};
    d.r.name = name ? name : "";
    d.r.err = err;
    d.r.max = max_of(opt);
    d.r.fp = fp;
    enum ppd_status st = decode(&d, out);
    if (st == PPD_OK)
        st = set_name(out, d.r.name, err);
    return st;
}

enum ppd_status
ppd_decode_file(const char *path, const struct ppd_decode_options *opt,
                struct ppd_profile **out, struct ppd_error *err)
{
    *out = NULL;
    if (strcmp(path, "-") == 0)
        return ppd_decode_stream(stdin, "-", opt, out, err);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return ppd_error_set(err, PPD_EIO, path, "cannot open: %s",
                             strerror(errno));
    enum ppd_status st = ppd_decode_stream(fp, path, opt, out, err);
    fclose(fp);
    return st;
}
