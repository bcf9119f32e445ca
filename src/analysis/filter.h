/*
 * filter.h (internal) - what the accumulator asks of a filter.
 */
#ifndef PPD_ANALYSIS_FILTER_H
#define PPD_ANALYSIS_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "pprofdiff/filter.h"
#include "pprofdiff/profile.h"

enum ppd__filter_re {
    PPD__FOCUS,
    PPD__IGNORE,
    PPD__HIDE,
    PPD__SHOW,
    PPD__SHOW_FROM,
    PPD__NFILTERS
};

/* One compiled pattern (--peek uses it alone). */
struct ppd__regex;

/*
 * ppd__regex_new - compile pattern; option names it in the error
 * (PPD_EINVAL, with the offset).
 */
PPD_NODISCARD enum ppd_status ppd__regex_new(const char *pattern,
                                             const char *option,
                                             struct ppd__regex **out,
                                             struct ppd_error *err);

/* ppd__regex_match - does re match s[0..n) anywhere? */
bool ppd__regex_match(const struct ppd__regex *re, struct ppd_str s);

/* ppd__regex_free - release a pattern. Accepts NULL. */
void ppd__regex_free(struct ppd__regex *re);

/* ppd__filter_has_tags - is --tagfocus or --tagignore set? */
bool ppd__filter_has_tags(const struct ppd_filter *f);

/*
 * ppd__filter_labels - do samples with these labels (set NULL: none)
 * pass --tagfocus and --tagignore? True for a NULL filter.
 */
bool ppd__filter_labels(const struct ppd_filter *f,
                        const struct ppd_labelset *set);

/* ppd__filter_has - is the expression of that kind set? */
bool ppd__filter_has(const struct ppd_filter *f, enum ppd__filter_re which);

/* ppd__filter_match - does the expression match s[0..n) anywhere? */
bool ppd__filter_match(const struct ppd_filter *f, enum ppd__filter_re which,
                       struct ppd_str s);

#endif
