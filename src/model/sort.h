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
 * A big array is sorted in two halves on two threads: cmp must be safe to
 * call from two threads at once (read-only, as every comparison here
 * is). Returns false when out of memory; base then holds its elements
 * in some order.
 */
bool ppd__sort(void *base, size_t n, size_t size, ppd__cmp_fn cmp, void *ctx);

#endif
