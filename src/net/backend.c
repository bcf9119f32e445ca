/*
 * backend.c - continuous-profiling backends as inputs: parsing their
 * URLs, encoding the merge query each expects, and unwrapping the
 * profile from each answer. The wire formats are written here from the
 * backends' published field numbers (querier.v1 SelectMergeProfileRequest;
 * parca.query.v1alpha1 QueryRequest, MergeProfile, QueryResponse).
 */
#define _DEFAULT_SOURCE /* timegm */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pprofdiff/backend.h"
#include "pprofdiff/decode.h"

const struct ppd_backend_type ppd_backend_types[] = {
    {"heap", "memory:inuse_space:bytes:space:bytes",
     "memory:inuse_space:bytes:space:bytes"},
    {"inuse_space", "memory:inuse_space:bytes:space:bytes",
     "memory:inuse_space:bytes:space:bytes"},
    {"inuse_objects", "memory:inuse_objects:count:space:bytes",
     "memory:inuse_objects:count:space:bytes"},
    {"alloc_space", "memory:alloc_space:bytes:space:bytes",
     "memory:alloc_space:bytes:space:bytes"},
    {"alloc_objects", "memory:alloc_objects:count:space:bytes",
     "memory:alloc_objects:count:space:bytes"},
    {"goroutine", "goroutines:goroutine:count:goroutine:count",
     "goroutine:goroutine:count:goroutine:count"},
    {"cpu", "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
     "process_cpu:cpu:nanoseconds:cpu:nanoseconds:delta"},
    {"mutex", "mutex:delay:nanoseconds:contentions:count",
     "mutex:delay:nanoseconds:contentions:count:delta"},
    {"block", "block:delay:nanoseconds:contentions:count",
     "block:delay:nanoseconds:contentions:count:delta"},
};
const size_t ppd_backend_ntypes =
    sizeof ppd_backend_types / sizeof ppd_backend_types[0];

static const struct {
    const char *prefix;
    enum ppd_backend_kind kind;
} schemes[] = {
    {"pyroscope+", PPD_BACKEND_PYROSCOPE},
    {"parca+", PPD_BACKEND_PARCA},
};

static enum ppd_backend_kind
kind_of(const char *spec, size_t *skip)
{
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i].prefix);
        if (strncasecmp(spec, schemes[i].prefix, n) == 0 &&
            (strncasecmp(spec + n, "http://", 7) == 0 ||
             strncasecmp(spec + n, "https://", 8) == 0)) {
            *skip = n;
            return schemes[i].kind;
        }
    }
    return 0;
}

bool
ppd_backend_is(const char *spec)
{
    size_t skip;
    return spec != NULL && kind_of(spec, &skip) != 0;
}

void
ppd_backend_query_free(struct ppd_backend_query *q)
{
    if (q == NULL)
        return;
    free(q->base);
    free(q->selector);
    free(q->type_id);
    memset(q, 0, sizeof *q);
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A malloc'd, percent-decoded copy of s[0..n); NULL on a bad escape or
 * out of memory (*bad tells which). */
static char *
pct_decode(const char *s, size_t n, bool *bad)
{
    char *out = malloc(n + 1);
    size_t k = 0;
    *bad = false;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 1 < n ? hexval((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(out); /* a bad escape, or a NUL */
                *bad = true;
                return NULL;
            }
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    return out;
}

/* A duration: a number with s, m, h, d or w, in ms; false when not. */
static bool
parse_duration(const char *s, int64_t *ms)
{
    static const struct {
        char unit;
        double ms;
    } units[] = {{'s', 1e3}, {'m', 60e3}, {'h', 3600e3}, {'d', 86400e3},
                 {'w', 604800e3}};
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || !(v > 0) || end[0] == '\0' ||
        end[1] != '\0')
        return false;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (*end == units[i].unit && v * units[i].ms < 9e15) {
            *ms = (int64_t)(v * units[i].ms);
            return *ms > 0;
        }
    return false;
}

/* An RFC 3339 time: 2026-11-29T10:00:00[.frac](Z|+hh:mm|-hh:mm). */
static bool
parse_rfc3339(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec, n = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
               &n) != 6 ||
        n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || sec < 0 || sec > 60 || y < 1970)
        return false;
    const char *p = s + n;
    int64_t frac = 0;
    if (*p == '.') {
        int64_t scale = 100;
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p)) {
            frac += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    int64_t off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om, m = 0;
        if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &m) != 2 || m != 5 ||
            oh > 23 || om > 59)
            return false;
        off = (int64_t)(oh * 60 + om) * 60000 * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p != '\0')
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
                    .tm_hour = h, .tm_min = mi, .tm_sec = sec};
    *ms = (int64_t)timegm(&tm) * 1000 + frac - off;
    return true;
}

/* Times stay below 2262, so that nanoseconds fit an int64. */
#define MAX_MS ((int64_t)9200000000000)

/* now, now-D, RFC 3339, Unix seconds, or Unix ms as NNNms. */
static bool
parse_time(const char *s, int64_t now_ms, int64_t *ms)
{
    if (strcmp(s, "now") == 0) {
        *ms = now_ms;
        return true;
    }
    if (strncmp(s, "now-", 4) == 0) {
        int64_t d;
        if (!parse_duration(s + 4, &d))
            return false;
        *ms = now_ms - d;
        return *ms >= 0;
    }
    if (parse_rfc3339(s, ms))
        return *ms >= 0 && *ms <= MAX_MS;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || v < 0)
        return false;
    if (strcmp(end, "ms") == 0) {
        *ms = v;
        return v <= MAX_MS;
    }
    if (*end != '\0' || v > MAX_MS / 1000)
        return false;
    *ms = (int64_t)v * 1000;
    return true;
}

enum ppd_status
ppd_backend_parse(const char *spec, int64_t now_ms,
                  struct ppd_backend_query *q, struct ppd_error *err)
{
    memset(q, 0, sizeof *q);
    size_t skip = 0;
    q->kind = kind_of(spec, &skip);
    const char *why = NULL;
    char *vals[5] = {NULL, NULL, NULL, NULL, NULL};
    static const char *const keys[5] = {"query", "type", "from", "to",
                                        "step"};
    enum ppd_status st = PPD_OK;
    if (q->kind == 0)
        return ppd_error_set(err, PPD_EINVAL, spec,
                             "not a pyroscope+http(s):// or "
                             "parca+http(s):// URL");
    const char *url = spec + skip;
    const char *auth = strstr(url, "://") + 3;
    const char *path = auth + strcspn(auth, "/?#");
    const char *qs = strchr(path, '?');
    const char *pend = qs ? qs : path + strcspn(path, "#");
    if (path == auth) {
        why = "the URL has no host";
        goto bad;
    }
    while (pend > path && pend[-1] == '/')
        pend--;
    q->base = strndup(url, (size_t)(pend - url));
    if (q->base == NULL)
        goto nomem;
    for (const char *p = qs ? qs + 1 : ""; *p != '\0' && *p != '#';) {
        size_t n = strcspn(p, "&#");
        const char *eq = memchr(p, '=', n);
        size_t kl = eq ? (size_t)(eq - p) : n;
        size_t i = 0;
        while (i < 5 && !(strlen(keys[i]) == kl &&
                          memcmp(keys[i], p, kl) == 0))
            i++;
        if (i == 5 || eq == NULL) {
            why = "unknown query parameter (query, type, from, to, step)";
            goto bad;
        }
        bool badesc;
        free(vals[i]);
        vals[i] = pct_decode(eq + 1, n - kl - 1, &badesc);
        if (vals[i] == NULL) {
            if (!badesc)
                goto nomem;
            why = "a bad %-escape in the query";
            goto bad;
        }
        p += n;
        if (*p == '&')
            p++;
    }
    if (vals[0] == NULL || vals[0][0] == '\0') {
        why = "query= (the label selector) is missing";
        goto bad;
    }
    if (vals[1] == NULL || vals[1][0] == '\0') {
        why = "type= is missing";
        goto bad;
    }
    if (strchr(vals[1], ':') != NULL) {
        q->type_id = strdup(vals[1]);
    } else {
        for (size_t i = 0; i < ppd_backend_ntypes; i++)
            if (strcmp(vals[1], ppd_backend_types[i].name) == 0)
                q->type_id = strdup(q->kind == PPD_BACKEND_PYROSCOPE
                                        ? ppd_backend_types[i].pyroscope
                                        : ppd_backend_types[i].parca);
        if (q->type_id == NULL) {
            char names[256] = "";
            for (size_t i = 0; i < ppd_backend_ntypes; i++)
                snprintf(names + strlen(names), sizeof names - strlen(names),
                         "%s%s", i ? ", " : "", ppd_backend_types[i].name);
            st = ppd_error_set(err, PPD_EINVAL, spec,
                               "unknown type '%s' (%s, or a full type ID "
                               "such as %s)",
                               vals[1], names,
                               ppd_backend_types[0].pyroscope);
            goto out;
        }
    }
    q->selector = strdup(vals[0]);
    if (q->type_id == NULL || q->selector == NULL)
        goto nomem;
    if (!parse_time(vals[2] ? vals[2] : "now-1h", now_ms, &q->from_ms)) {
        why = "a bad from= (now, now-2h, 2026-11-29T10:00:00Z or Unix "
              "seconds)";
        goto bad;
    }
    if (!parse_time(vals[3] ? vals[3] : "now", now_ms, &q->to_ms)) {
        why = "a bad to= (now, now-2h, 2026-11-29T10:00:00Z or Unix "
              "seconds)";
        goto bad;
    }
    if (q->from_ms >= q->to_ms) {
        why = "from= is not before to=";
        goto bad;
    }
    if (vals[4] != NULL) {
        if (!parse_duration(vals[4], &q->step_ms)) {
            why = "a bad step= (a duration: 30m, 6h, 1d)";
            goto bad;
        }
        if ((q->to_ms - q->from_ms) / q->step_ms >=
            PPD_BACKEND_MAX_WINDOWS) {
            st = ppd_error_set(err, PPD_EINVAL, spec,
                               "step=%s makes more than %d windows", vals[4],
                               PPD_BACKEND_MAX_WINDOWS);
            goto out;
        }
    }
    goto out;
bad:
    st = ppd_error_set(err, PPD_EINVAL, spec, "%s", why);
    goto out;
nomem:
    st = ppd_error_set(err, PPD_ENOMEM, spec, "out of memory");
out:
    for (size_t i = 0; i < 5; i++)
        free(vals[i]);
    if (st != PPD_OK)
        ppd_backend_query_free(q);
    return st;
}

size_t
ppd_backend_nwindows(const struct ppd_backend_query *q)
{
    if (q->step_ms <= 0)
        return 1;
    int64_t span = q->to_ms - q->from_ms;
    return (size_t)((span + q->step_ms - 1) / q->step_ms);
}

static void
window(const struct ppd_backend_query *q, size_t i, int64_t *from,
       int64_t *to)
{
    if (q->step_ms <= 0) {
        *from = q->from_ms;
        *to = q->to_ms;
        return;
    }
    *from = q->from_ms + (int64_t)i * q->step_ms;
    *to = q->step_ms < q->to_ms - *from ? *from + q->step_ms : q->to_ms;
}

/* Append s percent-encoded (all but unreserved characters) to buf. */
static void
pct_encode(char *buf, size_t n, const char *s)
{
    size_t k = strlen(buf);
    for (; *s != '\0' && k + 4 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            c == ':')
            buf[k++] = (char)c;
        else
            k += (size_t)snprintf(buf + k, n - k, "%%%02X", c);
    }
    buf[k] = '\0';
}

enum ppd_status
ppd_backend_window_spec(const struct ppd_backend_query *q, size_t i,
                        char **out, struct ppd_error *err)
{
    int64_t from, to;
    window(q, i, &from, &to);
    size_t n = strlen(q->base) + 3 * strlen(q->selector) +
               3 * strlen(q->type_id) + 128;
    char *s = malloc(n);
    if (s == NULL)
        return ppd_error_set(err, PPD_ENOMEM, q->base, "out of memory");
    snprintf(s, n, "%s%s/?query=",
             q->kind == PPD_BACKEND_PYROSCOPE ? "pyroscope+" : "parca+",
             q->base);
    pct_encode(s, n, q->selector);
    snprintf(s + strlen(s), n - strlen(s), "&type=");
    pct_encode(s, n, q->type_id);
    snprintf(s + strlen(s), n - strlen(s),
             "&from=%" PRId64 "ms&to=%" PRId64 "ms", from, to);
    *out = s;
    return PPD_OK;
}

/* ---- Protobuf encoding: what the two requests need ---- */

struct pb {
    unsigned char *v;
    size_t n, cap;
    bool oom;
};

static void
pb_bytes(struct pb *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = (b->n + n) * 2 + 64;
        unsigned char *nv = realloc(b->v, cap);
        if (nv == NULL) {
            b->oom = true;
            return;
        }
        b->v = nv;
        b->cap = cap;
    }
    memcpy(b->v + b->n, p, n);
    b->n += n;
}

static void
pb_varint(struct pb *b, uint64_t v)
{
    unsigned char t[10];
    size_t k = 0;
    do {
        t[k++] = (unsigned char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v != 0);
    pb_bytes(b, t, k);
}

static void
pb_tag(struct pb *b, unsigned field, unsigned wire)
{
    pb_varint(b, (uint64_t)field << 3 | wire);
}

static void
pb_string(struct pb *b, unsigned field, const void *s, size_t n)
{
    pb_tag(b, field, 2);
    pb_varint(b, n);
    pb_bytes(b, s, n);
}

static void
pb_int(struct pb *b, unsigned field, int64_t v)
{
    pb_tag(b, field, 0);
    pb_varint(b, (uint64_t)v);
}

/* google.protobuf.Timestamp {seconds = 1; nanos = 2} as field. */
static void
pb_timestamp(struct pb *b, unsigned field, int64_t ms)
{
    struct pb t = {0};
    int64_t secs = ms / 1000, nanos = (ms % 1000) * 1000000;
    if (nanos < 0) {
        secs--;
        nanos += 1000000000;
    }
    if (secs != 0)
        pb_int(&t, 1, secs);
    if (nanos != 0)
        pb_int(&t, 2, nanos);
    b->oom |= t.oom;
    pb_string(b, field, t.v ? (const void *)t.v : "", t.n);
    free(t.v);
}

/* The request body for window [from, to) of q. */
static void
encode_request(const struct ppd_backend_query *q, int64_t from, int64_t to,
               struct pb *b)
{
    if (q->kind == PPD_BACKEND_PYROSCOPE) {
        /* querier.v1.SelectMergeProfileRequest: profile_typeID = 1,
         * label_selector = 2, start = 3, end = 4 (ms). */
        pb_string(b, 1, q->type_id, strlen(q->type_id));
        pb_string(b, 2, q->selector, strlen(q->selector));
        pb_int(b, 3, from);
        pb_int(b, 4, to);
        return;
    }
    /* parca.query.v1alpha1.QueryRequest: mode = 1 (MODE_MERGE = 2),
     * merge = 3 (MergeProfile: query = 1, start = 2, end = 3),
     * report_type = 5 (REPORT_TYPE_PPROF = 1). The query names the
     * profile type before the selector. */
    struct pb m = {0};
    size_t ql = strlen(q->type_id) + strlen(q->selector) + 1;
    char *query = malloc(ql);
    if (query == NULL) {
        b->oom = true;
        return;
    }
    snprintf(query, ql, "%s%s", q->type_id, q->selector);
    pb_string(&m, 1, query, strlen(query));
    pb_timestamp(&m, 2, from);
    pb_timestamp(&m, 3, to);
    free(query);
    b->oom |= m.oom;
    pb_int(b, 1, 2);
    pb_string(b, 3, m.v ? (const void *)m.v : "", m.n);
    pb_int(b, 5, 1);
    free(m.v);
}

/* ---- Answers ---- */

/* The value of "key": "..." in a small JSON object, unescaped simply. */
static bool
json_field(const char *json, const char *key, char *out, size_t n)
{
    char pat[32];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = strstr(json, pat);
    if (p == NULL)
        return false;
    p += strlen(pat);
    while (*p == ' ' || *p == ':')
        p++;
    if (*p != '"')
        return false;
    p++;
    size_t k = 0;
    for (; *p != '\0' && *p != '"' && k + 1 < n; p++) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        out[k++] = (unsigned char)*p < 0x20 ? ' ' : *p;
    }
    out[k] = '\0';
    return true;
}

/* Read a varint at *p (< end); false when truncated. */
static bool
pb_read_varint(const unsigned char **p, const unsigned char *end,
               uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64 && *p < end; shift += 7) {
        unsigned char c = *(*p)++;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

/*
 * The pprof bytes of a Parca QueryResponse message (field 6), or NULL
 * with *found false when there are none; false when malformed.
 */
static bool
parca_pprof(const unsigned char *m, size_t n, const unsigned char **pp,
            size_t *pn)
{
    const unsigned char *p = m, *end = m + n;
    *pp = NULL;
    *pn = 0;
    while (p < end) {
        uint64_t key, len;
        if (!pb_read_varint(&p, end, &key))
            return false;
        switch (key & 7) {
        case 0:
            if (!pb_read_varint(&p, end, &len))
                return false;
            break;
        case 1:
            if (end - p < 8)
                return false;
            p += 8;
            break;
        case 5:
            if (end - p < 4)
                return false;
            p += 4;
            break;
        case 2:
            if (!pb_read_varint(&p, end, &len) || len > (uint64_t)(end - p))
                return false;
            if (key >> 3 == 6) {
                *pp = p;
                *pn = (size_t)len;
            }
            p += len;
            break;
        default:
            return false;
        }
    }
    return true;
}

/* gRPC status codes by number, for messages. */
static const char *
grpc_code_name(long code)
{
    static const char *const names[] = {
        "ok", "cancelled", "unknown", "invalid_argument",
        "deadline_exceeded", "not_found", "already_exists",
        "permission_denied", "resource_exhausted", "failed_precondition",
        "aborted", "out_of_range", "unimplemented", "internal",
        "unavailable", "data_loss", "unauthenticated"};
    return code >= 0 && code <= 16 ? names[code] : "unknown";
}

/*
 * Unwrap a gRPC-Web answer: the data frame's message into *msg, the
 * trailer's status into *status (-1: none) and message into tmsg.
 */
static bool
grpc_web_unwrap(const unsigned char *d, size_t n, const unsigned char **msg,
                size_t *msgn, long *status, char *tmsg, size_t tn)
{
    *msg = NULL;
    *msgn = 0;
    while (n > 0) {
        if (n < 5)
            return false;
        uint32_t len = (uint32_t)d[1] << 24 | (uint32_t)d[2] << 16 |
                       (uint32_t)d[3] << 8 | d[4];
        if (len > n - 5)
            return false;
        const unsigned char *f = d + 5;
        if (d[0] & 0x80) {
            /* Trailers: "name: value\r\n" lines. */
            char *t = strndup((const char *)f, len);
            if (t == NULL)
                return false;
            for (char *save = NULL, *l = strtok_r(t, "\r\n", &save);
                 l != NULL; l = strtok_r(NULL, "\r\n", &save)) {
                char *colon = strchr(l, ':');
                if (colon == NULL)
                    continue;
                *colon = '\0';
                char *v = colon + 1;
                while (*v == ' ')
                    v++;
                if (strcasecmp(l, "grpc-status") == 0)
                    *status = strtol(v, NULL, 10);
                else if (strcasecmp(l, "grpc-message") == 0)
                    snprintf(tmsg, tn, "%s", v);
            }
            free(t);
        } else if (*msg == NULL) {
            *msg = f;
            *msgn = len;
        }
        d += 5 + len;
        n -= 5 + len;
    }
    return true;
}

/* Fetch window spec and leave the profile's bytes in *out. */
static enum ppd_status
fetch_bytes(const char *spec, const struct ppd_fetch_options *opt,
            struct ppd_buffer *out, int64_t *from, int64_t *to,
            struct ppd_error *err)
{
    static const struct ppd_fetch_options defaults = {0};
    struct ppd_backend_query q;
    struct ppd_buffer body = {0};
    struct pb req = {0};
    char *url = NULL;
    const char **headers = NULL;
    enum ppd_status st;
    out->data = NULL;
    out->len = 0;
    if (opt == NULL)
        opt = &defaults;
    st = ppd_backend_parse(spec, (int64_t)time(NULL) * 1000, &q, err);
    if (st != PPD_OK)
        return st;
    if (q.step_ms > 0 && ppd_backend_nwindows(&q) > 1) {
        st = ppd_error_set(err, PPD_EINVAL, spec,
                           "step= makes %zu windows: a trend reads them, "
                           "one input each",
                           ppd_backend_nwindows(&q));
        goto out;
    }
    *from = q.from_ms;
    *to = q.to_ms;
    bool pyro = q.kind == PPD_BACKEND_PYROSCOPE;
    const char *method = pyro ? "/querier.v1.QuerierService/SelectMergeProfile"
                              : "/parca.query.v1alpha1.QueryService/Query";
    size_t ul = strlen(q.base) + strlen(method) + 1;
    url = malloc(ul);
    encode_request(&q, q.from_ms, q.to_ms, &req);
    headers = calloc(opt->nheaders + 3, sizeof *headers);
    if (url == NULL || headers == NULL || req.oom) {
        st = ppd_error_set(err, PPD_ENOMEM, spec, "out of memory");
        goto out;
    }
    snprintf(url, ul, "%s%s", q.base, method);
    if (pyro) {
        headers[0] = "Content-Type: application/proto";
        headers[1] = "Connect-Protocol-Version: 1";
    } else {
        /* A gRPC-Web frame: flag 0, length, the message. */
        unsigned char frame[5] = {0, (unsigned char)(req.n >> 24),
                                  (unsigned char)(req.n >> 16),
                                  (unsigned char)(req.n >> 8),
                                  (unsigned char)req.n};
        struct pb f = {0};
        pb_bytes(&f, frame, 5);
        pb_bytes(&f, req.v, req.n);
        free(req.v);
        req = f;
        if (req.oom) {
            st = ppd_error_set(err, PPD_ENOMEM, spec, "out of memory");
            goto out;
        }
        headers[0] = "Content-Type: application/grpc-web+proto";
        headers[1] = "X-Grpc-Web: 1";
    }
    for (size_t i = 0; i < opt->nheaders; i++)
        headers[2 + i] = opt->headers[i];
    struct ppd_fetch_options o = *opt;
    o.headers = headers;
    o.nheaders = opt->nheaders + 2;
    o.data = (const char *)req.v;
    o.data_len = req.n;
    o.framed = true;
    struct ppd_fetch_info info;
    memset(&info, 0, sizeof info);
    st = ppd_fetch_url(url, &o, &body, &info, err);
    char code[64], msg[400], *ebody = NULL;
    if (st == PPD_EHTTP && body.data != NULL)
        ebody = strndup((const char *)body.data, body.len);
    if (st == PPD_EHTTP && pyro && ebody != NULL &&
        json_field(ebody, "code", code, sizeof code)) {
        if (!json_field(ebody, "message", msg, sizeof msg))
            msg[0] = '\0';
        st = ppd_error_set(err, PPD_EHTTP, spec,
                           "pyroscope answered %s: %s (HTTP %ld)", code, msg,
                           info.status);
    }
    free(ebody);
    if (st == PPD_EHTTP && !pyro && info.grpc_status > 0)
        st = ppd_error_set(err, PPD_EHTTP, spec,
                           "parca answered %s: %s (HTTP %ld)",
                           grpc_code_name(info.grpc_status),
                           info.grpc_message, info.status);
    if (st != PPD_OK)
        goto out;
    const unsigned char *prof = body.data;
    size_t plen = body.len;
    if (!pyro) {
        long status = info.grpc_status;
        char tmsg[256];
        snprintf(tmsg, sizeof tmsg, "%s", info.grpc_message);
        const unsigned char *m;
        size_t mn;
        bool grpc = strncasecmp(info.content_type, "application/grpc-web",
                                20) == 0;
        if (!grpc || !grpc_web_unwrap(body.data, body.len, &m, &mn, &status,
                                      tmsg, sizeof tmsg)) {
            st = ppd_error_set(err, PPD_ENOTPROF, spec,
                               "parca's answer is not gRPC-Web (%s): %s",
                               info.content_type[0] ? info.content_type
                                                    : "no content type",
                               info.body_start);
            goto out;
        }
        if (status > 0) {
            st = ppd_error_set(err, PPD_EHTTP, spec, "parca answered %s: %s",
                               grpc_code_name(status), tmsg);
            goto out;
        }
        if (m != NULL && !parca_pprof(m, mn, &prof, &plen)) {
            st = ppd_error_set(err, PPD_EPROTO, spec,
                               "parca's QueryResponse is malformed");
            goto out;
        }
        if (m == NULL)
            prof = NULL, plen = 0;
    } else if (info.content_type[0] &&
               strncasecmp(info.content_type, "application/proto", 17) != 0) {
        st = ppd_error_set(err, PPD_ENOTPROF, spec,
                           "pyroscope's answer is %s, not application/proto: "
                           "%s",
                           info.content_type, info.body_start);
        goto out;
    }
    if (plen == 0) {
        st = ppd_error_set(err, PPD_ENODATA, spec,
                           "no data for this window");
        goto out;
    }
    out->data = malloc(plen);
    if (out->data == NULL) {
        st = ppd_error_set(err, PPD_ENOMEM, spec, "out of memory");
        goto out;
    }
    memcpy(out->data, prof, plen);
    out->len = plen;
out:
    free(body.data);
    free(req.v);
    free(url);
    free(headers);
    ppd_backend_query_free(&q);
    return st;
}

/* Decode bytes of spec; a profile without samples is no data. */
static enum ppd_status
decode_bytes(const char *spec, const struct ppd_buffer *b,
             const struct ppd_decode_options *dopt, struct ppd_profile **out,
             struct ppd_error *err)
{
    enum ppd_status st =
        ppd_decode_buffer(b->data, b->len, spec, dopt, out, err);
    if (st == PPD_OK && (*out)->nsamples == 0) {
        ppd_profile_free(*out);
        *out = NULL;
        st = ppd_error_set(err, PPD_ENODATA, spec, "no data for this window");
    }
    return st;
}

enum ppd_status
ppd_backend_fetch_bytes(const char *spec, const struct ppd_fetch_options *opt,
                        const struct ppd_decode_options *dopt,
                        struct ppd_buffer *out, struct ppd_error *err)
{
    int64_t from, to;
    enum ppd_status st = fetch_bytes(spec, opt, out, &from, &to, err);
    struct ppd_profile *p = NULL;
    if (st == PPD_OK)
        st = decode_bytes(spec, out, dopt, &p, err);
    ppd_profile_free(p);
    if (st != PPD_OK) {
        free(out->data);
        out->data = NULL;
        out->len = 0;
    }
    return st;
}

enum ppd_status
ppd_backend_fetch(const char *spec, const struct ppd_fetch_options *opt,
                  const struct ppd_decode_options *dopt,
                  struct ppd_profile **out, struct ppd_error *err)
{
    struct ppd_buffer b;
    int64_t from, to;
    *out = NULL;
    enum ppd_status st = fetch_bytes(spec, opt, &b, &from, &to, err);
    if (st == PPD_OK)
        st = decode_bytes(spec, &b, dopt, out, err);
    free(b.data);
    if (st == PPD_OK) {
        /* The window, as trend orders inputs by time. */
        (*out)->time_nanos = from * 1000000;
        (*out)->duration_nanos = (to - from) * 1000000;
    }
    return st;
}
