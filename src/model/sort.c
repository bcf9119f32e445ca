/*
 * sort.c - bottom-up merge sort with a context pointer; a big array is
 * sorted in two halves on two threads, then merged.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/cpus.h"
#include "model/sort.h"

/* Below this many elements one thread sorts as fast as two. */
#define SPLIT_MIN 32768

/* Merge the sorted runs src[lo..mid) and src[mid..hi) into dst[lo..hi),
 * the first run's element first on ties (stable). */
static void
merge(unsigned char *dst, const unsigned char *src, size_t lo, size_t mid,
      size_t hi, size_t size, ppd__cmp_fn cmp, void *ctx)
{
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

static bool
sort_one(void *base, size_t n, size_t size, ppd__cmp_fn cmp, void *ctx)
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
            merge(dst, src, lo, mid, hi, size, cmp, ctx);
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

struct half {
    void *base;
    size_t n, size;
    ppd__cmp_fn cmp;
    void *ctx;
    bool ok;
};

static void *
half_thread(void *arg)
{
    struct half *h = arg;
    h->ok = sort_one(h->base, h->n, h->size, h->cmp, h->ctx);
    return NULL;
}

bool
ppd__sort(void *base, size_t n, size_t size, ppd__cmp_fn cmp, void *ctx)
{
    if (n < SPLIT_MIN || n > SIZE_MAX / size || !ppd__two_cpus())
        return sort_one(base, n, size, cmp, ctx);
    unsigned char *tmp = malloc(n * size);
    if (tmp == NULL)
        return false;
    /* The second half on a thread, the first here; then one merge. */
    size_t mid = n / 2;
    unsigned char *src = base;
    struct half h = {src + mid * size, n - mid, size, cmp, ctx, false};
    pthread_t th;
    bool started = pthread_create(&th, NULL, half_thread, &h) == 0;
    bool ok = sort_one(base, mid, size, cmp, ctx);
    if (started)
        pthread_join(th, NULL);
    else
        half_thread(&h);
    if (!ok || !h.ok) {
        /* Nothing to undo: each half is sorted or untouched, and a
         * caller's failure path never reads the order. */
        free(tmp);
        return false;
    }
    merge(tmp, src, 0, mid, n, size, cmp, ctx);
    memcpy(base, tmp, n * size);
    free(tmp);
    return true;
}
