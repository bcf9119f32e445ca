/*
 * report.c - the JSON run report of `pprofdiff capture --report`.
 *
 * The document is built in memory and written in one piece (atomically
 * to a file: a monitoring script never reads half of one).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common.h"
#include "cli/report.h"
#include "output/json.h"

struct ppd__report_entry {
    char *target, *name, *type, *url, *path, *message;
    const char *code; /* ppd_status_str(), static */
    bool ok;
    uint64_t bytes;
    long http_status;
    int attempts;
    double seconds;
};

static char *
dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

void
ppd__report_add(struct ppd__report *r, const struct ppd_capture_result *res)
{
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 64;
        struct ppd__report_entry *nv = realloc(r->v, ncap * sizeof *nv);
        if (nv == NULL) {
            r->nomem = true;
            return;
        }
        r->v = nv;
        r->cap = ncap;
    }
    struct ppd__report_entry *e = &r->v[r->n++];
    memset(e, 0, sizeof *e);
    e->target = dup_or_null(res->target);
    e->name = dup_or_null(res->name);
    e->type = dup_or_null(res->type);
    e->url = dup_or_null(res->url);
    e->path = dup_or_null(res->path);
    e->ok = res->status == PPD_OK;
    if (!e->ok && res->err != NULL) {
        e->message = dup_or_null(res->err->msg);
        e->code = ppd_status_str(res->err->code);
    }
    e->bytes = res->bytes;
    e->http_status = res->http_status;
    e->attempts = res->attempts;
    e->seconds = res->seconds;
    if (e->target == NULL || e->name == NULL || e->type == NULL ||
        e->url == NULL || (res->path != NULL && e->path == NULL))
        r->nomem = true;
}

static void
str_or_null(FILE *out, const char *s)
{
    if (s == NULL)
        fputs("null", out);
    else
        ppd__json_string(out, s, strlen(s));
}

static void
write_doc(FILE *out, const struct ppd__report *r, double duration)
{
    char start[32] = "";
    struct tm tm;
    if (gmtime_r(&r->start, &tm) != NULL)
        strftime(start, sizeof start, "%Y-%m-%dT%H:%M:%SZ", &tm);
    size_t saved = 0;
    uint64_t bytes = 0;
    for (size_t i = 0; i < r->n; i++) {
        saved += r->v[i].ok;
        bytes += r->v[i].ok ? r->v[i].bytes : 0;
    }
    fprintf(out, "{\n  \"report\": \"pprofdiff capture\",\n"
                 "  \"version\": 1,\n  \"start\": ");
    str_or_null(out, start);
    fprintf(out, ",\n  \"duration_seconds\": %.3f,\n", duration);
    if (r->deadline > 0)
        fprintf(out, "  \"deadline_seconds\": %.3f,\n", r->deadline);
    else
        fputs("  \"deadline_seconds\": null,\n", out);
    fprintf(out,
            "  \"totals\": {\"captures\": %zu, \"saved\": %zu, "
            "\"failed\": %zu, \"bytes\": %" PRIu64 "},\n",
            r->n, saved, r->n - saved, bytes);
    fputs("  \"captures\": [", out);
    for (size_t i = 0; i < r->n; i++) {
        const struct ppd__report_entry *e = &r->v[i];
        fputs(i ? ",\n    {" : "\n    {", out);
        fputs("\"target\": ", out);
        str_or_null(out, e->target);
        fputs(", \"name\": ", out);
        str_or_null(out, e->name);
        fputs(", \"type\": ", out);
        str_or_null(out, e->type);
        fputs(", \"url\": ", out);
        str_or_null(out, e->url);
        fprintf(out, ", \"ok\": %s, \"path\": ", e->ok ? "true" : "false");
        str_or_null(out, e->path);
        fprintf(out, ", \"bytes\": %" PRIu64 ", \"http_status\": ",
                e->ok ? e->bytes : 0);
        if (e->http_status > 0)
            fprintf(out, "%ld", e->http_status);
        else
            fputs("null", out);
        fprintf(out, ", \"attempts\": %d, \"seconds\": %.3f, \"error\": ",
                e->attempts, e->seconds);
        if (e->ok) {
            fputs("null", out);
        } else {
            fputs("{\"code\": ", out);
            str_or_null(out, e->code);
            fputs(", \"message\": ", out);
            str_or_null(out, e->message);
            fputc('}', out);
        }
        fputc('}', out);
    }
    fputs(r->n ? "\n  ]\n}\n" : "]\n}\n", out);
}

bool
ppd__report_write(const struct ppd__report *r, const char *path,
                  double duration)
{
    struct ppd_error err = {0};
    char *doc = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&doc, &len);
    if (mem == NULL || r->nomem) {
        if (mem != NULL)
            fclose(mem);
        free(doc);
        ppd_error_set(&err, PPD_ENOMEM, path, "report: out of memory");
        ppd__cli_print_error(&err);
        return false;
    }
    write_doc(mem, r, duration);
    bool ok = fclose(mem) == 0;
    if (ok && strcmp(path, "-") == 0) {
        ok = fwrite(doc, 1, len, stdout) == len && fflush(stdout) == 0;
        if (!ok)
            ppd_error_set(&err, PPD_EIO, "-", "report: write error");
    } else if (ok) {
        ok = ppd_fetch_save_atomic(path, doc, len, &err) == PPD_OK;
    } else {
        ppd_error_set(&err, PPD_ENOMEM, path, "report: out of memory");
    }
    if (!ok)
        ppd__cli_print_error(&err);
    free(doc);
    return ok;
}

void
ppd__report_free(struct ppd__report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        struct ppd__report_entry *e = &r->v[i];
        free(e->target);
        free(e->name);
        free(e->type);
        free(e->url);
        free(e->path);
        free(e->message);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}
