/*
 * fetch_int.h - the transfer engine shared by fetch.c and capture.c.
 *
 * ppd__fetch_many() runs a list of downloads on one libcurl multi handle,
 * at most `parallel` at once, with the retry, cap and error rules of
 * ppd_fetch_url(). Each job is handed to a callback as soon as it is
 * final, so the caller can validate and save it while other transfers
 * continue.
 *
 * Bodies are never held in memory: a 2xx body streams into a spool file
 * (a temporary file beside save_path, else an anonymous one), so memory
 * per transfer is libcurl's buffer, a stdio buffer and the first
 * PPD__FETCH_HEAD bytes kept for sniffing and messages, whatever the
 * size of the body or --max-download.
 */
#ifndef PPROFDIFF_FETCH_INT_H
#define PPROFDIFF_FETCH_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pprofdiff/error.h"
#include "pprofdiff/fetch.h"

/* Bytes of a body kept in memory: its start (all of an error answer's). */
#define PPD__FETCH_HEAD 4096

struct ppd__fetch_job {
    const char *url;          /* in: URL to fetch (not masked) */
    void *user;               /* in: for the callback */
    const char *save_path;    /* in: spool beside this final path, or NULL */
    struct ppd_buffer body;   /* out: the first PPD__FETCH_HEAD bytes */
    uint64_t size;            /* out: bytes of a 2xx body */
    double seconds;           /* out: from the first attempt to the end */
    FILE *spool;              /* out: a 2xx body, rewound; the job's */
    char *spool_name;         /* out: its path; NULL when anonymous */
    struct ppd_fetch_info info;
    enum ppd_status status;   /* out: PPD_OK or why it failed */
    struct ppd_error err;     /* out: filled when status != PPD_OK */
};

typedef void (*ppd__fetch_done_fn)(void *ctx, struct ppd__fetch_job *job);

/*
 * ppd__fetch_many - download jobs[0..n) concurrently. done (may be NULL)
 * is called once per job when it is final; it may take job->body (set it
 * to zero) and must not touch other jobs. Bodies it leaves are the
 * caller's to free. Returns non-OK only for setup failures (bad option,
 * unreadable token file, out of memory), filling err; per-job outcomes
 * are in each job. Messages are masked (see ppd_fetch_url).
 */
PPD_NODISCARD enum ppd_status
ppd__fetch_many(struct ppd__fetch_job *jobs, size_t n, size_t parallel,
                const struct ppd_fetch_options *opt, ppd__fetch_done_fn done,
                void *ctx, struct ppd_error *err);

/*
 * ppd__fetch_check_spool - as ppd_fetch_check_profile(), for a job whose
 * body is in its spool: the start (job->body) decides whether it is text,
 * and the profile is decoded from the spool. The spool is rewound again
 * after.
 */
PPD_NODISCARD enum ppd_status
ppd__fetch_check_spool(const char *name, struct ppd__fetch_job *job,
                       const struct ppd_decode_options *dopt,
                       struct ppd_profile **out, struct ppd_error *err);

/*
 * ppd__fetch_check_text - is the job's 2xx body one of Go's text
 * profiles (a debug=1 profile, "... profile: total ...", or a debug=2
 * goroutine dump, "goroutine 1 [running]:")? PPD_ENOTPROF naming what
 * it is otherwise.
 */
PPD_NODISCARD enum ppd_status
ppd__fetch_check_text(const char *name, const struct ppd__fetch_job *job,
                      struct ppd_error *err);

/*
 * ppd__fetch_commit - make the job's spool its save_path: fsync, rename,
 * fsync the directory. The spool is closed either way.
 */
PPD_NODISCARD enum ppd_status
ppd__fetch_commit(struct ppd__fetch_job *job, struct ppd_error *err);

/* ppd__fetch_discard - close and remove a job's spool, if any. */
void ppd__fetch_discard(struct ppd__fetch_job *job);

/*
 * ppd__fetch_clean_stale - in dir, remove temporary files left by
 * ppd_fetch_save_atomic() in processes that no longer exist. With base
 * non-NULL only those for the final name base. Errors are ignored: a
 * leftover costs disk space, never correctness.
 */
void ppd__fetch_clean_stale(const char *dir, const char *base);

/*
 * ppd__fetch_save_in - as ppd_fetch_save_atomic(), without cleaning
 * stale files (capture cleans each directory once per run).
 */
PPD_NODISCARD enum ppd_status
ppd__fetch_save_in(const char *path, const void *data, size_t len,
                   struct ppd_error *err);

#endif
