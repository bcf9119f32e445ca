/*
 * diff_cmd.c - `pprofdiff BASE CUR` and `pprofdiff PROFILE`: read the
 * inputs, add them to an accumulator, rank, print.
 *
 * Inputs are decoded on threads (decoding dominates the run time and the
 * inputs are independent), at most --jobs at once; each decoded profile
 * is added to the accumulator and freed at once. The last input is
 * decoded first, because its default sample type is the one compared
 * (as pprof does).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
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
#include "pprofdiff/alert.h"
#include "pprofdiff/backend.h"
#include "pprofdiff/decode.h"
#include "pprofdiff/diff.h"
#include "pprofdiff/fetch.h"
#include "pprofdiff/render.h"

#define DEFAULT_TEXT_TOP 20
#define DEFAULT_HTML_TOP 100
#define BIG_INPUT ((uint64_t)32 << 20) /* files this big say they load */

struct cli_options {
    const char **inputs; /* point into argv: --base ones first; owned */
    size_t ninputs;
    long jobs;    /* --jobs: 0, the CPUs */
    size_t nbase; /* given with --base: the base side, merged */
    const char *sample;
    long top; /* -1 = format default */
    enum ppd_format format;
    bool hide_shrinking;
    bool show_unchanged;
    bool normalize; /* --normalize */
    const char *output;      /* -o: written atomically; NULL: stdout */
    enum ppd_folded_value folded_value; /* --folded-value */
    enum ppd_flame_width flame_width;   /* --flame-width */
    bool icicle;                        /* --icicle */
    const char *min_delta;   /* --min-delta, parsed once the unit is known */
    double min_percent;      /* --min-percent; 0: none */
    bool drop_negative;      /* --drop-negative */
    int color; /* --color: -1 auto, 0 never, 1 always */
    const char **runtime_prefixes;
    size_t nruntime_prefixes;
    enum ppd_grain by;              /* --by: 0 is the stack view */
    bool by_set;                    /* --by given */
    bool by_creator;                /* --by creator */
    const char *peek;               /* --peek RE */
    struct ppd_filter_options filter; /* --focus, --ignore, ... */
    char *tagroot, *tagleaf;          /* --tagroot, --tagleaf (copies) */
    struct ppd_decode_options dopt; /* --max-bytes, --max-depth */
    struct ppd__cli_net net;        /* URL inputs: see net_opts.h */
    struct ppd__cli_leak leak;      /* --fail-if, --signatures, ... */
    struct ppd__cli_layout layout;  /* --wide, --stacks */
};

enum {
    OPT_FORMAT = 256,
    OPT_HIDE_SHRINKING,
    OPT_SHOW_UNCHANGED,
    OPT_RUNTIME_PREFIX,
    OPT_BY,
    OPT_TAGROOT,
    OPT_TAGLEAF,
    OPT_PEEK,
    OPT_COLOR,
    OPT_NORMALIZE,
    OPT_MIN_DELTA,
    OPT_MIN_PERCENT,
    OPT_DROP_NEGATIVE,
    OPT_FOLDED_VALUE,
    OPT_FLAME_WIDTH,
    OPT_ICICLE,
};
#define OPT_BASE 'b'

static const struct ppd__opt diff_opts[] = {
    {"base", 'b', OPT_BASE, "FILE",
     "a base profile (repeatable: the bases\n"
     "are merged, as pprof merges several\n"
     "-diff_base); then every input named\n"
     "after the options is merged into CUR"},
    {"sample", 's', 's', "NAME|INDEX",
     "sample type to compare (inuse_space,\n"
     "alloc_objects, goroutine, cpu, delay,\n"
     "...); default: the profile's\n"
     "default_sample_type, else its last type,\n"
     "as pprof does"},
    {"top", 'n', 'n', "N",
     "rows per section (default 20 for text,\n"
     "all for tsv); 0 shows all"},
    {"by", 0, OPT_BY, "WHAT",
     "stack (default): one row per stack;\n"
     "function, line or file: one row per\n"
     "entry with flat and cum deltas, as\n"
     "pprof -top (-lines, -files) counts them;\n"
     "creator: goroutine dumps by creator\n"
     "and state"},
    {"peek", 0, OPT_PEEK, "RE",
     "the functions matching RE, each with\n"
     "its callers (<-) and callees (->) and\n"
     "the deltas of those calls, as pprof\n"
     "-peek; implies --by function"},
    {"tagroot", 0, OPT_TAGROOT, "KEYS",
     "add the values of these labels (comma-\n"
     "separated keys) as frames at the root"},
    {"tagleaf", 0, OPT_TAGLEAF, "KEYS",
     "the same at the leaf (pprof's -tagleaf)"},
    {"output", 'o', 'o', "FILE",
     "write to FILE atomically (a temporary\n"
     "file, fsync'd and renamed) instead of\n"
     "stdout"},
    {"format", 0, OPT_FORMAT, "FMT",
     "text (default), tsv, csv, json, or\n"
     "folded (stack view: every stack,\n"
     "'root;...;leaf delta'; --folded-value),\n"
     "or pprof (a gzipped profile of the\n"
     "difference, as pprof -diff_base makes),\n"
     "svg (a differential flame graph) or\n"
     "html (a report: tables and the graph)"},
    {"normalize", 0, OPT_NORMALIZE, NULL,
     "scale CUR so that its total equals\n"
     "BASE's, as pprof -normalize (each\n"
     "sample rounded)"},
    {"min-delta", 0, OPT_MIN_DELTA, "N",
     "list only what changed by at least N\n"
     "(either sign), in the sample's unit or\n"
     "with a unit: 512KiB, 2MiB, 10ms, 1s"},
    {"min-percent", 0, OPT_MIN_PERCENT, "P",
     "list only what changed by at least P %\n"
     "of the base total (pprof's percentages)"},
    {"drop-negative", 0, OPT_DROP_NEGATIVE, NULL,
     "leave out what shrank (views: as pprof\n"
     "-drop_negative)"},
    {"color", 0, OPT_COLOR, "WHEN",
     "auto (default: when stdout is a\n"
     "terminal and NO_COLOR is unset),\n"
     "always or never: text in colour"},
    {"folded-value", 0, OPT_FOLDED_VALUE, "V",
     "folded: the value after each stack,\n"
     "delta (default), base, cur, or both\n"
     "('STACK BASE CUR', for differential\n"
     "flame graphs)"},
    {"flame-width", 0, OPT_FLAME_WIDTH, "W",
     "svg, html: a frame's width is its cur\n"
     "value (default), base, or max of both"},
    {"icicle", 0, OPT_ICICLE, NULL,
     "svg, html: roots at the top (icicle)\n"
     "rather than at the bottom (flame)"},
    {"hide-shrinking", 0, OPT_HIDE_SHRINKING, NULL,
     "leave out stacks that shrank"},
    {"show-unchanged", 0, OPT_SHOW_UNCHANGED, NULL,
     "also list stacks whose value did not\nchange"},
    {"runtime-prefix", 0, OPT_RUNTIME_PREFIX, "P",
     "treat frames starting with P as runtime\n"
     "frames when picking the culprit column\n"
     "(repeatable; built in: runtime.,\n"
     "runtime/, internal/, sync., time.Sleep)"},
    {NULL, 0, 0, NULL, NULL},
};

static const struct ppd__opt info_opts[] = {
    {"help", 'h', 'h', NULL, "show this help and exit"},
    {"version", 'V', 'V', NULL, "show the version and exit"},
    {NULL, 0, 0, NULL, NULL},
};

/*
 * A --min-delta quantity: a number and an optional unit. With unit
 * (the sample type's) not NULL, *out is it in that unit; false when
 * the number is bad or negative, or its unit does not fit the sample
 * type's (bytes or nanoseconds; a bare number fits any).
 */
static bool
parse_quantity(const char *s, const char *unit, uint64_t *out)
{
    double v;
    enum ppd_qty_kind kind;
    if (!ppd_quantity_parse(s, strlen(s), &v, &kind) || v < 0)
        return false;
    if (unit != NULL && !ppd_quantity_fits(kind, unit))
        return false;
    if (out != NULL)
        *out = (uint64_t)ceil(v);
    return true;
}

static void
usage(FILE *out)
{
    fputs(
        "Usage: pprofdiff [OPTIONS] BASE CUR\n"
        "       pprofdiff [OPTIONS] PROFILE\n"
        "       pprofdiff [OPTIONS] --base BASE [--base BASE...] CUR...\n"
        "       pprofdiff fetch [OPTIONS] URL|HOST:PORT -o FILE\n"
        "       pprofdiff capture [OPTIONS] TARGET...\n"
        "       pprofdiff trend [OPTIONS] SNAPSHOT|DIR...\n"
        "\n"
        "Compare two pprof profiles (heap, allocs, goroutine, CPU, block,\n"
        "mutex, threadcreate; gzipped or raw protobuf) and rank the stacks\n"
        "that grew from BASE to CUR, largest growth first. With one input,\n"
        "list that profile's largest stacks. An input of - reads stdin; an\n"
        "input may also be a URL or HOST:PORT (see below). The fetch and\n"
        "capture subcommands save profiles; see their --help.\n"
        "\n"
        "Options:\n",
        out);
    ppd__opts_help(out, diff_opts);
    ppd__opts_help(out, ppd__cli_filter_opts);
    ppd__opts_help(out, ppd__cli_leak_opts);
    ppd__opts_help(out, ppd__cli_layout_opts);
    ppd__opts_help(out, ppd__cli_input_opts);
    ppd__opts_help(out, ppd__cli_jobs_opts);
    ppd__opts_help(out, info_opts);
    fputc('\n', out);
    ppd__cli_fetch_usage(out);
    fputs(
        "\n"
        "Output (text): a header with both capture times and the span, the\n"
        "totals and growth rate per hour, then one line per stack: rank,\n"
        "delta, base, cur, growth, culprit (first non-runtime frame, leaf\n"
        "side), and the whole stack, leaf first, joined by ' < '.\n"
        "Output (tsv): header 'delta base cur stack culprit growth', raw\n"
        "integers, stack root first joined by ';' (folded); growing stacks,\n"
        "then unchanged ones (with --show-unchanged), then shrinking ones.\n"
        "With one input: 'value stack culprit'. Columns only ever come at\n"
        "the end: 'survived' when both inputs are goroutine dumps, 'hint'\n"
        "unless --no-hints.\n"
        "\n"
        "Exit status: 0 success, 1 input or runtime error, 2 usage error,\n"
        "3 a --fail-if condition holds.\n",
        out);
}

static int
parse_args(int argc, char **argv, struct cli_options *o, bool *done)
{
    static const struct ppd__opt *const tables[] = {
        diff_opts,           ppd__cli_filter_opts, ppd__cli_leak_opts,
        ppd__cli_layout_opts, ppd__cli_input_opts, ppd__cli_jobs_opts,
        info_opts,           ppd__cli_net_opts,   NULL};
    struct option longopts[PPD_OPTS_MAX + 1];
    char shortopts[3 * PPD_OPTS_MAX + 2];
    ppd__opts_getopt(tables, longopts, shortopts);
    o->top = -1;
    o->color = -1;
    o->layout.stacks = -1;
    /* Every input is one of argv's words. */
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (o->inputs == NULL) {
        fputs("pprofdiff: out of memory\n", stderr);
        return PPD_EXIT_ERROR;
    }
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
                return ppd__cli_usage_error(NULL, "invalid --top value '%s'",
                                            optarg);
            break;
        case OPT_FORMAT:
            if (!ppd_format_parse(optarg, &o->format))
                return ppd__cli_usage_error(NULL, "unknown --format '%s' (%s)",
                                            optarg, ppd_format_names);
            break;
        case OPT_PEEK:
            o->peek = optarg;
            break;
        case 'b':
            o->inputs[o->nbase++] = optarg;
            break;
        case OPT_COLOR:
            if (!ppd__cli_choice("--color", optarg, ppd__cli_color_words,
                                 &o->color))
                return PPD_EXIT_USAGE;
            break;
        case OPT_BY: {
            int g;
            if (!ppd__cli_choice("--by", optarg, ppd__cli_grains, &g))
                return PPD_EXIT_USAGE;
            o->by_creator = g == PPD_CLI_BY_CREATOR;
            o->by = o->by_creator ? PPD_GRAIN_STACK : (enum ppd_grain)g;
            o->by_set = true;
            break;
        }
        case OPT_TAGROOT:
        case OPT_TAGLEAF: {
            char **slot = c == OPT_TAGROOT ? &o->tagroot : &o->tagleaf;
            free(*slot);
            *slot = strdup(optarg);
            if (*slot == NULL) {
                fputs("pprofdiff: out of memory\n", stderr);
                return PPD_EXIT_ERROR;
            }
            break;
        }
        case OPT_NORMALIZE:
            o->normalize = true;
            break;
        case 'o':
            o->output = optarg;
            break;
        case OPT_FOLDED_VALUE: {
            static const struct ppd__choice values[] = {
                {"delta", PPD_FOLDED_DELTA},
                {"base", PPD_FOLDED_BASE},
                {"cur", PPD_FOLDED_CUR},
                {"both", PPD_FOLDED_BOTH},
                {NULL, 0}};
            int v;
            if (!ppd__cli_choice("--folded-value", optarg, values, &v))
                return PPD_EXIT_USAGE;
            o->folded_value = (enum ppd_folded_value)v;
            break;
        }
        case OPT_FLAME_WIDTH: {
            static const struct ppd__choice widths[] = {
                {"cur", PPD_FLAME_CUR},
                {"base", PPD_FLAME_BASE},
                {"max", PPD_FLAME_MAX},
                {NULL, 0}};
            int v;
            if (!ppd__cli_choice("--flame-width", optarg, widths, &v))
                return PPD_EXIT_USAGE;
            o->flame_width = (enum ppd_flame_width)v;
            break;
        }
        case OPT_ICICLE:
            o->icicle = true;
            break;
        case OPT_MIN_DELTA:
            o->min_delta = optarg;
            if (!parse_quantity(optarg, NULL, NULL))
                return ppd__cli_usage_error(
                    NULL,
                    "invalid --min-delta value '%s' (a number, with B, "
                    "KiB, MiB, GiB, ns, us, ms, s, m or h)",
                    optarg);
            break;
        case OPT_MIN_PERCENT: {
            char *end;
            errno = 0;
            o->min_percent = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' ||
                !(o->min_percent >= 0 && o->min_percent <= 100))
                return ppd__cli_usage_error(
                    NULL, "invalid --min-percent value '%s' (0 to 100)",
                    optarg);
            break;
        }
        case OPT_DROP_NEGATIVE:
            o->drop_negative = true;
            break;
        case OPT_HIDE_SHRINKING:
            o->hide_shrinking = true;
            break;
        case OPT_SHOW_UNCHANGED:
            o->show_unchanged = true;
            break;
        case OPT_RUNTIME_PREFIX: {
            const char **np = realloc(o->runtime_prefixes,
                                      (o->nruntime_prefixes + 1) * sizeof *np);
            if (np == NULL) {
                fputs("pprofdiff: out of memory\n", stderr);
                return PPD_EXIT_ERROR;
            }
            o->runtime_prefixes = np;
            np[o->nruntime_prefixes++] = optarg;
            break;
        }
        case 'h':
            usage(stdout);
            *done = true;
            return PPD_EXIT_OK;
        case 'V':
            printf("pprofdiff %s\n", PPD_VERSION);
            *done = true;
            return PPD_EXIT_OK;
        case ':':
            return ppd__cli_usage_error(NULL, "option '%s' needs a value",
                                        argv[optind - 1]);
        default: {
            /* The shared groups (input limits, filters, leak options,
             * layout, network flags) parse their own options. */
            const struct ppd__cli_groups g = {&o->dopt,   &o->filter,
                                              &o->leak,   &o->layout,
                                              &o->net,    &o->jobs};
            int r = ppd__cli_groups_flag(NULL, &g, c, optarg);
            if (r < 0)
                return PPD_EXIT_USAGE;
            if (r > 0)
                break;
            return ppd__cli_usage_error(NULL, "unknown option '%s'",
                                        argv[optind - 1]);
        }
        }
    }
    if (o->by_creator) {
        if (o->tagroot != NULL || o->tagleaf != NULL || o->peek != NULL)
            return ppd__cli_usage_error(NULL, "%s",
                                        "--by creator makes its own rows: "
                                        "not with --tagroot, --tagleaf or "
                                        "--peek");
        o->tagroot = strdup(PPD_CLI_CREATOR_KEYS);
        if (o->tagroot == NULL) {
            fputs("pprofdiff: out of memory\n", stderr);
            return PPD_EXIT_ERROR;
        }
    }
    if (o->peek != NULL) {
        if (!o->by_set)
            o->by = PPD_GRAIN_FUNCTION;
        if (o->by != PPD_GRAIN_FUNCTION)
            return ppd__cli_usage_error(NULL, "%s",
                                        "--peek works with --by function");
        if (o->format != PPD_FORMAT_TEXT && o->format != PPD_FORMAT_TSV)
            return ppd__cli_usage_error(NULL, "%s",
                                        "--peek shows calls in text or "
                                        "tsv, not csv, json or folded");
        struct ppd_error perr = {0};
        if (ppd_pattern_check(o->peek, "--peek", &perr) != PPD_OK)
            return ppd__cli_usage_error(NULL, "%s", perr.msg);
    }
    if (o->by != PPD_GRAIN_STACK && !ppd_format_has_view(o->format))
        return ppd__cli_usage_error(NULL,
                                    "--format %s is for the stack "
                                    "view, not --by",
                                    o->format == PPD_FORMAT_PPROF ? "pprof"
                                                                  : "folded");
    if (o->format == PPD_FORMAT_PPROF && o->output == NULL &&
        isatty(STDOUT_FILENO))
        return ppd__cli_usage_error(NULL, "%s",
                                    "--format pprof is binary: redirect "
                                    "stdout or use -o FILE");
    int rest = argc - optind;
    if (rest < 1)
        return ppd__cli_usage_error(NULL, "%s", "no input profile given");
    if (o->normalize && rest == 1 && o->nbase == 0)
        return ppd__cli_usage_error(NULL, "%s",
                                    "--normalize needs a base and a "
                                    "current profile");
    if (rest > 2 && o->nbase == 0)
        return ppd__cli_usage_error(NULL,
                                    "too many inputs (at most 2, or name "
                                    "the base side with --base), first "
                                    "extra: '%s'",
                                    argv[optind + 2]);
    for (int i = 0; i < rest; i++)
        o->inputs[o->nbase + (size_t)i] = argv[optind + i];
    /* A backend URL that cannot be asked is a usage error, said before
     * anything is fetched. */
    for (size_t i = 0; i < o->nbase + (size_t)rest; i++) {
        struct ppd_backend_query q;
        struct ppd_error qerr = {0};
        if (!ppd_backend_is(o->inputs[i]))
            continue;
        if (ppd_backend_parse(o->inputs[i], (int64_t)time(NULL) * 1000, &q,
                              &qerr) != PPD_OK)
            return ppd__cli_usage_error(NULL, "%s: %s", qerr.input,
                                        qerr.msg);
        size_t nw = ppd_backend_nwindows(&q);
        ppd_backend_query_free(&q);
        if (nw > 1)
            return ppd__cli_usage_error(NULL,
                                        "%s: step= makes %zu windows: "
                                        "'pprofdiff trend' reads them",
                                        o->inputs[i], nw);
    }
    o->ninputs = o->nbase + (size_t)rest;
    /* Without --base, two inputs are BASE CUR. */
    if (o->nbase == 0 && rest == 2)
        o->nbase = 1;
    return PPD_EXIT_OK;
}

struct load_job {
    const char *path;
    size_t col; /* 0 the base side, 1 the current one; 0 alone */
    const struct ppd__cli_net *net; /* remote inputs */
    const char *hint; /* profile type for a remote input, or NULL; taken
                         from the file input before any is freed */
    bool remote;
    bool skip; /* not in this round of loading */
    pthread_t dropper; /* freeing the profile, when dropping */
    bool dropping;
    const struct ppd_decode_options *dopt;
    struct ppd_profile *profile;
    struct ppd_error err;
    enum ppd_status st;
};

static void *
load_thread(void *arg)
{
    struct load_job *j = arg;
    if (j->skip)
        return NULL;
    if (j->remote)
        j->st = ppd__cli_fetch_input(j->net, j->path, j->hint, j->dopt,
                                     &j->profile, &j->err);
    else
        j->st = ppd_decode_file(j->path, j->dopt, &j->profile, &j->err);
    return NULL;
}

static void *
free_thread(void *arg)
{
    ppd_profile_free(arg);
    return NULL;
}

/* Free j's profile, added: a big one takes milliseconds, so on a
 * thread, while the run goes on (joined at the end of the run). */
static void
drop_profile(struct load_job *j)
{
    j->dropping = j->profile != NULL &&
                  pthread_create(&j->dropper, NULL, free_thread,
                                 j->profile) == 0;
    if (!j->dropping)
        ppd_profile_free(j->profile);
    j->profile = NULL;
}

/* Label keys to add as frames (--tagroot, --tagleaf), split on ','. */
struct label_keys {
    const char *root[64], *leaf[64];
    size_t nroot, nleaf;
    bool only; /* stacks of these alone (--by creator) */
};

/* Split the comma-separated keys of s (modified) into keys. */
static void
split_keys(char *s, const char **keys, size_t *n)
{
    *n = 0;
    for (char *save = NULL, *k = s ? strtok_r(s, ",", &save) : NULL;
         k != NULL && *n < 64; k = strtok_r(NULL, ",", &save))
        keys[(*n)++] = k;
}

/*
 * --normalize: every input decoded (threads joined), scale the current
 * side by base total / current total, as pprof -normalize (0 when the
 * current total is 0).
 */
static enum ppd_status
set_normalize(struct ppd_accum *a, struct load_job *jobs, size_t n,
              pthread_t *th, bool *started, struct ppd_error *err)
{
    int64_t total[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        started[i] = false;
        int64_t t = 0;
        if (jobs[i].st != PPD_OK)
            continue;
        enum ppd_status st =
            ppd_accum_profile_total(a, jobs[i].profile, &t, err);
        if (st != PPD_OK)
            return st;
        total[jobs[i].col] += t;
    }
    double ratio = total[1] == 0 ? 0 : (double)total[0] / (double)total[1];
    return ppd_accum_set_scale(a, 1, ratio, err);
}

/*
 * The flame graph of --format svg and html, started on a thread while
 * the base is added (ppd_flame_start): with --flame-width cur its drawn
 * frames follow the current side alone, added first.
 */
struct flame_plan {
    bool want;
    struct ppd_flame *flame; /* started, to be finished; or NULL */
};

struct flame_start_job {
    struct ppd_accum_stacks st;
    struct ppd_flame *flame;
    enum ppd_status status;
};

static void *
flame_start_thread(void *arg)
{
    struct flame_start_job *j = arg;
    j->status = ppd_flame_start(&j->st, &j->flame, NULL);
    return NULL;
}

/* Start the flame graph on a thread (*th) from a's stacks now; a has
 * room for what is added meanwhile. True when it started. */
static bool
start_drawing(const struct ppd_accum *a, struct flame_start_job *fj,
              pthread_t *th)
{
    ppd_accum_stacks_now(a, &fj->st);
    return pthread_create(th, NULL, flame_start_thread, fj) == 0;
}

/* The flame graph started, into fp (or dropped if it failed). */
static void
end_drawing(struct flame_plan *fp, struct flame_start_job *fj, pthread_t th)
{
    pthread_join(th, NULL);
    if (fj->status == PPD_OK)
        fp->flame = fj->flame;
    else
        ppd_flame_free(fj->flame);
}

/* Add profile p to column col of a, starting the flame graph meanwhile
 * when fp asks for it and a can make room (else it is built later). */
static enum ppd_status
add_drawing(struct ppd_accum *a, const struct load_job *j,
            struct flame_plan *fp, struct ppd_error *err)
{
    struct flame_start_job fj = {0};
    pthread_t th;
    bool started = false;
    const struct ppd_profile *p = j->profile;
    if (fp != NULL && fp->want) {
        uint64_t most = 0, frames = ppd_profile_frames(p, &most);
        started = ppd_accum_reserve_for(a, p, frames, most, NULL) ==
                      PPD_OK &&
                  start_drawing(a, &fj, &th);
    }
    enum ppd_status st = ppd_accum_add(a, j->col, p, err);
    if (started)
        end_drawing(fp, &fj, th);
    return st;
}

struct expand_job {
    struct ppd_accum_prep *prep;
    struct load_job *job;
};

/* The base's samples expanded for its add; then its profile is freed. */
static void *
expand_thread(void *arg)
{
    struct expand_job *x = arg;
    ppd_accum_prepared_expand(x->prep, true);
    ppd_profile_free(x->job->profile);
    x->job->profile = NULL;
    return NULL;
}

/*
 * One input per side: the base (decoding on *th when *started) and the
 * current profile cur, decoded. Once the base is in, both are prepared
 * (ppd_accum_prepare: the current one's frames first, as a plain add
 * orders them), the base's samples are expanded on a thread while the
 * current profile is added, and the base is added after: the same
 * accumulator as two adds, in less time. *paired tells whether it was
 * done (not when the base failed to load or either cannot be prepared;
 * then the caller adds them as usual).
 */
static enum ppd_status
add_pair(struct ppd_accum *a, struct load_job *base, pthread_t *th,
         bool *started, struct load_job *cur, struct flame_plan *fp,
         bool *paired, struct ppd_error *err)
{
    *paired = false;
    if (*started)
        pthread_join(*th, NULL);
    *started = false;
    if (base->st != PPD_OK || !ppd_accum_can_prepare(a, cur->profile) ||
        !ppd_accum_can_prepare(a, base->profile))
        return PPD_OK;
    *paired = true;
    struct ppd_accum_prep *pc = NULL, *pb = NULL;
    enum ppd_status st =
        ppd_accum_prepare(a, cur->col, cur->profile, &pc, err);
    if (st == PPD_OK)
        st = ppd_accum_prepare(a, base->col, base->profile, &pb, err);
    /* Room for both at once: growing the arrays between the two adds
     * would copy them. */
    if (st == PPD_OK && !ppd_accum_reserve_pair(a, pc, pb))
        st = ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    struct expand_job x = {pb, base};
    pthread_t xt;
    bool expanding = st == PPD_OK &&
                     pthread_create(&xt, NULL, expand_thread, &x) == 0;
    if (st == PPD_OK)
        st = ppd_accum_add_prepared(a, pc, err);
    if (expanding)
        pthread_join(xt, NULL);
    /* --flame-width cur: the flame graph starts from the current side
     * while the base is added. */
    struct flame_start_job fj = {0};
    pthread_t ft;
    bool drawing = st == PPD_OK && fp != NULL && fp->want &&
                   ppd_accum_reserve_prepared(a, pb) == PPD_OK &&
                   start_drawing(a, &fj, &ft);
    if (st == PPD_OK)
        st = ppd_accum_add_prepared(a, pb, err);
    /* The expanded base is done with: free it while the graph is built. */
    ppd_accum_prep_free(pc);
    ppd_accum_prep_free(pb);
    if (drawing)
        end_drawing(fp, &fj, ft);
    if (st == PPD_OK)
        drop_profile(base);
    return st;
}

/* How the decoded inputs become the accumulator. */
struct add_plan {
    const char *spec; /* -s */
    enum ppd_grain by;
    const struct ppd_filter *filter;
    const struct label_keys *labels;
    bool normalize;
    size_t width; /* merged sides: inputs decoded at once (--jobs) */
    struct flame_plan *fp;
};

/* A new accumulator for sample type idx of the last input, set up as
 * the plan says. */
static enum ppd_status
accum_for(const struct load_job *last, long idx, const struct add_plan *ap,
          struct ppd_accum **out, struct ppd_error *err)
{
    bool chosen = ap->spec != NULL && ap->spec[0] != '\0';
    const struct label_keys *labels = ap->labels;
    enum ppd_status st =
        ppd_accum_new(last->col + 1, &last->profile->sample_types[idx],
                      chosen ? NULL : last->profile->name, out, err);
    if (st == PPD_OK)
        st = ppd_accum_set_grain(*out, ap->by, err);
    if (st == PPD_OK)
        st = ppd_accum_set_filter(*out, ap->filter, err);
    if (st == PPD_OK)
        st = ppd_accum_set_label_frames(*out, labels->root, labels->nroot,
                                        labels->leaf, labels->nleaf, err);
    if (st == PPD_OK && labels->only)
        st = ppd_accum_set_labels_only(*out, err);
    return st;
}

/* The sample type is missing from the last input: say what it and the
 * first input (both still held) offer. Returns an exit status. */
static int
type_missing(const struct load_job *first, const struct load_job *last,
             const char *spec, struct ppd_accum **out)
{
    struct ppd_error err = {0};
    size_t ncols = last->col + 1;
    const struct ppd_profile *ps[2] = {first->profile, last->profile};
    if (ppd_accum_profiles(ncols == 1 ? ps + 1 : ps, ncols, spec, out,
                           &err) == PPD_OK)
        return PPD_EXIT_OK;
    ppd__cli_print_error(&err);
    return PPD_EXIT_ERROR;
}

/*
 * One input per side, or --normalize: every input but the last is
 * decoding on a thread (th[i] when started[i]). With one input per side
 * the last is added first, while the other may still be decoding; the
 * flame graph can start while the base is added. Returns an exit status
 * after printing any error.
 */
static int
add_as_ready(struct load_job *jobs, size_t n, pthread_t *th,
             bool *started, const struct add_plan *ap,
             struct ppd_accum **out)
{
    struct ppd_error err = {0};
    struct load_job *last = &jobs[n - 1];
    long idx = last->st == PPD_OK ? ppd_profile_sample_index(last->profile,
                                                             ap->spec)
                                  : -1;
    enum ppd_status st = PPD_OK;
    size_t ncols = last->col + 1;
    bool last_first = n == ncols && !ap->normalize;
    bool paired = false;
    if (idx >= 0) {
        st = accum_for(last, idx, ap, out, &err);
        if (st == PPD_OK && ap->normalize && ncols == 2)
            st = set_normalize(*out, jobs, n, th, started, &err);
        /* One input per side: the base's part of its add runs beside
         * the current one's. */
        if (st == PPD_OK && last_first && n == 2)
            st = add_pair(*out, &jobs[0], &th[0], &started[0], last, ap->fp,
                          &paired, &err);
        if (st == PPD_OK && last_first && !paired)
            st = ppd_accum_add(*out, last->col, last->profile, &err);
        if (st == PPD_OK && last_first)
            drop_profile(last);
    }
    bool loaded = true;
    for (size_t i = 0; i + last_first < n; i++) {
        if (i + 1 < n && started[i])
            pthread_join(th[i], NULL);
        if (jobs[i].st != PPD_OK || idx < 0 || st != PPD_OK || paired)
            continue;
        /* One input per side, the current one in: the base is the last
         * to come, and the flame graph can start. */
        bool draw = last_first && n == 2 && ncols == 2;
        st = add_drawing(*out, &jobs[i], draw ? ap->fp : NULL, &err);
        if (st == PPD_OK)
            drop_profile(&jobs[i]);
    }
    for (size_t i = 0; i < n; i++)
        if (jobs[i].st != PPD_OK) {
            ppd__cli_print_error(&jobs[i].err);
            loaded = false;
        }
    if (!loaded)
        return PPD_EXIT_ERROR;
    if (idx < 0)
        return type_missing(&jobs[0], last, ap->spec, out);
    if (st != PPD_OK) {
        ppd__cli_print_error(&err);
        return PPD_EXIT_ERROR;
    }
    return PPD_EXIT_OK;
}

/*
 * Merged sides (several inputs on a side): at most ap->width inputs are
 * decoded at once, on threads, and each is added in argument order (as
 * the column's name reads) as soon as it and those before it are in,
 * then freed. Memory follows the accumulator and the inputs in flight,
 * not the number of inputs. The last input, whose sample type is the
 * one compared, is decoded first. Every input is decoded even after a
 * failure, so that every bad one is named. th and started have room
 * for n. Returns an exit status after printing any error.
 */
/* Inputs up to i + width (but the last) decoding, then input i in (its
 * thread joined, or decoded here: stdin is read in its turn). *next is
 * the next input to start. */
static void
await_input(struct load_job *jobs, size_t n, pthread_t *th, bool *started,
            size_t width, size_t i, size_t *next)
{
    for (; *next + 1 < n && *next < i + width; (*next)++)
        if (strcmp(jobs[*next].path, "-") != 0)
            started[*next] = pthread_create(&th[*next], NULL, load_thread,
                                            &jobs[*next]) == 0;
    if (started[i])
        pthread_join(th[i], NULL);
    else
        load_thread(&jobs[i]);
    started[i] = false;
}

/*
 * --normalize with merged sides: the scale needs both sides' totals
 * before the first add, so a first pass decodes every input but the
 * last (decoded already), at most width at once, takes its total and
 * frees it again when it is a file, to be read again when it is added;
 * stdin and URLs are kept. False after a failure (*loaded false when an
 * input failed to load; its error printed).
 */
static enum ppd_status
normalize_first(struct load_job *jobs, size_t n, pthread_t *th,
                bool *started, size_t width, struct ppd_accum *a,
                bool *loaded, struct ppd_error *err)
{
    int64_t total[2] = {0, 0};
    size_t next = 0;
    enum ppd_status st = PPD_OK;
    for (size_t i = 0; i < n && st == PPD_OK; i++) {
        struct load_job *j = &jobs[i];
        if (i + 1 < n)
            await_input(jobs, n, th, started, width, i, &next);
        if (j->st != PPD_OK) {
            ppd__cli_print_error(&j->err);
            *loaded = false;
            continue;
        }
        int64_t t = 0;
        st = ppd_accum_profile_total(a, j->profile, &t, err);
        total[j->col] += t;
        if (i + 1 == n || j->remote || strcmp(j->path, "-") == 0) {
            j->skip = true;
        } else {
            ppd_profile_free(j->profile);
            j->profile = NULL;
        }
    }
    if (st != PPD_OK || !*loaded)
        return st;
    double ratio = total[1] == 0 ? 0 : (double)total[0] / (double)total[1];
    return ppd_accum_set_scale(a, 1, ratio, err);
}

static int
add_in_order(struct load_job *jobs, size_t n, pthread_t *th, bool *started,
             const struct add_plan *ap, struct ppd_accum **out)
{
    struct load_job *last = &jobs[n - 1];
    struct ppd_error err = {0};
    enum ppd_status st = PPD_OK;
    load_thread(last);
    long idx = last->st == PPD_OK ? ppd_profile_sample_index(last->profile,
                                                             ap->spec)
                                  : -1;
    if (idx >= 0)
        st = accum_for(last, idx, ap, out, &err);
    bool loaded = true;
    if (idx >= 0 && st == PPD_OK && ap->normalize) {
        st = normalize_first(jobs, n, th, started, ap->width, *out, &loaded,
                             &err);
        if (!loaded)
            return PPD_EXIT_ERROR;
    }
    size_t next = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        await_input(jobs, n, th, started, ap->width, i, &next);
        if (jobs[i].st != PPD_OK) {
            ppd__cli_print_error(&jobs[i].err);
            loaded = false;
            continue;
        }
        /* Without the type, the first input stays to say what it has. */
        if (idx < 0 && i == 0)
            continue;
        if (loaded && idx >= 0 && st == PPD_OK)
            st = ppd_accum_add(*out, jobs[i].col, jobs[i].profile, &err);
        ppd_profile_free(jobs[i].profile);
        jobs[i].profile = NULL;
    }
    if (last->st != PPD_OK) {
        ppd__cli_print_error(&last->err);
        loaded = false;
    }
    if (!loaded)
        return PPD_EXIT_ERROR;
    if (idx < 0)
        return type_missing(&jobs[0], last, ap->spec, out);
    if (st == PPD_OK)
        st = ppd_accum_add(*out, last->col, last->profile, &err);
    ppd_profile_free(last->profile);
    last->profile = NULL;
    if (st != PPD_OK) {
        ppd__cli_print_error(&err);
        return PPD_EXIT_ERROR;
    }
    return PPD_EXIT_OK;
}

/* A flame graph built on a thread while the diff is ranked. */
struct flame_job {
    const struct ppd_accum *a;
    enum ppd_flame_width width;
    struct ppd_flame *flame;
    struct ppd_error err;
    enum ppd_status st;
};

/* The flame graph: the one started while the base was added, finished,
 * or else a new one. */
static void *
flame_thread(void *arg)
{
    struct flame_job *j = arg;
    if (j->flame != NULL &&
        ppd_flame_finish(j->flame, j->a, &j->err) == PPD_OK) {
        j->st = PPD_OK;
        return NULL;
    }
    ppd_flame_free(j->flame);
    j->flame = NULL;
    j->st = ppd_flame_new(j->a, j->width, &j->flame, &j->err);
    return NULL;
}

/*
 * Rank the stacks of acc into *diff; for --format svg and html, build
 * (or finish: *flame started) the flame graph at the same time on a
 * second thread (both only read the accumulator) into *flame. Prints any
 * error.
 */
static bool
rank_and_draw(const struct ppd_accum *acc,
              const struct ppd_diff_options *dopt, enum ppd_format format,
              enum ppd_flame_width width, struct ppd_diff **diff,
              struct ppd_flame **flame)
{
    struct flame_job job = {.a = acc, .width = width, .flame = *flame};
    pthread_t th;
    bool draw = format == PPD_FORMAT_SVG || format == PPD_FORMAT_HTML;
    bool started = draw && pthread_create(&th, NULL, flame_thread, &job) == 0;
    struct ppd_error err = {0};
    bool ok = ppd_diff_compute(acc, dopt, diff, &err) == PPD_OK;
    if (!ok)
        ppd__cli_print_error(&err);
    if (started)
        pthread_join(th, NULL);
    else if (draw && ok)
        flame_thread(&job);
    if (ok && draw && job.st != PPD_OK) {
        ppd__cli_print_error(&job.err);
        ok = false;
    }
    *flame = job.flame;
    return ok;
}

/* Decode the inputs on threads and accumulate them as they are ready. */
static int
load_and_add(struct load_job *jobs, size_t n, const struct add_plan *ap,
             struct ppd_accum **out)
{
    pthread_t *th = calloc(n, sizeof *th);
    bool *started = calloc(n, sizeof *started);
    int rc;
    if (th == NULL || started == NULL) {
        fputs("pprofdiff: out of memory\n", stderr);
        rc = PPD_EXIT_ERROR;
    } else if (n > 2) {
        rc = add_in_order(jobs, n, th, started, ap, out);
    } else {
        /* One input per side: both are decoded at once (but with -j 1).
         * stdin cannot be shared, and one input needs no thread. */
        for (size_t i = 0; i + 1 < n && ap->width > 1; i++)
            if (strcmp(jobs[i].path, "-") != 0 && !jobs[i].skip)
                started[i] = pthread_create(&th[i], NULL, load_thread,
                                            &jobs[i]) == 0;
        for (size_t i = 0; i < n; i++)
            if (!started[i])
                load_thread(&jobs[i]);
        rc = add_as_ready(jobs, n, th, started, ap, out);
    }
    free(th);
    free(started);
    return rc;
}

int
ppd__cli_diff_main(int argc, char **argv)
{
    struct cli_options o = {0};
    bool done = false;
    struct load_job *jobs = NULL;
    struct ppd_accum *acc = NULL;
    struct ppd_diff *diff = NULL;
    struct ppd_filter *filter = NULL;
    struct ppd_signatures *sigs = NULL;
    struct ppd_flame *flame = NULL;
    int rc = parse_args(argc, argv, &o, &done);
    if (rc != PPD_EXIT_OK || done)
        goto out;
    jobs = calloc(o.ninputs, sizeof *jobs);
    if (jobs == NULL) {
        fputs("pprofdiff: out of memory\n", stderr);
        rc = PPD_EXIT_ERROR;
        goto out;
    }
    rc = ppd__cli_net_finish(&o.net);
    if (rc != PPD_EXIT_OK)
        goto out;
    size_t nstdin = 0;
    for (size_t i = 0; i < o.ninputs; i++)
        nstdin += strcmp(o.inputs[i], "-") == 0;
    if (nstdin > 1) {
        rc = ppd__cli_usage_error(NULL, "%s",
                                  "stdin ('-') can be only one of the "
                                  "inputs");
        goto out;
    }

    struct ppd_decode_options dopt = o.dopt;
    /* A bad pattern is a usage error, found before any input is read. */
    {
        struct ppd_error ferr = {0};
        if (ppd_filter_new(&o.filter, &filter, &ferr) != PPD_OK) {
            rc = ppd__cli_usage_error(NULL, "%s", ferr.msg);
            goto out;
        }
    }
    size_t nremote = 0;
    for (size_t i = 0; i < o.ninputs; i++) {
        jobs[i].path = o.inputs[i];
        jobs[i].col = i >= o.nbase && o.nbase > 0;
        jobs[i].dopt = &dopt;
        jobs[i].net = &o.net;
        jobs[i].remote = ppd_fetch_is_remote(o.inputs[i]);
        nremote += jobs[i].remote;
    }
    /* Remote inputs are fetched on threads: libcurl first. */
    if (nremote > 0)
        ppd_fetch_preload();
    /* Two fetches at once would fight over one progress line. */
    if (nremote > 1)
        o.net.opt.progress = false;
    /* Without -t a URL fetches the kind of its file partner: the files
     * first, so that a bad one stops the run before any fetch. The first
     * is kept to be added in its turn; the others, checked, are read
     * again then (holding them all would cost the memory of all). */
    if (nremote > 0 && nremote < o.ninputs && o.net.opt.type == NULL) {
        const struct ppd_profile *first = NULL;
        for (size_t i = 0; i < o.ninputs; i++) {
            if (jobs[i].remote)
                continue;
            load_thread(&jobs[i]);
            if (jobs[i].st != PPD_OK) {
                ppd__cli_print_error(&jobs[i].err);
                rc = PPD_EXIT_ERROR;
            } else if (first == NULL) {
                first = jobs[i].profile;
                jobs[i].skip = true;
            } else {
                ppd_profile_free(jobs[i].profile);
                jobs[i].profile = NULL;
            }
        }
        if (rc != PPD_EXIT_OK)
            goto out;
        const char *hint = ppd_fetch_type_for_kind(ppd_profile_kind(first));
        for (size_t i = 0; i < o.ninputs; i++)
            jobs[i].hint = hint;
    }
    /* An input loaded in the first round is skipped now. */
    struct label_keys labels;
    split_keys(o.tagroot, labels.root, &labels.nroot);
    split_keys(o.tagleaf, labels.leaf, &labels.nleaf);
    labels.only = o.by_creator;
    /* Big files take seconds: say so on a terminal, then erase it. */
    uint64_t bytes = 0;
    for (size_t i = 0; i < o.ninputs; i++) {
        struct stat sb;
        if (!jobs[i].remote && stat(o.inputs[i], &sb) == 0)
            bytes += (uint64_t)sb.st_size;
    }
    bool say = bytes >= BIG_INPUT && !o.net.quiet && isatty(STDERR_FILENO);
    if (say)
        fprintf(stderr, "pprofdiff: reading %zu input%s, %.0f MiB...",
                o.ninputs, o.ninputs == 1 ? "" : "s",
                (double)bytes / 1048576.0);
    /* --flame-width cur: the drawn frames follow the current side, and
     * the base, one input, is added last. */
    struct flame_plan plan = {
        .want = (o.format == PPD_FORMAT_SVG || o.format == PPD_FORMAT_HTML) &&
                o.flame_width == PPD_FLAME_CUR && o.by == PPD_GRAIN_STACK};
    struct add_plan ap = {.spec = o.sample,
                          .by = o.by,
                          .filter = filter,
                          .labels = &labels,
                          .normalize = o.normalize,
                          .width = ppd__cli_jobs(o.jobs),
                          .fp = &plan};
    rc = load_and_add(jobs, o.ninputs, &ap, &acc);
    flame = plan.flame;
    if (say)
        fputs("\r\033[K", stderr);
    if (rc != PPD_EXIT_OK)
        goto out;

    struct ppd_render_options ropt = {
        .format = o.format,
        .hide_shrinking = o.hide_shrinking,
        .show_unchanged = o.show_unchanged,
    };
    /* Into a file, --color auto means none. */
    ropt.color = o.format == PPD_FORMAT_TEXT &&
                 ppd__cli_want_color(o.output != NULL && o.color < 0 ? 0 : o.color);
    ropt.out_name = o.output;
    ropt.folded_value = o.folded_value;
    ropt.flame_width = o.flame_width;
    ropt.icicle = o.icicle;
    if (o.top >= 0)
        ropt.top = (size_t)o.top;
    else
        ropt.top = o.format == PPD_FORMAT_TEXT   ? DEFAULT_TEXT_TOP
                   : o.format == PPD_FORMAT_HTML ? DEFAULT_HTML_TOP
                                                 : 0;
    if (o.format == PPD_FORMAT_TEXT)
        ppd__cli_layout_apply(&o.layout, o.output != NULL, ropt.top,
                              &ropt.width, &ropt.stack_lines);
    /* Folded stacks feed flame graphs: every stack, unchanged ones too. */
    if (o.format == PPD_FORMAT_FOLDED) {
        ropt.top = 0;
        o.show_unchanged = true;
    }
    /* The noise floor, now that the unit and the base total are known:
     * the larger of --min-delta and --min-percent of the base. */
    uint64_t floor = 0;
    if (o.min_delta != NULL &&
        !parse_quantity(o.min_delta, ppd_accum_type(acc)->unit, &floor)) {
        rc = ppd__cli_usage_error(NULL,
                                  "--min-delta '%s': the sample type %s "
                                  "is in %s",
                                  o.min_delta, ppd_accum_type(acc)->type,
                                  ppd_accum_type(acc)->unit);
        goto out;
    }
    if (o.min_percent > 0) {
        double base = (double)ppd_accum_column(acc, 0)->abs_total;
        uint64_t p = (uint64_t)ceil(base * o.min_percent / 100);
        if (p > floor)
            floor = p;
    }
    if (o.drop_negative)
        ropt.hide_shrinking = true;
    struct ppd_diff_options diffopt = {
        .runtime_prefixes = o.runtime_prefixes,
        .nruntime_prefixes = o.nruntime_prefixes,
        .keep_unchanged = o.show_unchanged,
        .top = ropt.top,
        .min_change = floor,
        /* The flame graph and the pprof profile take every stack from
         * the accumulator, not the ranked rows. */
        .totals_only = o.format == PPD_FORMAT_SVG ||
                       o.format == PPD_FORMAT_PPROF,
    };
    struct ppd_error err = {0};
    rc = ppd__cli_alerts_check_diff(&o.leak.alerts, acc, &diffopt, NULL);
    if (rc != PPD_EXIT_OK)
        goto out;
    rc = ppd__cli_leak_hints(&o.leak, &diffopt, &sigs);
    if (rc != PPD_EXIT_OK)
        goto out;
    ropt.hints = sigs;
    ropt.hint_kind = ppd_accum_column(acc, ppd_accum_ncolumns(acc) - 1)->kind;
    /* -o: the whole output in memory, then saved atomically. */
    struct ppd__cli_out dest;
    if (!ppd__cli_out_begin(&dest, o.output)) {
        rc = PPD_EXIT_ERROR;
        goto out;
    }
    FILE *dst = dest.fp;
    if (o.by != PPD_GRAIN_STACK) {
        struct ppd_view_options vopt = {.top = ropt.top,
                                        .min_change = floor,
                                        .drop_negative = o.drop_negative,
                                        .keep_unchanged = o.show_unchanged,
                                        .peek = o.peek};
        struct ppd_view *view = NULL;
        if (ppd_view_compute(acc, &vopt, &view, &err) != PPD_OK ||
            ppd_render_view(dst, view, &ropt, &err) != PPD_OK) {
            ppd__cli_print_error(&err);
            rc = PPD_EXIT_ERROR;
        } else {
            rc = PPD_EXIT_OK;
            if (o.peek != NULL && view->nrows == 0)
                fprintf(stderr,
                        view->nentries == 0
                            ? "pprofdiff: --peek '%s' matches no function\n"
                            : "pprofdiff: --peek '%s' matches only "
                              "unchanged functions (--show-unchanged "
                              "lists them)\n",
                        o.peek);
        }
        ppd_view_free(view);
    } else if (!rank_and_draw(acc, &diffopt, o.format, o.flame_width, &diff,
                              &flame)) {
        rc = PPD_EXIT_ERROR;
    } else {
        ropt.flame = flame;
        rc = ppd_render(dst, diff, &ropt, &err) == PPD_OK ? PPD_EXIT_OK
                                                          : PPD_EXIT_ERROR;
        if (rc != PPD_EXIT_OK)
            ppd__cli_print_error(&err);
    }
    /* Alerts: a section of text output, a line each on stderr, exit 3. */
    if (rc == PPD_EXIT_OK && o.leak.alerts.n > 0)
        rc = ppd__cli_alerts_report(&o.leak.alerts,
                                    o.format == PPD_FORMAT_TEXT ? dst : NULL,
                                    ppd_accum_type(acc)->unit);
    rc = ppd__cli_out_end(&dest, rc);
out:
    ppd_signatures_free(sigs);
    ppd_flame_free(flame);
    ppd_diff_free(diff);
    ppd_accum_free(acc);
    ppd_filter_free(filter);
    free(o.tagroot);
    free(o.tagleaf);
    for (size_t i = 0; jobs != NULL && i < o.ninputs; i++) {
        if (jobs[i].dropping)
            pthread_join(jobs[i].dropper, NULL);
        ppd_profile_free(jobs[i].profile);
    }
    free(jobs);
    free(o.inputs);
    free(o.runtime_prefixes);
    ppd__cli_net_free(&o.net);
    return rc;
}
