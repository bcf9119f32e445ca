/*
 * filter.h - pprof's sample and frame filters, with its meaning.
 *
 * Each option is a regular expression (PCRE2, which reads RE2/Go
 * patterns alike for what profiles need; see the README for the
 * differences) matched anywhere in a frame's function name or file name,
 * or its mapping's file:
 *
 *   focus      keep samples with at least one location that matches
 *   ignore     drop samples with any location that matches
 *   hide       drop the matching frames from every stack
 *   show       keep only the matching frames
 *   show_from  drop the frames above (rootward of) the root-most match;
 *              samples without a match go
 *
 * as `go tool pprof -focus/-ignore/-hide/-show/-show_from` apply them,
 * in that order. A filter is immutable once made and may be shared.
 */
#ifndef PPROFDIFF_FILTER_H
#define PPROFDIFF_FILTER_H

#include <stdbool.h>

#include "pprofdiff/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ppd_filter;

/* NULL fields are unset. */
struct ppd_filter_options {
    const char *focus, *ignore, *hide, *show, *show_from;
    /* Label filters, as pprof's -tagfocus and -tagignore: KEY=VALUE or
     * VALUE, VALUE a number range (N, N:, :N, N:M; units as 64kb) or
     * comma-separated patterns. Samples whose labels do not match
     * tagfocus, or do match tagignore, are dropped. */
    const char *tagfocus, *tagignore;
    /* Goroutine dumps: keep only goroutines that have waited at least
     * this many minutes (their numeric label wait_minutes; a goroutine
     * without one has waited less than a minute). 0: no such filter. */
    int64_t min_wait_minutes;
};

/*
 * ppd_filter_new - compile the options. *out is NULL (and PPD_OK is
 * returned) when none is set. A bad pattern is PPD_EINVAL, naming the
 * option and the position of the error.
 */
PPD_NODISCARD enum ppd_status
ppd_filter_new(const struct ppd_filter_options *o, struct ppd_filter **out,
               struct ppd_error *err);

/*
 * ppd_pattern_check - would pattern compile, as the filters and a view's
 * peek compile it? PPD_EINVAL names option and the error's position.
 */
PPD_NODISCARD enum ppd_status ppd_pattern_check(const char *pattern,
                                                const char *option,
                                                struct ppd_error *err);

/* ppd_filter_free - release a filter. Accepts NULL. */
void ppd_filter_free(struct ppd_filter *f);

#ifdef __cplusplus
}
#endif

#endif
