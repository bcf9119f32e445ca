/*
 * hash.h - the small hashing helpers shared by the decoder and the diff.
 */
#ifndef PPD_HASH_H
#define PPD_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/bigmem.h"

/* ppd__hash_bytes - a fast 64-bit hash of n bytes (not cryptographic). */
static inline uint64_t
ppd__hash_bytes(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t h = 0x9e3779b97f4a7c15u ^ (n * 0xff51afd7ed558ccdu);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xbf58476d1ce4e5b9u;
        h ^= h >> 31;
        p += 8;
        n -= 8;
    }
    uint64_t w = 0;
    if (n > 0)
        memcpy(&w, p, n);
    h = (h ^ w) * 0x94d049bb133111ebu;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 32;
    return h;
}

/* ppd__hash_u64 - mix one 64-bit integer. */
static inline uint64_t
ppd__hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdu;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53u;
    x ^= x >> 33;
    return x;
}

/*
 * ppd__table_size - the number of slots for n items: a power of two that
 * keeps the load at or under 3/4 (tagged slots keep probing cheap even
 * there), at least 16.
 */
static inline size_t
ppd__table_size(size_t n)
{
    size_t s = 16;
    while (s / 4 * 3 < n && s < ((size_t)1 << 62))
        s <<= 1;
    return s;
}

/* ppd__table_full - would one more item push a table of size past 3/4? */
static inline int
ppd__table_full(size_t n, size_t size)
{
    return size == 0 || size / 4 * 3 < n + 1;
}

/*
 * ppd__table_new - a zeroed table of n uint32 slots, backed by huge pages
 * where the system offers them (see bigmem.c). Free with free().
 */
static inline uint32_t *
ppd__table_new(size_t n)
{
    if (n > SIZE_MAX / sizeof(uint32_t))
        return NULL;
    return ppd__big_zalloc(n * sizeof(uint32_t));
}

/*
 * Tagged slots: a slot holds an item's index + 1 in its low half and the
 * high half of the item's hash in its high half (0 = empty), so probing
 * past other items never touches the items themselves.
 */
#define SLOT(hash, i) (((hash) & 0xffffffff00000000u) | ((uint64_t)(i) + 1))
#define SLOT_MATCH(slot, hash) (((slot) >> 32) == ((hash) >> 32))
#define SLOT_INDEX(slot) ((uint32_t)(slot) - 1)

/* How far ahead batched probes prefetch their slot. */
#define PREFETCH_AHEAD 16

static inline void
ppd__prefetch(const void *p)
{
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

/* ppd__table64_new - as ppd__table_new, with uint64 slots. */
static inline uint64_t *
ppd__table64_new(size_t n)
{
    if (n > SIZE_MAX / sizeof(uint64_t))
        return NULL;
    return ppd__big_zalloc(n * sizeof(uint64_t));
}

#endif
