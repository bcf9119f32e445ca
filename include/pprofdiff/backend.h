/*
 * backend.h - merged profiles from continuous-profiling backends, named
 * by URL: Grafana Pyroscope and Parca.
 *
 *     pyroscope+http://HOST:PORT[/PREFIX]/?query=SELECTOR&type=TYPE
 *                                         &from=T&to=T[&step=D]
 *     parca+http://HOST:PORT[/PREFIX]/?query=SELECTOR&type=TYPE
 *                                     &from=T&to=T[&step=D]
 *
 * (https as well). Pyroscope is asked with a SelectMergeProfileRequest
 * (profile type ID, label selector, start and end in ms) POSTed to
 * /querier.v1.QuerierService/SelectMergeProfile with the Connect
 * protocol's binary codec; its answer is the merged pprof Profile.
 * Parca is asked with a QueryRequest (mode merge, the query "TYPE
 * SELECTOR", start and end as Timestamps, report type pprof) POSTed to
 * /parca.query.v1alpha1.QueryService/Query as gRPC-Web (the protocol
 * its web UI speaks on its HTTP port); the pprof bytes are field 6 of
 * the QueryResponse.
 *
 * TYPE is a short name (ppd_backend_types lists them) or a full type ID
 * (anything with a ':'). T is now, now-D, RFC 3339 (2026-11-29T10:00:00Z,
 * or with an offset) or Unix seconds; D is a number with s, m, h, d or
 * w. step=D splits from..to into consecutive windows of D (the last one
 * may be shorter), one input each, at most PPD_BACKEND_MAX_WINDOWS.
 * Query values may be percent-encoded.
 */
#ifndef PPROFDIFF_BACKEND_H
#define PPROFDIFF_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/error.h"
#include "pprofdiff/fetch.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PPD_BACKEND_MAX_WINDOWS 1000

enum ppd_backend_kind { PPD_BACKEND_PYROSCOPE = 1, PPD_BACKEND_PARCA };

/* A parsed backend URL. Strings are the query's own (free with
 * ppd_backend_query_free). Times in ms since the epoch. */
struct ppd_backend_query {
    enum ppd_backend_kind kind;
    char *base;     /* http(s)://HOST:PORT[/PREFIX], no trailing '/' */
    char *selector; /* "{service_name=\"api\"}" */
    char *type_id;  /* the backend's profile type ID */
    int64_t from_ms, to_ms, step_ms; /* step 0: one window */
};

/* One short type name and its IDs in each backend. */
struct ppd_backend_type {
    const char *name;
    const char *pyroscope;
    const char *parca;
};
extern const struct ppd_backend_type ppd_backend_types[];
extern const size_t ppd_backend_ntypes;

/* ppd_backend_is - does spec start with pyroscope+http(s):// or parca+? */
bool ppd_backend_is(const char *spec);

/*
 * ppd_backend_parse - parse spec, with now_ms the time "now" means.
 * PPD_EINVAL naming the spec and what is wrong: an unknown type (the
 * message lists the short names), a bad time, from not before to, a
 * step giving more than PPD_BACKEND_MAX_WINDOWS windows, a missing
 * query or type.
 */
PPD_NODISCARD enum ppd_status
ppd_backend_parse(const char *spec, int64_t now_ms,
                  struct ppd_backend_query *q, struct ppd_error *err);

void ppd_backend_query_free(struct ppd_backend_query *q);

/* ppd_backend_nwindows - the windows of q: 1 without a step. */
size_t ppd_backend_nwindows(const struct ppd_backend_query *q);

/*
 * ppd_backend_window_spec - a URL for window i of q alone (no step, the
 * times as Unix milliseconds "from=...ms"), in *out (malloc'd).
 */
PPD_NODISCARD enum ppd_status
ppd_backend_window_spec(const struct ppd_backend_query *q, size_t i,
                        char **out, struct ppd_error *err);

/*
 * ppd_backend_fetch - ask the backend for the merged profile of spec
 * (one window: a step is refused) and decode it. The network options
 * apply (headers, token, TLS, timeouts, retries, --max-download). An
 * error answer is one line with the backend's code and message; an
 * empty answer is PPD_ENODATA ("no data for this window"). The
 * profile's time is the window's start, its duration the window's.
 */
PPD_NODISCARD enum ppd_status
ppd_backend_fetch(const char *spec, const struct ppd_fetch_options *opt,
                  const struct ppd_decode_options *dopt,
                  struct ppd_profile **out, struct ppd_error *err);

/*
 * ppd_backend_fetch_bytes - the same, keeping the profile's bytes as
 * the backend sent them (gzipped or raw protobuf) in *out, checked to
 * decode.
 */
PPD_NODISCARD enum ppd_status
ppd_backend_fetch_bytes(const char *spec, const struct ppd_fetch_options *opt,
                        const struct ppd_decode_options *dopt,
                        struct ppd_buffer *out, struct ppd_error *err);

#ifdef __cplusplus
}
#endif

#endif
