/*
 * capture.c - snapshot many targets and profile types for cron.
 *
 * ppd_capture_run() turns targets x types into one job list for the
 * shared transfer engine (ppd__fetch_many), which runs them concurrently
 * on a libcurl multi handle. As each download finishes it is checked to
 * be a decodable profile, written atomically to
 * OUTDIR/NAME/TYPE-YYYYMMDDTHHMMSSZ.pb.gz and, with keep, the oldest
 * snapshots of that target and type are pruned.
 *
 * The non-obvious decision: every file of one run carries the run's start
 * time, not the time its own download ended, so the snapshots of a run
 * line up by name across targets and types, and a glob of one type lists
 * runs in order. Pruning and leftover cleaning only ever touch names of
 * the exact forms this module writes.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "net/fetch_int.h"
#include "pprofdiff/backend.h"
#include "pprofdiff/fetch.h"
#include "pprofdiff/snapshot.h"

#define DEFAULT_PARALLEL 8
#define STAMP_LEN PPD_SNAPSHOT_STAMP_LEN
#define NAME_MAX_LEN 128

struct target {
    const char *spec; /* as given, without NAME= */
    char name[NAME_MAX_LEN];
    char *dir;        /* OUTDIR/NAME */
    bool fixed;       /* the URL does not depend on the type */
    bool backend;     /* a backend URL (backend.h): saved on its own */
    char fixed_type[NAME_MAX_LEN];
};

struct cjob {
    struct target *t;
    const char *type;           /* as requested (or fixed_type) */
    char file_type[NAME_MAX_LEN]; /* type as used in the file name */
    bool text;                  /* a text form, TYPE?debug=N */
    char *url;
    char *path;
};

struct run {
    const struct ppd_capture_options *opt;
    size_t nfailed;
    enum ppd_status first;
};

static bool
is_name_char(int c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '-';
}

/* Copy src[0..len) into dst as a safe file name: other bytes become '_'. */
static void
sanitize(const char *src, size_t len, char *dst, size_t size)
{
    size_t k = 0;
    if (len > 0 && src[0] == '.' && size > 1)
        dst[k++] = '_'; /* no hidden names, no "." or ".." */
    for (size_t i = 0; i < len && k + 1 < size; i++)
        dst[k++] = is_name_char((unsigned char)src[i]) ? src[i] : '_';
    dst[k] = '\0';
}

/* "host:port" of url without userinfo, as a directory name. */
static void
default_name(const char *url, char *dst, size_t size)
{
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    size_t len = strcspn(auth, "/?#");
    for (size_t i = 0; i < len; i++) {
        if (auth[i] == '@') {
            len -= i + 1;
            auth += i + 1;
            i = 0;
        }
    }
    sanitize(auth, len, dst, size);
}

/* Last path segment of url ("goroutine"), or "profile". */
static void
last_segment(const char *url, char *dst, size_t size)
{
    const char *auth = strstr(url, "://");
    auth = auth ? auth + 3 : url;
    const char *path = auth + strcspn(auth, "/?#");
    size_t len = strcspn(path, "?#");
    while (len > 0 && path[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (start == len) {
        snprintf(dst, size, "profile");
        return;
    }
    sanitize(path + start, len - start, dst, size);
}

/* mkdir -p; returns 0 or an errno value. */
static int
mkdir_p(const char *path)
{
    size_t len = strlen(path);
    char *p = malloc(len + 1);
    if (p == NULL)
        return ENOMEM;
    memcpy(p, path, len + 1);
    int rc = 0;
    for (size_t i = 1; i <= len && rc == 0; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            rc = errno;
        p[i] = saved;
    }
    struct stat sb;
    if (rc == 0 && (stat(path, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        rc = errno ? errno : ENOTDIR;
    free(p);
    return rc;
}

/*
 * The type's name in file names: the type itself, made safe; a text
 * form TYPE?debug=N (Go's debug=1 and debug=2 pages) is TYPE.debugN,
 * saved as .txt. Any other query is refused.
 */
static enum ppd_status
file_type_of(struct cjob *c, struct ppd_error *err)
{
    const char *q = strchr(c->type, '?');
    if (q == NULL) {
        sanitize(c->type, strlen(c->type), c->file_type,
                 sizeof c->file_type);
        return PPD_OK;
    }
    if ((strcmp(q, "?debug=1") != 0 && strcmp(q, "?debug=2") != 0) ||
        q == c->type)
        return ppd_error_set(err, PPD_EINVAL, c->type,
                             "a type's query may only be ?debug=1 or "
                             "?debug=2 (a text form)");
    char name[NAME_MAX_LEN];
    sanitize(c->type, (size_t)(q - c->type), name, sizeof name);
    snprintf(c->file_type, sizeof c->file_type, "%.*s.debug%c",
             (int)(sizeof c->file_type - 8), name, q[7]);
    c->text = true;
    return PPD_OK;
}

/* The URL of a job: the target's, for the type, with ?debug=N. */
static enum ppd_status
job_url(const struct target *t, struct cjob *c, long seconds,
        struct ppd_error *err)
{
    if (t->fixed || !c->text)
        return ppd_fetch_target_url(t->spec, t->fixed ? NULL : c->type,
                                    seconds, &c->url, err);
    const char *q = strchr(c->type, '?');
    char base[NAME_MAX_LEN];
    snprintf(base, sizeof base, "%.*s", (int)(q - c->type), c->type);
    char *u = NULL;
    enum ppd_status st = ppd_fetch_target_url(t->spec, base, 0, &u, err);
    if (st != PPD_OK)
        return st;
    size_t len = strlen(u) + strlen(q) + 1;
    c->url = malloc(len);
    if (c->url == NULL) {
        free(u);
        return ppd_error_set(err, PPD_ENOMEM, t->spec, "out of memory");
    }
    /* A target URL may carry a query of its own. */
    snprintf(c->url, len, "%s%c%s", u, strchr(u, '?') ? '&' : '?', q + 1);
    free(u);
    return PPD_OK;
}

/* Delete the oldest snapshots of dir/type beyond keep. */
static enum ppd_status
prune(const char *dir, const char *type, size_t keep, struct ppd_error *err)
{
    char **paths = NULL;
    size_t n = 0;
    enum ppd_status st = ppd_snapshot_list(dir, type, &paths, &n, err);
    if (st != PPD_OK)
        return st;
    /* The list is oldest first. */
    for (size_t i = 0; i + keep < n; i++)
        if (unlink(paths[i]) != 0 && errno != ENOENT && st == PPD_OK)
            st = ppd_error_set(err, PPD_EIO, paths[i], "cannot prune: %s",
                               strerror(errno));
    ppd_snapshot_list_free(paths, n);
    return st;
}

static void
on_done(void *ctx, struct ppd__fetch_job *j)
{
    struct run *r = ctx;
    struct cjob *c = j->user;
    const struct ppd_capture_options *o = r->opt;
    char url[PPD_ERROR_INPUT_MAX];
    ppd_fetch_mask_url(c->url, url, sizeof url);

    /* The body is in its spool beside c->path: check it from there and
     * rename it into place, or remove it. */
    enum ppd_status st = j->status;
    if (st == PPD_OK)
        st = c->text ? ppd__fetch_check_text(url, j, &j->err)
                     : ppd__fetch_check_spool(url, j, o->decode, NULL,
                                              &j->err);
    if (st == PPD_OK)
        st = ppd__fetch_commit(j, &j->err);
    ppd__fetch_discard(j);
    if (st == PPD_OK && o->keep > 0)
        st = prune(c->t->dir, c->file_type, o->keep, &j->err);
    uint64_t bytes = j->size;
    free(j->body.data);
    j->body.data = NULL;
    j->body.len = 0;
    j->status = st;

    if (st != PPD_OK) {
        if (r->nfailed == 0)
            r->first = st;
        r->nfailed++;
    }
    if (o->report != NULL) {
        struct ppd_capture_result res = {
            .target = c->t->spec,
            .name = c->t->name,
            .type = c->file_type,
            .url = url,
            .path = st == PPD_OK ? c->path : NULL,
            .bytes = st == PPD_OK ? bytes : 0,
            .status = st,
            .err = st == PPD_OK ? NULL : &j->err,
            .http_status = j->info.status,
            .attempts = j->info.attempts,
            .seconds = j->seconds,
        };
        o->report(o->report_ctx, &res);
    }
}

/* Split "NAME=TARGET"; NAME is [A-Za-z0-9._-]+ and not "." or "..". */
static const char *
split_name(const char *arg, const char **name, size_t *namelen)
{
    size_t i = 0;
    while (is_name_char((unsigned char)arg[i]))
        i++;
    bool dots = (i == 1 && arg[0] == '.') ||
                (i == 2 && arg[0] == '.' && arg[1] == '.');
    if (i > 0 && arg[i] == '=' && !dots) {
        *name = arg;
        *namelen = i;
        return arg + i + 1;
    }
    *name = NULL;
    *namelen = 0;
    return arg;
}

/*
 * A backend URL as a target: named NAME= or after its host, its file
 * type the URL's type= (made safe). The query is checked now, so a bad
 * one stops the run before anything is fetched.
 */
static enum ppd_status
backend_target(struct target *t, const char *name, size_t namelen,
               struct ppd_error *err)
{
    struct ppd_backend_query q;
    enum ppd_status st = ppd_backend_parse(t->spec, (int64_t)time(NULL) * 1000,
                                           &q, err);
    if (st != PPD_OK)
        return st;
    if (ppd_backend_nwindows(&q) > 1) {
        ppd_backend_query_free(&q);
        return ppd_error_set(err, PPD_EINVAL, t->spec,
                             "step= makes several windows; capture saves "
                             "one profile per target");
    }
    t->backend = true;
    t->fixed = true;
    const char *ty = strstr(t->spec, "type=");
    size_t tl = ty ? strcspn(ty + 5, "&#") : 0;
    sanitize(ty ? ty + 5 : "profile", ty ? tl : 7, t->fixed_type,
             sizeof t->fixed_type);
    if (name != NULL)
        sanitize(name, namelen, t->name, sizeof t->name);
    else
        default_name(q.base, t->name, sizeof t->name);
    ppd_backend_query_free(&q);
    return PPD_OK;
}

/* Fetch a backend target's merged profile and save it, as on_done. */
static void
capture_backend(struct target *t, const char *stamp, struct run *r)
{
    const struct ppd_capture_options *o = r->opt;
    size_t plen = strlen(t->dir) + strlen(t->fixed_type) + STAMP_LEN + 16;
    char *path = malloc(plen);
    struct ppd_error e = {0};
    uint64_t bytes = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    enum ppd_status st = PPD_ENOMEM;
    if (path != NULL) {
        snprintf(path, plen, "%s/%s-%s.pb.gz", t->dir, t->fixed_type, stamp);
        st = ppd_fetch_save(t->spec, &o->fetch, o->decode, path, NULL,
                            &bytes, &e);
    } else {
        ppd_error_set(&e, PPD_ENOMEM, t->spec, "out of memory");
    }
    if (st == PPD_OK && o->keep > 0)
        st = prune(t->dir, t->fixed_type, o->keep, &e);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != PPD_OK) {
        if (r->nfailed == 0)
            r->first = st;
        r->nfailed++;
    }
    if (o->report != NULL) {
        char url[PPD_ERROR_INPUT_MAX];
        ppd_fetch_mask_url(t->spec, url, sizeof url);
        struct ppd_capture_result res = {
            .target = t->spec,
            .name = t->name,
            .type = t->fixed_type,
            .url = url,
            .path = st == PPD_OK ? path : NULL,
            .bytes = st == PPD_OK ? bytes : 0,
            .status = st,
            .err = st == PPD_OK ? NULL : &e,
            .http_status = 0,
            .attempts = 1,
            .seconds = (double)(t1.tv_sec - t0.tv_sec) +
                       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
        };
        o->report(o->report_ctx, &res);
    }
    free(path);
}

enum ppd_status
ppd_capture_run(const char *const *targets, size_t ntargets,
                const struct ppd_capture_options *opt, size_t *nfailed,
                struct ppd_error *err)
{
    static const char *const default_types[] = {"heap", "goroutine"};
    struct target *ts = NULL;
    struct cjob *cj = NULL;
    struct ppd__fetch_job *jobs = NULL;
    size_t njobs = 0;
    size_t maxjobs = 0;
    char *probe = NULL;
    enum ppd_status st = PPD_OK;
    struct run r = {opt, 0, PPD_OK};

    if (nfailed != NULL)
        *nfailed = 0;
    if (opt == NULL)
        return ppd_error_set(err, PPD_EINVAL, "capture", "no options");
    if (ntargets == 0)
        return ppd_error_set(err, PPD_EINVAL, "capture", "no targets");
    const char *const *types = opt->types ? opt->types : default_types;
    size_t ntypes = opt->types ? opt->ntypes : 2;
    if (ntypes == 0)
        return ppd_error_set(err, PPD_EINVAL, "capture", "no profile types");
    const char *outdir = opt->outdir && opt->outdir[0] ? opt->outdir : ".";

    char stamp[STAMP_LEN + 1];
    time_t now = opt->now ? opt->now : time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm) != STAMP_LEN)
        return ppd_error_set(err, PPD_EINVAL, "capture", "bad time");

    ts = calloc(ntargets, sizeof *ts);
    if (ts == NULL)
        goto nomem;

    /* Targets: name, directory, and whether -t applies to them. */
    for (size_t i = 0; i < ntargets; i++) {
        struct target *t = &ts[i];
        const char *name;
        size_t namelen;
        t->spec = split_name(targets[i], &name, &namelen);
        /* Text before an '=' and before any ':' was meant as a name:
         * when it is not a plain one, say what a name may be (a path in
         * it would leave the output directory). */
        const char *eq = strchr(targets[i], '=');
        size_t pre = eq ? (size_t)(eq - targets[i]) : 0;
        if (name == NULL && eq != NULL &&
            memchr(targets[i], ':', pre) == NULL) {
            char bad[PPD_ERROR_INPUT_MAX];
            snprintf(bad, sizeof bad, "%.*s=", (int)pre, targets[i]);
            st = ppd_error_set(err, PPD_EINVAL, bad,
                               "%s: a target name holds only letters, "
                               "digits, '.', '_' and '-', and is not '.' "
                               "or '..'",
                               pre == 0 ? "empty target name"
                                        : "not a plain target name");
            goto out;
        }
        char masked[PPD_ERROR_INPUT_MAX];
        ppd_fetch_mask_url(t->spec, masked, sizeof masked);
        char *a = NULL;
        if (ppd_backend_is(t->spec)) {
            st = backend_target(t, name, namelen, err);
            if (st != PPD_OK)
                goto out;
            goto named;
        }
        st = ppd_fetch_target_url(t->spec, "a", 0, &a, err);
        if (st != PPD_OK) {
            if (err != NULL)
                snprintf(err->input, sizeof err->input, "%s", masked);
            goto out;
        }
        st = ppd_fetch_target_url(t->spec, "b", 0, &probe, err);
        if (st != PPD_OK) {
            free(a);
            goto out;
        }
        t->fixed = strcmp(a, probe) == 0;
        if (name != NULL)
            sanitize(name, namelen, t->name, sizeof t->name);
        else
            default_name(a, t->name, sizeof t->name);
        if (t->fixed)
            last_segment(a, t->fixed_type, sizeof t->fixed_type);
        free(a);
        free(probe);
        probe = NULL;
    named:
        if (t->name[0] == '\0') {
            st = ppd_error_set(err, PPD_EINVAL, masked,
                               "cannot name a directory after this target; "
                               "use NAME=TARGET");
            goto out;
        }
        for (size_t k = 0; k < i; k++) {
            if (strcmp(ts[k].name, t->name) == 0) {
                st = ppd_error_set(err, PPD_EINVAL, masked,
                                   "directory %s already used by target %zu;"
                                   " name targets with NAME=TARGET",
                                   t->name, k + 1);
                goto out;
            }
        }
        size_t dlen = strlen(outdir) + strlen(t->name) + 2;
        t->dir = malloc(dlen);
        if (t->dir == NULL)
            goto nomem;
        snprintf(t->dir, dlen, "%s/%s", outdir, t->name);
    }
    for (size_t i = 0; i < ntypes; i++) {
        if (types[i] == NULL || types[i][0] == '\0') {
            st = ppd_error_set(err, PPD_EINVAL, "capture",
                               "empty profile type");
            goto out;
        }
    }

    /* Directories, and leftovers of killed runs in them. */
    int rc = mkdir_p(outdir);
    if (rc != 0) {
        st = ppd_error_set(err, PPD_EIO, outdir, "cannot create: %s",
                           strerror(rc));
        goto out;
    }
    for (size_t i = 0; i < ntargets; i++) {
        rc = mkdir_p(ts[i].dir);
        if (rc != 0) {
            st = ppd_error_set(err, PPD_EIO, ts[i].dir, "cannot create: %s",
                               strerror(rc));
            goto out;
        }
        ppd__fetch_clean_stale(ts[i].dir, NULL);
    }

    /* Jobs: every type of every target; fixed URLs once. */
    if (ntargets > SIZE_MAX / ntypes)
        goto nomem;
    maxjobs = ntargets * ntypes;
    cj = calloc(maxjobs, sizeof *cj);
    jobs = calloc(maxjobs, sizeof *jobs);
    if (cj == NULL || jobs == NULL)
        goto nomem;
    for (size_t i = 0; i < ntargets; i++) {
        struct target *t = &ts[i];
        size_t first = njobs;
        for (size_t k = 0; k < (t->backend ? 0 : t->fixed ? 1 : ntypes);
             k++) {
            struct cjob *c = &cj[njobs];
            c->t = t;
            c->type = t->fixed ? t->fixed_type : types[k];
            st = file_type_of(c, err);
            if (st != PPD_OK)
                goto out;
            bool dup = false;
            for (size_t m = first; m < njobs; m++)
                dup = dup || strcmp(cj[m].file_type, c->file_type) == 0;
            if (dup)
                continue;
            st = job_url(t, c, opt->fetch.seconds, err);
            if (st != PPD_OK)
                goto out;
            size_t plen = strlen(t->dir) + strlen(c->file_type) +
                          STAMP_LEN + 16;
            c->path = malloc(plen);
            if (c->path == NULL)
                goto nomem;
            snprintf(c->path, plen, "%s/%s-%s.%s", t->dir, c->file_type,
                     stamp, c->text ? "txt" : "pb.gz");
            jobs[njobs].url = c->url;
            jobs[njobs].user = c;
            jobs[njobs].save_path = c->path;
            njobs++;
        }
    }

    size_t parallel = opt->parallel ? opt->parallel : DEFAULT_PARALLEL;
    st = njobs == 0 ? PPD_OK
                    : ppd__fetch_many(jobs, njobs, parallel, &opt->fetch,
                                      on_done, &r, err);
    if (st != PPD_OK)
        goto out;
    size_t nbackend = 0;
    for (size_t i = 0; i < ntargets; i++)
        if (ts[i].backend) {
            nbackend++;
            capture_backend(&ts[i], stamp, &r);
        }
    if (r.nfailed > 0)
        st = ppd_error_set(err, r.first, "capture",
                           "%zu of %zu captures failed", r.nfailed,
                           njobs + nbackend);
    goto out;

nomem:
    st = ppd_error_set(err, PPD_ENOMEM, "capture", "out of memory");
out:
    if (nfailed != NULL)
        *nfailed = r.nfailed;
    for (size_t i = 0; jobs != NULL && i < njobs; i++)
        free(jobs[i].body.data);
    free(probe);
    for (size_t i = 0; cj != NULL && i < maxjobs; i++) {
        free(cj[i].url);
        free(cj[i].path);
    }
    free(cj);
    free(jobs);
    if (ts != NULL) {
        for (size_t i = 0; i < ntargets; i++)
            free(ts[i].dir);
    }
    free(ts);
    return st;
}
