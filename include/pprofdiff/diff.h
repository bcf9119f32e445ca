/*
 * diff.h - rank the stacks of an accumulator by how they changed.
 *
 * delta = last column - first column (with one column, its value). Rows
 * fall in three sections: growing (delta > 0), unchanged (delta == 0,
 * non-zero somewhere) and shrinking (delta < 0). Within a section rows
 * are ranked by a comparator the caller may choose (default: largest
 * change first), ties broken by the stack's text, root first, so output
 * is deterministic.
 *
 * The diff borrows the accumulator: free the diff first.
 */
#ifndef PPROFDIFF_DIFF_H
#define PPROFDIFF_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/accum.h"
#include "pprofdiff/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ppd_diff_section {
    PPD_GROWING = 0, /* delta > 0, largest first */
    PPD_UNCHANGED,   /* delta == 0 (but non-zero in some column) */
    PPD_SHRINKING    /* delta < 0, most negative first */
};

/* No frame: the culprit of an empty stack. */
#define PPD_NO_FRAME UINT32_MAX

struct ppd_diff_row {
    uint32_t stack;   /* index into the accumulator's stacks */
    uint32_t nframes; /* 0 for samples without a stack */
    uint32_t culprit; /* the first non-runtime frame from the leaf (the
                         leaf when all are runtime frames); PPD_NO_FRAME
                         for an empty stack */
    const int64_t *values; /* one per column */
    int64_t delta;
    enum ppd_diff_section section;
};

/*
 * A ranking: negative when a comes before b within their section, 0 when
 * they tie (the stack text then decides).
 */
typedef int (*ppd_diff_rank_fn)(const struct ppd_diff_row *a,
                                const struct ppd_diff_row *b, void *ctx);

struct ppd_diff_options {
    /* Extra frame-name prefixes that count as runtime frames when picking
     * the culprit (see ppd_is_runtime_frame()). */
    const char *const *runtime_prefixes;
    size_t nruntime_prefixes;
    /* Rank stacks whose delta is 0 too; otherwise they are only counted. */
    bool keep_unchanged;
    /* Rank only the first top rows of each section (0: all). The others
     * are counted; a big diff then costs no full sort. */
    size_t top;
    /* A noise floor: stacks that changed by less than this (either
     * sign) are counted in nfloor, not ranked. 0: none. */
    uint64_t min_change;
    /* The ranking; NULL: by delta, largest change first. It may be
     * called from two threads at once (a big section is sorted in two
     * halves), so it must only read. */
    ppd_diff_rank_fn rank;
    void *rank_ctx;
    /* No rows at all, nor their counts: only the columns' totals (what
     * a flame graph needs, which reads every stack from the
     * accumulator). */
    bool totals_only;
};

struct ppd_diff {
    const struct ppd_accum *accum; /* borrowed */
    size_t ncolumns;
    struct ppd_value_type sample_type;

    /* Ranked rows, section by section: nkept[s] rows of section s. */
    const struct ppd_diff_row *rows;
    size_t nrows;
    size_t nkept[3];
    size_t nsection[3]; /* rows per section, ranked or not */
    size_t nunchanged;  /* stacks with delta 0, kept or not */
    size_t nfloor;      /* stacks changed by less than min_change */
    uint64_t min_change; /* the floor it was computed with */

    const int64_t *totals; /* per column, over all samples */
    int64_t total_delta;

    void *priv;
};

/*
 * ppd_diff_compute - rank the stacks of a (every column added). opt may
 * be NULL. On success *out holds a new diff (free with ppd_diff_free).
 */
PPD_NODISCARD enum ppd_status
ppd_diff_compute(const struct ppd_accum *a, const struct ppd_diff_options *opt,
                 struct ppd_diff **out, struct ppd_error *err);

/* ppd_diff_section_start - index in d->rows of section s's first row. */
size_t ppd_diff_section_start(const struct ppd_diff *d,
                              enum ppd_diff_section s);

/* ppd_diff_free - release a diff. Accepts NULL. */
void ppd_diff_free(struct ppd_diff *d);

/*
 * ppd_is_runtime_frame - true when the frame name[0..len) is runtime
 * code: where goroutines wait, not where they were started. Built in:
 * "runtime.", "runtime/", "internal/", "sync." and "time.Sleep", plus
 * opt's prefixes (opt may be NULL).
 */
bool ppd_is_runtime_frame(const char *name, size_t len,
                          const struct ppd_diff_options *opt);

/*
 * ppd_stack_culprit - of the frames[0..n) of a stack of a (leaf first,
 * n >= 1), the first that is not a runtime frame; the leaf when all are.
 */
uint32_t ppd_stack_culprit(const struct ppd_accum *a, const uint32_t *frames,
                           size_t n, const struct ppd_diff_options *opt);

#ifdef __cplusplus
}
#endif

#endif
