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
    case PPD_ENODATA: return "no data";
    }
    return "unknown error";
}

/*
 * Copy s into dst (size n) with control characters written as escapes
 * (\n, \t, \r, \xHH), so that a message quoting a profile's strings or
 * a server's answer stays one line and cannot drive the terminal.
 */
static void
escape_into(char *dst, size_t n, const char *s)
{
    size_t o = 0;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[5];
        if (c == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (c == '\t')
            snprintf(esc, sizeof esc, "\\t");
        else if (c == '\r')
            snprintf(esc, sizeof esc, "\\r");
        else if (c < 0x20 || c == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", c);
        else {
            esc[0] = (char)c;
            esc[1] = '\0';
        }
        size_t len = strlen(esc);
        if (o + len + 1 > n)
            break;
        memcpy(dst + o, esc, len);
        o += len;
    }
    dst[o] = '\0';
}

enum ppd_status
ppd_error_set(struct ppd_error *err, enum ppd_status code, const char *input,
              const char *fmt, ...)
{
    if (err == NULL)
        return code;
    err->code = code;
    err->stage = PPD_STAGE_NONE;
    err->offset = PPD_NO_OFFSET;
    err->record = NULL;
    err->index = PPD_NO_OFFSET;
    escape_into(err->input, sizeof err->input, input ? input : "");
    char raw[PPD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    escape_into(err->msg, sizeof err->msg, raw);
    return code;
}

void
ppd_error_where(struct ppd_error *err, enum ppd_stage stage, uint64_t offset,
                const char *record, uint64_t index)
{
    if (err == NULL)
        return;
    err->stage = stage;
    err->offset = offset;
    err->record = record;
    err->index = record != NULL ? index : PPD_NO_OFFSET;
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
