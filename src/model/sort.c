/*
 * sort.c - bottom-up merge sort with a context pointer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/sort.h"

bool
ppd__sort(void *base, size_t n, size_t size, ppd__cmp_fn cmp, void *ctx)
{
    if (n < 2)
        return true;
    if (n > SIZE_MAX / size)
        return false;
    unsigned char *tmp = malloc(n * size);
    if (tmp == NULL)
        return false;
    unsigned char *src = base, *dst = tmp;
    /* Runs of 8 by insertion sort, then merge runs pairwise. */
    size_t run = 8;
    for (size_t lo = 0; lo < n; lo += run) {
        size_t hi = lo + run < n ? lo + run : n;
        for (size_t i = lo + 1; i < hi; i++)
            for (size_t j = i; j > lo &&
                               cmp(src + (j - 1) * size, src + j * size,
                                   ctx) > 0;
                 j--) {
                memcpy(dst, src + j * size, size);
                memcpy(src + j * size, src + (j - 1) * size, size);
                memcpy(src + (j - 1) * size, dst, size);
            }
    }
    for (; run < n; run *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * run) {
            size_t mid = lo + run < n ? lo + run : n;
            size_t hi = lo + 2 * run < n ? lo + 2 * run : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                if (cmp(src + j * size, src + i * size, ctx) < 0)
                    memcpy(dst + k++ * size, src + j++ * size, size);
                else
                    memcpy(dst + k++ * size, src + i++ * size, size);
            }
            memcpy(dst + k * size, src + i * size, (mid - i) * size);
            k += mid - i;
            memcpy(dst + k * size, src + j * size, (hi - j) * size);
        }
        unsigned char *t = src;
        src = dst;
        dst = t;
    }
    if (src != base)
        memcpy(base, src, n * size);
    free(tmp);
    return true;
}
