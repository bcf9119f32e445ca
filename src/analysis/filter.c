/*
 * filter.c - compiled regular expressions for pprof's filters.
 *
 * PCRE2 compiles them once; matching is unanchored, as Go's
 * regexp.MatchString, and tolerates names that are not valid UTF-8
 * (converted profiles hold such bytes).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

#include "analysis/filter.h"

struct ppd_filter {
    pcre2_code *re[PPD__NFILTERS];
    pcre2_match_data *md; /* one per filter: matching is not shared */
};

static const char *const option_names[PPD__NFILTERS] = {
    "--focus", "--ignore", "--hide", "--show", "--show-from"};

enum ppd_status
ppd_filter_new(const struct ppd_filter_options *o, struct ppd_filter **out,
               struct ppd_error *err)
{
    const char *pat[PPD__NFILTERS] = {o->focus, o->ignore, o->hide, o->show,
                                      o->show_from};
    *out = NULL;
    bool any = false;
    for (int i = 0; i < PPD__NFILTERS; i++)
        any = any || pat[i] != NULL;
    if (!any)
        return PPD_OK;
    struct ppd_filter *f = calloc(1, sizeof *f);
    if (f == NULL)
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    for (int i = 0; i < PPD__NFILTERS; i++) {
        if (pat[i] == NULL)
            continue;
        int code;
        PCRE2_SIZE at;
        f->re[i] = pcre2_compile((PCRE2_SPTR)pat[i], PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code,
                                 &at, NULL);
        if (f->re[i] == NULL) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(code, msg, sizeof msg);
            ppd_filter_free(f);
            return ppd_error_set(err, PPD_EINVAL, NULL,
                                 "invalid %s pattern '%s': %s at offset %zu",
                                 option_names[i], pat[i], (const char *)msg,
                                 (size_t)at);
        }
    }
    f->md = pcre2_match_data_create(4, NULL);
    if (f->md == NULL) {
        ppd_filter_free(f);
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    }
    *out = f;
    return PPD_OK;
}

void
ppd_filter_free(struct ppd_filter *f)
{
    if (f == NULL)
        return;
    for (int i = 0; i < PPD__NFILTERS; i++)
        pcre2_code_free(f->re[i]);
    pcre2_match_data_free(f->md);
    free(f);
}

bool
ppd__filter_has(const struct ppd_filter *f, enum ppd__filter_re which)
{
    return f != NULL && f->re[which] != NULL;
}

bool
ppd__filter_match(const struct ppd_filter *f, enum ppd__filter_re which,
                  struct ppd_str s)
{
    if (f == NULL || f->re[which] == NULL)
        return false;
    return pcre2_match(f->re[which], (PCRE2_SPTR)s.ptr, s.len, 0, 0, f->md,
                       NULL) >= 0;
}

struct ppd__regex {
    pcre2_code *code;
    pcre2_match_data *md;
};

enum ppd_status
ppd__regex_new(const char *pattern, const char *option,
               struct ppd__regex **out, struct ppd_error *err)
{
    *out = NULL;
    struct ppd__regex *re = calloc(1, sizeof *re);
    if (re == NULL)
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    int code;
    PCRE2_SIZE at;
    re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                             PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &at,
                             NULL);
    if (re->code == NULL) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        free(re);
        return ppd_error_set(err, PPD_EINVAL, NULL,
                             "invalid %s pattern '%s': %s at offset %zu",
                             option, pattern, (const char *)msg, (size_t)at);
    }
    re->md = pcre2_match_data_create(4, NULL);
    if (re->md == NULL) {
        ppd__regex_free(re);
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    }
    *out = re;
    return PPD_OK;
}

enum ppd_status
ppd_pattern_check(const char *pattern, const char *option,
                  struct ppd_error *err)
{
    struct ppd__regex *re;
    enum ppd_status st = ppd__regex_new(pattern, option, &re, err);
    ppd__regex_free(re);
    return st;
}

bool
ppd__regex_match(const struct ppd__regex *re, struct ppd_str s)
{
    return pcre2_match(re->code, (PCRE2_SPTR)s.ptr, s.len, 0, 0, re->md,
                       NULL) >= 0;
}

void
ppd__regex_free(struct ppd__regex *re)
{
    if (re == NULL)
        return;
    pcre2_code_free(re->code);
    pcre2_match_data_free(re->md);
    free(re);
}
