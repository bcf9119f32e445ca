/*
 * fetch.h - pull profiles from /debug/pprof endpoints with libcurl.
 *
 * Network input is untrusted: downloads are capped while they stream in,
 * non-2xx answers and bodies that are not profiles become one error line
 * naming the URL (with secrets masked), and every handle is released on
 * every path. libcurl is loaded and initialised when the first transfer
 * starts (a program that never fetches never loads it); a fetch where it
 * cannot be loaded fails with PPD_EFETCH saying so.
 *
 * Two front ends share one transfer engine (libcurl multi): the fetch
 * functions below take one URL, and ppd_capture_run() takes many targets
 * and profile types, fetches them concurrently and saves each snapshot
 * atomically under a name that sorts by time.
 */
#ifndef PPROFDIFF_FETCH_H
#define PPROFDIFF_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "pprofdiff/decode.h"
#include "pprofdiff/error.h"
#include "pprofdiff/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PPD_DEFAULT_MAX_DOWNLOAD ((uint64_t)256 << 20)
#define PPD_DEFAULT_TIMEOUT 60.0         /* seconds, plus --seconds */
#define PPD_DEFAULT_CONNECT_TIMEOUT 10.0 /* seconds */
#define PPD_DEFAULT_RETRIES 2
#define PPD_DEFAULT_MAX_REDIRECTS 10L
#define PPD_DEFAULT_PROFILE_TYPE "profile" /* pprof's default: CPU */
#define PPD_MAX_RETRY_AFTER 60             /* longest Retry-After obeyed, s */
#define PPD_FETCH_BODY_START_MAX 320       /* see ppd_fetch_info.body_start */

/* Zero means the default for every field. */
struct ppd_fetch_options {
    const char *type;          /* profile type for host:port targets */
    long seconds;              /* adds ?seconds=N when > 0 */
    double timeout;            /* whole transfer, seconds; default 60 +
                                  seconds */
    double connect_timeout;    /* seconds; default 10 */
    double deadline;           /* seconds for a whole run of transfers
                                  (capture): those still running or
                                  waiting then are cancelled; 0 = none */
    int retries;               /* extra attempts; < 0 means none; default 2 */
    long max_redirects;        /* < 0 means none; default 10 */
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
    bool framed;               /* the body may start with a zero byte
                                  (gRPC-Web frames): never cut it */
    bool quiet;                /* no progress line */
    bool progress;             /* progress line while waiting ... */
    FILE *progress_out;        /* ... written here (the CLI passes stderr
                                  when it is a terminal); NULL = none */
};

/* A downloaded body. Free data with free(). */
struct ppd_buffer {
    unsigned char *data;
    size_t len;
};

/* What the server said about a body, for error messages. */
struct ppd_fetch_info {
    long status;            /* HTTP status of the last answer; 0 = none */
    char reason[64];        /* reason phrase, "" with HTTP/2 */
    char content_type[128]; /* "" when the server sent none */
    int attempts;           /* transfers made, retries included */
    /* The start of the body as quoted in messages, secrets masked. */
    char body_start[PPD_FETCH_BODY_START_MAX];
    /* A gRPC status sent as a header (a trailers-only gRPC-Web answer):
     * -1 without one, and its message. */
    long grpc_status;
    char grpc_message[256];
};

/*
 * ppd_fetch_is_remote - true when spec names a URL (http://, https://,
 * any letter case) or a host:port target ("10.0.0.5:6060",
 * "localhost:6060/debug/pprof/heap", "[::1]:6060") rather than a file.
 * Pure syntax: the file system is not consulted, so a file whose name
 * looks like host:port must be given as "./name". NULL gives false.
 * Thread-safe.
 */
bool ppd_fetch_is_remote(const char *spec);

/*
 * ppd_fetch_type_for_kind - the /debug/pprof endpoint that serves the kind
 * of profile ppd_profile_kind() names: "cpu" gives "profile", "heap",
 * "goroutine", "block", "mutex" and "threadcreate" give themselves.
 * Returns NULL for anything else (including NULL). Thread-safe.
 */
const char *ppd_fetch_type_for_kind(const char *kind);

/*
 * ppd_fetch_target_url - turn a remote spec into the URL to fetch.
 * host:port[/path] gets "http://" in front. A URL whose path is empty or
 * "/" gets "/debug/pprof/TYPE"; one whose path ends in "/debug/pprof" or
 * "/debug/pprof/" gets TYPE appended; any other URL is used as given.
 * type NULL or "" means PPD_DEFAULT_PROFILE_TYPE (pprof's choice, the
 * CPU profile); custom profile names may use letters, digits and
 * "._-/". seconds > 0 appends "seconds=N" to the query. A fragment is
 * dropped. On success stores a malloc'd string in *out (free with
 * free()); on failure *out is NULL and err says why (PPD_EINVAL,
 * PPD_ENOMEM). Thread-safe.
 */
PPD_NODISCARD enum ppd_status
ppd_fetch_target_url(const char *spec, const char *type, long seconds,
                     char **out, struct ppd_error *err);

/*
 * ppd_fetch_mask_url - copy url into buf (size n, always NUL-terminated,
 * truncated if needed) with secrets replaced by "***": the userinfo
 * ("user:pass@") and the values of query parameters whose names suggest
 * a credential (token, key, secret, password, auth, sig). Returns buf.
 * Thread-safe.
 */
char *ppd_fetch_mask_url(const char *url, char *buf, size_t n);

/*
 * ppd_fetch_preload - load and initialise libcurl now rather than at the
 * first transfer. A program about to fetch from several threads at once
 * calls it first: libcurl before 7.84 must be initialised while no other
 * thread runs. Where it cannot be loaded, each fetch still says so.
 */
void ppd_fetch_preload(void);

/*
 * ppd_fetch_url - download url (a URL, not a host:port spec; see
 * ppd_fetch_target_url) with opt (NULL means all defaults). Retries
 * connection errors, 5xx, 408 and 429 with exponential backoff, obeying
 * Retry-After up to PPD_MAX_RETRY_AFTER seconds; the body is capped at
 * opt->max_download while it streams in. A non-2xx final answer is
 * PPD_EHTTP with the status, content type and start of the body in the
 * message; transport failures are PPD_EFETCH, an oversized body
 * PPD_ETOOBIG. err->input is the masked URL, and no message contains the
 * bearer token, a sensitive header value or URL userinfo.
 *
 * On success out holds the body (free out->data with free()); on
 * PPD_EHTTP it holds the start of the error answer (up to 4 KiB; free it
 * too); on other failures it is zeroed. info (may be NULL) is filled in
 * either case. Thread-safe.
 */
PPD_NODISCARD enum ppd_status
ppd_fetch_url(const char *url, const struct ppd_fetch_options *opt,
              struct ppd_buffer *out, struct ppd_fetch_info *info,
              struct ppd_error *err);

/*
 * ppd_fetch_check_profile - decide whether a downloaded body is a profile
 * and decode it. name labels errors (pass the masked URL); info (may be
 * NULL) supplies the status and content type for the message. Empty
 * bodies, text such as Go's "Unknown profile", HTML and JSON give
 * PPD_ENOTPROF with an HTTP-flavoured message ("HTTP 200 OK (text/html)
 * is not a profile: ...") instead of a protobuf parse error. dopt may be
 * NULL. With out non-NULL the decoded profile is stored there (free with
 * ppd_profile_free); with out NULL it is only validated. Thread-safe.
 */
PPD_NODISCARD enum ppd_status
ppd_fetch_check_profile(const char *name, const struct ppd_fetch_info *info,
                        const void *data, size_t len,
                        const struct ppd_decode_options *dopt,
                        struct ppd_profile **out, struct ppd_error *err);

/*
 * ppd_fetch_profile - ppd_fetch_target_url(spec, opt->type,
 * opt->seconds), ppd_fetch_url() and ppd_fetch_check_profile() in one
 * call. The profile's name is the masked URL. opt and dopt may be NULL.
 * On failure *out is NULL. Thread-safe as ppd_fetch_url().
 */
PPD_NODISCARD enum ppd_status
ppd_fetch_profile(const char *spec, const struct ppd_fetch_options *opt,
                  const struct ppd_decode_options *dopt,
                  struct ppd_profile **out, struct ppd_error *err);

/*
 * ppd_fetch_save - download url (as ppd_fetch_url), check that the body
 * is a profile (as ppd_fetch_check_profile) and save it to path
 * atomically (as ppd_fetch_save_atomic), or with path NULL copy it to
 * out. The body streams to a temporary file beside path (or an
 * anonymous one) as it arrives and is checked from there: memory stays
 * a few buffers whatever the body's size. *bytes (may be NULL) gets the
 * body's size. Thread-safe for distinct paths.
 */
PPD_NODISCARD enum ppd_status
ppd_fetch_save(const char *url, const struct ppd_fetch_options *opt,
               const struct ppd_decode_options *dopt, const char *path,
               FILE *out, uint64_t *bytes, struct ppd_error *err);

/*
 * ppd_fetch_save_atomic - write data[0..len) to path so that path either
 * keeps its old content or holds all of the new one: the bytes go to a
 * temporary file in the same directory (".NAME.tmp-PID-XXXXXX"), which
 * is fsync'd and renamed over path; the directory is fsync'd too. On
 * failure the temporary file is removed. Leftover temporary files of
 * path from processes that no longer exist (a killed run) are removed
 * first. The file gets mode 0644. Thread-safe for distinct paths.
 */
PPD_NODISCARD enum ppd_status
ppd_fetch_save_atomic(const char *path, const void *data, size_t len,
                      struct ppd_error *err);

/* One finished capture, as reported to ppd_capture_options.report. */
struct ppd_capture_result {
    const char *target;  /* as given, without NAME= */
    const char *name;    /* the target's directory name */
    const char *type;    /* profile type (file name prefix) */
    const char *url;     /* masked */
    const char *path;    /* the saved file; NULL on failure */
    uint64_t bytes;      /* size of the saved file */
    enum ppd_status status;
    const struct ppd_error *err; /* NULL on success */
    long http_status;    /* of the last answer; 0 when none */
    int attempts;        /* transfers made, retries included */
    double seconds;      /* from the first attempt to the end */
};

/* Zero means the default for every field. */
struct ppd_capture_options {
    struct ppd_fetch_options fetch; /* fetch.type is ignored: see types */
    const char *const *types; /* default {"heap", "goroutine"} */
    size_t ntypes;
    const char *outdir;       /* default "." */
    size_t parallel;          /* transfers at once; default 8 */
    size_t keep;              /* snapshots kept per target and type;
                                 0 keeps all */
    const struct ppd_decode_options *decode; /* may be NULL */
    time_t now;               /* timestamp in names; 0 = time(NULL) */
    void (*report)(void *ctx, const struct ppd_capture_result *r);
    void *report_ctx;
};

/*
 * ppd_capture_run - fetch every type from every target concurrently and
 * save each profile as OUTDIR/NAME/TYPE-YYYYMMDDTHHMMSSZ.pb.gz (UTC, the
 * run's start time, so names sort by time). A target is host:port or a
 * URL, optionally prefixed "NAME=" to choose its directory; without one
 * the directory is the host and port ("10.0.0.5_6060"). A URL whose path
 * is not a /debug/pprof base (see ppd_fetch_target_url) is fetched once,
 * as given, and named after its last path segment.
 *
 * Each body is checked with ppd_fetch_check_profile() and then saved as
 * ppd_fetch_save_atomic() does, so no partial or invalid file ever has a
 * final name; leftovers of killed runs in the target directories are
 * removed first. With keep > 0, after a successful save the oldest
 * snapshots of that target and type beyond keep are deleted (only names
 * of the exact form above are touched).
 *
 * opt->report (may be NULL) is called once per target and type, from
 * this thread, as each finishes. One failure does not stop the others.
 * Returns PPD_OK when everything succeeded. A setup error (bad target,
 * two targets with one directory, unwritable OUTDIR) returns before any
 * transfer with err filled. Otherwise, when some captures failed, returns
 * the first failure's code with a summary in err ("2 of 6 captures
 * failed"). *nfailed (may be NULL) receives the number of failed
 * captures. Not thread-safe with itself on one OUTDIR.
 */
PPD_NODISCARD enum ppd_status
ppd_capture_run(const char *const *targets, size_t ntargets,
                const struct ppd_capture_options *opt, size_t *nfailed,
                struct ppd_error *err);

#ifdef __cplusplus
}
#endif

#endif
