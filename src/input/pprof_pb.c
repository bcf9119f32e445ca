/*
 * pprof_pb.c - walk a profile.proto message and hand its records to the
 * model builder.
 *
 * The top-level Profile fields are walked by hand as the bytes stream
 * through the source's window, so a message never has to be held whole;
 * each embedded message is unpacked by protobuf-c's generated code into a
 * scratch arena that is reset after every record, except Sample, by far
 * the most common record, which is parsed in place into reused buffers.
 * Offsets in errors count protobuf bytes (inflated bytes for gzip).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "profile.pb-c.h"

#include "input/pprof_pb.h"
#include "model/arena.h"
#include "model/varint.h"
#include "model/vec.h"

struct walker {
    struct ppd__source *s;
    struct ppd__builder *b;
    struct ppd_arena *scratch; /* reset after each record */
    ProtobufCAllocator alloc;
    /* Records seen, for the record index in errors. */
    size_t nstypes, nmaps, nlocs, nfns, nstrs, nsamples;
    uint64_t budget; /* the builder's, for the message */
    /* Reused for every sample record (parse_sample()). */
    const unsigned char *loc_bytes; /* the sample's location id varints */
    size_t loc_len, loc_count, loc_chunks;
    uint64_t loc_max;       /* see struct ppd__sample_rec */
    bool loc_canonical, loc_zero;
    PPD_VEC(unsigned char) loc_buf; /* when they come in several fields */
    PPD_VEC(int64_t) sv_vals;
    PPD_VEC(struct ppd__label_rec) sv_labels;
    PPD_VEC(struct ppd__line_rec) lines;
};

#define FAIL(w, code, ...) \
    ((w)->s->st = ppd_error_set((w)->s->err, (code), (w)->s->name, \
                                __VA_ARGS__))

static bool
vec_grow(struct walker *w, void **v, size_t *cap, size_t elem, size_t need)
{
    if (ppd__grow(v, cap, elem, need, NULL))
        return true;
    FAIL(w, PPD_ENOMEM, "out of memory");
    return false;
}

static bool
push_label(struct walker *w, const struct ppd__label_rec *l)
{
    if (!PPD_VEC_PUSH(w->sv_labels, *l, NULL))
        return FAIL(w, PPD_ENOMEM, "out of memory"), false;
    return true;
}

/* The word for an offset: protobuf bytes are inflated bytes in gzip. */
static const char *
byte_word(const struct walker *w)
{
    return w->s->gz ? "inflated byte" : "byte";
}

/*
 * Fail at protobuf offset off: the message reads "WHAT at byte OFF:
 * PROBLEM" ("byte OFF: PROBLEM" without what), and the error record
 * carries the stage and the offset.
 */
static bool fail_at(struct walker *w, enum ppd_status code, const char *what,
                    uint64_t off, const char *fmt, ...) PPD_PRINTF(5, 6);

static bool
fail_at(struct walker *w, enum ppd_status code, const char *what,
        uint64_t off, const char *fmt, ...)
{
    char problem[PPD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    w->s->st = ppd_error_set(w->s->err, code, w->s->name,
                             "%s%s%s %" PRIu64 ": %s", what ? what : "",
                             what ? " at " : "", byte_word(w), off, problem);
    ppd_error_where(w->s->err, PPD_STAGE_PROTOBUF, off, NULL, 0);
    return false;
}

/* A builder call failed: its status is the walk's. */
static bool
builder_failed(struct walker *w)
{
    w->s->st = ppd__builder_status(w->b);
    return false;
}

static bool
unpack_failed(struct walker *w, const char *what, size_t index, size_t len,
              uint64_t off)
{
    FAIL(w, PPD_EPROTO,
         "%s %zu: invalid protobuf encoding (%zu bytes at %s %" PRIu64 ")",
         what, index, len, byte_word(w), off);
    ppd_error_where(w->s->err, PPD_STAGE_PROTOBUF, off, what, index);
    return false;
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

/* Skip one field of wire type wt in [*p, end). */
static bool
skip_field(const unsigned char **p, const unsigned char *end, unsigned wt)
{
    uint64_t v;
    switch (wt) {
    case 0:
        return ppd__varint_next(p, end, &v);
    case 1:
    case 5: {
        size_t n = wt == 1 ? 8 : 4;
        if ((size_t)(end - *p) < n)
            return false;
        *p += n;
        return true;
    }
    case 2:
        if (!ppd__varint_next(p, end, &v) || v > (uint64_t)(end - *p))
            return false;
        *p += v;
        return true;
    default:
        return false;
    }
}

/* Append the varint (wt 0) or packed varints (wt 2) of one field. */
static bool
scalars(struct walker *w, const unsigned char **p, const unsigned char *end,
        unsigned wt, void **vec, size_t *n, size_t *cap)
{
    uint64_t v;
    const unsigned char *stop = end;
    if (wt == 2) {
        if (!ppd__varint_next(p, end, &v) || v > (uint64_t)(end - *p))
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
        if (!ppd__varint_next(p, stop, &v))
            return false;
        if (*n == *cap && !vec_grow(w, vec, cap, sizeof(uint64_t), *n + 1))
            return false;
        ((uint64_t *)*vec)[(*n)++] = v;
    } while (wt == 2);
    return true;
}

/*
 * Take the location ids of a sample (field 1, packed or not) as their
 * varint bytes, validated and counted but not decoded: the builder's
 * merge key is those bytes. A sample's ids nearly always come in one
 * packed field and are used in place; further fields are gathered in a
 * buffer.
 */
static bool
location_ids(struct walker *w, const unsigned char **p,
             const unsigned char *end, unsigned wt)
{
    const unsigned char *start, *stop;
    size_t count = 0;
    uint64_t v;
    if (wt == 2) {
        if (!ppd__varint_next(p, end, &v) || v > (uint64_t)(end - *p))
            return false;
        start = *p;
        stop = *p + v;
        const unsigned char *q = start;
        uint64_t hi = w->loc_max;
        bool zero = w->loc_zero, canonical = w->loc_canonical;
        /* Eight one-byte ids at a time while there are: their OR bounds
         * the largest, and a zero byte among them is id 0. */
        const uint64_t high = 0x8080808080808080u, ones = 0x0101010101010101u;
        uint64_t all = 0, zeros = 0;
        while (stop - q >= 8) {
            uint64_t x;
            memcpy(&x, q, 8);
            if (x & high)
                break;
            all |= x;
            zeros |= (x - ones) & ~x & high;
            q += 8;
            count += 8;
        }
        unsigned char small = 0; /* OR of the one-byte ids */
        for (int i = 0; i < 8; i++)
            small |= (unsigned char)(all >> (8 * i));
        zero |= zeros != 0;
        while (q < stop) {
            unsigned char c = *q;
            if (c < 0x80) {
                small |= c;
                zero |= c == 0;
                q++;
            } else {
                const unsigned char *at = q;
                if (!ppd__varint_next(&q, stop, &v))
                    return false;
                canonical &= (size_t)(q - at) == ppd__varint_len(v);
                hi = v > hi ? v : hi;
            }
            count++;
        }
        *p = q;
        w->loc_max = hi > small ? hi : small;
        w->loc_zero = zero;
        w->loc_canonical = canonical;
    } else if (wt == 0) {
        start = *p;
        if (!ppd__varint_next(p, end, &v))
            return false;
        stop = *p;
        count = 1;
        w->loc_canonical &= (size_t)(stop - start) == ppd__varint_len(v);
        w->loc_max = v > w->loc_max ? v : w->loc_max;
        w->loc_zero |= v == 0;
    } else {
        return false;
    }
    size_t n = (size_t)(stop - start);
    if (w->loc_chunks == 0) {
        w->loc_bytes = start;
    } else {
        /* Room for both, at least one byte, so the buffer exists. */
        if (w->loc_chunks == 1)
            w->loc_buf.n = 0;
        if (!PPD_VEC_RESERVE(w->loc_buf, w->loc_len + n + 1, NULL))
            return FAIL(w, PPD_ENOMEM, "out of memory"), false;
        if (w->loc_chunks == 1 && w->loc_len > 0) {
            memcpy(w->loc_buf.v, w->loc_bytes, w->loc_len);
            w->loc_buf.n = w->loc_len;
        }
        if (n > 0)
            memcpy(w->loc_buf.v + w->loc_buf.n, start, n);
        w->loc_buf.n += n;
        w->loc_bytes = w->loc_buf.v;
    }
    w->loc_chunks++;
    w->loc_len += n;
    w->loc_count += count;
    return true;
}

/*
 * Parse a Sample message into w's reusable buffers. This one record type
 * is parsed by hand rather than by protobuf-c's generated unpack: it is
 * most of a profile's records, and parsing it in place, with no
 * allocation per record, is a fifth of the decode time saved. It accepts
 * what the generated code accepts (packed or unpacked repeats, unknown
 * fields, fields in any order).
 */
static bool
parse_sample(struct walker *w, const unsigned char *p, size_t len,
             struct ppd__sample_rec *out)
{
    const unsigned char *end = p + len;
    w->sv_vals.n = w->sv_labels.n = 0;
    w->loc_len = w->loc_count = w->loc_chunks = 0;
    w->loc_bytes = (const unsigned char *)"";
    w->loc_max = 0;
    w->loc_zero = false;
    w->loc_canonical = true;
    while (p < end) {
        uint64_t tag;
        if (!ppd__varint_next(&p, end, &tag) || (tag >> 3) == 0 ||
            (tag >> 3) > 536870911u)
            return false;
        unsigned wt = (unsigned)(tag & 7);
        switch (tag >> 3) {
        case 1:
            if (!location_ids(w, &p, end, wt))
                return false;
            break;
        case 2:
            if (!scalars(w, &p, end, wt, (void **)&w->sv_vals.v,
                         &w->sv_vals.n, &w->sv_vals.cap))
                return false;
            break;
        case 3: {
            uint64_t n;
            if (wt != 2 || !ppd__varint_next(&p, end, &n) ||
                n > (uint64_t)(end - p))
                return false;
            const unsigned char *lend = p + n;
            struct ppd__label_rec l = {0, 0, 0, 0};
            while (p < lend) {
                uint64_t ltag, v;
                if (!ppd__varint_next(&p, lend, &ltag) || (ltag >> 3) == 0 ||
                    (ltag >> 3) > 536870911u)
                    return false;
                unsigned lwt = (unsigned)(ltag & 7);
                uint64_t f = ltag >> 3;
                if (f >= 1 && f <= 4) {
                    if (lwt != 0 || !ppd__varint_next(&p, lend, &v))
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
            if (!push_label(w, &l))
                return false;
            break;
        }
        default:
            if (!skip_field(&p, end, wt))
                return false;
        }
    }
    out->locs = w->loc_bytes;
    out->locs_len = w->loc_len;
    out->nlocs = w->loc_count;
    out->checked = w->loc_canonical;
    out->max_id = w->loc_max;
    out->has_zero = w->loc_zero;
    out->vals = w->sv_vals.v;
    out->nvals = w->sv_vals.n;
    out->labels = w->sv_labels.v;
    out->nlabels = w->sv_labels.n;
    return true;
}

/* Handle one length-delimited top-level field. */
/* Handle one length-delimited top-level field. */
static bool
on_bytes(struct walker *w, uint32_t field, const unsigned char *data,
         size_t len, uint64_t off, uint64_t data_off)
{
    ProtobufCAllocator *al = &w->alloc;
    struct ppd__builder *b = w->b;
    bool ok = true;
    switch (field) {
    case 1:    /* sample_type */
    case 11: { /* period_type */
        Perftools__Profiles__ValueType *vt =
            perftools__profiles__value_type__unpack(al, len, data);
        if (vt == NULL)
            return unpack_failed(w, field == 1 ? "sample_type" : "period_type",
                                 field == 1 ? w->nstypes : 0, len, off);
        if (field == 1) {
            w->nstypes++;
            ok = ppd__builder_sample_type(b, vt->type, vt->unit);
        } else {
            ppd__builder_period_type(b, vt->type, vt->unit);
        }
        break;
    }
    case 2: {
        struct ppd__sample_rec sv;
        if (!parse_sample(w, data, len, &sv)) {
            if (w->s->st != PPD_OK)
                return false;
            return unpack_failed(w, "sample", w->nsamples, len, off);
        }
        w->nsamples++;
        ok = ppd__builder_sample(b, &sv);
        break;
    }
    case 3: {
        Perftools__Profiles__Mapping *m =
            perftools__profiles__mapping__unpack(al, len, data);
        if (m == NULL)
            return unpack_failed(w, "mapping", w->nmaps, len, off);
        w->nmaps++;
        struct ppd__mapping_rec mr = {
            .id = m->id,
            .memory_start = m->memory_start,
            .memory_limit = m->memory_limit,
            .file_offset = m->file_offset,
            .filename = m->filename,
            .build_id = m->build_id,
            .has_functions = m->has_functions,
            .has_filenames = m->has_filenames,
            .has_line_numbers = m->has_line_numbers,
            .has_inline_frames = m->has_inline_frames,
        };
        ok = ppd__builder_mapping(b, &mr);
        break;
    }
    case 4: {
        Perftools__Profiles__Location *l =
            perftools__profiles__location__unpack(al, len, data);
        if (l == NULL)
            return unpack_failed(w, "location", w->nlocs, len, off);
        w->nlocs++;
        w->lines.n = 0;
        if (!PPD_VEC_RESERVE(w->lines, l->n_line, NULL))
            return FAIL(w, PPD_ENOMEM, "out of memory"), false;
        for (size_t i = 0; i < l->n_line; i++) {
            struct ppd__line_rec lr = {l->line[i]->function_id,
                                       l->line[i]->line, l->line[i]->column};
            w->lines.v[w->lines.n++] = lr;
        }
        struct ppd__location_rec rec = {
            .id = l->id,
            .mapping_id = l->mapping_id,
            .address = l->address,
            .lines = w->lines.v,
            .nlines = w->lines.n,
            .is_folded = l->is_folded,
        };
        ok = ppd__builder_location(b, &rec);
        break;
    }
    case 5: {
        Perftools__Profiles__Function *f =
            perftools__profiles__function__unpack(al, len, data);
        if (f == NULL)
            return unpack_failed(w, "function", w->nfns, len, off);
        w->nfns++;
        struct ppd__function_rec fr = {f->id, f->name, f->system_name,
                                       f->filename, f->start_line};
        ok = ppd__builder_function(b, &fr);
        break;
    }
    case 6:
        w->nstrs++;
        ok = ppd__builder_string(b, (const char *)data, len);
        break;
    case 13: { /* packed comments */
        const unsigned char *p = data, *end = data + len;
        while (p < end && ok) {
            const unsigned char *start = p;
            uint64_t v;
            if (!ppd__varint_next(&p, end, &v))
                return fail_at(w, PPD_EPROTO, "comment",
                               data_off + (uint64_t)(start - data),
                               "malformed packed varint");
            ok = ppd__builder_comment(b, (int64_t)v);
        }
        break;
    }
    case 7: case 8: case 9: case 10: case 12: case 14: case 15:
        return fail_at(w, PPD_EPROTO, field_name(field), off,
                       "length-delimited, expected a varint");
    default:
        break; /* unknown field: skipped, as protobuf does */
    }
    ppd__arena_reset(w->scratch);
    return ok || builder_failed(w);
}

static bool
on_varint(struct walker *w, uint32_t field, uint64_t v, uint64_t off)
{
    static const enum ppd__scalar scalar_of[] = {
        [7] = PPD__DROP_FRAMES,     [8] = PPD__KEEP_FRAMES,
        [9] = PPD__TIME_NANOS,      [10] = PPD__DURATION_NANOS,
        [12] = PPD__PERIOD,         [14] = PPD__DEFAULT_SAMPLE_TYPE,
        [15] = PPD__DOC_URL,
    };
    switch (field) {
    case 7: case 8: case 9: case 10: case 12: case 14: case 15:
        ppd__builder_scalar(w->b, scalar_of[field], (int64_t)v);
        break;
    case 13:
        return ppd__builder_comment(w->b, (int64_t)v) || builder_failed(w);
    case 1: case 2: case 3: case 4: case 5: case 6: case 11:
        return fail_at(w, PPD_EPROTO, field_name(field), off,
                       "a varint, expected a length-delimited message");
    default: break;
    }
    return true;
}

/* Read a varint at the window; false on EOF/malformed (st set unless EOF
 * was expected by the caller). */
static bool
read_varint(struct walker *w, uint64_t *out, const char *what)
{
    struct ppd__source *r = w->s;
    uint64_t start = ppd__source_offset(r);
    ppd__source_fill(r, 10);
    if (r->st != PPD_OK)
        return false;
    size_t avail = r->end - r->pos;
    uint64_t v = 0;
    for (size_t i = 0; i < 10; i++) {
        if (i >= avail)
            return fail_at(w, PPD_EPROTO, what, start,
                           "truncated varint (input ends at %s %" PRIu64 ")",
                           byte_word(w), r->base + r->end);
        unsigned char b = r->buf[r->pos + i];
        if (i == 9 && (b & 0x80))
            break; /* an eleventh byte would follow */
        if (i == 9 && b > 1)
            return fail_at(w, PPD_EPROTO, what, start,
                           "varint overflows 64 bits");
        v |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            r->pos += i + 1;
            *out = v;
            return true;
        }
    }
    return fail_at(w, PPD_EPROTO, what, start, "varint longer than 10 bytes");
}


/* A field's length runs past the end of the input. */
static bool
past_end(struct walker *w, uint32_t field, uint64_t off, uint64_t len)
{
    return fail_at(w, PPD_EPROTO, field_name(field), off,
                   "length %" PRIu64 " is past the end of the input (%" PRIu64
                   " bytes)",
                   len, w->s->base + w->s->end);
}

static bool
walk(struct walker *w)
{
    struct ppd__source *r = w->s;
    for (;;) {
        /* Decoded tables may take more room than their wire bytes (a
         * two-byte record becomes a struct): bound them too. */
        uint64_t held;
        if (ppd__builder_over_budget(w->b, &held)) {
            FAIL(w, PPD_ETOOBIG,
                 "decoded tables exceed %" PRIu64
                 " bytes of memory at %s %" PRIu64
                 " (4 x --max-bytes + 64 MiB; raise --max-bytes)",
                 w->budget, byte_word(w), ppd__source_offset(r));
            ppd_error_where(w->s->err, PPD_STAGE_PROFILE,
                             ppd__source_offset(r), NULL, 0);
            return false;
        }
        if (!ppd__source_fill(r, 1))
            return r->st == PPD_OK;
        uint64_t off = ppd__source_offset(r);
        uint64_t tag;
        if (!read_varint(w, &tag, "field tag"))
            return false;
        uint64_t field64 = tag >> 3;
        unsigned wt = (unsigned)(tag & 7);
        if (field64 == 0 || field64 > 536870911u)
            return fail_at(w, PPD_EPROTO, NULL, off,
                           "invalid field number %" PRIu64, field64);
        uint32_t field = (uint32_t)field64;
        switch (wt) {
        case 0: {
            uint64_t v;
            if (!read_varint(w, &v, field_name(field)))
                return false;
            if (!on_varint(w, field, v, off))
                return false;
            break;
        }
        case 1:
        case 5: {
            size_t n = wt == 1 ? 8 : 4;
            if (field <= 15)
                return fail_at(w, PPD_EPROTO, field_name(field), off,
                               "unexpected fixed%zu wire type", n * 8);
            if (!ppd__source_fill(r, n))
                return r->st == PPD_OK &&
                       fail_at(w, PPD_EPROTO, field_name(field), off,
                               "truncated");
            r->pos += n;
            break;
        }
        case 2: {
            uint64_t len;
            if (!read_varint(w, &len, field_name(field)))
                return false;
            if (len > r->max)
                return fail_at(w, PPD_ETOOBIG, field_name(field), off,
                               "length %" PRIu64 " exceeds the limit of "
                               "%" PRIu64 " bytes (raise it with "
                               "--max-bytes)",
                               len, r->max);
            if (field > 15) {
                /* An unknown field is skipped as it streams by, never
                 * held whole in the window. */
                if (!ppd__source_skip(r, len)) {
                    if (r->st != PPD_OK)
                        return false;
                    return past_end(w, field, off, len);
                }
                break;
            }
            if (!ppd__source_fill(r, (size_t)len)) {
                if (r->st != PPD_OK)
                    return false;
                return past_end(w, field, off, len);
            }
            const unsigned char *data = r->buf + r->pos;
            uint64_t data_off = ppd__source_offset(r);
            r->pos += (size_t)len;
            if (!on_bytes(w, field, data, (size_t)len, off, data_off))
                return false;
            break;
        }
        default:
            return fail_at(w, PPD_EPROTO, field_name(field), off,
                           "invalid wire type %u", wt);
        }
    }
}


enum ppd_status
ppd__pprof_read(struct ppd__source *s, struct ppd__builder *b,
                uint64_t budget)
{
    struct walker w = {.s = s, .b = b, .budget = budget};
    w.scratch = ppd__arena_new();
    if (w.scratch == NULL)
        return ppd_error_set(s->err, PPD_ENOMEM, s->name, "out of memory");
    w.alloc.alloc = scratch_alloc;
    w.alloc.free = scratch_free;
    w.alloc.allocator_data = w.scratch;
    bool ok = walk(&w);
    ppd__arena_free(w.scratch);
    free(w.loc_buf.v);
    free(w.sv_vals.v);
    free(w.sv_labels.v);
    free(w.lines.v);
    if (ok)
        return PPD_OK;
    return s->st != PPD_OK ? s->st : PPD_EPROTO;
}
