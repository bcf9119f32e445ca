/*
 * decode.h - read a pprof profile (gzipped or raw protobuf) into the model.
 *
 * The decoder streams: it inflates and walks the top-level Profile fields
 * as they arrive, unpacking each embedded message into a scratch arena and
 * merging samples by location sequence, so memory follows the number of
 * distinct stacks, not the size of the input. Decoded tables are capped at
 * 4 x max_bytes + 64 MiB. Every cross-reference is validated; a violation
 * is an error naming the record, never a crash.
 */
#ifndef PPROFDIFF_DECODE_H
#define PPROFDIFF_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pprofdiff/error.h"
#include "pprofdiff/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default cap on the decompressed (or raw) protobuf size: 256 MiB. */
#define PPD_DEFAULT_MAX_BYTES ((uint64_t)256 << 20)

/* Default cap on the locations of one sample: 1Mi. Real stacks are far
 * shallower (Go records at most a few hundred frames); the cap keeps one
 * hostile sample from costing gigabytes downstream. */
#define PPD_DEFAULT_MAX_DEPTH ((uint64_t)1 << 20)

/*
 * How function names read (--names), as pprof shows them:
 * PPD_NAMES_SIMPLIFIED (pprof's default): mangled C++ and Rust symbols
 * demangled, C++ parameters, template arguments and clone suffixes
 * dropped; names already demangled by the profiler kept, except that
 * C++-looking ones lose their parameters and template arguments.
 * PPD_NAMES_FULL (pprof's -symbolize=demangle=full): the system name
 * demangled whole. PPD_NAMES_RAW (pprof's -symbolize=none): the names as
 * the profile stores them.
 */
enum ppd_names {
    PPD_NAMES_SIMPLIFIED = 0,
    PPD_NAMES_FULL,
    PPD_NAMES_RAW
};

struct ppd_decode_options {
    uint64_t max_bytes; /* cap on protobuf bytes after inflating; 0 = default */
    uint64_t max_depth; /* cap on one sample's locations; 0 = default */
    enum ppd_names names; /* 0: simplified, as pprof */
};

/*
 * ppd_decode_buffer - decode the profile held in data[0..len). name labels
 * errors and becomes p->name (copied). opt may be NULL. On success stores
 * a new profile in *out (free with ppd_profile_free) and returns PPD_OK;
 * on failure *out is NULL and err says what and where. Thread-safe for
 * distinct outputs.
 */
PPD_NODISCARD enum ppd_status
ppd_decode_buffer(const void *data, size_t len, const char *name,
                  const struct ppd_decode_options *opt,
                  struct ppd_profile **out, struct ppd_error *err);

/*
 * ppd_decode_stream - as ppd_decode_buffer, reading fp to its end. The
 * caller keeps ownership of fp.
 */
PPD_NODISCARD enum ppd_status
ppd_decode_stream(FILE *fp, const char *name,
                  const struct ppd_decode_options *opt,
                  struct ppd_profile **out, struct ppd_error *err);

/*
 * ppd_decode_file - open path ("-" means stdin) and decode it.
 */
PPD_NODISCARD enum ppd_status
ppd_decode_file(const char *path, const struct ppd_decode_options *opt,
                struct ppd_profile **out, struct ppd_error *err);

#ifdef __cplusplus
}
#endif

#endif
