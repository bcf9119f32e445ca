/*
 * fuzz_decode.c - fuzz the decoder, then diff and render what it accepts.
 *
 * Every input is decoded twice: from memory (ppd_decode_buffer, the fetch
 * path) and as a stream (ppd_decode_stream on fmemopen, the file and stdin
 * path, which refills its window in pieces). Both must agree on the status
 * and the exact message, since users see the same input through both.
 * An accepted profile is diffed on its own and rendered as text and TSV.
 */
#include <stdbool.h>

#include "fuzz.h"

#include "pprofdiff/decode.h"
#include "pprofdiff/diff.h"
#include "../unit/compat.h"
#include "pprofdiff/profile.h"
#include "pprofdiff/render.h"

static void
diff_and_render(const struct ppd_profile *p, bool variant)
{
    const struct ppd_profile *const one[] = {p};
    struct test_opts dopt = {.keep_unchanged = variant};
    struct ppd_diff *d = NULL;
    struct ppd_error err;
    enum ppd_status st = test_diff(one, 1, &dopt, &d, &err);
    fuzz_check_error(st, d, &err, NULL);
    if (st != PPD_OK)
        return;
    struct ppd_render_options text = {
        .format = PPD_FORMAT_TEXT,
        .top = variant ? 3 : 0,
        .show_unchanged = variant,
    };
    struct ppd_render_options tsv = {.format = PPD_FORMAT_TSV};
    if (ppd_render(fuzz_sink(), d, &text, &err) != PPD_OK ||
        ppd_render(fuzz_sink(), d, &tsv, &err) != PPD_OK)
        abort(); /* /dev/null never fails */
    test_diff_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ppd_decode_options opt = {.max_bytes = FUZZ_MAX_BYTES};
    struct ppd_profile *p = NULL;
    struct ppd_error err;
    memset(&err, 0, sizeof err);
    enum ppd_status st = ppd_decode_buffer(data, size, "fuzz", &opt, &p,
                                           &err);
    fuzz_check_error(st, p, &err, "fuzz");

    /* The stream path; fmemopen cannot open an empty buffer everywhere. */
    if (size > 0) {
        FILE *fp = fmemopen((void *)(uintptr_t)data, size, "rb");
        if (fp == NULL)
            abort();
        struct ppd_profile *q = NULL;
        struct ppd_error qerr;
        memset(&qerr, 0, sizeof qerr);
        enum ppd_status qst = ppd_decode_stream(fp, "fuzz", &opt, &q, &qerr);
        fclose(fp);
        fuzz_check_error(qst, q, &qerr, "fuzz");
        if (qst != st || (st != PPD_OK && strcmp(err.msg, qerr.msg) != 0) ||
            (st == PPD_OK && (p->nsamples != q->nsamples ||
                              p->nsamples_read != q->nsamples_read ||
                              p->raw_bytes != q->raw_bytes))) {
            fprintf(stderr, "buffer and stream decoding disagree:\n"
                            "  buffer: %d %s\n  stream: %d %s\n",
                    (int)st, st ? err.msg : "ok", (int)qst,
                    qst ? qerr.msg : "ok");
            abort();
        }
        ppd_profile_free(q);
    }
    if (st != PPD_OK)
        return 0;
    diff_and_render(p, size % 2 == 1);
    ppd_profile_free(p);
    return 0;
}
