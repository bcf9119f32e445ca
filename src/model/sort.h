/*
 * sort.h - a stable sort with a context pointer (qsort has neither), so
 * comparisons may consult tables without global state.
 */
#ifndef PPD_MODEL_SORT_H
#define PPD_MODEL_SORT_H

#include <stdbool.h>
#include <stddef.h>

typedef int (*ppd__cmp_fn)(const void *x, const void *y, void *ctx);

/*
 * ppd__sort - sort n elements of size bytes at base, stably (merge sort).
 * Returns false, leaving base untouched, when out of memory.
 */
bool ppd__sort(void *base, size_t n, size_t size, ppd__cmp_fn cmp, void *ctx);

#endif
