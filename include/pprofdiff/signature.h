/*
 * signature.h - known leak patterns: frames that say what probably
 * leaks, and what to check in the code. The built-in table lives in
 * signature.c alone; a file may add entries.
 *
 * A signature matches a growing row when one of its frames' names
 * matches its pattern (PCRE2, anywhere in the name, as --focus), the
 * profile is of one of its kinds, and, for some, the stack also holds
 * user code (a frame that is not a runtime frame) and a growth of at
 * least 10 (the generic ones: a goroutine or two more asleep or on a
 * channel is how a busy service looks). The first signature
 * that matches gives the hint: entries from files come before the
 * built-in ones, in file order.
 *
 * A signature file holds one entry per line, three fields separated by
 * tabs:
 *
 *     KINDS<TAB>PATTERN<TAB>HINT
 *
 * KINDS is "*" or a comma-separated list of profile kinds (goroutine,
 * heap, cpu, block, mutex, threadcreate: as ppd_profile_kind() says);
 * PATTERN a regular expression; HINT the text shown. Lines that are
 * empty or start with '#' are skipped.
 */
#ifndef PPROFDIFF_SIGNATURE_H
#define PPROFDIFF_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pprofdiff/accum.h"
#include "pprofdiff/diff.h"
#include "pprofdiff/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ppd_signatures;

/*
 * ppd_signatures_new - the built-in signatures, compiled, with the
 * runtime frames of dopt (borrowed, may be NULL) telling user code.
 */
PPD_NODISCARD enum ppd_status
ppd_signatures_new(const struct ppd_diff_options *dopt,
                   struct ppd_signatures **out, struct ppd_error *err);

/*
 * ppd_signatures_load - add the entries of the file at path, ahead of
 * the built-in ones (and after those of files loaded before). PPD_EIO
 * when it cannot be read; PPD_EINVAL naming "PATH:LINE" for a malformed
 * line or a bad pattern.
 */
PPD_NODISCARD enum ppd_status
ppd_signatures_load(struct ppd_signatures *s, const char *path,
                    struct ppd_error *err);

/*
 * ppd_signatures_load_stream - the same, from fp (read to its end; the
 * caller keeps it); name stands for the file in errors.
 */
PPD_NODISCARD enum ppd_status
ppd_signatures_load_stream(struct ppd_signatures *s, FILE *fp,
                           const char *name, struct ppd_error *err);

/*
 * ppd_signatures_match - the hint for a row of a's profile kind whose
 * frames are frames[0..n) (a stack, leaf first, or one entry) and that
 * grew by delta, or NULL. s remembers what each of a's frames matched
 * (a memo inside it, not part of its value), so one thread at a time
 * may match with one s.
 */
const char *ppd_signatures_match(const struct ppd_signatures *s,
                                 const char *kind, const struct ppd_accum *a,
                                 const uint32_t *frames, size_t n,
                                 int64_t delta);

/* ppd_signatures_free - release them. Accepts NULL. */
void ppd_signatures_free(struct ppd_signatures *s);

#ifdef __cplusplus
}
#endif

#endif
