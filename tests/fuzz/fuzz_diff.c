/*
 * fuzz_diff.c - fuzz the diff and the renderers with two profiles.
 *
 * The input is one option byte and two profiles back to back: the byte
 * picks where the rest is cut, at n * byte / 256 (seeds pad their halves
 * to equal length and use 0x80), and its low bits pick diff and render
 * options. Both halves must decode for the diff to run.
 */
#include <stdbool.h>

#include "fuzz.h"

#include "pprofdiff/decode.h"
#include "pprofdiff/diff.h"
#include "../unit/compat.h"
#include "pprofdiff/profile.h"
#include "pprofdiff/render.h"

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
        }
        test_diff_free(d);
    }
    ppd_profile_free(p[0]);
    ppd_profile_free(p[1]);
    return 0;
}
