/*
 * pbwrite.h - a tiny protobuf writer for building test profiles by hand,
 * field by field, so each test states exactly what is on the wire.
 */
#ifndef PPD_TEST_PBWRITE_H
#define PPD_TEST_PBWRITE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct pb {
    unsigned char *buf;
    size_t len, cap;
};

static inline void
pb_raw(struct pb *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *nb = realloc(b->buf, cap);
        if (nb == NULL)
            abort();
        b->buf = nb;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->buf + b->len, data, n);
    b->len += n;
}

static inline void
pb_varint(struct pb *b, uint64_t v)
{
    unsigned char t[10];
    size_t n = 0;
    while (v >= 0x80) {
        t[n++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    t[n++] = (unsigned char)v;
    pb_raw(b, t, n);
}

/* field with wire type 0 */
static inline void
pb_uint(struct pb *b, unsigned field, uint64_t v)
{
    pb_varint(b, (uint64_t)field << 3);
    pb_varint(b, v);
}

/* field with wire type 2 holding bytes */
static inline void
pb_bytes(struct pb *b, unsigned field, const void *data, size_t n)
{
    pb_varint(b, (uint64_t)field << 3 | 2);
    pb_varint(b, n);
    pb_raw(b, data, n);
}

static inline void
pb_str(struct pb *b, unsigned field, const char *s)
{
    pb_bytes(b, field, s, strlen(s));
}

/* field with wire type 2 holding an embedded message; frees m */
static inline void
pb_msg(struct pb *b, unsigned field, struct pb *m)
{
    pb_bytes(b, field, m->buf, m->len);
    free(m->buf);
    memset(m, 0, sizeof *m);
}

/* packed repeated varints */
static inline void
pb_packed(struct pb *b, unsigned field, const uint64_t *v, size_t n)
{
    struct pb m = {0};
    for (size_t i = 0; i < n; i++)
        pb_varint(&m, v[i]);
    pb_msg(b, field, &m);
}

/* gzip the buffer (one member); returns a malloc'd buffer in *out. */
static inline size_t
pb_gzip(const struct pb *b, unsigned char **out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t cap = deflateBound(&z, b->len) + 32;
    *out = malloc(cap);
    if (*out == NULL)
        abort();
    z.next_in = b->buf;
    z.avail_in = (uInt)b->len;
    z.next_out = *out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

#endif
