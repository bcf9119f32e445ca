/*
 * trend.h - what grows steadily across many snapshots: per stack (or per
 * function, line or file entry), the series of its values in time
 * order, its growth per hour and a leak-suspect score.
 *
 * The snapshots are the accumulator's columns that hold a profile
 * (columns never added are gaps, left out and counted). They are put in
 * time order by the times the caller gives (stably: equal times keep column
 * order); without a time for every column, column order is time order.
 *
 * The leak-suspect score of a series v[0..m] (m = snapshots - 1 >= 1),
 * with steps d[i] = v[i] - v[i-1], net = v[m] - v[0], up and down the
 * sums of the positive and negative steps, grew the number of positive
 * steps and top the largest net among the rows:
 *
 *     score = 100 * (grew / m)                  steadiness
 *                 * (net / (up + down))         no give-back (churn: ~0)
 *                 * sqrt(min(1, (net / m) / max d[i]))  evenness
 *                 * (net / top)                 size
 *
 * and 0 when net <= 0. A stack that grows by the same amount in every
 * interval scores 100 when it is the largest grower; a one-off jump of
 * the same size scores 100 / (m * sqrt(m)); churn that comes and goes,
 * about 0. The trend borrows the accumulator: free the trend first.
 */
#ifndef PPROFDIFF_TREND_H
#define PPROFDIFF_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/accum.h"
#include "pprofdiff/diff.h"
#include "pprofdiff/error.h"
#include "pprofdiff/view.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ppd_trend_options {
    /* Per column: the snapshot's time in ns since the epoch; 0 unknown.
     * NULL: no times. */
    const int64_t *times;
    /* Where the times came from, for people ("profile times", "file
     * names"); borrowed. Without times the order is the columns'. */
    const char *time_source;
    size_t top;  /* rank only the first top rows (0: all) */
    bool all;    /* rank every row, not only those with a score > 0 */
    /* Rows are the entries of the accumulator's grain (function, line,
     * file) rather than its stacks; with cum, their series are cum
     * values, else flat ones. */
    bool entries;
    bool cum;
    /* Runtime frames, for the culprit of a stack (may be NULL). */
    const struct ppd_diff_options *diff;
};

/* What a series did. Values of a row point into the trend. */
struct ppd_trend_stats {
    const int64_t *series; /* one per snapshot, oldest first */
    int64_t first, last, delta;
    double slope_per_hour; /* least squares; NaN without times */
    uint32_t grew, shrank; /* intervals */
    double score;          /* 0 to 100; see above */
};

struct ppd_trend_row {
    uint32_t stack;   /* the accumulator's stack (stack rows) */
    uint32_t nframes; /* its depth (stack rows) */
    uint32_t frame;   /* the culprit (stack rows: PPD_NO_FRAME for an
                         empty stack), or the entry (entry rows) */
    enum ppd_inline inlined; /* entry rows */
    struct ppd_trend_stats s;
};

struct ppd_trend {
    const struct ppd_accum *accum; /* borrowed */
    size_t n;                 /* snapshots */
    const size_t *order;      /* column of the i-th snapshot, oldest first */
    const int64_t *times;     /* ns per snapshot in order, 0 unknown */
    bool timed;               /* every snapshot has a time */
    const char *ordered_by;   /* the time source, or "argument order" */
    size_t nties;             /* snapshots whose time equals the one
                                 before them */
    size_t ngaps;             /* columns left out: no profile (a window
                                 a backend had no data for) */
    bool entries;             /* rows are entries, not stacks */
    struct ppd_trend_stats total; /* of the column totals */
    const struct ppd_trend_row *rows; /* ranked: score, then delta */
    size_t nrows;
    size_t nseries;   /* stacks or entries considered */
    size_t nsuspects; /* of those, with a score > 0 */
    void *priv;
};

/*
 * ppd_trend_compute - the trend of a's columns (every column added,
 * at least two). On success *out holds a new trend (free with
 * ppd_trend_free).
 */
PPD_NODISCARD enum ppd_status
ppd_trend_compute(const struct ppd_accum *a,
                  const struct ppd_trend_options *opt,
                  struct ppd_trend **out, struct ppd_error *err);

/* ppd_trend_free - release a trend. Accepts NULL. */
void ppd_trend_free(struct ppd_trend *t);

#ifdef __cplusplus
}
#endif

#endif
