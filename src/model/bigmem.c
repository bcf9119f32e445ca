/*
 * bigmem.c - huge-page hints for big tables.
 *
 * Merging a half-million-sample profile probes hash tables of several
 * MiB at random; with 4 KiB pages nearly every probe is a TLB miss and
 * every first touch a page fault. Linux's transparent huge pages in
 * "madvise" mode (the common default) need the hint given here.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/bigmem.h"

#define HUGE_SIZE ((size_t)2 << 20)

/* madvise(advice) on the whole units of unit bytes (a power of two)
 * inside [p, p + n): madvise rounds a length up, never past n here. */
static void
advise_inside(const void *p, size_t n, uintptr_t unit, int advice)
{
    uintptr_t start = ((uintptr_t)p + unit - 1) & ~(unit - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(unit - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, advice);
}

void
ppd__big_advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    advise_inside(p, n, HUGE_SIZE, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

void
ppd__big_release(const void *p, size_t n)
{
#ifdef MADV_DONTNEED
    long ps = sysconf(_SC_PAGESIZE);
    advise_inside(p, n, ps > 0 ? (uintptr_t)ps : 65536, MADV_DONTNEED);
#else
    (void)p;
    (void)n;
#endif
}

void *
ppd__big_zalloc(size_t n)
{
    void *p = NULL;
    if (n >= HUGE_SIZE) {
        if (posix_memalign(&p, HUGE_SIZE, n) != 0)
            return NULL;
        ppd__big_advise(p, n);
    } else {
        p = malloc(n ? n : 1);
    }
    if (p != NULL)
        memset(p, 0, n);
    return p;
}
