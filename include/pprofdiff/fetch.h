/*
 * fetch.h - pull profiles from /debug/pprof endpoints with libcurl.
 *
 * Network input is untrusted: downloads are capped while they stream in,
 * non-2xx answers and bodies that are not profiles become one error line
 * naming the URL (with secrets masked), and every handle is released on
 * every path. The caller calls curl_global_init() once before any fetch.
 */
#ifndef PPROFDIFF_FETCH_H
#define PPROFDIFF_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/decode.h"
#include "pprofdiff/error.h"
#include "pprofdiff/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PPD_DEFAULT_MAX_DOWNLOAD ((uint64_t)256 << 20)

/* Zero means the default for every field. */
struct ppd_fetch_options {
    const char *type;          /* profile type for host:port targets */
    long seconds;              /* adds ?seconds=N when > 0 */
    double timeout;            /* whole transfer, seconds */
    double connect_timeout;    /* seconds */
    int retries;               /* extra attempts; < 0 means none */
    long max_redirects;
    uint64_t max_download;     /* bytes; 0 = PPD_DEFAULT_MAX_DOWNLOAD */
    const char *const *headers; /* "Name: value" */
    size_t nheaders;
    const char *bearer_token_file;
    const char *data;          /* POST body; implies POST */
    size_t data_len;
    bool post;                 /* POST even without data */
    const char *cacert;
    const char *cert;
    const char *key;
    bool insecure;
    bool quiet;                /* no progress line */
    bool progress;             /* progress line on stderr while waiting */
};

/* A downloaded body. Free data with free(). */
struct ppd_buffer {
    unsigned char *data;
    size_t len;
};

/*
 * ppd_fetch_is_remote - true when spec names a URL (http://, https://) or a
 * host:port target rather than a file.
 */
bool ppd_fetch_is_remote(const char *spec);

#ifdef __cplusplus
}
#endif

#endif
