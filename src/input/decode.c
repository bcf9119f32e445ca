/*
 * decode.c - the entry points that turn an input into a profile: open the
 * bytes (source.c), tell a protobuf from Go's text profiles (gotext.c)
 * and from what is plainly not a profile (sniff.c), and walk the one
 * found into the model builder (model/builder.c).
 *
 * The one non-obvious decision: decoded tables get a memory budget tied
 * to --max-bytes (4 x max + 64 MiB), because records of a few bytes each
 * can decode to structs many times their size.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "input/gotext.h"
#include "input/gperf.h"
#include "input/pprof_pb.h"
#include "input/sniff.h"
#include "input/source.h"
#include "model/builder.h"
#include "model/names.h"
#include "pprofdiff/decode.h"

static uint64_t
budget_for(uint64_t max)
{
    return max > (UINT64_MAX - ((uint64_t)64 << 20)) / 4
               ? UINT64_MAX
               : max * 4 + ((uint64_t)64 << 20);
}

static enum ppd_status
decode(FILE *fp, const void *mem, size_t len, const char *name, uint64_t max,
       uint64_t max_depth, enum ppd_names names, struct ppd_profile **out,
       struct ppd_error *err)
{
    struct ppd__source s;
    struct ppd__builder *b = NULL;
    enum ppd_status st;

    *out = NULL;
    st = ppd__source_open(&s, fp, mem, len, name, max, err);
    if (st != PPD_OK)
        goto out;
    uint64_t budget = budget_for(max);
    b = ppd__builder_new(name, budget, max_depth, err);
    if (b == NULL) {
        st = PPD_ENOMEM;
        goto out;
    }
    /* A sample record takes 40-50 bytes in big heap profiles: presize
     * for a little more, so a big profile is not rehashed; but for no
     * more than 1M records. A bigger input may be many identical records
     * (20M of them presized for 4M cost 76 MiB instead of 28) or claim
     * any size; the tables grow as needed. */
    uint64_t expect = ppd__source_size_hint(&s) / PPD__SAMPLE_BYTES_HINT;
    ppd__builder_reserve(b, (size_t)(expect < ((uint64_t)1 << 20)
                                         ? expect
                                         : (uint64_t)1 << 20));
    if (!ppd__source_fill(&s, 64) && s.st != PPD_OK) {
        st = s.st;
        goto out;
    }
    if (s.gz && s.end == s.pos) {
        st = ppd_error_set(err, PPD_ENOTPROF, name,
                           "empty input after gzip: not a profile");
        goto out;
    }
    size_t avail = s.end - s.pos;
    if (ppd__gperf_cpu_is(s.buf + s.pos, avail)) {
        st = ppd__gperf_cpu_read(&s, b);
        if (st == PPD_OK)
            st = ppd__builder_finish(b, s.produced, s.gz, out);
        goto out;
    }
    bool text = ppd__sniff_is_text(s.buf + s.pos, avail);
    if (text && ppd__gotext_is(s.buf + s.pos, avail)) {
        st = ppd__gotext_read(&s, b);
        if (st == PPD_OK)
            st = ppd__builder_finish(b, s.produced, s.gz, out);
        goto out;
    }
    if (text) {
        const char *kind;
        char quote[48];
        ppd__sniff_describe(s.head, s.nhead, s.produced > s.nhead, &kind,
                            quote);
        st = ppd_error_set(err, PPD_ENOTPROF, name,
                           "not a pprof profile: input is %s%s: \"%s\"", kind,
                           s.gz ? " (gzipped)" : "", quote);
        goto out;
    }
    st = ppd__pprof_read(&s, b, budget);
    if (st == PPD_OK)
        st = ppd__builder_finish(b, s.produced, s.gz, out);
out:
    if (st == PPD_OK && *out != NULL) {
        st = ppd__names_apply(*out, names, err);
        if (st != PPD_OK) {
            ppd_profile_free(*out);
            *out = NULL;
        }
    }
    if (st != PPD_OK && err != NULL && err->code == PPD_OK)
        ppd_error_set(err, st, name, "%s", ppd_status_str(st));
    ppd__builder_free(b);
    ppd__source_close(&s);
    return st;
}

/* The cap in force: the caller's, at most 2^62 so that sums stay exact. */
static uint64_t
max_of(const struct ppd_decode_options *opt)
{
    uint64_t max = opt != NULL && opt->max_bytes != 0 ? opt->max_bytes
                                                      : PPD_DEFAULT_MAX_BYTES;
    return max > ((uint64_t)1 << 62) ? (uint64_t)1 << 62 : max;
}

static uint64_t
depth_of(const struct ppd_decode_options *opt)
{
    return opt != NULL && opt->max_depth != 0 ? opt->max_depth
                                              : PPD_DEFAULT_MAX_DEPTH;
}

static enum ppd_names
names_of(const struct ppd_decode_options *opt)
{
    return opt != NULL ? opt->names : PPD_NAMES_SIMPLIFIED;
}

enum ppd_status
ppd_decode_buffer(const void *data, size_t len, const char *name,
                  const struct ppd_decode_options *opt,
                  struct ppd_profile **out, struct ppd_error *err)
{
    return decode(NULL, data, data != NULL ? len : 0, name ? name : "",
                  max_of(opt), depth_of(opt), names_of(opt), out, err);
}

enum ppd_status
ppd_decode_stream(FILE *fp, const char *name,
                  const struct ppd_decode_options *opt,
                  struct ppd_profile **out, struct ppd_error *err)
{
    return decode(fp, NULL, 0, name ? name : "", max_of(opt), depth_of(opt),
                  names_of(opt), out, err);
}

enum ppd_status
ppd_decode_file(const char *path, const struct ppd_decode_options *opt,
                struct ppd_profile **out, struct ppd_error *err)
{
    *out = NULL;
    if (strcmp(path, "-") == 0)
        return ppd_decode_stream(stdin, "-", opt, out, err);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return ppd_error_set(err, PPD_EIO, path, "cannot open: %s",
                             strerror(errno));
    enum ppd_status st = ppd_decode_stream(fp, path, opt, out, err);
    fclose(fp);
    return st;
}
