/*
 * net_cmds.c - `pprofdiff fetch` and `pprofdiff capture`. They print only
 * here: one "pprofdiff: INPUT: message" line per failure on stderr,
 * nothing on success unless asked (cron mails any output).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/common.h"
#include "cli/net_opts.h"
#include "cli/report.h"
#include "pprofdiff/backend.h"
#include "pprofdiff/fetch.h"

/* ---- pprofdiff fetch ---- */

static const struct ppd__opt fetch_opts[] = {
    {"output", 'o', 'o', "FILE", "where to save the profile; - for stdout"},
    {"help", 'h', 'h', NULL, "show this help and exit"},
    {NULL, 0, 0, NULL, NULL},
};

static void
fetch_usage(FILE *out)
{
    fputs(
        "Usage: pprofdiff fetch [OPTIONS] URL|HOST:PORT -o FILE\n"
        "\n"
        "Download one profile, check that it decodes, and save it to FILE\n"
        "atomically (a temporary file in the same directory, fsync'd and\n"
        "renamed): FILE is either untouched or complete.\n"
        "\n"
        "Options:\n",
        out);
    ppd__opts_help(out, fetch_opts);
    ppd__opts_help(out, ppd__cli_input_opts);
    fputc('\n', out);
    ppd__cli_fetch_usage(out);
    fputs("\nExit status: 0 success, 1 fetch or write error, 2 usage "
          "error.\n", out);
}

int
ppd__cli_fetch_main(int argc, char **argv)
{
    static const struct ppd__opt *const tables[] = {
        fetch_opts, ppd__cli_input_opts, ppd__cli_net_opts, NULL};
    struct option longopts[PPD_OPTS_MAX + 1];
    char shortopts[3 * PPD_OPTS_MAX + 2];
    ppd__opts_getopt(tables, longopts, shortopts);
    struct ppd__cli_net net = {0};
    struct ppd_decode_options dopt = {0};
    const char *output = NULL;
    char *url = NULL;
    struct ppd_error err = {0};
    int rc = PPD_EXIT_USAGE;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int r = ppd__cli_input_flag("fetch", &dopt, c, optarg);
        if (r < 0)
            goto out;
        if (r > 0)
            continue;
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case 'h':
            fetch_usage(stdout);
            rc = PPD_EXIT_OK;
            goto out;
        default:
            rc = ppd__cli_common_opt("fetch", &net, c, argv);
            if (rc >= 0)
                goto out;
            break;
        }
    }
    if (argc - optind != 1) {
        rc = ppd__cli_usage_error("fetch", argc - optind == 0
                                          ? "no URL or HOST:PORT given"
                                          : "fetch takes one URL");
        goto out;
    }
    if (output == NULL) {
        rc = ppd__cli_usage_error("fetch", "no output file: use -o FILE");
        goto out;
    }
    const char *spec = argv[optind];
    if (!ppd_fetch_is_remote(spec)) {
        rc = ppd__cli_usage_error("fetch", "'%s' is not a URL or HOST:PORT",
                             spec);
        goto out;
    }
    rc = ppd__cli_net_finish(&net);
    if (rc != PPD_EXIT_OK)
        goto out;

    rc = PPD_EXIT_ERROR;
    /* A backend URL names its own request (pprofdiff/backend.h). */
    if (ppd_backend_is(spec))
        url = strdup(spec);
    else if (ppd_fetch_target_url(spec, net.opt.type, net.opt.seconds, &url,
                                  &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        goto out;
    }
    bool to_stdout = strcmp(output, "-") == 0;
    if (ppd_fetch_save(url, &net.opt, &dopt, to_stdout ? NULL : output,
                       to_stdout ? stdout : NULL, NULL, &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        goto out;
    }
    rc = PPD_EXIT_OK;
out:
    free(url);
    ppd__cli_net_free(&net);
    return rc;
}

/* ---- pprofdiff capture ---- */

enum { OPT_PARALLEL = 950, OPT_KEEP, OPT_DEADLINE, OPT_REPORT };

static const struct ppd__opt capture_opts[] = {
    {"type", 't', 't', "LIST",
     "comma-separated profile types\n(default heap,goroutine; repeatable)"},
    {"output", 'o', 'o', "DIR", "base directory (default .)"},
    {"parallel", 0, OPT_PARALLEL, "N", "transfers at once (default 8)"},
    {"keep", 0, OPT_KEEP, "N",
     "keep the newest N snapshots per target\n"
     "and type, delete older ones (default:\n"
     "keep all)"},
    {"deadline", 0, OPT_DEADLINE, "S",
     "end the whole run after S seconds:\n"
     "transfers still running or waiting are\n"
     "cancelled and reported, finished ones\n"
     "kept (default: none)"},
    {"report", 0, OPT_REPORT, "FILE",
     "write a JSON report of the run to FILE\n"
     "(atomically; - for stdout): every\n"
     "capture's file or failure, and totals"},
    {"verbose", 'v', 'v', NULL, "print each saved file on stdout"},
    {"help", 'h', 'h', NULL, "show this help and exit"},
    {NULL, 0, 0, NULL, NULL},
};

static void
capture_usage(FILE *out)
{
    fputs(
        "Usage: pprofdiff capture [OPTIONS] TARGET...\n"
        "\n"
        "Fetch every profile type from every TARGET at once and save each\n"
        "as DIR/NAME/TYPE-YYYYMMDDTHHMMSSZ.pb.gz (UTC start time of the run,\n"
        "so names sort by time). TARGET is HOST:PORT or a URL, optionally\n"
        "NAME=TARGET to choose its directory (default: host_port). A URL\n"
        "that names one profile (not a /debug/pprof/ base) is saved once,\n"
        "under its last path segment. Every file is checked to decode, and\n"
        "written to a temporary file, fsync'd and renamed: a failed or\n"
        "killed run never leaves a partial file under a final name, and the\n"
        "next run removes its leftovers.\n"
        "\n"
        "Options:\n",
        out);
    ppd__opts_help(out, capture_opts);
    ppd__opts_help(out, ppd__cli_input_opts);
    fputc('\n', out);
    ppd__cli_fetch_usage(out);
    fputs("\nA failing target is reported on stderr and the others go on.\n"
          "Exit status: 0 every capture saved, 1 some capture failed, 2\n"
          "usage error.\n", out);
}

struct capture_cli {
    bool verbose;
    struct ppd__report *report; /* --report, or NULL */
};

static void
capture_report(void *ctx, const struct ppd_capture_result *r)
{
    const struct capture_cli *c = ctx;
    if (c->report != NULL)
        ppd__report_add(c->report, r);
    if (r->err != NULL) {
        ppd__cli_print_error(r->err);
        return;
    }
    if (c->verbose)
        printf("%s\n", r->path);
}


/* Append the comma-separated names in list to *types (pointing into buf). */
static int
add_types(char *list, const char ***types, size_t *ntypes)
{
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t != NULL;
         t = strtok_r(NULL, ",", &save)) {
        const char **nt = realloc(*types, (*ntypes + 1) * sizeof *nt);
        if (nt == NULL)
            return -1;
        nt[(*ntypes)++] = t;
        *types = nt;
    }
    return 0;
}

int
ppd__cli_capture_main(int argc, char **argv)
{
    static const struct ppd__opt *const tables[] = {
        capture_opts, ppd__cli_input_opts, ppd__cli_net_opts, NULL};
    struct option longopts[PPD_OPTS_MAX + 1];
    char shortopts[3 * PPD_OPTS_MAX + 2];
    ppd__opts_getopt(tables, longopts, shortopts);
    struct ppd__cli_net net = {0};
    struct ppd_decode_options dopt = {0};
    struct ppd_capture_options copt = {0};
    struct capture_cli cc = {false};
    const char **types = NULL;
    size_t ntypes = 0;
    char **typebufs = NULL;
    size_t ntypebufs = 0;
    struct ppd_error err = {0};
    int rc = PPD_EXIT_USAGE;
    long v;
    double deadline = 0;
    const char *report_path = NULL;
    struct ppd__report report = {0};
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int r = ppd__cli_input_flag("capture", &dopt, c, optarg);
        if (r < 0)
            goto out;
        if (r > 0)
            continue;
        switch (c) {
        case 't': {
            char **nb = realloc(typebufs, (ntypebufs + 1) * sizeof *nb);
            char *copy = nb ? strdup(optarg) : NULL;
            if (nb != NULL)
                typebufs = nb;
            if (copy == NULL) {
                fputs("pprofdiff: out of memory\n", stderr);
                rc = PPD_EXIT_ERROR;
                goto out;
            }
            typebufs[ntypebufs++] = copy;
            if (add_types(copy, &types, &ntypes) != 0) {
                fputs("pprofdiff: out of memory\n", stderr);
                rc = PPD_EXIT_ERROR;
                goto out;
            }
            break;
        }
        case 'o':
            copt.outdir = optarg;
            break;
        case OPT_PARALLEL:
            if (!ppd__cli_parse_long(optarg, 1, 1000, &v)) {
                rc = ppd__cli_usage_error("capture", "invalid --parallel value "
                                     "'%s' (1-1000)", optarg);
                goto out;
            }
            copt.parallel = (size_t)v;
            break;
        case OPT_REPORT:
            report_path = optarg;
            break;
        case OPT_DEADLINE:
            if (!ppd__cli_parse_seconds(optarg, &deadline)) {
                rc = ppd__cli_usage_error("capture",
                                          "invalid --deadline value '%s' "
                                          "(seconds, more than 0)",
                                          optarg);
                goto out;
            }
            break;
        case OPT_KEEP:
            if (!ppd__cli_parse_long(optarg, 1, 1000000000L, &v)) {
                rc = ppd__cli_usage_error("capture",
                                          "invalid --keep value '%s' (at "
                                          "least 1)",
                                          optarg);
                goto out;
            }
            copt.keep = (size_t)v;
            break;
        case 'v':
            cc.verbose = true;
            break;
        case 'h':
            capture_usage(stdout);
            rc = PPD_EXIT_OK;
            goto out;
        default:
            rc = ppd__cli_common_opt("capture", &net, c, argv);
            if (rc >= 0)
                goto out;
            break;
        }
    }
    if (optind >= argc) {
        rc = ppd__cli_usage_error("capture", "no TARGET given");
        goto out;
    }
    if (typebufs != NULL && ntypes == 0) {
        rc = ppd__cli_usage_error("capture", "empty --type list");
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        const char *t = strchr(argv[i], '=');
        const char *spec = argv[i];
        if (t != NULL && !ppd_fetch_is_remote(spec))
            spec = t + 1;
        if (!ppd_fetch_is_remote(spec)) {
            rc = ppd__cli_usage_error("capture", "'%s' is not a URL, HOST:PORT "
                                 "or NAME=TARGET", argv[i]);
            goto out;
        }
    }
    rc = ppd__cli_net_finish(&net);
    if (rc != PPD_EXIT_OK)
        goto out;

    copt.fetch = net.opt;
    copt.fetch.deadline = deadline;
    copt.types = types;
    copt.ntypes = ntypes;
    copt.decode = &dopt;
    copt.report = capture_report;
    copt.report_ctx = &cc;
    copt.now = time(NULL);
    report.start = copt.now;
    report.deadline = deadline;
    cc.report = report_path != NULL ? &report : NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t nfailed = 0;
    enum ppd_status st = ppd_capture_run((const char *const *)argv + optind,
                                         (size_t)(argc - optind), &copt,
                                         &nfailed, &err);
    rc = PPD_EXIT_OK;
    if (st != PPD_OK) {
        /* Failed captures were reported one by one; add the summary. */
        ppd__cli_print_error(&err);
        /* Before any transfer, a bad target is a command-line mistake. */
        rc = nfailed == 0 && st == PPD_EINVAL ? PPD_EXIT_USAGE
                                              : PPD_EXIT_ERROR;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double took = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    /* A usage mistake makes no run to report. */
    if (report_path != NULL && rc != PPD_EXIT_USAGE &&
        !ppd__report_write(&report, report_path, took))
        rc = PPD_EXIT_ERROR;
out:
    for (size_t i = 0; i < ntypebufs; i++)
        free(typebufs[i]);
    free(typebufs);
    free(types);
    ppd__report_free(&report);
    ppd__cli_net_free(&net);
    return rc;
}
