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
    PPD_EHTTP      /* server answered with an error status */
};

/* Room for the input name and the message; both are always NUL-terminated. */
#define PPD_ERROR_INPUT_MAX 512
#define PPD_ERROR_MSG_MAX 1024

struct ppd_error {
    enum ppd_status code;
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
 * ppd_error_format - write "INPUT: MESSAGE" (or "MESSAGE" when there is no
 * input name) into buf of size n, truncating safely. Returns buf.
 */
char *ppd_error_format(const struct ppd_error *err, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif
