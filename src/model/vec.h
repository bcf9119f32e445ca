/*
 * vec.h - the one growable-array helper every module uses.
 *
 * A vector is a plain struct { T *v; size_t n, cap; }. Growth is by half
 * (a first reservation is taken at its word), so big tables waste less
 * than with doubling; an optional byte counter lets a caller charge the
 * growth against a memory budget.
 */
#ifndef PPD_MODEL_VEC_H
#define PPD_MODEL_VEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define PPD_VEC(T)     \
    struct {           \
        T *v;          \
        size_t n, cap; \
    }

/*
 * ppd__grow - make *v (cap elements of elem bytes) hold at least need
 * elements. Adds the bytes it allocates to *held when held is not NULL.
 * Returns false when out of memory or on overflow; *v is then unchanged.
 */
static inline bool
ppd__grow(void **v, size_t *cap, size_t elem, size_t need, uint64_t *held)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap : (need > 16 ? need : 16);
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / elem)
            return false;
        ncap += ncap / 2;
    }
    void *nv = realloc(*v, ncap * elem);
    if (nv == NULL)
        return false;
    if (held != NULL)
        *held += (uint64_t)(ncap - *cap) * elem;
    *v = nv;
    *cap = ncap;
    return true;
}

/* Room for `more` elements after the n in use. */
#define PPD_VEC_RESERVE(vec, more, held)                                 \
    ppd__grow((void **)&(vec).v, &(vec).cap, sizeof *(vec).v,            \
              (vec).n + (more), (held))

/* Append item; false when out of memory. */
#define PPD_VEC_PUSH(vec, item, held)                                    \
    (((vec).n < (vec).cap || PPD_VEC_RESERVE(vec, 1, held))              \
         ? ((vec).v[(vec).n++] = (item), true)                           \
         : false)

/* Trim a heap block to n elements; keeps the old block on failure. */
static inline void
ppd__shrink(void **v, size_t n, size_t elem)
{
    if (*v == NULL || n == 0)
        return;
    void *nv = realloc(*v, n * elem);
    if (nv != NULL)
        *v = nv;
}

#endif
