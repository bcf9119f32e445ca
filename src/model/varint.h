/*
 * varint.h - LEB128 varints, the one place that encodes and decodes them
 * (the protobuf walker, the builder's keys, the accumulator's stacks).
 */
#ifndef PPD_MODEL_VARINT_H
#define PPD_MODEL_VARINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ppd__varint_len - bytes of v's canonical encoding (1..10). */
static inline size_t
ppd__varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

/* ppd__varint_put - write v's canonical encoding at dst; its length. */
static inline size_t
ppd__varint_put(unsigned char *dst, uint64_t v)
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
 * ppd__varint_next - read a varint within [*p, end) as protobuf allows
 * it (at most 10 bytes, no bits past 64) and advance *p. False when it
 * runs past end or is longer.
 */
static inline bool
ppd__varint_next(const unsigned char **p, const unsigned char *end,
                 uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned i = 0; i < 10 && *p < end; i++) {
        unsigned char b = *(*p)++;
        if (i == 9 && b > 1)
            return false; /* overflows 64 bits */
        x |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/* ppd__varint_get - read a varint already validated; advance *pp. */
static inline uint64_t
ppd__varint_get(const unsigned char **pp)
{
    const unsigned char *p = *pp;
    uint64_t v = 0;
    unsigned shift = 0;
    while (*p & 0x80) {
        v |= (uint64_t)(*p++ & 0x7f) << shift;
        shift += 7;
    }
    v |= (uint64_t)(*p++) << shift;
    *pp = p;
    return v;
}

#endif
