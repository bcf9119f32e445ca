/*
 * error.h - status codes and the error record every fallible call fills.
 *
 * Every function that can fail returns enum ppd_status (PPD_OK == 0) and
 * takes an optional struct ppd_error *, which may be NULL. The library
 * never prints; the command-line tool prints one line per error:
 *
 *     pprofdiff: INPUT: MESSAGE
 */
#ifndef PPROFDIFF_ERROR_H
#define PPROFDIFF_ERROR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PPD_NODISCARD __attribute__((warn_unused_result))
#define PPD_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PPD_NODISCARD
#define PPD_PRINTF(fmt, args)
#endif

enum ppd_status {
    PPD_OK = 0,
    PPD_ENOMEM,    /* out of memory */
    PPD_EIO,       /* cannot open or read an input */
    PPD_EGZIP,     /* corrupt or truncated gzip stream */
    PPD_ETOOBIG,   /* input larger than the configured cap */
    PPD_EPROTO,    /* not a valid protobuf encoding */
    PPD_ECORRUPT,  /* valid protobuf, invalid profile (dangling id, ...) */
    PPD_ENOTPROF,  /* input is not a profile at all (text, HTML, empty) */
    PPD_ESAMPLE,   /* requested sample type not offered */
    PPD_EINVAL,    /* invalid argument from the caller */
    PPD_EFETCH,    /* transfer failed (connect, timeout, TLS, ...) */
    PPD_EHTTP,     /* server answered with an error status */
    PPD_ENODATA    /* a backend has no data for the time asked */
};

/* Where in the flow an error was found. */
enum ppd_stage {
    PPD_STAGE_NONE = 0, /* not said */
    PPD_STAGE_READ,     /* opening or reading the input */
    PPD_STAGE_GZIP,     /* inflating; offset counts compressed bytes */
    PPD_STAGE_PROTOBUF, /* the wire format; offset counts protobuf bytes */
    PPD_STAGE_PROFILE,  /* the records (dangling ids, limits) */
    PPD_STAGE_ANALYSIS, /* combining profiles (sample type, ...) */
    PPD_STAGE_OUTPUT,   /* writing the result */
    PPD_STAGE_FETCH     /* a transfer */
};

/* No offset, or no record index. */
#define PPD_NO_OFFSET UINT64_MAX

/* Room for the input name and the message; both are always NUL-terminated. */
#define PPD_ERROR_INPUT_MAX 512
#define PPD_ERROR_MSG_MAX 1024

/*
 * An error as data: what (code), which input, where in the flow (stage),
 * where in the input (offset: for gzip errors in compressed bytes, else
 * in protobuf bytes, inflated for a gzipped input) and which record
 * (record names its kind, "sample", "location", ...; index counts records
 * of that kind from 0, in input order). msg is the sentence a person
 * reads, formatted once from these where the error is found.
 */
struct ppd_error {
    enum ppd_status code;
    enum ppd_stage stage;
    uint64_t offset;    /* PPD_NO_OFFSET when none */
    const char *record; /* a static string, or NULL */
    uint64_t index;     /* PPD_NO_OFFSET when record is NULL */
    char input[PPD_ERROR_INPUT_MAX]; /* file, "-" (stdin) or URL; may be "" */
    char msg[PPD_ERROR_MSG_MAX];
};

/*
 * ppd_status_str - a short constant description of a status code
 * ("out of memory", ...). Never returns NULL. Thread-safe.
 */
const char *ppd_status_str(enum ppd_status code);

/*
 * ppd_error_set - fill err (if not NULL) with code, input name and a
 * printf-style message, and return code, so that callers can write
 * `return ppd_error_set(err, PPD_EIO, path, "...")`. input may be NULL.
 */
enum ppd_status ppd_error_set(struct ppd_error *err, enum ppd_status code,
                              const char *input, const char *fmt, ...)
    PPD_PRINTF(4, 5);

/*
 * ppd_error_where - record where an error set by ppd_error_set() was
 * found: stage, offset (PPD_NO_OFFSET: none) and record kind and index
 * (record NULL: none). err may be NULL.
 */
void ppd_error_where(struct ppd_error *err, enum ppd_stage stage,
                     uint64_t offset, const char *record, uint64_t index);

/*
 * ppd_error_format - write "INPUT: MESSAGE" (or "MESSAGE" when there is no
 * input name) into buf of size n, truncating safely. Returns buf.
 */
char *ppd_error_format(const struct ppd_error *err, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif
