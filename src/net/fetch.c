/*
 * fetch.c - download profiles with libcurl, check them, save them.
 *
 * Every download, single or many, goes through one engine built on the
 * libcurl multi interface (ppd__fetch_many): handles are configured
 * alike, bodies are capped in the write callback while they stream in,
 * and failures are classified once, so `pprofdiff fetch`, URL inputs of
 * a diff and `pprofdiff capture` behave identically.
 *
 * The non-obvious decision: secrets are scrubbed from messages by value,
 * not by construction. Error text comes from several places we do not
 * control (libcurl's error buffer, the start of a server's body, which
 * may echo a request header), so after a message is formatted every
 * known secret (bearer token, sensitive header values, URL userinfo) is
 * replaced by "***", and URLs are always shown through
 * ppd_fetch_mask_url().
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "input/sniff.h"
#include "net/libcurl.h"
#include "net/fetch_int.h"
#include "pprofdiff/backend.h"
#include "pprofdiff/fetch.h"

#define MAX_URL 8192
#define TOKEN_FILE_MAX ((size_t)64 << 10)
#define ERROR_BODY_KEEP 4096 /* bytes of a non-2xx body worth reading */
#define SNIPPET_CHARS 72 /* rendered: at most 4 * 72 + 6 bytes */
#define BACKOFF_FIRST_MS 500
#define BACKOFF_MAX_MS 8000
#define PROGRESS_DELAY_MS 1000
#define DEFAULT_PARALLEL 8

/* ---- Specs and URLs ---- */

static bool
has_http_scheme(const char *s)
{
    return strncasecmp(s, "http://", 7) == 0 ||
           strncasecmp(s, "https://", 8) == 0;
}

static bool
is_host_char(int c)
{
    return isalnum(c) || c == '.' || c == '-' || c == '_';
}

/*
 * Length of a leading "host:port" (or "[v6]:port") in s when it is
 * followed by the end or a '/', else 0.
 */
static size_t
hostport_len(const char *s)
{
    size_t i = 0;
    if (s[0] == '[') {
        i = 1;
        while (isxdigit((unsigned char)s[i]) || s[i] == ':' || s[i] == '.')
            i++;
        if (i == 1 || s[i] != ']')
            return 0;
        i++;
    } else {
        while (is_host_char((unsigned char)s[i]))
            i++;
        if (i == 0)
            return 0;
    }
    if (s[i] != ':')
        return 0;
    i++;
    size_t digits = 0;
    unsigned long port = 0;
    while (isdigit((unsigned char)s[i]) && digits < 6) {
        port = port * 10 + (unsigned long)(s[i] - '0');
        i++;
        digits++;
    }
    if (digits == 0 || digits > 5 || port == 0 || port > 65535)
        return 0;
    if (s[i] != '\0' && s[i] != '/')
        return 0;
    return i;
}

bool
ppd_fetch_is_remote(const char *spec)
{
    if (spec == NULL)
        return false;
    if (has_http_scheme(spec) || ppd_backend_is(spec))
        return true;
    return hostport_len(spec) > 0;
}

static bool
valid_type(const char *t)
{
    if (t[0] == '\0' || t[0] == '/' || strstr(t, "..") != NULL)
        return false;
    for (const char *p = t; *p; p++) {
        int c = (unsigned char)*p;
        if (!isalnum(c) && c != '.' && c != '_' && c != '-' && c != '/')
            return false;
    }
    return true;
}

static bool
ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

enum ppd_status
ppd_fetch_target_url(const char *spec, const char *type, long seconds,
                     char **out, struct ppd_error *err)
{
    *out = NULL;
    if (spec == NULL || !ppd_fetch_is_remote(spec))
        return ppd_error_set(err, PPD_EINVAL, spec,
                             "not a URL or host:port target");
    if (type == NULL || type[0] == '\0')
        type = PPD_DEFAULT_PROFILE_TYPE;
    if (!valid_type(type))
        return ppd_error_set(err, PPD_EINVAL, spec,
                             "bad profile type '%s' (letters, digits, "
                             "'._-/')", type);
    if (seconds < 0)
        return ppd_error_set(err, PPD_EINVAL, spec,
                             "--seconds must not be negative");

    /* Split into scheme+authority, path and query; drop the fragment. */
    const char *scheme = has_http_scheme(spec) ? "" : "http://";
    const char *auth = strstr(spec, "://");
    auth = auth ? auth + 3 : spec;
    const char *path = auth + strcspn(auth, "/?#");
    size_t pathlen = strcspn(path, "?#");
    const char *query = path + pathlen;
    size_t querylen = 0;
    if (*query == '?') {
        query++;
        querylen = strcspn(query, "#");
    }
    if (path == auth)
        return ppd_error_set(err, PPD_EINVAL, spec, "URL has no host");

    const char *add = "";
    const char *add2 = "";
    if (pathlen == 0 || (pathlen == 1 && path[0] == '/')) {
        pathlen = 0;
        add = "/debug/pprof/";
        add2 = type;
    } else if (ends_with(path, pathlen, "/debug/pprof/")) {
        add = type;
    } else if (ends_with(path, pathlen, "/debug/pprof")) {
        add = "/";
        add2 = type;
    }

    char secs[32] = "";
    if (seconds > 0)
        snprintf(secs, sizeof secs, "seconds=%ld", seconds);

    size_t need = strlen(scheme) + (size_t)(path - spec) + pathlen +
                  strlen(add) + strlen(add2) + 1 + querylen + 1 +
                  strlen(secs) + 1;
    if (need > MAX_URL)
        return ppd_error_set(err, PPD_EINVAL, "", "URL longer than %d bytes",
                             MAX_URL);
    char *url = malloc(need);
    if (url == NULL)
        return ppd_error_set(err, PPD_ENOMEM, spec, "out of memory");
    int len = snprintf(url, need, "%s%.*s%.*s%s%s", scheme,
                       (int)(path - spec), spec, (int)pathlen, path, add,
                       add2);
    if (querylen > 0 || secs[0]) {
        len += snprintf(url + len, need - (size_t)len, "?%.*s", (int)querylen,
                        query);
        if (querylen > 0 && secs[0])
            len += snprintf(url + len, need - (size_t)len, "&");
        snprintf(url + len, need - (size_t)len, "%s", secs);
    }
    *out = url;
    return PPD_OK;
}

/* A query parameter or header name that usually carries a credential. */
static bool
is_secret_name(const char *name, size_t len)
{
    static const char *const words[] = {"token",  "key",  "secret",
                                        "pass",   "auth", "sig",
                                        "cookie", "session", "credential"};
    char low[64];
    if (len >= sizeof low)
        len = sizeof low - 1;
    for (size_t i = 0; i < len; i++)
        low[i] = (char)tolower((unsigned char)name[i]);
    low[len] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (strstr(low, words[i]) != NULL)
            return true;
    }
    return false;
}

/* Bounded appender for ppd_fetch_mask_url. */
struct sbuf {
    char *p;
    size_t n, len;
};

static void
sb_put(struct sbuf *b, const char *s, size_t k)
{
    for (size_t i = 0; i < k && b->len + 1 < b->n; i++)
        b->p[b->len++] = s[i];
    b->p[b->len] = '\0';
}

char *
ppd_fetch_mask_url(const char *url, char *buf, size_t n)
{
    if (n == 0)
        return buf;
    struct sbuf b = {buf, n, 0};
    buf[0] = '\0';
    if (url == NULL)
        return buf;

    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    sb_put(&b, url, (size_t)(auth - url));
    size_t authlen = strcspn(auth, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < authlen; i++) {
        if (auth[i] == '@')
            at = auth + i;
    }
    if (at != NULL) {
        sb_put(&b, "***", 3);
        sb_put(&b, at, authlen - (size_t)(at - auth));
    } else {
        sb_put(&b, auth, authlen);
    }

    const char *p = auth + authlen;
    size_t pathlen = strcspn(p, "?#");
    sb_put(&b, p, pathlen);
    p += pathlen;
    if (*p == '?') {
        sb_put(&b, "?", 1);
        p++;
        while (*p && *p != '#') {
            size_t plen = strcspn(p, "&#");
            size_t namelen = strcspn(p, "=&#");
            if (namelen < plen && is_secret_name(p, namelen)) {
                sb_put(&b, p, namelen);
                sb_put(&b, "=***", 4);
            } else {
                sb_put(&b, p, plen);
            }
            p += plen;
            if (*p == '&') {
                sb_put(&b, "&", 1);
                p++;
            }
        }
    }
    sb_put(&b, p, strlen(p));
    return buf;
}

/* ---- Secrets ---- */

struct secrets {
    char **v;
    size_t n, cap;
};

/* Remember a secret (copied). Very short strings are not worth masking. */
static enum ppd_status
secrets_add(struct secrets *s, const char *v, size_t len)
{
    while (len > 0 && isspace((unsigned char)v[len - 1]))
        len--;
    while (len > 0 && isspace((unsigned char)*v)) {
        v++;
        len--;
    }
    if (len < 3)
        return PPD_OK;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **nv = realloc(s->v, cap * sizeof *nv);
        if (nv == NULL)
            return PPD_ENOMEM;
        s->v = nv;
        s->cap = cap;
    }
    char *c = malloc(len + 1);
    if (c == NULL)
        return PPD_ENOMEM;
    memcpy(c, v, len);
    c[len] = '\0';
    s->v[s->n++] = c;
    return PPD_OK;
}

static void
secrets_free(struct secrets *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* Replace every occurrence of every secret in str by "***", in place. */
static void
scrub(char *str, const struct secrets *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *v = s->v[i];
        size_t vl = strlen(v);
        char *hit = strstr(str, v);
        while (hit != NULL) {
            memcpy(hit, "***", 3);
            memmove(hit + 3, hit + vl, strlen(hit + vl) + 1);
            hit = strstr(hit + 3, v);
        }
    }
}

/* The userinfo of a URL, if any, as a secret. */
static enum ppd_status
secrets_add_userinfo(struct secrets *s, const char *url)
{
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    size_t authlen = strcspn(auth, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < authlen; i++) {
        if (auth[i] == '@')
            at = auth + i;
    }
    if (at == NULL)
        return PPD_OK;
    enum ppd_status st = secrets_add(s, auth, (size_t)(at - auth));
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (st == PPD_OK && colon != NULL)
        st = secrets_add(s, colon + 1, (size_t)(at - colon - 1));
    return st;
}

/* ---- Messages ---- */

/*
 * Render the start of a body for a message: printable ASCII kept,
 * whitespace runs folded to one space, other bytes as \xNN, at most
 * SNIPPET_CHARS characters, quoted. "empty body" when there is none.
 */
static void
body_snippet(const unsigned char *d, size_t len, char *out, size_t n)
{
    if (len == 0) {
        snprintf(out, n, "empty body");
        return;
    }
    struct sbuf b = {out, n, 0};
    out[0] = '\0';
    sb_put(&b, "\"", 1);
    size_t shown = 0;
    size_t i = 0;
    while (i < len && isspace(d[i]))
        i++;
    bool space = false;
    for (; i < len && shown < SNIPPET_CHARS; i++) {
        int c = d[i];
        if (isspace(c)) {
            space = true;
            continue;
        }
        if (space) {
            sb_put(&b, " ", 1);
            shown++;
            space = false;
        }
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            char ch = (char)c;
            sb_put(&b, &ch, 1);
            shown++;
        } else {
            char esc[8];
            if (c == '"' || c == '\\')
                snprintf(esc, sizeof esc, "\\%c", c);
            else
                snprintf(esc, sizeof esc, "\\x%02x", (unsigned)c);
            sb_put(&b, esc, strlen(esc));
            shown += strlen(esc);
        }
    }
    if (i < len)
        sb_put(&b, "...", 3);
    sb_put(&b, "\"", 1);
}

/* "HTTP 404 Not Found (text/plain; charset=utf-8)" */
static void
status_text(const struct ppd_fetch_info *info, char *out, size_t n)
{
    if (info == NULL || info->status == 0) {
        snprintf(out, n, "response");
        return;
    }
    snprintf(out, n, "HTTP %ld%s%s (%s)", info->status,
             info->reason[0] ? " " : "", info->reason,
             info->content_type[0] ? info->content_type : "no content type");
}

/* ---- The engine ---- */

struct engine {
    const struct ppd_fetch_options *opt;
    struct curl_slist *headers;
    struct secrets secrets;
    long timeout_ms;
    long connect_timeout_ms;
    int retries;
    long max_redirects;
    uint64_t cap;
    size_t ndone, njobs;
    bool progress_shown;
    uint64_t start_ms;
    uint64_t deadline_ms; /* monotonic; 0 = none */
};

enum xstate { X_PENDING, X_RUNNING, X_WAITING, X_DONE };

struct xfer {
    struct engine *eng;
    struct ppd__fetch_job *job;
    CURL *h;
    enum xstate state;
    uint64_t not_before; /* monotonic ms; for X_WAITING */
    int attempts;
    uint64_t started_ms; /* the first attempt's start */
    bool toobig;
    bool nomem;
    bool error_body_cut; /* stopped reading a non-2xx body on purpose */
    bool past_deadline;  /* stopped by --deadline inside a transfer */
    bool hopeless_cut;   /* stopped a 2xx body that cannot be a profile */
    int spool_errno;     /* the spool could not be created or written */
    char reason[64];
    long grpc_status; /* from a grpc-status header; -1: none */
    char grpc_message[256];
    char errbuf[CURL_ERROR_SIZE];
};

static uint64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
sleep_ms(uint64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Split path into a directory (malloc'd, "." when none) and a base name. */
static enum ppd_status split_path(const char *path, char **dir,
                                  const char **base);

/*
 * Open the job's spool: a temporary file beside save_path (named so that
 * ppd__fetch_clean_stale() knows it), else an anonymous one. Returns 0 or
 * an errno value.
 */
static int
open_spool(struct ppd__fetch_job *j)
{
    if (j->save_path == NULL) {
        j->spool = tmpfile();
        return j->spool != NULL ? 0 : (errno ? errno : EIO);
    }
    char *dir = NULL;
    const char *base;
    if (split_path(j->save_path, &dir, &base) != PPD_OK)
        return ENOMEM;
    size_t len = strlen(dir) + strlen(base) + 64;
    char *tmp = malloc(len);
    int rc = 0;
    if (tmp == NULL) {
        rc = ENOMEM;
        goto out;
    }
    snprintf(tmp, len, "%s/.%s.tmp-%ld-XXXXXX", dir, base, (long)getpid());
    int fd = mkstemp(tmp);
    if (fd < 0) {
        rc = errno;
        goto out;
    }
    j->spool = fdopen(fd, "w+b");
    if (j->spool == NULL) {
        rc = errno;
        close(fd);
        unlink(tmp);
        goto out;
    }
    j->spool_name = tmp;
    tmp = NULL;
out:
    free(tmp);
    free(dir);
    return rc;
}

void
ppd__fetch_discard(struct ppd__fetch_job *j)
{
    if (j->spool != NULL)
        fclose(j->spool);
    j->spool = NULL;
    if (j->spool_name != NULL)
        unlink(j->spool_name);
    free(j->spool_name);
    j->spool_name = NULL;
}

/*
 * Body bytes: the first PPD__FETCH_HEAD stay in memory (for sniffing and
 * messages; an error answer is shown only by them), a 2xx body streams
 * on into the spool, and the cap counts every byte after content
 * decoding.
 */
static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct xfer *x = userdata;
    struct ppd__fetch_job *j = x->job;
    struct ppd_buffer *b = &j->body;
    size_t n = size * nmemb;

    /* A fast body (a decompression bomb) can keep one perform call busy
     * for long: the run's budget is checked here too. */
    if (x->eng->deadline_ms != 0 && now_ms() >= x->eng->deadline_ms) {
        x->past_deadline = true;
        return 0;
    }
    long status = 0;
    ppd__libcurl.easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    bool ok = status >= 200 && status <= 299;
    if (ok && j->size + n > x->eng->cap) {
        x->toobig = true;
        return 0;
    }
    if (b->data == NULL) {
        b->data = malloc(PPD__FETCH_HEAD);
        if (b->data == NULL) {
            x->nomem = true;
            return 0;
        }
    }
    size_t keep = b->len < PPD__FETCH_HEAD ? PPD__FETCH_HEAD - b->len : 0;
    if (keep > n)
        keep = n;
    memcpy(b->data + b->len, ptr, keep);
    b->len += keep;
    if (!ok) {
        /* Reading a huge error page to the end would waste the time the
         * cap is there to protect. */
        if (keep < n) {
            x->error_body_cut = true;
            return 0;
        }
        return n;
    }
    if (j->spool == NULL) {
        x->spool_errno = open_spool(j);
        if (x->spool_errno != 0)
            return 0;
    }
    if (fwrite(ptr, 1, n, j->spool) != n) {
        x->spool_errno = errno ? errno : EIO;
        return 0;
    }
    /* Neither gzip nor protobuf starts with a zero byte (field 0 does
     * not exist): keep what came, for the message, and stop there
     * rather than store up to --max-download of it. */
    x->hopeless_cut = j->size == 0 && n > 0 && ptr[0] == 0 &&
                      !x->eng->opt->framed;
    j->size += n;
    return x->hopeless_cut ? 0 : n;
}

static size_t
header_cb(char *buf, size_t size, size_t nitems, void *userdata)
{
    struct xfer *x = userdata;
    size_t n = size * nitems;
    if (n > 5 && memcmp(buf, "HTTP/", 5) == 0) {
        /* A new status line (redirects, 100-continue): new reason. */
        size_t i = 5;
        while (i < n && buf[i] != ' ')
            i++;
        while (i < n && buf[i] == ' ')
            i++;
        while (i < n && isdigit((unsigned char)buf[i]))
            i++;
        while (i < n && buf[i] == ' ')
            i++;
        size_t k = 0;
        while (i < n && buf[i] != '\r' && buf[i] != '\n' &&
               k + 1 < sizeof x->reason) {
            int c = (unsigned char)buf[i++];
            x->reason[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
        }
        x->reason[k] = '\0';
        x->grpc_status = -1;
        x->grpc_message[0] = '\0';
    }
    /* gRPC-Web errors may come as headers alone. */
    if (n > 12 && strncasecmp(buf, "grpc-status:", 12) == 0)
        x->grpc_status = strtol(buf + 12, NULL, 10);
    if (n > 13 && strncasecmp(buf, "grpc-message:", 13) == 0) {
        size_t i = 13, k = 0;
        while (i < n && buf[i] == ' ')
            i++;
        while (i < n && buf[i] != '\r' && buf[i] != '\n' &&
               k + 1 < sizeof x->grpc_message) {
            int c = (unsigned char)buf[i++];
            x->grpc_message[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
        }
        x->grpc_message[k] = '\0';
    }
    return n;
}

#define SETOPT(h, o, v)                                                   \
    do {                                                                  \
        if (ppd__libcurl.easy_setopt((h), (o), (v)) != CURLE_OK) {                \
            bad = #o;                                                     \
            goto out;                                                     \
        }                                                                 \
    } while (0)

/* Create and configure the easy handle of x. */
static enum ppd_status
xfer_setup(struct xfer *x, struct ppd_error *err)
{
    const struct ppd_fetch_options *o = x->eng->opt;
    const char *bad = NULL;
    CURL *h = ppd__libcurl.easy_init();
    if (h == NULL)
        return ppd_error_set(err, PPD_ENOMEM, "", "curl_easy_init failed");
    x->h = h;

    SETOPT(h, CURLOPT_URL, x->job->url);
    SETOPT(h, CURLOPT_PRIVATE, (void *)x);
    SETOPT(h, CURLOPT_ERRORBUFFER, x->errbuf);
    SETOPT(h, CURLOPT_NOSIGNAL, 1L);
    SETOPT(h, CURLOPT_USERAGENT, "pprofdiff/" PPD_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
    SETOPT(h, CURLOPT_PROTOCOLS_STR, "http,https");
    SETOPT(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    SETOPT(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    SETOPT(h, CURLOPT_REDIR_PROTOCOLS,
           (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    if (x->eng->max_redirects > 0) {
        SETOPT(h, CURLOPT_FOLLOWLOCATION, 1L);
        SETOPT(h, CURLOPT_MAXREDIRS, x->eng->max_redirects);
    }
    SETOPT(h, CURLOPT_TIMEOUT_MS, x->eng->timeout_ms);
    SETOPT(h, CURLOPT_CONNECTTIMEOUT_MS, x->eng->connect_timeout_ms);
    SETOPT(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->eng->cap);
    SETOPT(h, CURLOPT_WRITEFUNCTION, write_cb);
    SETOPT(h, CURLOPT_WRITEDATA, (void *)x);
    SETOPT(h, CURLOPT_HEADERFUNCTION, header_cb);
    SETOPT(h, CURLOPT_HEADERDATA, (void *)x);
    /* Compressed transfer is undone by libcurl before the cap applies. */
    SETOPT(h, CURLOPT_ACCEPT_ENCODING, "");
    if (x->eng->headers != NULL)
        SETOPT(h, CURLOPT_HTTPHEADER, x->eng->headers);
    if (o->data != NULL || o->post) {
        SETOPT(h, CURLOPT_POST, 1L);
        SETOPT(h, CURLOPT_POSTFIELDS, o->data ? o->data : "");
        SETOPT(h, CURLOPT_POSTFIELDSIZE_LARGE,
               (curl_off_t)(o->data ? o->data_len : 0));
    }
    if (o->cacert != NULL)
        SETOPT(h, CURLOPT_CAINFO, o->cacert);
    if (o->cert != NULL)
        SETOPT(h, CURLOPT_SSLCERT, o->cert);
    if (o->key != NULL)
        SETOPT(h, CURLOPT_SSLKEY, o->key);
    if (o->insecure) {
        SETOPT(h, CURLOPT_SSL_VERIFYPEER, 0L);
        SETOPT(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return PPD_OK;
out:
    /* The handle is cleaned up by the caller with the others. */
    return ppd_error_set(err, PPD_EINVAL, "",
                         "libcurl does not support %s", bad);
}

#undef SETOPT

/* Forget the body and per-attempt state before a (re)try. */
static void
xfer_reset(struct xfer *x)
{
    struct ppd__fetch_job *j = x->job;
    j->body.len = 0;
    j->size = 0;
    /* A retry writes the spool from its start again. */
    if (j->spool != NULL && (fflush(j->spool) != 0 ||
                             ftruncate(fileno(j->spool), 0) != 0 ||
                             fseek(j->spool, 0, SEEK_SET) != 0))
        ppd__fetch_discard(j);
    x->spool_errno = 0;
    x->toobig = false;
    x->nomem = false;
    x->error_body_cut = false;
    x->past_deadline = false;
    x->hopeless_cut = false;
    x->grpc_status = -1;
    x->grpc_message[0] = '\0';
    x->reason[0] = '\0';
    x->errbuf[0] = '\0';
}

static bool
is_connection_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return true;
    default:
        return false;
    }
}

static bool
is_tls_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CIPHER:
        return true;
    default:
        return false;
    }
}

/* Fill job->status/err for a failed transfer. Returns the status. */
static enum ppd_status
xfer_fail(struct xfer *x, CURLcode rc)
{
    struct ppd__fetch_job *j = x->job;
    const struct engine *e = x->eng;
    char input[PPD_ERROR_INPUT_MAX];
    ppd_fetch_mask_url(j->url, input, sizeof input);
    const char *detail = x->errbuf[0] ? x->errbuf : ppd__libcurl.easy_strerror(rc);
    char tries[48] = "";
    if (x->attempts > 1)
        snprintf(tries, sizeof tries, " (gave up after %d attempts)",
                 x->attempts);

    enum ppd_status st;
    if (x->past_deadline) {
        st = ppd_error_set(&j->err, PPD_EFETCH, input,
                           "cancelled by --deadline (%.3g s)",
                           e->opt->deadline);
    } else if (x->nomem) {
        st = ppd_error_set(&j->err, PPD_ENOMEM, input, "out of memory");
    } else if (x->spool_errno != 0) {
        st = ppd_error_set(&j->err, PPD_EIO, input,
                           "cannot spool the body to %s: %s",
                           j->save_path ? j->save_path : "a temporary file",
                           strerror(x->spool_errno));
    } else if (x->toobig || rc == CURLE_FILESIZE_EXCEEDED) {
        st = ppd_error_set(&j->err, PPD_ETOOBIG, input,
                           "body larger than --max-download (%" PRIu64
                           " bytes)", e->cap);
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        /* A reused connection has no connect time but did send the
         * request (pretransfer). */
        curl_off_t connected = 0, sent = 0;
        ppd__libcurl.easy_getinfo(x->h, CURLINFO_CONNECT_TIME_T, &connected);
        ppd__libcurl.easy_getinfo(x->h, CURLINFO_PRETRANSFER_TIME_T, &sent);
        bool in_connect = connected == 0 && sent == 0;
        st = ppd_error_set(&j->err, PPD_EFETCH, input,
                           "timed out (%s %.3g s): %s%s",
                           in_connect ? "--connect-timeout" : "--timeout",
                           (double)(in_connect ? e->connect_timeout_ms
                                               : e->timeout_ms) / 1000,
                           detail, tries);
    } else if (rc == CURLE_TOO_MANY_REDIRECTS) {
        st = ppd_error_set(&j->err, PPD_EFETCH, input,
                           "too many redirects (limit %ld)",
                           e->max_redirects);
    } else if (is_tls_error(rc)) {
        st = ppd_error_set(&j->err, PPD_EFETCH, input,
                           "TLS: %s (see --cacert, --cert/--key)%s", detail,
                           tries);
    } else {
        st = ppd_error_set(&j->err, PPD_EFETCH, input, "%s%s", detail,
                           tries);
    }
    scrub(j->err.msg, &e->secrets);
    j->status = st;
    return st;
}

/* Fill job->status/err for a final non-2xx answer. */
static enum ppd_status
xfer_http_fail(struct xfer *x, long retry_after)
{
    struct ppd__fetch_job *j = x->job;
    char input[PPD_ERROR_INPUT_MAX];
    ppd_fetch_mask_url(j->url, input, sizeof input);
    char stat[256];
    status_text(&j->info, stat, sizeof stat);
    char tries[64] = "";
    if (retry_after > PPD_MAX_RETRY_AFTER)
        snprintf(tries, sizeof tries, " (Retry-After %ld s is too long)",
                 retry_after);
    else if (x->attempts > 1)
        snprintf(tries, sizeof tries, " (gave up after %d attempts)",
                 x->attempts);
    j->status = ppd_error_set(&j->err, PPD_EHTTP, input, "%s%s%s%s", stat,
                              j->body.len ? ": " : ", ", j->info.body_start,
                              tries);
    scrub(j->err.msg, &x->eng->secrets);
    return j->status;
}

/*
 * Decide what a finished attempt means. Returns true when the job is
 * final (done or failed for good); false with x->not_before set when it
 * should be tried again.
 */
static bool
xfer_finish(struct xfer *x, CURLcode rc)
{
    struct ppd__fetch_job *j = x->job;
    const struct engine *e = x->eng;
    long status = 0;
    ppd__libcurl.easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &status);
    char *ctype = NULL;
    ppd__libcurl.easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ctype);
    j->info.status = status;
    j->info.attempts = x->attempts;
    snprintf(j->info.reason, sizeof j->info.reason, "%s", x->reason);
    j->info.grpc_status = x->grpc_status;
    snprintf(j->info.grpc_message, sizeof j->info.grpc_message, "%s",
             x->grpc_message);
    snprintf(j->info.content_type, sizeof j->info.content_type, "%s",
             ctype ? ctype : "");
    /* Quoted by error messages here and in ppd_fetch_check_profile(). */
    body_snippet(j->body.data, j->body.len, j->info.body_start,
                 sizeof j->info.body_start);
    scrub(j->info.body_start, &e->secrets);

    bool can_retry = x->attempts <= e->retries;
    uint64_t backoff = (uint64_t)BACKOFF_FIRST_MS << (x->attempts - 1 < 5
                                                          ? x->attempts - 1
                                                          : 5);
    if (backoff > BACKOFF_MAX_MS)
        backoff = BACKOFF_MAX_MS;

    if ((x->error_body_cut || x->hopeless_cut) && rc == CURLE_WRITE_ERROR)
        rc = CURLE_OK; /* cut on purpose; the body is judged as it is */
    if (rc != CURLE_OK) {
        if (can_retry && is_connection_error(rc) && !x->toobig) {
            x->not_before = now_ms() + backoff;
            return false;
        }
        xfer_fail(x, rc);
        return true;
    }
    if (status >= 200 && status <= 299) {
        j->status = PPD_OK;
        /* An empty body never opened a spool. */
        if (j->spool == NULL && j->size == 0 &&
            (x->spool_errno = open_spool(j)) != 0) {
            xfer_fail(x, rc);
            return true;
        }
        if (fflush(j->spool) != 0 || ferror(j->spool) ||
            fseek(j->spool, 0, SEEK_SET) != 0) {
            x->spool_errno = errno ? errno : EIO;
            xfer_fail(x, rc);
            return true;
        }
        return true;
    }

    curl_off_t ra = -1;
    if (ppd__libcurl.easy_getinfo(x->h, CURLINFO_RETRY_AFTER, &ra) != CURLE_OK)
        ra = -1;
    long retry_after = ra > 0 ? (long)(ra < 1000000 ? ra : 1000000) : 0;
    bool transient = status >= 500 || status == 429 || status == 408;
    if (transient && can_retry && retry_after <= PPD_MAX_RETRY_AFTER) {
        uint64_t wait = retry_after > 0 ? (uint64_t)retry_after * 1000
                                        : backoff;
        x->not_before = now_ms() + wait;
        return false;
    }
    xfer_http_fail(x, transient ? retry_after : 0);
    return true;
}

static enum ppd_status
engine_init(struct engine *e, const struct ppd_fetch_options *o,
            struct ppd_error *err)
{
    memset(e, 0, sizeof *e);
    e->opt = o;
    double timeout = o->timeout > 0 ? o->timeout
                                    : PPD_DEFAULT_TIMEOUT +
                                          (o->seconds > 0 ? o->seconds : 0);
    double ctimeout = o->connect_timeout > 0 ? o->connect_timeout
                                             : PPD_DEFAULT_CONNECT_TIMEOUT;
    if (o->timeout < 0 || o->connect_timeout < 0 || timeout > 1e6 ||
        ctimeout > 1e6)
        return ppd_error_set(err, PPD_EINVAL, "", "bad timeout");
    /* libcurl reads 0 as "no limit": keep tiny values tiny but nonzero. */
    e->timeout_ms = (long)(timeout * 1000) > 0 ? (long)(timeout * 1000) : 1;
    e->connect_timeout_ms =
        (long)(ctimeout * 1000) > 0 ? (long)(ctimeout * 1000) : 1;
    e->retries = o->retries < 0    ? 0
                 : o->retries == 0 ? PPD_DEFAULT_RETRIES
                                   : o->retries;
    if (e->retries > 100)
        e->retries = 100;
    e->max_redirects = o->max_redirects < 0    ? 0
                       : o->max_redirects == 0 ? PPD_DEFAULT_MAX_REDIRECTS
                                               : o->max_redirects;
    e->cap = o->max_download ? o->max_download : PPD_DEFAULT_MAX_DOWNLOAD;
    if (e->cap > SIZE_MAX / 2)
        e->cap = SIZE_MAX / 2;

    enum ppd_status st = PPD_OK;
    char *token = NULL;
    char *authz = NULL;
    FILE *fp = NULL;

    for (size_t i = 0; i < o->nheaders; i++) {
        const char *hd = o->headers[i];
        const char *colon = hd ? strchr(hd, ':') : NULL;
        size_t namelen = colon ? (size_t)(colon - hd) : 0;
        bool ok = namelen > 0 && strpbrk(hd, "\r\n") == NULL;
        for (size_t k = 0; ok && k < namelen; k++) {
            int c = (unsigned char)hd[k];
            ok = c > 0x20 && c < 0x7f;
        }
        if (!ok) {
            st = ppd_error_set(err, PPD_EINVAL, "",
                               "bad header %.*s...: expected 'Name: value'",
                               (int)(namelen < 40 ? namelen : 40), hd ? hd
                                                                      : "");
            goto out;
        }
        if (is_secret_name(hd, namelen)) {
            st = secrets_add(&e->secrets, colon + 1, strlen(colon + 1));
            if (st != PPD_OK)
                goto nomem;
            /* "Basic xyz" / "Bearer xyz": the credential alone, too. */
            const char *v = colon + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            const char *sp = strchr(v, ' ');
            if (sp != NULL)
                st = secrets_add(&e->secrets, sp + 1, strlen(sp + 1));
            if (st != PPD_OK)
                goto nomem;
        }
        struct curl_slist *nl = ppd__libcurl.slist_append(e->headers, hd);
        if (nl == NULL)
            goto nomem;
        e->headers = nl;
    }

    if (o->bearer_token_file != NULL) {
        const char *path = o->bearer_token_file;
        fp = fopen(path, "rb");
        if (fp == NULL) {
            st = ppd_error_set(err, PPD_EIO, path,
                               "cannot open bearer token file: %s",
                               strerror(errno));
            goto out;
        }
        token = malloc(TOKEN_FILE_MAX + 1);
        if (token == NULL)
            goto nomem;
        size_t len = fread(token, 1, TOKEN_FILE_MAX + 1, fp);
        if (ferror(fp)) {
            st = ppd_error_set(err, PPD_EIO, path,
                               "cannot read bearer token file");
            goto out;
        }
        if (len > TOKEN_FILE_MAX) {
            st = ppd_error_set(err, PPD_EIO, path,
                               "bearer token file larger than %zu bytes",
                               TOKEN_FILE_MAX);
            goto out;
        }
        while (len > 0 && isspace((unsigned char)token[len - 1]))
            len--;
        size_t start = 0;
        while (start < len && isspace((unsigned char)token[start]))
            start++;
        token[len] = '\0';
        if (start == len) {
            st = ppd_error_set(err, PPD_EIO, path,
                               "bearer token file is empty");
            goto out;
        }
        for (size_t k = start; k < len; k++) {
            if (token[k] < 0x20 || token[k] == 0x7f) {
                st = ppd_error_set(err, PPD_EIO, path,
                                   "bearer token file holds more than "
                                   "one line or control characters");
                goto out;
            }
        }
        st = secrets_add(&e->secrets, token + start, len - start);
        if (st != PPD_OK)
            goto nomem;
        size_t alen = len - start + sizeof "Authorization: Bearer ";
        authz = malloc(alen);
        if (authz == NULL)
            goto nomem;
        snprintf(authz, alen, "Authorization: Bearer %s", token + start);
        struct curl_slist *nl = ppd__libcurl.slist_append(e->headers, authz);
        if (nl == NULL)
            goto nomem;
        e->headers = nl;
    }
    goto out;

nomem:
    st = ppd_error_set(err, PPD_ENOMEM, "", "out of memory");
out:
    if (fp != NULL)
        fclose(fp);
    if (token != NULL) {
        /* Do not leave the credential lying around in freed memory. */
        memset(token, 0, TOKEN_FILE_MAX + 1);
        free(token);
    }
    if (authz != NULL) {
        memset(authz, 0, strlen(authz));
        free(authz);
    }
    return st;
}

static void
engine_free(struct engine *e)
{
    ppd__libcurl.slist_free_all(e->headers);
    e->headers = NULL;
    secrets_free(&e->secrets);
}

static void
format_bytes(uint64_t n, char *out, size_t size)
{
    if (n < 10240)
        snprintf(out, size, "%" PRIu64 " B", n);
    else if (n < (uint64_t)10240 << 10)
        snprintf(out, size, "%" PRIu64 " KiB", n >> 10);
    else
        snprintf(out, size, "%" PRIu64 " MiB", n >> 20);
}

/* One line, rewritten in place, while transfers are under way. */
static void
show_progress(struct engine *e, struct xfer *xs, size_t n)
{
    const struct ppd_fetch_options *o = e->opt;
    FILE *fp = o->progress_out;
    if (!o->progress || o->quiet || fp == NULL)
        return;
    uint64_t elapsed = now_ms() - e->start_ms;
    if (elapsed < PROGRESS_DELAY_MS)
        return;
    char line[PPD_ERROR_INPUT_MAX + 128];
    if (n == 1) {
        char url[PPD_ERROR_INPUT_MAX];
        ppd_fetch_mask_url(xs[0].job->url, url, sizeof url);
        char bytes[32];
        format_bytes(xs[0].job->body.len, bytes, sizeof bytes);
        char of[32] = "";
        if (o->seconds > 0)
            snprintf(of, sizeof of, " of ~%ld s", o->seconds);
        snprintf(line, sizeof line, "pprofdiff: fetching %s: %" PRIu64
                 " s%s, %s%s", url, elapsed / 1000, of, bytes,
                 xs[0].state == X_WAITING ? " (waiting to retry)" : "");
    } else {
        snprintf(line, sizeof line,
                 "pprofdiff: capturing: %zu of %zu done, %" PRIu64 " s",
                 e->ndone, e->njobs, elapsed / 1000);
    }
    fprintf(fp, "\r%s\033[K", line);
    fflush(fp);
    e->progress_shown = true;
}

static void
clear_progress(struct engine *e)
{
    if (e->progress_shown) {
        fputs("\r\033[K", e->opt->progress_out);
        fflush(e->opt->progress_out);
        e->progress_shown = false;
    }
}

void
ppd_fetch_preload(void)
{
    (void)ppd__libcurl_load(NULL);
}

enum ppd_status
ppd__fetch_many(struct ppd__fetch_job *jobs, size_t n, size_t parallel,
                const struct ppd_fetch_options *opt, ppd__fetch_done_fn done,
                void *ctx, struct ppd_error *err)
{
    static const struct ppd_fetch_options defaults = {0};
    struct engine e;
    struct xfer *xs = NULL;
    CURLM *multi = NULL;
    enum ppd_status st;

    if (opt == NULL)
        opt = &defaults;
    if (parallel == 0)
        parallel = DEFAULT_PARALLEL;
    for (size_t i = 0; i < n; i++) {
        memset(&jobs[i].body, 0, sizeof jobs[i].body);
        memset(&jobs[i].info, 0, sizeof jobs[i].info);
        memset(&jobs[i].err, 0, sizeof jobs[i].err);
        jobs[i].status = PPD_OK;
        jobs[i].size = 0;
        jobs[i].spool = NULL;
        jobs[i].spool_name = NULL;
    }
    const char *why = NULL;
    if (!ppd__libcurl_load(&why)) {
        char masked[512];
        return ppd_error_set(
            err, PPD_EFETCH,
            n > 0 ? ppd_fetch_mask_url(jobs[0].url, masked, sizeof masked)
                  : NULL,
            "cannot fetch: %s", why);
    }
    st = engine_init(&e, opt, err);
    if (st != PPD_OK)
        goto out;
    e.njobs = n;
    e.start_ms = now_ms();
    e.deadline_ms = opt->deadline > 0
                        ? e.start_ms + (uint64_t)(opt->deadline * 1000)
                        : 0;
    if (n == 0)
        goto out;

    xs = calloc(n, sizeof *xs);
    multi = ppd__libcurl.multi_init();
    if (xs == NULL || multi == NULL) {
        st = ppd_error_set(err, PPD_ENOMEM, "", "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        xs[i].eng = &e;
        xs[i].job = &jobs[i];
        xs[i].state = X_PENDING;
        st = secrets_add_userinfo(&e.secrets, jobs[i].url);
        if (st != PPD_OK) {
            st = ppd_error_set(err, st, "", "out of memory");
            goto out;
        }
    }

    size_t running = 0;
    size_t next = 0; /* jobs before this index have been started once */
    uint64_t last_progress = 0;
    while (e.ndone < n) {
        uint64_t now = now_ms();
        if (e.deadline_ms != 0 && now >= e.deadline_ms) {
            /* The run's budget is spent: what is still running, waiting
             * for a retry or not started is cancelled and reported;
             * what finished is kept. */
            for (size_t i = 0; i < n; i++) {
                struct xfer *x = &xs[i];
                if (x->state == X_DONE)
                    continue;
                if (x->state == X_RUNNING)
                    ppd__libcurl.multi_remove_handle(multi, x->h);
                if (x->h != NULL)
                    ppd__libcurl.easy_cleanup(x->h);
                x->h = NULL;
                char input[PPD_ERROR_INPUT_MAX];
                ppd_fetch_mask_url(x->job->url, input, sizeof input);
                x->job->info.attempts = x->attempts;
                x->job->status = ppd_error_set(
                    &x->job->err, PPD_EFETCH, input,
                    "%s by --deadline (%.3g s)",
                    x->state == X_PENDING ? "not started" : "cancelled",
                    opt->deadline);
                ppd__fetch_discard(x->job);
                x->job->seconds = x->started_ms
                                      ? (double)(now - x->started_ms) / 1000
                                      : 0;
                x->state = X_DONE;
                e.ndone++;
                if (done != NULL) {
                    clear_progress(&e);
                    done(ctx, x->job);
                }
            }
            running = 0;
            break;
        }

        /* Start new work: retries that are due first, then fresh jobs. */
        for (size_t i = 0; i < next && running < parallel; i++) {
            struct xfer *x = &xs[i];
            if (x->state != X_WAITING || x->not_before > now)
                continue;
            xfer_reset(x);
            x->attempts++;
            if (ppd__libcurl.multi_add_handle(multi, x->h) != CURLM_OK) {
                st = ppd_error_set(err, PPD_ENOMEM, "",
                                   "curl_multi_add_handle failed");
                goto out;
            }
            x->state = X_RUNNING;
            running++;
        }
        while (next < n && running < parallel) {
            struct xfer *x = &xs[next++];
            st = xfer_setup(x, err);
            if (st != PPD_OK)
                goto out;
            x->attempts = 1;
            x->started_ms = now_ms();
            if (ppd__libcurl.multi_add_handle(multi, x->h) != CURLM_OK) {
                st = ppd_error_set(err, PPD_ENOMEM, "",
                                   "curl_multi_add_handle failed");
                goto out;
            }
            x->state = X_RUNNING;
            running++;
        }

        int still = 0;
        CURLMcode mc = ppd__libcurl.multi_perform(multi, &still);
        if (mc != CURLM_OK) {
            st = ppd_error_set(err, PPD_EFETCH, "", "libcurl: %s",
                               ppd__libcurl.multi_strerror(mc));
            goto out;
        }
        for (;;) {
            int left;
            CURLMsg *msg = ppd__libcurl.multi_info_read(multi, &left);
            if (msg == NULL)
                break;
            if (msg->msg != CURLMSG_DONE)
                continue;
            char *priv = NULL;
            ppd__libcurl.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            struct xfer *x = (struct xfer *)(void *)priv;
            CURLcode rc = msg->data.result;
            ppd__libcurl.multi_remove_handle(multi, x->h);
            running--;
            if (!xfer_finish(x, rc)) {
                x->state = X_WAITING;
                continue;
            }
            x->state = X_DONE;
            e.ndone++;
            x->job->seconds = (double)(now_ms() - x->started_ms) / 1000;
            /* Only a body that arrived whole is the caller's. */
            if (x->job->status != PPD_OK)
                ppd__fetch_discard(x->job);
            /* Free the handle now: a long capture should not hold them. */
            ppd__libcurl.easy_cleanup(x->h);
            x->h = NULL;
            if (done != NULL) {
                /* The callback may print: start it on a clean line. */
                clear_progress(&e);
                done(ctx, x->job);
            }
        }
        if (e.ndone == n)
            break;

        now = now_ms();
        if (now - last_progress >= 500) {
            show_progress(&e, xs, n);
            last_progress = now;
        }

        /* Wait for traffic, the next due retry or the next progress tick. */
        uint64_t wait = 1000;
        if (e.deadline_ms != 0)
            wait = e.deadline_ms > now ? (e.deadline_ms - now < wait
                                              ? e.deadline_ms - now
                                              : wait)
                                       : 0;
        for (size_t i = 0; i < next && running < parallel; i++) {
            if (xs[i].state != X_WAITING)
                continue;
            uint64_t due = xs[i].not_before > now ? xs[i].not_before - now
                                                  : 0;
            if (due < wait)
                wait = due;
        }
        if (running > 0 || (next < n && running < parallel)) {
            if (next < n && running < parallel)
                wait = 0;
            mc = ppd__libcurl.multi_poll(multi, NULL, 0, (int)wait, NULL);
            if (mc != CURLM_OK) {
                st = ppd_error_set(err, PPD_EFETCH, "", "libcurl: %s",
                                   ppd__libcurl.multi_strerror(mc));
                goto out;
            }
        } else if (wait > 0) {
            sleep_ms(wait);
        }
    }
    st = PPD_OK;

out:
    if (xs != NULL) {
        for (size_t i = 0; i < n; i++) {
            if (xs[i].h == NULL)
                continue;
            if (xs[i].state == X_RUNNING)
                ppd__libcurl.multi_remove_handle(multi, xs[i].h);
            ppd__libcurl.easy_cleanup(xs[i].h);
        }
    }
    if (multi != NULL)
        ppd__libcurl.multi_cleanup(multi);
    /* A setup failure leaves no spool behind. */
    for (size_t i = 0; st != PPD_OK && i < n; i++)
        ppd__fetch_discard(&jobs[i]);
    free(xs);
    if (st != PPD_OK && err != NULL)
        scrub(err->msg, &e.secrets);
    clear_progress(&e);
    engine_free(&e);
    return st;
}

/* ---- Single downloads ---- */

enum ppd_status
ppd_fetch_url(const char *url, const struct ppd_fetch_options *opt,
              struct ppd_buffer *out, struct ppd_fetch_info *info,
              struct ppd_error *err)
{
    out->data = NULL;
    out->len = 0;
    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (url == NULL || !has_http_scheme(url)) {
        char masked[PPD_ERROR_INPUT_MAX];
        return ppd_error_set(err, PPD_EINVAL,
                             ppd_fetch_mask_url(url, masked, sizeof masked),
                             "not an http:// or https:// URL");
    }
    struct ppd__fetch_job job = {.url = url};
    enum ppd_status st = ppd__fetch_many(&job, 1, 1, opt, NULL, NULL, err);
    if (st != PPD_OK)
        goto out;
    if (info != NULL)
        *info = job.info;
    st = job.status;
    if (st != PPD_OK) {
        if (err != NULL)
            *err = job.err;
        /* An error answer's start, for callers that read error bodies
         * (a backend's JSON error). */
        if (st == PPD_EHTTP && job.body.len > 0) {
            out->data = job.body.data;
            out->len = job.body.len;
            job.body.data = NULL;
        }
        goto out;
    }
    /* This entry point hands the body over in memory (capped at
     * --max-download); the others keep it in its spool. */
    out->data = malloc(job.size ? (size_t)job.size : 1);
    if (out->data == NULL) {
        st = ppd_error_set(err, PPD_ENOMEM, url, "out of memory");
        goto out;
    }
    if (job.size > 0 &&
        fread(out->data, 1, (size_t)job.size, job.spool) != job.size) {
        free(out->data);
        out->data = NULL;
        st = ppd_error_set(err, PPD_EIO, url, "cannot read back the body");
        goto out;
    }
    out->len = (size_t)job.size;
out:
    ppd__fetch_discard(&job);
    free(job.body.data);
    return st;
}

/*
 * Does the body look like text (an error page, JSON) rather than bytes?
 * The Content-Type says so first; else the bytes (input/sniff.c).
 */
static bool
looks_like_text(const struct ppd_fetch_info *info, const unsigned char *d,
                size_t len)
{
    if (info != NULL && info->content_type[0]) {
        const char *ct = info->content_type;
        if (strncasecmp(ct, "text/", 5) == 0 || strstr(ct, "json") ||
            strstr(ct, "html") || strstr(ct, "xml"))
            return true;
    }
    return ppd__sniff_is_text(d, len) || (len == 1 && d[0] >= 0x20);
}

/*
 * Check a body whose first bytes are head[0..nhead) and whose length is
 * len: decoded from memory (data) or from fp.
 */
static enum ppd_status
check_body(const char *name, const struct ppd_fetch_info *info,
           const unsigned char *head, size_t nhead, uint64_t len,
           const void *data, FILE *fp, const struct ppd_decode_options *dopt,
           struct ppd_profile **out, struct ppd_error *err)
{
    const unsigned char *d = head;
    struct ppd_profile *p = NULL;
    char stat[256];
    char snip[PPD_FETCH_BODY_START_MAX];
    if (out != NULL)
        *out = NULL;
    status_text(info, stat, sizeof stat);
    if (info != NULL && info->body_start[0] != '\0')
        snprintf(snip, sizeof snip, "%s", info->body_start);
    else
        body_snippet(d, nhead, snip, sizeof snip);

    if (len == 0)
        return ppd_error_set(err, PPD_ENOTPROF, name,
                             "%s has an empty body, not a profile", stat);
    bool gz = nhead >= 2 && d[0] == 0x1f && d[1] == 0x8b;
    if (!gz && looks_like_text(info, d, len < nhead ? (size_t)len : nhead))
        return ppd_error_set(err, PPD_ENOTPROF, name,
                             "%s is not a profile: %s", stat, snip);

    struct ppd_error derr = {0};
    enum ppd_status st =
        fp != NULL ? ppd_decode_stream(fp, name, dopt, &p, &derr)
                   : ppd_decode_buffer(data, (size_t)len, name, dopt, &p,
                                       &derr);
    if (st != PPD_OK) {
        if (gz || st == PPD_ETOOBIG || st == PPD_ENOMEM) {
            /* A damaged profile: the decoder's account is the useful one. */
            if (err != NULL)
                *err = derr;
            return st;
        }
        /* Not a damaged profile but something else: show what it is. */
        return ppd_error_set(err, PPD_ENOTPROF, name,
                             "%s is not a profile: %s", stat, snip);
    }
    if (p->nsample_types == 0) {
        ppd_profile_free(p);
        return ppd_error_set(err, PPD_ENOTPROF, name,
                             "%s is not a profile (no sample types): %s",
                             stat, snip);
    }
    if (out != NULL)
        *out = p;
    else
        ppd_profile_free(p);
    return PPD_OK;
}

enum ppd_status
ppd__fetch_check_text(const char *name, const struct ppd__fetch_job *job,
                      struct ppd_error *err)
{
    const unsigned char *d = job->body.data;
    size_t n = job->body.len;
    char stat[256];
    char snip[PPD_FETCH_BODY_START_MAX];
    status_text(&job->info, stat, sizeof stat);
    body_snippet(d, n, snip, sizeof snip);
    if (job->size == 0 || n == 0)
        return ppd_error_set(err, PPD_ENOTPROF, name,
                             "%s has an empty body, not a text profile",
                             stat);
    /* The first line, as far as the head holds it. */
    size_t line = 0;
    while (line < n && d[line] != '\n')
        line++;
    bool text = ppd__sniff_is_text(d, n) && d[0] != '<';
    bool dump = line >= 10 && memcmp(d, "goroutine ", 10) == 0 &&
                d[10] >= '0' && d[10] <= '9';
    bool profile = false;
    for (size_t i = 0; i + 10 <= line && !profile; i++)
        profile = memcmp(d + i, " profile: ", 10) == 0;
    if (!text || !(dump || profile))
        return ppd_error_set(err, PPD_ENOTPROF, name,
                             "%s is not a text profile: %s", stat, snip);
    return PPD_OK;
}

enum ppd_status
ppd_fetch_check_profile(const char *name, const struct ppd_fetch_info *info,
                        const void *data, size_t len,
                        const struct ppd_decode_options *dopt,
                        struct ppd_profile **out, struct ppd_error *err)
{
    return check_body(name, info, data, len, len, data, NULL, dopt, out,
                      err);
}

enum ppd_status
ppd__fetch_check_spool(const char *name, struct ppd__fetch_job *job,
                       const struct ppd_decode_options *dopt,
                       struct ppd_profile **out, struct ppd_error *err)
{
    if (job->spool == NULL || fseek(job->spool, 0, SEEK_SET) != 0)
        return ppd_error_set(err, PPD_EIO, name, "the body's spool is gone");
    enum ppd_status st =
        check_body(name, &job->info, job->body.data, job->body.len,
                   job->size, NULL, job->spool, dopt, out, err);
    if (fseek(job->spool, 0, SEEK_SET) != 0 && st == PPD_OK)
        st = ppd_error_set(err, PPD_EIO, name, "cannot rewind the spool");
    return st;
}

enum ppd_status
ppd_fetch_profile(const char *spec, const struct ppd_fetch_options *opt,
                  const struct ppd_decode_options *dopt,
                  struct ppd_profile **out, struct ppd_error *err)
{
    static const struct ppd_fetch_options defaults = {0};
    char *url = NULL;
    enum ppd_status st;

    *out = NULL;
    if (opt == NULL)
        opt = &defaults;
    if (ppd_backend_is(spec))
        return ppd_backend_fetch(spec, opt, dopt, out, err);
    st = ppd_fetch_target_url(spec, opt->type, opt->seconds, &url, err);
    if (st != PPD_OK) {
        if (err != NULL) {
            char masked[PPD_ERROR_INPUT_MAX];
            ppd_fetch_mask_url(spec, masked, sizeof masked);
            snprintf(err->input, sizeof err->input, "%s", masked);
        }
        goto out;
    }
    /* The body streams into an anonymous spool and is decoded from it:
     * memory stays the decoder's, whatever the body's size. */
    struct ppd__fetch_job job = {.url = url};
    st = ppd__fetch_many(&job, 1, 1, opt, NULL, NULL, err);
    if (st == PPD_OK && job.status != PPD_OK) {
        st = job.status;
        if (err != NULL)
            *err = job.err;
    }
    if (st == PPD_OK) {
        char name[PPD_ERROR_INPUT_MAX];
        ppd_fetch_mask_url(url, name, sizeof name);
        st = ppd__fetch_check_spool(name, &job, dopt, out, err);
    }
    ppd__fetch_discard(&job);
    free(job.body.data);
out:
    free(url);
    return st;
}

/* ---- Saving ---- */

/* Split path into a directory (malloc'd, "." when none) and a base name. */
static enum ppd_status
split_path(const char *path, char **dir, const char **base)
{
    const char *slash = strrchr(path, '/');
    size_t dlen = slash ? (size_t)(slash - path) : 1;
    if (slash == path)
        dlen = 1; /* "/name": the root */
    *dir = malloc(dlen + 1);
    if (*dir == NULL)
        return PPD_ENOMEM;
    memcpy(*dir, slash ? path : ".", dlen);
    (*dir)[dlen] = '\0';
    *base = slash ? slash + 1 : path;
    return PPD_OK;
}

/*
 * Is path something other than a regular file or a directory (a device
 * such as /dev/null, a FIFO, /dev/stdout)? Such a target is written in
 * place: renaming a file over it would replace it.
 */
static bool
special_target(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) &&
           !S_ISDIR(sb.st_mode);
}

/* Write data[0..len) to fd; false (errno set) on failure. */
static bool
write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return false;
        }
        p += w;
        len -= (size_t)w;
    }
    return true;
}

/* Write data to a special target in place. */
static enum ppd_status
save_special(const char *path, const void *data, size_t len,
             struct ppd_error *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return ppd_error_set(err, PPD_EIO, path, "cannot open: %s",
                             strerror(errno));
    bool ok = write_all(fd, data, len);
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = false;
        e = errno;
    }
    return ok ? PPD_OK
              : ppd_error_set(err, PPD_EIO, path, "write: %s", strerror(e));
}

enum ppd_status
ppd__fetch_save_in(const char *path, const void *data, size_t len,
                   struct ppd_error *err)
{
    char *dir = NULL;
    const char *base;
    char *tmp = NULL;
    int fd = -1;
    enum ppd_status st;
    if (path != NULL && special_target(path))
        return save_special(path, data, len, err);

    if (path == NULL || path[0] == '\0')
        return ppd_error_set(err, PPD_EINVAL, "", "empty output path");
    st = split_path(path, &dir, &base);
    if (st != PPD_OK)
        return ppd_error_set(err, st, path, "out of memory");
    if (base[0] == '\0') {
        st = ppd_error_set(err, PPD_EINVAL, path, "is a directory name");
        goto out;
    }
    size_t tlen = strlen(dir) + strlen(base) + 64;
    tmp = malloc(tlen);
    if (tmp == NULL) {
        st = ppd_error_set(err, PPD_ENOMEM, path, "out of memory");
        goto out;
    }
    snprintf(tmp, tlen, "%s/.%s.tmp-%ld-XXXXXX", dir, base, (long)getpid());
    fd = mkstemp(tmp);
    if (fd < 0) {
        st = ppd_error_set(err, PPD_EIO, path,
                           "cannot create a temporary file in %s: %s", dir,
                           strerror(errno));
        free(tmp);
        tmp = NULL;
        goto out;
    }
    if (!write_all(fd, data, len)) {
        st = ppd_error_set(err, PPD_EIO, path, "write: %s", strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
        st = ppd_error_set(err, PPD_EIO, path, "fsync: %s", strerror(errno));
        goto out;
    }
    int rc = close(fd);
    fd = -1;
    if (rc != 0) {
        st = ppd_error_set(err, PPD_EIO, path, "close: %s", strerror(errno));
        goto out;
    }
    if (rename(tmp, path) != 0) {
        st = ppd_error_set(err, PPD_EIO, path, "rename: %s", strerror(errno));
        goto out;
    }
    free(tmp);
    tmp = NULL; /* renamed: nothing to remove */

    /* Make the rename itself durable. Some file systems refuse: fine. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    st = PPD_OK;
out:
    if (fd >= 0)
        close(fd);
    if (tmp != NULL) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
    return st;
}

/*
 * If name is one of our temporary files (".BASE.tmp-PID-XXXXXX"), store
 * the PID and return the length of BASE, else return 0.
 */
static size_t
parse_tmp_name(const char *name, long *pid)
{
    size_t len = strlen(name);
    if (name[0] != '.' || len < 1 + 1 + 5 + 1 + 1 + 6)
        return 0;
    const char *dash = name + len - 7;
    if (*dash != '-')
        return 0;
    const char *q = dash;
    while (q > name && isdigit((unsigned char)q[-1]))
        q--;
    if (q == dash || q - name < 6 || memcmp(q - 5, ".tmp-", 5) != 0)
        return 0;
    *pid = strtol(q, NULL, 10);
    return (size_t)(q - 5 - name) - 1;
}

void
ppd__fetch_clean_stale(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    size_t baselen = base ? strlen(base) : 0;
    for (;;) {
        struct dirent *de = readdir(d);
        if (de == NULL)
            break;
        long pid = 0;
        size_t blen = parse_tmp_name(de->d_name, &pid);
        if (blen == 0)
            continue;
        if (base != NULL &&
            (blen != baselen || memcmp(de->d_name + 1, base, blen) != 0))
            continue;
        if (pid <= 0 || pid == (long)getpid())
            continue;
        /* Only a process that no longer exists has surely given up. */
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        size_t plen = strlen(dir) + strlen(de->d_name) + 2;
        char *p = malloc(plen);
        if (p == NULL)
            break;
        snprintf(p, plen, "%s/%s", dir, de->d_name);
        (void)unlink(p);
        free(p);
    }
    closedir(d);
}

enum ppd_status
ppd_fetch_save_atomic(const char *path, const void *data, size_t len,
                      struct ppd_error *err)
{
    if (path != NULL && path[0] != '\0') {
        char *dir = NULL;
        const char *base;
        if (split_path(path, &dir, &base) == PPD_OK && base[0] != '\0')
            ppd__fetch_clean_stale(dir, base);
        free(dir);
    }
    return ppd__fetch_save_in(path, data, len, err);
}

enum ppd_status
ppd__fetch_commit(struct ppd__fetch_job *job, struct ppd_error *err)
{
    const char *path = job->save_path;
    enum ppd_status st = PPD_OK;
    if (job->spool == NULL || job->spool_name == NULL || path == NULL) {
        ppd__fetch_discard(job);
        return ppd_error_set(err, PPD_EINVAL, path ? path : "",
                             "no spool to save");
    }
    int fd = fileno(job->spool);
    if (special_target(path)) {
        /* Copied into the device or pipe, the spool then dropped. */
        char buf[1 << 16];
        int out = open(path, O_WRONLY | O_CLOEXEC);
        bool ok = out >= 0 && fflush(job->spool) == 0 &&
                  lseek(fd, 0, SEEK_SET) == 0;
        ssize_t r = 0;
        while (ok && (r = read(fd, buf, sizeof buf)) != 0)
            ok = (r > 0 || errno == EINTR) &&
                 (r <= 0 || write_all(out, buf, (size_t)r));
        if (!ok)
            st = ppd_error_set(err, PPD_EIO, path, "write: %s",
                               strerror(errno));
        if (out >= 0 && close(out) != 0 && st == PPD_OK)
            st = ppd_error_set(err, PPD_EIO, path, "write: %s",
                               strerror(errno));
        ppd__fetch_discard(job);
        return st;
    }
    if (fflush(job->spool) != 0 || fchmod(fd, 0644) != 0 || fsync(fd) != 0)
        st = ppd_error_set(err, PPD_EIO, path, "fsync: %s", strerror(errno));
    int rc = fclose(job->spool);
    job->spool = NULL;
    if (st == PPD_OK && rc != 0)
        st = ppd_error_set(err, PPD_EIO, path, "close: %s", strerror(errno));
    if (st == PPD_OK && rename(job->spool_name, path) != 0)
        st = ppd_error_set(err, PPD_EIO, path, "rename: %s", strerror(errno));
    if (st != PPD_OK) {
        ppd__fetch_discard(job);
        return st;
    }
    free(job->spool_name);
    job->spool_name = NULL; /* renamed: nothing to remove */
    /* Make the rename itself durable. Some file systems refuse: fine. */
    char *dir = NULL;
    const char *base;
    if (split_path(path, &dir, &base) == PPD_OK) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
    }
    free(dir);
    return PPD_OK;
}

/* Copy what is left of fp to out; false on a read or write error. */
static bool
copy_stream(FILE *fp, FILE *out)
{
    unsigned char buf[64 << 10];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            return false;
    return !ferror(fp) && fflush(out) == 0;
}

/* ppd_fetch_save for a backend URL: the merged profile's bytes. */
static enum ppd_status
save_backend(const char *url, const struct ppd_fetch_options *opt,
             const struct ppd_decode_options *dopt, const char *path,
             FILE *out, uint64_t *bytes, struct ppd_error *err)
{
    struct ppd_buffer b;
    enum ppd_status st = ppd_backend_fetch_bytes(url, opt, dopt, &b, err);
    if (st != PPD_OK)
        return st;
    if (out != NULL) {
        if (fwrite(b.data, 1, b.len, out) != b.len || fflush(out) != 0)
            st = ppd_error_set(err, PPD_EIO, "-", "write error: %s",
                               strerror(errno));
    } else {
        st = ppd_fetch_save_atomic(path, b.data, b.len, err);
    }
    if (st == PPD_OK && bytes != NULL)
        *bytes = b.len;
    free(b.data);
    return st;
}

enum ppd_status
ppd_fetch_save(const char *url, const struct ppd_fetch_options *opt,
               const struct ppd_decode_options *dopt, const char *path,
               FILE *out, uint64_t *bytes, struct ppd_error *err)
{
    char name[PPD_ERROR_INPUT_MAX];
    ppd_fetch_mask_url(url, name, sizeof name);
    if (bytes != NULL)
        *bytes = 0;
    if (url != NULL && ppd_backend_is(url))
        return save_backend(url, opt, dopt, path, out, bytes, err);
    if (url == NULL || !has_http_scheme(url))
        return ppd_error_set(err, PPD_EINVAL, name,
                             "not an http:// or https:// URL");
    if (out == NULL && (path == NULL || path[0] == '\0'))
        return ppd_error_set(err, PPD_EINVAL, name, "no output path");
    if (out == NULL) {
        char *dir = NULL;
        const char *base;
        if (split_path(path, &dir, &base) != PPD_OK)
            return ppd_error_set(err, PPD_ENOMEM, path, "out of memory");
        if (base[0] == '\0') {
            free(dir);
            return ppd_error_set(err, PPD_EINVAL, path,
                                 "is a directory name");
        }
        ppd__fetch_clean_stale(dir, base);
        free(dir);
    }
    struct ppd__fetch_job job = {.url = url, .save_path = out ? NULL : path};
    enum ppd_status st = ppd__fetch_many(&job, 1, 1, opt, NULL, NULL, err);
    if (st == PPD_OK && job.status != PPD_OK) {
        st = job.status;
        if (err != NULL)
            *err = job.err;
    }
    if (st == PPD_OK)
        st = ppd__fetch_check_spool(name, &job, dopt, NULL, err);
    if (st == PPD_OK && out != NULL && !copy_stream(job.spool, out))
        st = ppd_error_set(err, PPD_EIO, "-", "write error: %s",
                           strerror(errno));
    if (st == PPD_OK && out == NULL)
        st = ppd__fetch_commit(&job, err);
    if (st == PPD_OK && bytes != NULL)
        *bytes = job.size;
    ppd__fetch_discard(&job);
    free(job.body.data);
    return st;
}
