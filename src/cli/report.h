/*
 * report.h - the JSON document `capture --report FILE` writes: one per
 * run, for monitoring scripts to read instead of parsing stderr. The
 * schema is in the README ("capture --report").
 */
#ifndef PPD_CLI_REPORT_H
#define PPD_CLI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "pprofdiff/fetch.h"

struct ppd__report_entry;

/* A run's report, filled as captures finish; zero-initialise. */
struct ppd__report {
    time_t start;            /* the run's start (its file-name stamp) */
    double deadline;         /* --deadline, 0 when none */
    struct ppd__report_entry *v;
    size_t n, cap;
    bool nomem;              /* an entry was lost: the write fails */
};

/* ppd__report_add - record one capture (strings are copied). */
void ppd__report_add(struct ppd__report *r,
                     const struct ppd_capture_result *res);

/*
 * ppd__report_write - write the document to path atomically, or to
 * stdout when path is "-". duration is the run's, in seconds. Returns
 * false after printing the error.
 */
bool ppd__report_write(const struct ppd__report *r, const char *path,
                       double duration);

/* ppd__report_free - release what r holds. */
void ppd__report_free(struct ppd__report *r);

#endif
