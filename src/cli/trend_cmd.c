/*
 * trend_cmd.c - `pprofdiff trend INPUT...`: many snapshots of one
 * profile type, each stack's course over them, leak suspects first.
 *
 * Inputs (files, URLs, capture directories) are decoded on a few
 * threads at once, at most --jobs ahead of the one being added; each
 * profile is added to its own column of the accumulator in argument
 * order and freed at once, so memory follows the distinct stacks times
 * the snapshots, not the size or number of the files. The columns are
 * put in time order afterwards (trend.h).
 */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/alerts.h"
#include "cli/common.h"
#include "cli/net_opts.h"
#include "pprofdiff/accum.h"
#include "pprofdiff/backend.h"
#include "pprofdiff/decode.h"
#include "pprofdiff/fetch.h"
#include "pprofdiff/render.h"
#include "pprofdiff/snapshot.h"
#include "pprofdiff/trend.h"

#define CMD "trend"
#define DEFAULT_TEXT_TOP 20
#define DEFAULT_HTML_TOP 10 /* a chart each */

struct trend_options {
    const char *sample;
    long top; /* -1: the format's default */
    enum ppd_format format;
    enum ppd_grain by;
    bool cum, all, ascii;
    bool by_creator; /* --by creator */
    long jobs; /* 0: the online CPUs, at most 8 */
    int color;
    const char *output;
    struct ppd_filter_options filter;
    struct ppd_decode_options dopt;
    struct ppd__cli_net net;
    struct ppd__cli_leak leak;
    struct ppd__cli_layout layout;
    char **inputs; /* expanded: directories listed */
    size_t ninputs;
};

enum {
    OPT_FORMAT = 256,
    OPT_BY,
    OPT_CUM,
    OPT_ALL,
    OPT_ASCII,
    OPT_COLOR,
    OPT_JOBS,
};

static const struct ppd__opt trend_opts[] = {
    {"sample", 's', 's', "NAME|INDEX",
     "sample type (default: the profile's\n"
     "default, as pprof chooses it)"},
    {"top", 'n', 'n', "N",
     "rows to show (default 20 for text, all\n"
     "otherwise); 0 shows all"},
    {"by", 0, OPT_BY, "WHAT",
     "stack (default), or function, line or\n"
     "file: one row per entry (flat values;\n"
     "--cum for cum values); creator:\n"
     "goroutine dumps by creator and state"},
    {"cum", 0, OPT_CUM, NULL, "with --by: series of cum values"},
    {"all", 0, OPT_ALL, NULL,
     "rank every row, not only the suspects\n"
     "(those that grew)"},
    {"output", 'o', 'o', "FILE", "write to FILE atomically, not stdout"},
    {"format", 0, OPT_FORMAT, "FMT",
     "text (default), tsv, csv, json, or html\n"
     "(a chart of the total and of each\n"
     "suspect's series)"},
    {"ascii", 0, OPT_ASCII, NULL,
     "sparklines in ASCII (the default when\n"
     "the locale's charset is not UTF-8)"},
    {"color", 0, OPT_COLOR, "WHEN", "auto (default), always or never"},
    {NULL, 0, 0, NULL, NULL},
};

static const struct ppd__opt info_opts[] = {
    {"help", 'h', 'h', NULL, "show this help and exit"},
    {NULL, 0, 0, NULL, NULL},
};

static void
usage(FILE *out)
{
    fputs("Usage: pprofdiff trend [OPTIONS] INPUT...\n"
          "\n"
          "Rank the stacks that grow steadily across many snapshots of one\n"
          "profile type: leak suspects first. An INPUT is a profile file, a\n"
          "URL or HOST:PORT, or a directory written by 'pprofdiff capture'\n"
          "(DIR/NAME: every snapshot there of the type -t names, or of the\n"
          "only type present). Snapshots are put in time order: by the\n"
          "profiles' own times, else by the times in capture file names,\n"
          "else in argument order; the header says which.\n"
          "\n"
          "Score (0 to 100): steadiness (intervals that grew) x no give-back\n"
          "(net / ups and downs) x evenness (no one step dominating) x size\n"
          "(net / the largest net): steady growth ranks above a one-off\n"
          "jump, and churn that comes and goes scores about 0.\n"
          "\n"
          "Options:\n",
          out);
    ppd__opts_help(out, trend_opts);
    ppd__opts_help(out, ppd__cli_filter_opts);
    ppd__opts_help(out, ppd__cli_leak_opts);
    ppd__opts_help(out, ppd__cli_layout_opts);
    ppd__opts_help(out, ppd__cli_input_opts);
    ppd__opts_help(out, ppd__cli_jobs_opts);
    ppd__opts_help(out, info_opts);
    fputc('\n', out);
    ppd__cli_fetch_usage(out);
    fputs("\n"
          "Output (tsv): rank score slope_per_hour delta first last grew\n"
          "shrank series stack culprit hint; series oldest first,\n"
          "comma-joined; stack root first, ';'-joined.\n"
          "\n"
          "Exit status: 0 success, 1 input or runtime error, 2 usage error,\n"
          "3 a --fail-if condition holds.\n",
          out);
}

static bool
push_input(struct trend_options *o, const char *s)
{
    char **nv = realloc(o->inputs, (o->ninputs + 1) * sizeof *nv);
    if (nv == NULL)
        return false;
    o->inputs = nv;
    if ((nv[o->ninputs] = strdup(s)) == NULL)
        return false;
    o->ninputs++;
    return true;
}

/* A backend URL with step=: one input per window. */
static int
expand_windows(struct trend_options *o, const char *spec)
{
    struct ppd_backend_query q;
    struct ppd_error err = {0};
    if (ppd_backend_parse(spec, (int64_t)time(NULL) * 1000, &q, &err) !=
        PPD_OK) {
        ppd__cli_usage_error(CMD, "%s: %s", err.input, err.msg);
        return PPD_EXIT_USAGE;
    }
    int rc = PPD_EXIT_OK;
    size_t n = ppd_backend_nwindows(&q);
    for (size_t i = 0; i < n && rc == PPD_EXIT_OK; i++) {
        char *w = NULL;
        if (ppd_backend_window_spec(&q, i, &w, &err) != PPD_OK ||
            !push_input(o, w)) {
            fputs("pprofdiff: out of memory\n", stderr);
            rc = PPD_EXIT_ERROR;
        }
        free(w);
    }
    ppd_backend_query_free(&q);
    return rc;
}

/* A capture directory: its snapshots of the chosen (or only) type. */
static int
expand_dir(struct trend_options *o, const char *dir)
{
    struct ppd_error err = {0};
    const char *type = o->net.opt.type;
    /* -t 'goroutine?debug=2' names the files capture saved for it. */
    char named[128];
    const char *q = type ? strstr(type, "?debug=") : NULL;
    if (q != NULL && q[7] != '\0' && q[8] == '\0') {
        snprintf(named, sizeof named, "%.*s.debug%c", (int)(q - type), type,
                 q[7]);
        type = named;
    }
    char **types = NULL, **paths = NULL;
    size_t ntypes = 0, npaths = 0;
    int rc = PPD_EXIT_OK;
    if (type == NULL) {
        if (ppd_snapshot_types(dir, &types, &ntypes, &err) != PPD_OK) {
            ppd__cli_print_error(&err);
            return PPD_EXIT_ERROR;
        }
        if (ntypes == 1) {
            type = types[0];
        } else if (ntypes == 0) {
            fprintf(stderr,
                    "pprofdiff: %s: no snapshots (TYPE-YYYYMMDDTHHMMSSZ.pb.gz) "
                    "in this directory\n",
                    dir);
            rc = PPD_EXIT_ERROR;
        } else {
            fprintf(stderr, "pprofdiff: %s: snapshots of %zu types (", dir,
                    ntypes);
            for (size_t i = 0; i < ntypes; i++)
                fprintf(stderr, "%s%s", i ? ", " : "", types[i]);
            fputs("): choose one with -t TYPE\n", stderr);
            rc = PPD_EXIT_USAGE;
        }
    }
    if (rc == PPD_EXIT_OK &&
        ppd_snapshot_list(dir, type, &paths, &npaths, &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        rc = PPD_EXIT_ERROR;
    }
    if (rc == PPD_EXIT_OK && npaths == 0) {
        fprintf(stderr, "pprofdiff: %s: no %s snapshots in this directory\n",
                dir, type);
        rc = PPD_EXIT_ERROR;
    }
    for (size_t i = 0; rc == PPD_EXIT_OK && i < npaths; i++)
        if (!push_input(o, paths[i])) {
            fputs("pprofdiff: out of memory\n", stderr);
            rc = PPD_EXIT_ERROR;
        }
    ppd_snapshot_list_free(types, ntypes);
    ppd_snapshot_list_free(paths, npaths);
    return rc;
}

static int
parse_args(int argc, char **argv, struct trend_options *o, bool *done)
{
    static const struct ppd__opt *const tables[] = {
        trend_opts,           ppd__cli_filter_opts, ppd__cli_leak_opts,
        ppd__cli_layout_opts, ppd__cli_input_opts,  ppd__cli_jobs_opts,
        info_opts,            ppd__cli_net_opts,    NULL};
    struct option longopts[PPD_OPTS_MAX + 1];
    char shortopts[3 * PPD_OPTS_MAX + 2];
    ppd__opts_getopt(tables, longopts, shortopts);
    o->top = -1;
    o->color = -1;
    o->layout.stacks = -1;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            o->sample = optarg;
            break;
        case 'n':
            if (!ppd__cli_parse_long(optarg, 0, 1000000000L, &o->top))
                return ppd__cli_usage_error(CMD, "invalid --top value '%s'",
                                            optarg);
            break;
        case OPT_FORMAT:
            if (!ppd_format_parse(optarg, &o->format) ||
                !ppd_format_has_trend(o->format))
                return ppd__cli_usage_error(CMD,
                                            "unknown --format '%s' (text, "
                                            "tsv, csv, json or html)",
                                            optarg);
            break;
        case OPT_BY: {
            int g;
            if (!ppd__cli_choice("--by", optarg, ppd__cli_grains, &g))
                return PPD_EXIT_USAGE;
            o->by_creator = g == PPD_CLI_BY_CREATOR;
            o->by = o->by_creator ? PPD_GRAIN_STACK : (enum ppd_grain)g;
            break;
        }
        case OPT_CUM:
            o->cum = true;
            break;
        case OPT_ALL:
            o->all = true;
            break;
        case OPT_ASCII:
            o->ascii = true;
            break;
        case OPT_COLOR:
            if (!ppd__cli_choice("--color", optarg, ppd__cli_color_words,
                                 &o->color))
                return PPD_EXIT_USAGE;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'h':
            usage(stdout);
            *done = true;
            return PPD_EXIT_OK;
        case ':':
            return ppd__cli_usage_error(CMD, "option '%s' needs a value",
                                        argv[optind - 1]);
        default: {
            const struct ppd__cli_groups g = {&o->dopt,   &o->filter,
                                              &o->leak,   &o->layout,
                                              &o->net,    &o->jobs};
            int r = ppd__cli_groups_flag(CMD, &g, c, optarg);
            if (r < 0)
                return PPD_EXIT_USAGE;
            if (r > 0)
                break;
            return ppd__cli_usage_error(CMD, "unknown option '%s'",
                                        argv[optind - 1]);
        }
        }
    }
    if (o->cum && o->by == PPD_GRAIN_STACK)
        return ppd__cli_usage_error(CMD, "%s",
                                    "--cum works with --by function, line "
                                    "or file");
    if (optind == argc)
        return ppd__cli_usage_error(CMD, "%s", "no snapshots given");
    for (int i = optind; i < argc; i++) {
        const char *in = argv[i];
        struct stat sb;
        if (strcmp(in, "-") == 0)
            return ppd__cli_usage_error(CMD, "%s",
                                        "trend reads files, URLs and "
                                        "directories, not stdin");
        if (!ppd_fetch_is_remote(in) && stat(in, &sb) == 0 &&
            S_ISDIR(sb.st_mode)) {
            int rc = expand_dir(o, in);
            if (rc != PPD_EXIT_OK)
                return rc;
        } else if (ppd_backend_is(in)) {
            int rc = expand_windows(o, in);
            if (rc != PPD_EXIT_OK)
                return rc;
        } else if (!push_input(o, in)) {
            fputs("pprofdiff: out of memory\n", stderr);
            return PPD_EXIT_ERROR;
        }
    }
    if (o->ninputs < 2)
        return ppd__cli_usage_error(CMD,
                                    "a trend needs at least two snapshots, "
                                    "got %zu",
                                    o->ninputs);
    return PPD_EXIT_OK;
}

struct job {
    const char *path;
    const struct trend_options *o;
    struct ppd_profile *profile;
    struct ppd_error err;
    enum ppd_status st;
};

static void *
load_thread(void *arg)
{
    struct job *j = arg;
    if (ppd_fetch_is_remote(j->path))
        j->st = ppd__cli_fetch_input(&j->o->net, j->path, NULL, &j->o->dopt,
                                     &j->profile, &j->err);
    else
        j->st = ppd_decode_file(j->path, &j->o->dopt, &j->profile, &j->err);
    return NULL;
}

/*
 * Progress on stderr, a terminal: snapshots read of all, bytes (of the
 * files), and an estimate of the time left; one line, rewritten, erased
 * at the end (done).
 */
static void
progress(const struct trend_options *o, size_t done_, size_t n,
         uint64_t bytes, const struct timespec *t0, bool end)
{
    if (o->net.quiet || !isatty(STDERR_FILENO))
        return;
    if (end) {
        fputs("\r\033[K", stderr);
        return;
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = (double)(now.tv_sec - t0->tv_sec) +
                (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
    fprintf(stderr, "\rpprofdiff: reading snapshots %zu/%zu, %.1f MiB",
            done_, n, (double)bytes / 1048576.0);
    if (done_ > 0 && done_ < n)
        fprintf(stderr, ", about %.0f s left",
                el / (double)done_ * (double)(n - done_) + 0.5);
    fputs("\033[K", stderr);
    fflush(stderr);
}

/* The accumulator's settings, before the first profile. */
static enum ppd_status
setup(struct ppd_accum *a, const struct trend_options *o,
      const struct ppd_filter *filter, struct ppd_error *err)
{
    enum ppd_status st = ppd_accum_set_grain(a, o->by, err);
    if (st == PPD_OK)
        st = ppd_accum_set_filter(a, filter, err);
    if (st == PPD_OK && o->by_creator) {
        static const char *const keys[] = {"created_by", "state"};
        st = ppd_accum_set_label_frames(a, keys, 2, NULL, 0, err);
        if (st == PPD_OK)
            st = ppd_accum_set_labels_only(a, err);
    }
    return st;
}

/*
 * Decode every input, at most jobs at once, and add each to its column
 * as soon as it and those before it are in, freeing it. Every input is
 * decoded even after a failure, so every bad one is named. Returns an
 * exit status after printing the errors.
 */
static int
load_all(const struct trend_options *o, const struct ppd_filter *filter,
         struct ppd_accum **out)
{
    size_t n = o->ninputs;
    size_t jobs = ppd__cli_jobs(o->jobs);
    /* Remote inputs are fetched on threads: libcurl first. */
    for (size_t i = 0; i < n; i++)
        if (ppd_fetch_is_remote(o->inputs[i])) {
            ppd_fetch_preload();
            break;
        }
    struct job *js = calloc(n, sizeof *js);
    pthread_t *th = calloc(n, sizeof *th);
    bool *started = calloc(n, sizeof *started);
    if (js == NULL || th == NULL || started == NULL) {
        free(js);
        free(th);
        free(started);
        fputs("pprofdiff: out of memory\n", stderr);
        return PPD_EXIT_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        js[i].path = o->inputs[i];
        js[i].o = o;
    }
    size_t next = 0; /* the next job to start */
    struct ppd_accum *a = NULL;
    struct ppd_error err = {0};
    enum ppd_status st = PPD_OK;
    char kind0[64] = ""; /* the first snapshot's kind and name */
    char *name0 = NULL;
    int rc = PPD_EXIT_OK;
    struct timespec t0;
    uint64_t bytes = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t i = 0; i < n; i++) {
        progress(o, i, n, bytes, &t0, false);
        struct stat sb;
        if (stat(o->inputs[i], &sb) == 0)
            bytes += (uint64_t)sb.st_size;
        while (next < n && next < i + jobs) {
            started[next] =
                pthread_create(&th[next], NULL, load_thread, &js[next]) == 0;
            if (!started[next])
                load_thread(&js[next]);
            next++;
        }
        if (started[i])
            pthread_join(th[i], NULL);
        struct job *j = &js[i];
        if (j->st != PPD_OK)
            progress(o, i, n, bytes, &t0, true); /* a clean line */
        if (j->st == PPD_ENODATA) {
            /* A window without data is a gap, not a zero. */
            fprintf(stderr,
                    "pprofdiff: %s: no data for this window: a gap in the "
                    "trend\n",
                    j->err.input);
            continue;
        }
        if (j->st != PPD_OK) {
            ppd__cli_print_error(&j->err);
            rc = PPD_EXIT_ERROR;
            continue;
        }
        if (rc != PPD_EXIT_OK || st != PPD_OK)
            goto drop;
        const char *kind = ppd_profile_kind(j->profile);
        if (name0 == NULL) {
            long idx = ppd_profile_sample_index(j->profile, o->sample);
            if (idx < 0) {
                /* Let the accumulator say what the profile offers. */
                const struct ppd_profile *p = j->profile;
                if (ppd_accum_profiles(&p, 1, o->sample, &a, &err) != PPD_OK)
                    st = err.code;
                goto drop;
            }
            bool chosen = o->sample != NULL && o->sample[0] != '\0';
            st = ppd_accum_new(n, &j->profile->sample_types[idx],
                               chosen ? NULL : j->path, &a, &err);
            if (st == PPD_OK)
                st = setup(a, o, filter, &err);
            if (st == PPD_OK && (name0 = strdup(j->path)) == NULL)
                st = ppd_error_set(&err, PPD_ENOMEM, NULL, "out of memory");
            snprintf(kind0, sizeof kind0, "%s", kind);
        } else if (strcmp(kind, kind0) != 0) {
            st = ppd_error_set(&err, PPD_ESAMPLE, j->path,
                               "a %s profile among %s snapshots (the first, "
                               "%s, is %s): a trend needs one type",
                               kind, kind0, name0, kind0);
        }
        if (st == PPD_OK)
            st = ppd_accum_add(a, i, j->profile, &err);
    drop:
        ppd_profile_free(j->profile);
        j->profile = NULL;
    }
    progress(o, n, n, bytes, &t0, true);
    for (size_t i = 0; i < n; i++)
        ppd_profile_free(js[i].profile);
    free(name0);
    free(js);
    free(th);
    free(started);
    if (rc == PPD_EXIT_OK && st != PPD_OK) {
        ppd__cli_print_error(&err);
        rc = PPD_EXIT_ERROR;
    }
    if (rc != PPD_EXIT_OK) {
        ppd_accum_free(a);
        a = NULL;
    }
    *out = a;
    return rc;
}

/*
 * Each column's time: the profiles' own when every one has it, else
 * the capture file names' when every input has one, else none. Returns
 * what they came from, or NULL.
 */
static const char *
column_times(const struct trend_options *o, const struct ppd_accum *a,
             int64_t *times)
{
    size_t n = ppd_accum_ncolumns(a);
    bool all = true;
    /* Gaps (columns never added) need no time. */
    for (size_t i = 0; i < n; i++) {
        times[i] = ppd_accum_column(a, i)->time_nanos;
        all = all && (times[i] != 0 || !ppd_accum_column(a, i)->added);
    }
    if (all)
        return "profile time order";
    all = true;
    for (size_t i = 0; i < n; i++)
        all = all && (ppd_snapshot_parse(o->inputs[i], NULL, NULL,
                                         &times[i]) ||
                      !ppd_accum_column(a, i)->added);
    if (all)
        return "file name time order";
    memset(times, 0, n * sizeof *times);
    return NULL;
}

/* Sparklines in ASCII unless the locale's charset is UTF-8. */
static bool
locale_is_utf8(void)
{
    const char *saved = setlocale(LC_CTYPE, NULL);
    char *keep = saved ? strdup(saved) : NULL;
    bool utf8 = false;
    if (setlocale(LC_CTYPE, "") != NULL) {
        const char *cs = nl_langinfo(CODESET);
        utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
                              strcmp(cs, "utf8") == 0);
    }
    setlocale(LC_CTYPE, keep ? keep : "C");
    free(keep);
    return utf8;
}

int
ppd__cli_trend_main(int argc, char **argv)
{
    struct trend_options o = {0};
    bool done = false;
    struct ppd_filter *filter = NULL;
    struct ppd_accum *acc = NULL;
    struct ppd_trend *trend = NULL;
    struct ppd_signatures *sigs = NULL;
    int64_t *times = NULL;
    int rc = parse_args(argc, argv, &o, &done);
    if (rc != PPD_EXIT_OK || done)
        goto out;
    rc = ppd__cli_net_finish(&o.net);
    if (rc != PPD_EXIT_OK)
        goto out;
    if (o.ninputs > 1)
        o.net.opt.progress = false;
    struct ppd_error err = {0};
    if (ppd_filter_new(&o.filter, &filter, &err) != PPD_OK) {
        rc = ppd__cli_usage_error(CMD, "%s", err.msg);
        goto out;
    }
    rc = load_all(&o, filter, &acc);
    if (rc != PPD_EXIT_OK)
        goto out;
    times = calloc(o.ninputs, sizeof *times);
    if (times == NULL) {
        fputs("pprofdiff: out of memory\n", stderr);
        rc = PPD_EXIT_ERROR;
        goto out;
    }
    struct ppd_diff_options dopt = {0};
    struct ppd_render_options ropt = {.format = o.format,
                                      .out_name = o.output};
    struct ppd_trend_options topt = {
        .times = times,
        .time_source = column_times(&o, acc, times),
        .all = o.all,
        .entries = o.by != PPD_GRAIN_STACK,
        .cum = o.cum,
        .diff = &dopt,
    };
    if (o.top >= 0)
        topt.top = (size_t)o.top;
    else
        topt.top = o.format == PPD_FORMAT_TEXT   ? DEFAULT_TEXT_TOP
                   : o.format == PPD_FORMAT_HTML ? DEFAULT_HTML_TOP
                                                 : 0;
    if (ppd_trend_compute(acc, &topt, &trend, &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        rc = PPD_EXIT_ERROR;
        goto out;
    }
    if (trend->nties > 0)
        fprintf(stderr,
                "pprofdiff: trend: %zu snapshot%s share%s a time with the "
                "one before; kept in argument order\n",
                trend->nties, trend->nties == 1 ? "" : "s",
                trend->nties == 1 ? "s" : "");
    rc = ppd__cli_alerts_check_trend(&o.leak.alerts, acc, &topt, CMD);
    if (rc != PPD_EXIT_OK)
        goto out;
    rc = ppd__cli_leak_hints(&o.leak, &dopt, &sigs);
    if (rc != PPD_EXIT_OK)
        goto out;
    ropt.hints = sigs;
    ropt.hint_kind = ppd_accum_column(acc, 0)->kind;
    ropt.ascii = o.ascii || !locale_is_utf8();
    if (o.format == PPD_FORMAT_TEXT)
        ppd__cli_layout_apply(&o.layout, o.output != NULL, topt.top,
                              &ropt.width, &ropt.stack_lines);
    ropt.color = o.format == PPD_FORMAT_TEXT &&
                 ppd__cli_want_color(o.output != NULL && o.color < 0
                                         ? 0
                                         : o.color);
    struct ppd__cli_out dest;
    if (!ppd__cli_out_begin(&dest, o.output)) {
        rc = PPD_EXIT_ERROR;
        goto out;
    }
    FILE *dst = dest.fp;
    if (ppd_render_trend(dst, trend, &ropt, &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        rc = PPD_EXIT_ERROR;
    } else if (o.leak.alerts.n > 0) {
        rc = ppd__cli_alerts_report(&o.leak.alerts,
                                    o.format == PPD_FORMAT_TEXT ? dst : NULL,
                                    ppd_accum_type(acc)->unit);
    }
    rc = ppd__cli_out_end(&dest, rc);
out:
    free(times);
    ppd_signatures_free(sigs);
    ppd_trend_free(trend);
    ppd_accum_free(acc);
    ppd_filter_free(filter);
    ppd_snapshot_list_free(o.inputs, o.ninputs);
    ppd__cli_net_free(&o.net);
    return rc;
}
