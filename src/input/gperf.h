/*
 * gperf.h - gperftools' profiles, which pprof also reads: the CPU
 * profile (CPUPROFILE=, binary) here, the tcmalloc heap profile text
 * (HEAPPROFILE=, "heap profile: ... @ heapprofile") in gotext.c; and the
 * /proc/self/maps text both end with, which names the frames
 * ("libc.so.6+0x9a2f1") when there are no symbols.
 */
#ifndef PPD_INPUT_GPERF_H
#define PPD_INPUT_GPERF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "input/source.h"
#include "model/builder.h"

/* ppd__gperf_cpu_is - do s[0..n) start a gperftools CPU profile? */
bool ppd__gperf_cpu_is(const unsigned char *s, size_t n);

/*
 * ppd__gperf_cpu_read - read a gperftools CPU profile (64-bit words,
 * little-endian) into b: samples and cpu values as pprof reads them
 * (the signal-handler frame common to nearly every sample left out, as
 * pprof does), mappings from its memory map.
 */
PPD_NODISCARD enum ppd_status
ppd__gperf_cpu_read(struct ppd__source *s, struct ppd__builder *b);

/* Executable mappings of a /proc/self/maps text. */
struct ppd__maps {
    struct ppd__map {
        uint64_t start, limit, offset;
        char *file;
    } *v;
    size_t n, cap;
};

/*
 * ppd__maps_line - take one line of a maps text (others are ignored);
 * false when out of memory.
 */
bool ppd__maps_line(struct ppd__maps *m, const char *p, const char *end);

/*
 * ppd__maps_emit - hand the mappings to b (ids 1..n, file names
 * interned by intern, which returns a string index or -1); false on
 * failure.
 */
bool ppd__maps_emit(const struct ppd__maps *m, struct ppd__builder *b,
                    int64_t (*intern)(void *ctx, const char *s, size_t n),
                    void *ctx);

/* ppd__maps_find - the mapping id of addr, 0 when none holds it. */
uint64_t ppd__maps_find(const struct ppd__maps *m, uint64_t addr);

void ppd__maps_free(struct ppd__maps *m);

#endif
