/*
 * error.c - status strings and the error record.
 *
 * Messages are formatted once, where the failure is detected, into a fixed
 * buffer inside struct ppd_error, so reporting an error never allocates.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pprofdiff/error.h"

const char *
ppd_status_str(enum ppd_status code)
{
    switch (code) {
    case PPD_OK: return "success";
    case PPD_ENOMEM: return "out of memory";
    case PPD_EIO: return "input/output error";
    case PPD_EGZIP: return "corrupt gzip data";
    case PPD_ETOOBIG: return "input too large";
    case PPD_EPROTO: return "invalid protobuf";
    case PPD_ECORRUPT: return "invalid profile";
    case PPD_ENOTPROF: return "not a profile";
    case PPD_ESAMPLE: return "sample type not found";
    case PPD_EINVAL: return "invalid argument";
    case PPD_EFETCH: return "transfer failed";
    case PPD_EHTTP: return "HTTP error";
    }
    return "unknown error";
}

enum ppd_status
ppd_error_set(struct ppd_error *err, enum ppd_status code, const char *input,
              const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    snprintf(err->input, sizeof err->input, "%s", input ? input : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

char *
ppd_error_format(const struct ppd_error *err, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    const char *msg = err->msg[0] ? err->msg : ppd_status_str(err->code);
    if (err->input[0])
        snprintf(buf, n, "%s: %s", err->input, msg);
    else
        snprintf(buf, n, "%s", msg);
    return buf;
}
