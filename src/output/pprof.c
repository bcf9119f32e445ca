/*
 * pprof.c - the difference as a gzipped profile.proto, built the way
 * pprof builds -diff_base: every stack's current value as a sample, and
 * its base value negated in a sample labelled pprof::base=true. pprof
 * reads such a profile as a diff, so `go tool pprof -top FILE` prints
 * the deltas pprofdiff prints, and its web UI opens it.
 *
 * Each frame becomes one function (name, file) and one location with a
 * single line, so inlining is not kept; stacks, names and values are.
 * Unchanged stacks are written too (they cancel, as in pprof); shrinking
 * ones unless --hide-shrinking, and none under a noise floor.
 *
 * The message is encoded here, field by field in field-number order as
 * protobuf-c packs it, straight into the gzip stream: a diff of a
 * million stacks needs no message objects (hundreds of MiB) nor the
 * packed bytes in memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "model/varint.h"
#include "output/output.h"

/* Wire types. */
enum { VARINT = 0, BYTES = 2 };

/* Field numbers of profile.proto used here. */
enum {
    PROFILE_SAMPLE_TYPE = 1, PROFILE_SAMPLE = 2, PROFILE_LOCATION = 4,
    PROFILE_FUNCTION = 5, PROFILE_STRING_TABLE = 6, PROFILE_TIME_NANOS = 9,
    PROFILE_DURATION_NANOS = 10,
    VALUE_TYPE_TYPE = 1, VALUE_TYPE_UNIT = 2,
    SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE = 2, SAMPLE_LABEL = 3,
    LABEL_KEY = 1, LABEL_STR = 2,
    LOCATION_ID = 1, LOCATION_LINE = 4,
    LINE_FUNCTION_ID = 1, LINE_LINE = 2,
    FUNCTION_ID = 1, FUNCTION_NAME = 2, FUNCTION_SYSTEM_NAME = 3,
    FUNCTION_FILENAME = 4
};

/*
 * Bytes into a gzip stream (deflate's fastest level, as Go's runtime
 * writes its profiles), through two fixed buffers. ok turns false on a
 * zlib or write failure and stays so.
 */
struct zout {
    z_stream z;
    FILE *out;
    bool ok;
    size_t n;
    unsigned char in[1 << 16], buf[1 << 16];
};

static void
z_deflate(struct zout *w, int flush)
{
    w->z.next_in = w->in;
    w->z.avail_in = (uInt)w->n;
    int rc;
    do {
        w->z.next_out = w->buf;
        w->z.avail_out = sizeof w->buf;
        rc = deflate(&w->z, flush);
        size_t have = sizeof w->buf - w->z.avail_out;
        if (rc == Z_STREAM_ERROR || fwrite(w->buf, 1, have, w->out) != have)
            w->ok = false;
    } while (w->ok && w->z.avail_out == 0);
    if (flush == Z_FINISH && rc != Z_STREAM_END)
        w->ok = false;
    w->n = 0;
}

static void
z_put(struct zout *w, const void *p, size_t n)
{
    const unsigned char *s = p;
    while (n > 0 && w->ok) {
        if (w->n == sizeof w->in)
            z_deflate(w, Z_NO_FLUSH);
        size_t k = sizeof w->in - w->n < n ? sizeof w->in - w->n : n;
        memcpy(w->in + w->n, s, k);
        w->n += k;
        s += k;
        n -= k;
    }
}

static void
put_varint(struct zout *w, uint64_t v)
{
    if (sizeof w->in - w->n < 10)
        z_deflate(w, Z_NO_FLUSH);
    w->n += ppd__varint_put(w->in + w->n, v);
}

static void
put_tag(struct zout *w, unsigned field, unsigned wire)
{
    put_varint(w, (uint64_t)field << 3 | wire);
}

/* A varint field's length; 0 for a zero (proto3 leaves it out). */
static size_t
field_len(uint64_t v)
{
    return v == 0 ? 0 : 1 + ppd__varint_len(v);
}

static void
put_field(struct zout *w, unsigned field, uint64_t v)
{
    if (v == 0)
        return;
    put_tag(w, field, VARINT);
    put_varint(w, v);
}

/* The tag and length of an embedded message of len bytes. */
static void
put_head(struct zout *w, unsigned field, size_t len)
{
    put_tag(w, field, BYTES);
    put_varint(w, len);
}

/*
 * Is the stack with values v written? Every stack, but those that
 * --hide-shrinking or a noise floor leaves out of the other formats.
 */
static bool
wanted(const struct ppd_diff *d, const struct ppd_render_options *o,
       const int64_t *v)
{
    if (d->ncolumns == 1)
        return true;
    int64_t delta = (int64_t)((uint64_t)v[d->ncolumns - 1] - (uint64_t)v[0]);
    uint64_t m = delta < 0 ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta;
    if (o->hide_shrinking && delta < 0)
        return false;
    return delta == 0 || m >= d->min_change;
}

/* The string table: "", the type and unit, the base label's key and
 * value, then each frame's name and file (indices 5 + 2i, 6 + 2i). */
#define STR_TYPE 1
#define STR_UNIT 2
#define STR_BASE_KEY 3
#define STR_BASE_TRUE 4
#define STR_FRAMES 5

static void
put_string(struct zout *w, const char *s, size_t n)
{
    put_head(w, PROFILE_STRING_TABLE, n);
    z_put(w, s, n);
}

/* One sample: stack s's frames (ids), value x, the base label or not. */
static void
put_sample(struct zout *w, const uint32_t *ids, uint32_t depth, int64_t x,
           bool base)
{
    size_t idlen = 0;
    for (uint32_t j = 0; j < depth; j++)
        idlen += ppd__varint_len((uint64_t)ids[j] + 1);
    size_t vlen = ppd__varint_len((uint64_t)x);
    size_t llen = field_len(STR_BASE_KEY) + field_len(STR_BASE_TRUE);
    size_t len = (depth > 0 ? 1 + ppd__varint_len(idlen) + idlen : 0) + 1 +
                 ppd__varint_len(vlen) + vlen +
                 (base ? 1 + ppd__varint_len(llen) + llen : 0);
    put_head(w, PROFILE_SAMPLE, len);
    if (depth > 0) {
        put_head(w, SAMPLE_LOCATION_ID, idlen);
        for (uint32_t j = 0; j < depth; j++)
            put_varint(w, (uint64_t)ids[j] + 1);
    }
    put_head(w, SAMPLE_VALUE, vlen);
    put_varint(w, (uint64_t)x);
    if (base) {
        put_head(w, SAMPLE_LABEL, llen);
        put_field(w, LABEL_KEY, STR_BASE_KEY);
        put_field(w, LABEL_STR, STR_BASE_TRUE);
    }
}

bool
ppd__render_pprof(FILE *out, const struct ppd_diff *d,
                  const struct ppd_render_options *o, struct ppd__frames *f)
{
    const struct ppd_accum *a = d->accum;
    size_t nf = ppd_accum_nframes(a), ns = ppd_accum_nstacks(a);
    size_t ncols = ppd_accum_ncolumns(a);
    size_t last = ncols - 1;
    struct zout *w = malloc(sizeof *w);
    if (w == NULL)
        return false;
    memset(&w->z, 0, sizeof w->z);
    w->out = out;
    w->n = 0;
    if (deflateInit2(&w->z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK) {
        free(w);
        return false;
    }
    w->ok = true;
    bool ok = true;

    const struct ppd_value_type *t = ppd_accum_type(a);
    put_head(w, PROFILE_SAMPLE_TYPE,
             field_len(STR_TYPE) + field_len(STR_UNIT));
    put_field(w, VALUE_TYPE_TYPE, STR_TYPE);
    put_field(w, VALUE_TYPE_UNIT, STR_UNIT);

    /* Samples, current side first, then the base negated and labelled:
     * pprof's own -diff_base profile. */
    for (int side = 0; side < (ncols > 1 ? 2 : 1) && ok; side++)
        for (size_t s = 0; s < ns && ok && w->ok; s++) {
            const int64_t *v = ppd_accum_values(a, s);
            int64_t x = side == 0 ? v[last] : v[0];
            if (x == 0 || !wanted(d, o, v))
                continue;
            uint32_t depth = ppd_accum_depth(a, s);
            if (depth > f->cap) {
                uint32_t *nv = realloc(f->v, depth * sizeof *nv);
                if (nv == NULL) {
                    ok = false;
                    break;
                }
                f->v = nv;
                f->cap = depth;
            }
            ppd_accum_stack(a, s, f->v, depth);
            put_sample(w, f->v, depth,
                       side == 0 ? x : (int64_t)(0 - (uint64_t)x), side == 1);
        }

    /* Frame i: location and function i + 1, with one line. */
    for (size_t i = 0; i < nf; i++) {
        const struct ppd_frame *fr = ppd_accum_frame(a, (uint32_t)i);
        size_t line = field_len(i + 1) + field_len((uint64_t)fr->line);
        put_head(w, PROFILE_LOCATION,
                 field_len(i + 1) + 1 + ppd__varint_len(line) + line);
        put_field(w, LOCATION_ID, i + 1);
        put_head(w, LOCATION_LINE, line);
        put_field(w, LINE_FUNCTION_ID, i + 1);
        put_field(w, LINE_LINE, (uint64_t)fr->line);
    }
    for (size_t i = 0; i < nf; i++) {
        uint64_t name = STR_FRAMES + 2 * i, file = name + 1;
        put_head(w, PROFILE_FUNCTION,
                 field_len(i + 1) + 2 * field_len(name) + field_len(file));
        put_field(w, FUNCTION_ID, i + 1);
        put_field(w, FUNCTION_NAME, name);
        put_field(w, FUNCTION_SYSTEM_NAME, name);
        put_field(w, FUNCTION_FILENAME, file);
    }

    put_string(w, "", 0);
    put_string(w, t->type, strlen(t->type));
    put_string(w, t->unit, strlen(t->unit));
    put_string(w, "pprof::base", 11);
    put_string(w, "true", 4);
    for (size_t i = 0; i < nf; i++) {
        const struct ppd_frame *fr = ppd_accum_frame(a, (uint32_t)i);
        put_string(w, fr->name.ptr, fr->name.len);
        put_string(w, fr->file.ptr, fr->file.len);
    }
    put_field(w, PROFILE_TIME_NANOS,
              (uint64_t)ppd_accum_column(a, last)->time_nanos);
    put_field(w, PROFILE_DURATION_NANOS,
              (uint64_t)ppd_accum_column(a, last)->duration_nanos);
    if (w->ok)
        z_deflate(w, Z_FINISH);
    ok = ok && w->ok;
    deflateEnd(&w->z);
    free(w);
    return ok;
}
