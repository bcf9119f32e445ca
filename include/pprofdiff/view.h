/*
 * view.h - pprof's per-entry views, with deltas: one row per function,
 * line or file (the accumulator's grain), with its flat value (samples
 * whose leaf it is) and cum value (samples whose stack holds it, counted
 * once however often it recurs) in every column.
 *
 * An entry is a function, a line or a file, whether its calls were
 * inlined or not; like pprof, it is marked inline when every call into
 * it (from a different entry) was inlined, partial-inline when some
 * were. Rows are ranked by flat delta, largest first, then by cum delta,
 * then by name; delta = last column - first (with one column, its
 * value).
 * The view borrows the accumulator: free the view first.
 */
#ifndef PPROFDIFF_VIEW_H
#define PPROFDIFF_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/accum.h"
#include "pprofdiff/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How an entry is called: from its callers' frames always, sometimes,
 * or never inline (pprof's "(inline)", "(partial-inline)"). */
enum ppd_inline { PPD_INLINE_NONE = 0, PPD_INLINE_ALL, PPD_INLINE_PARTIAL };

struct ppd_view_row {
    uint32_t frame;      /* the entry (one of its frames): ppd_accum_frame()
                            names it; the inlined flag is not its */
    enum ppd_inline inlined;
    const int64_t *flat; /* one per column */
    const int64_t *cum;  /* one per column */
    int64_t flat_delta, cum_delta;
};

struct ppd_view_options {
    size_t top;          /* rank only the first top rows (0: all) */
    bool keep_unchanged; /* also rows whose flat and cum deltas are 0 */
    /* With a pattern: only the entries whose function name matches, and
     * for each the calls into and out of it (pprof's -peek). */
    const char *peek;
    /* A noise floor: entries whose flat and cum both changed by less
     * than this are counted in nfloor, not listed. 0: none. */
    uint64_t min_change;
    /* Leave out entries pprof's -drop_negative drops: a negative flat
     * delta, or a zero one with a negative cum delta. */
    bool drop_negative;
    /* Threads for the pass over the stacks: 1, the caller's alone; 2,
     * two whatever the size; 0, two for 65536 stacks or more when two
     * CPUs are online. --peek always takes one. The view is the same. */
    int threads;
};

/*
 * A call from one entry into another, with its values: the samples
 * whose stacks make it, each stack counted once per pair, as pprof's
 * edges.
 */
struct ppd_view_edge {
    uint32_t caller, callee; /* frames, as ppd_view_row.frame */
    uint32_t caller_entry, callee_entry; /* entry numbers */
    const int64_t *values;   /* one per column */
    int64_t delta;
    bool inlined; /* every such call was inlined (pprof's "(inline)") */
};

struct ppd_view {
    const struct ppd_accum *accum; /* borrowed */
    size_t ncolumns;
    const struct ppd_view_row *rows; /* ranked */
    size_t nrows;
    size_t nentries; /* entries with a non-zero value, shown or not */
    size_t nunchanged; /* of those, whose deltas are both 0 */
    size_t nfloor;     /* of those, left out by min_change or
                          drop_negative */
    uint64_t min_change; /* the floor it was computed with */
    /* With peek (and only then edges is not NULL): the calls into and
     * out of the rows' entries, largest change first; rows[i] is entry
     * row_entry[i]. */
    const struct ppd_view_edge *edges;
    size_t nedges;
    const uint32_t *row_entry;
    void *priv;
};

/*
 * ppd_view_compute - the view of a (every column added). opt may be
 * NULL. On success *out holds a new view (free with ppd_view_free).
 */
PPD_NODISCARD enum ppd_status
ppd_view_compute(const struct ppd_accum *a, const struct ppd_view_options *opt,
                 struct ppd_view **out, struct ppd_error *err);

/* ppd_view_free - release a view. Accepts NULL. */
void ppd_view_free(struct ppd_view *v);

#ifdef __cplusplus
}
#endif

#endif
