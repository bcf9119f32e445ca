/*
 * fuzz_diff.c - fuzz the diff and the renderers with two profiles.
 *
 * The input is one option byte and two profiles back to back: the byte
 * picks where the rest is cut, at n * byte / 256 (seeds pad their halves
 * to equal length and use 0x80), and its low bits pick diff and render
 * options. Both halves must decode for the diff to run; the two are
 * then also a trend, rendered in every format with leak hints.
 */
#include <stdbool.h>

#include "fuzz.h"

#include "pprofdiff/decode.h"
#include "pprofdiff/diff.h"
#include "../unit/compat.h"
#include "pprofdiff/profile.h"
#include "pprofdiff/render.h"
#include "pprofdiff/signature.h"
#include "pprofdiff/trend.h"

/* The two profiles as a trend, with hints, in every trend format. */
static void
fuzz_trend(const struct ppd_diff *d, unsigned flags)
{
    static struct ppd_signatures *sigs;
    struct ppd_error err;
    memset(&err, 0, sizeof err);
    if (sigs == NULL && ppd_signatures_new(NULL, &sigs, &err) != PPD_OK)
        abort();
    int64_t times[2] = {(flags & 32) ? 0 : 2000000000000, 1000000000000};
    struct ppd_trend_options topt = {
        .times = times,
        .top = (flags & 8) ? 1 : 0,
        .all = (flags & 2) != 0,
        .entries = (flags & 64) != 0,
        .cum = (flags & 128) != 0,
    };
    struct ppd_trend *t = NULL;
    enum ppd_status st = ppd_trend_compute(d->accum, &topt, &t, &err);
    fuzz_check_error(st, t, &err, NULL);
    if (st != PPD_OK)
        return;
    static const enum ppd_format formats[] = {
        PPD_FORMAT_TEXT, PPD_FORMAT_TSV, PPD_FORMAT_CSV, PPD_FORMAT_JSON};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        struct ppd_render_options ropt = {.format = formats[i],
                                          .hints = sigs,
                                          .hint_kind = "goroutine",
                                          .ascii = (flags & 16) != 0};
        if (ppd_render_trend(fuzz_sink(), t, &ropt, &err) != PPD_OK)
            abort();
    }
    ppd_trend_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = data[0];
    const uint8_t *rest = data + 1;
    size_t n = size - 1;
    size_t cut = (size_t)((uint64_t)n * flags / 256);

    struct ppd_decode_options opt = {.max_bytes = FUZZ_MAX_BYTES};
    struct ppd_profile *p[2] = {NULL, NULL};
    struct ppd_error err;
    memset(&err, 0, sizeof err);
    enum ppd_status st = ppd_decode_buffer(rest, cut, "base", &opt, &p[0],
                                           &err);
    fuzz_check_error(st, p[0], &err, "base");
    if (st == PPD_OK) {
        st = ppd_decode_buffer(rest + cut, n - cut, "cur", &opt, &p[1],
                               &err);
        fuzz_check_error(st, p[1], &err, "cur");
    }
    if (st == PPD_OK) {
        static const char *const prefixes[] = {"main.", ""};
        struct test_opts dopt = {
            .sample = (flags & 1) ? "0" : NULL,
            .keep_unchanged = (flags & 2) != 0,
            .runtime_prefixes = prefixes,
            .nruntime_prefixes = (flags & 4) ? 2 : 0,
        };
        const struct ppd_profile *const in[] = {p[0], p[1]};
        struct ppd_diff *d = NULL;
        st = test_diff(in, 2, &dopt, &d, &err);
        fuzz_check_error(st, d, &err, NULL);
        if (st == PPD_OK) {
            struct ppd_render_options ropt = {
                .format = PPD_FORMAT_TEXT,
                .top = (flags & 8) ? 1 : 0,
                .hide_shrinking = (flags & 16) != 0,
                .show_unchanged = (flags & 2) != 0,
            };
            if (ppd_render(fuzz_sink(), d, &ropt, &err) != PPD_OK)
                abort();
            ropt.format = PPD_FORMAT_TSV;
            if (ppd_render(fuzz_sink(), d, &ropt, &err) != PPD_OK)
                abort();
            fuzz_trend(d, flags);
        }
        test_diff_free(d);
    }
    ppd_profile_free(p[0]);
    ppd_profile_free(p[1]);
    return 0;
}
