/*
 * check.h - the few assertions the unit tests need. A failed check prints
 * both values and file:line and counts a failure; the test keeps going so
 * one run shows every broken expectation.
 */
#ifndef PPD_TEST_CHECK_H
#define PPD_TEST_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct check_state {
    int passed;
    int failed;
};

#define CHECK_EQ_INT(st, a, b)                                              \
    do {                                                                    \
        long long va_ = (long long)(a), vb_ = (long long)(b);               \
        if (va_ == vb_) {                                                   \
            (st)->passed++;                                                 \
        } else {                                                            \
            (st)->failed++;                                                 \
            fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n", __FILE__,    \
                    __LINE__, #a, #b, va_, vb_);                            \
        }                                                                   \
    } while (0)

#define CHECK_EQ_STR(st, a, b)                                              \
    do {                                                                    \
        const char *sa_ = (a), *sb_ = (b);                                  \
        if (sa_ != NULL && sb_ != NULL && strcmp(sa_, sb_) == 0) {          \
            (st)->passed++;                                                 \
        } else {                                                            \
            (st)->failed++;                                                 \
            fprintf(stderr, "%s:%d: %s == %s: \"%s\" != \"%s\"\n",          \
                    __FILE__, __LINE__, #a, #b, sa_ ? sa_ : "(null)",       \
                    sb_ ? sb_ : "(null)");                                  \
        }                                                                   \
    } while (0)

#define CHECK(st, cond)                                                     \
    do {                                                                    \
        if (cond) {                                                         \
            (st)->passed++;                                                 \
        } else {                                                            \
            (st)->failed++;                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,          \
                    __LINE__, #cond);                                       \
        }                                                                   \
    } while (0)

/* Print the closing line ("N passed, M failed") and return the exit code. */
static inline int
check_report(const char *name, const struct check_state *st)
{
    printf("%s: %d passed, %d failed\n", name, st->passed, st->failed);
    return st->failed == 0 ? 0 : 1;
}

#endif
