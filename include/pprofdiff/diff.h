/*
 * diff.h - match the stacks of several profiles and rank what grew.
 *
 * Stacks are matched by their symbolized frames (function names, leaf to
 * root, inline frames expanded), never by ids or addresses, so profiles of
 * different processes or builds line up. A location without symbols reads
 * "<mapping file>+0x<file offset>" ("0x<address>" without a mapping).
 * The model holds any number of profiles: column 0 is the base, the last
 * column is the current profile, and delta = last - first. With one
 * profile, delta is its value.
 *
 * The diff borrows strings from its input profiles: free the diff first.
 */
#ifndef PPROFDIFF_DIFF_H
#define PPROFDIFF_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/error.h"
#include "pprofdiff/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ppd_diff_options {
    /* Sample type by name or index; NULL = pprof's default (of the last
     * profile). Every profile must offer it. */
    const char *sample;
    /* Extra frame-name prefixes that count as runtime frames when picking
     * the culprit (the built-in ones are "runtime.", "runtime/",
     * "internal/", "sync." and "time.Sleep": frames where goroutines wait,
     * never where they were started). */
    const char *const *runtime_prefixes;
    size_t nruntime_prefixes;
    /* Keep (and rank) stacks whose delta is 0; otherwise they are only
     * counted, which saves sorting most of a big profile. */
    bool keep_unchanged;
};

enum ppd_diff_section {
    PPD_GROWING = 0,  /* delta > 0, largest first */
    PPD_UNCHANGED,    /* delta == 0 (but non-zero in some profile) */
    PPD_SHRINKING     /* delta < 0, most negative first */
};

/* No frame: the culprit of an empty stack. */
#define PPD_NO_FRAME UINT32_MAX

struct ppd_diff_row {
    /* The stack, as the first sample seen with it; read its frames with
     * ppd_diff_row_frames(). */
    uint32_t profile;               /* index of that sample's profile */
    const struct ppd_sample *sample;
    uint32_t nframes;               /* 0 for samples without a stack */
    uint32_t culprit; /* frame of the first non-runtime frame from the leaf
                         (the leaf frame when all are runtime frames);
                         PPD_NO_FRAME for an empty stack */
    const int64_t *values; /* one per profile */
    int64_t delta;
    enum ppd_diff_section section;
};

struct ppd_diff {
    size_t nprofiles;
    const struct ppd_profile *const *profiles; /* borrowed */
    const long *sample_index;                  /* per profile */
    struct ppd_value_type sample_type;

    const char *const *frames; /* interned frame names, sorted by name */
    size_t nframes;

    /* Sorted: growing, then unchanged (only with keep_unchanged), then
     * shrinking; ties broken by the stack text (root first), so output is
     * deterministic. */
    const struct ppd_diff_row *rows;
    size_t nrows;
    size_t nsection[3]; /* rows per enum ppd_diff_section, in rows[] */
    size_t nunchanged;  /* stacks with delta 0, kept or not */

    const int64_t *totals; /* per profile, over all samples */
    int64_t total_delta;

    struct ppd_arena *arena;
    const void *priv; /* per-profile frame tables */
};

/*
 * ppd_diff_compute - aggregate the chosen sample type of n >= 1 profiles
 * by symbolized stack and rank the result. opt may be NULL. On success
 * *out holds a new diff (free with ppd_diff_free); on failure *out is NULL
 * and err names the profile that lacks the sample type, listing what each
 * profile offers. The profiles must outlive the diff.
 */
PPD_NODISCARD enum ppd_status
ppd_diff_compute(const struct ppd_profile *const *profiles, size_t n,
                 const struct ppd_diff_options *opt, struct ppd_diff **out,
                 struct ppd_error *err);

/*
 * ppd_diff_row_frames - write up to cap frame indices (into d->frames) of
 * row r's stack, leaf first, into out. Returns r->nframes.
 */
size_t ppd_diff_row_frames(const struct ppd_diff *d,
                           const struct ppd_diff_row *r, uint32_t *out,
                           size_t cap);

/* ppd_diff_free - release a diff. Accepts NULL. */
void ppd_diff_free(struct ppd_diff *d);

/*
 * ppd_diff_is_runtime_frame - true when name counts as a runtime frame
 * under opt's prefixes (opt may be NULL for the built-in ones only).
 */
bool ppd_diff_is_runtime_frame(const char *name,
                               const struct ppd_diff_options *opt);

#ifdef __cplusplus
}
#endif

#endif
