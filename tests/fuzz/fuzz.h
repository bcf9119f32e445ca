/*
 * fuzz.h - the libFuzzer entry point every fuzz target implements, and
 * helpers shared by the targets. The replay driver (replay.c) calls the
 * same entry point, so a target builds with any C11 compiler.
 */
#ifndef PPD_FUZZ_H
#define PPD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pprofdiff/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cap on inflated bytes: big enough for every seed, small enough that a
 * run never needs more than a few hundred MiB. */
#define FUZZ_MAX_BYTES ((uint64_t)16 << 20)

/*
 * fuzz_sink - /dev/null, opened once per process and kept open (libFuzzer
 * calls the target millions of times). Aborts when it cannot be opened.
 */
static inline FILE *
fuzz_sink(void)
{
    static FILE *sink;
    if (sink == NULL) {
        sink = fopen("/dev/null", "w");
        if (sink == NULL)
            abort();
    }
    return sink;
}

/* Does msg hold a control character (a second line, a terminal escape)? */
static inline int
fuzz_has_control(const char *msg)
{
    static int allow = -1;
    if (allow < 0) {
        /* PPD_FUZZ_ALLOW_CONTROL=1: fuzz on past that open bug. */
        const char *e = getenv("PPD_FUZZ_ALLOW_CONTROL");
        allow = e != NULL && strcmp(e, "1") == 0;
    }
    if (allow)
        return 0;
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 1;
    return 0;
}

/*
 * fuzz_check_error - the error contract: a failed call leaves *out NULL
 * and fills err with its status, the input name and a non-empty message
 * that prints as one line (no control characters, even when it quotes
 * the input). A violation is a bug, so it aborts, which the fuzzer
 * reports as a crash.
 */
static inline void
fuzz_check_error(enum ppd_status st, const void *out,
                 const struct ppd_error *err, const char *name)
{
    if (st == PPD_OK)
        return;
    if (out != NULL || err->code != st || err->msg[0] == '\0' ||
        memchr(err->msg, '\0', sizeof err->msg) == NULL ||
        fuzz_has_control(err->msg) ||
        (name != NULL && strcmp(err->input, name) != 0)) {
        fprintf(stderr, "error contract violated: status %d (%s), err %d, "
                        "input '%.64s', msg '%.200s'\n",
                (int)st, ppd_status_str(st), (int)err->code, err->input,
                err->msg);
        abort();
    }
}

#endif
