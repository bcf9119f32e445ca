/*
 * common.c - what every subcommand shares: the one error line, the
 * number parsers. Only the command line prints.
 */
#include <errno.h>
#include <math.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/common.h"
#include "cli/alerts.h"
#include "cli/net_opts.h"
#include "pprofdiff/accum.h"
#include "pprofdiff/alert.h"
#include "pprofdiff/fetch.h"

int
ppd__cli_usage_error(const char *cmd, const char *fmt, ...)
{
    char msg[PPD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* One line, like every other error, with the way to the help. */
    fprintf(stderr, "pprofdiff: %s (see 'pprofdiff%s%s --help')\n", msg,
            cmd ? " " : "", cmd ? cmd : "");
    return PPD_EXIT_USAGE;
}

bool
ppd__cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

void
ppd__cli_print_error(const struct ppd_error *err)
{
    char line[PPD_ERROR_INPUT_MAX + PPD_ERROR_MSG_MAX + 8];
    fprintf(stderr, "pprofdiff: %s\n",
            ppd_error_format(err, line, sizeof line));
}

bool
ppd__cli_parse_bytes(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '\0')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s)
        return false;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift != 0) {
        end++;
        if (*end == 'i' && end[1] == 'B')
            end += 2;
        else if (*end == 'B')
            end++;
    }
    if (*end != '\0' || v == 0 || v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

bool
ppd__cli_parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 1e6)
        return false;
    *out = v;
    return true;
}

const struct ppd__opt ppd__cli_input_opts[] = {
    {"max-bytes", 0, PPD_CLI_OPT_MAX_BYTES, "N",
     "refuse inputs larger than N bytes after\n"
     "decompression (default 256M; K/M/G\n"
     "suffix); decoded tables may take up to\n"
     "4 x N + 64 MiB"},
    {"max-depth", 0, PPD_CLI_OPT_MAX_DEPTH, "N",
     "refuse a sample with more than N\n"
     "locations (default 1048576)"},
    {NULL, 0, 0, NULL, NULL},
};

const struct ppd__opt ppd__cli_jobs_opts[] = {
    {"jobs", 'j', PPD_CLI_OPT_JOBS, "N",
     "decode N inputs at once (default: the\n"
     "CPUs, at most 8); each decoded input\n"
     "is held until it is added, in order"},
    {NULL, 0, 0, NULL, NULL},
};

int
ppd__cli_jobs_flag(const char *cmd, long *jobs, int code, const char *arg)
{
    if (code != PPD_CLI_OPT_JOBS)
        return 0;
    if (!ppd__cli_parse_long(arg, 1, PPD_CLI_MAX_JOBS, jobs))
        return ppd__cli_usage_error(cmd,
                                    "invalid --jobs value '%s' (1 to %d)",
                                    arg, PPD_CLI_MAX_JOBS),
               -1;
    return 1;
}

size_t
ppd__cli_jobs(long jobs)
{
    if (jobs > 0)
        return (size_t)jobs;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    return cpus < 1 ? 1 : cpus > 8 ? 8 : (size_t)cpus;
}

int
ppd__cli_input_flag(const char *cmd, struct ppd_decode_options *d, int code,
                    const char *arg)
{
    long v;
    switch (code) {
    case PPD_CLI_OPT_MAX_BYTES:
        if (!ppd__cli_parse_bytes(arg, &d->max_bytes))
            return ppd__cli_usage_error(cmd, "invalid --max-bytes value '%s'",
                                        arg),
                   -1;
        return 1;
    case PPD_CLI_OPT_MAX_DEPTH:
        if (!ppd__cli_parse_long(arg, 1, 1L << 30, &v))
            return ppd__cli_usage_error(cmd,
                                        "invalid --max-depth value '%s' (1 "
                                        "to %ld)",
                                        arg, 1L << 30),
                   -1;
        d->max_depth = (uint64_t)v;
        return 1;
    default:
        return 0;
    }
}

bool
ppd__cli_choice(const char *option, const char *arg,
                const struct ppd__choice *choices, int *out)
{
    size_t n = 0;
    for (; choices[n].name != NULL; n++)
        if (strcmp(choices[n].name, arg) == 0) {
            *out = choices[n].value;
            return true;
        }
    char list[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < n && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                                 i == 0           ? ""
                                 : i + 1 == n     ? " or "
                                                  : ", ",
                                 choices[i].name);
    (void)ppd__cli_usage_error(NULL, "unknown %s '%s' (%s)", option, arg,
                               list);
    return false;
}

bool
ppd__cli_want_color(int when)
{
    if (when >= 0)
        return when == 1;
    const char *no = getenv("NO_COLOR");
    const char *force = getenv("CLICOLOR_FORCE");
    const char *term = getenv("TERM");
    if (no != NULL && no[0] != '\0')
        return false;
    if (force != NULL && force[0] != '\0' && strcmp(force, "0") != 0)
        return true;
    return isatty(STDOUT_FILENO) && term != NULL && strcmp(term, "dumb") != 0;
}

const struct ppd__choice ppd__cli_color_words[] = {
    {"auto", -1}, {"always", 1}, {"never", 0}, {NULL, 0}};

const struct ppd__choice ppd__cli_grains[] = {
    {"stack", PPD_GRAIN_STACK},   {"function", PPD_GRAIN_FUNCTION},
    {"line", PPD_GRAIN_LINE},     {"file", PPD_GRAIN_FILE},
    {"creator", PPD_CLI_BY_CREATOR}, {NULL, 0}};

const struct ppd__opt ppd__cli_filter_opts[] = {
    {"focus", 0, PPD_CLI_OPT_FOCUS, "RE",
     "keep samples with a frame matching RE\n"
     "(function or file name; as pprof)"},
    {"ignore", 0, PPD_CLI_OPT_IGNORE, "RE", "drop samples with a frame matching RE"},
    {"hide", 0, PPD_CLI_OPT_HIDE, "RE", "drop the frames matching RE"},
    {"show", 0, PPD_CLI_OPT_SHOW, "RE", "keep only the frames matching RE"},
    {"show-from", 0, PPD_CLI_OPT_SHOW_FROM, "RE",
     "drop the frames above the root-most\nframe matching RE"},
    {"tagfocus", 0, PPD_CLI_OPT_TAGFOCUS, "[KEY=]V",
     "keep samples with a label matching V:\n"
     "comma-separated patterns, or a range\n"
     "N, N:, :N or N:M (64kb:1mb), as pprof"},
    {"tagignore", 0, PPD_CLI_OPT_TAGIGNORE, "[KEY=]V",
     "drop samples with a label matching V"},
    {"min-wait", 0, PPD_CLI_OPT_MIN_WAIT, "D",
     "goroutine dumps: keep goroutines that\n"
     "have waited at least D (30m, 2h)"},
    {"names", 0, PPD_CLI_OPT_NAMES, "MODE",
     "function names as pprof shows them:\n"
     "simplified (default: C++ and Rust\n"
     "demangled, C++ without parameters or\n"
     "template arguments), full (demangled\n"
     "whole) or raw (as the profile has them);\n"
     "filters match the names shown"},
    {NULL, 0, 0, NULL, NULL},
};

int
ppd__cli_filter_flag(struct ppd_filter_options *f, int code, const char *arg)
{
    switch (code) {
    case PPD_CLI_OPT_MIN_WAIT: {
        double ns;
        enum ppd_qty_kind k;
        if (!ppd_quantity_parse(arg, strlen(arg), &ns, &k) ||
            k != PPD_QTY_NANOS || ns < 0) {
            ppd__cli_usage_error(NULL,
                                 "invalid --min-wait value '%s' (a "
                                 "duration: 30m, 2h)",
                                 arg);
            return -1;
        }
        f->min_wait_minutes = (int64_t)ceil(ns / 60e9);
        return 1;
    }
    case PPD_CLI_OPT_FOCUS: f->focus = arg; return 1;
    case PPD_CLI_OPT_IGNORE: f->ignore = arg; return 1;
    case PPD_CLI_OPT_HIDE: f->hide = arg; return 1;
    case PPD_CLI_OPT_SHOW: f->show = arg; return 1;
    case PPD_CLI_OPT_SHOW_FROM: f->show_from = arg; return 1;
    case PPD_CLI_OPT_TAGFOCUS: f->tagfocus = arg; return 1;
    case PPD_CLI_OPT_TAGIGNORE: f->tagignore = arg; return 1;
    default: return 0;
    }
}

const struct ppd__opt ppd__cli_layout_opts[] = {
    {"wide", 'w', PPD_CLI_OPT_WIDE, NULL,
     "text on a terminal: every row whole on\n"
     "one line, as into a pipe"},
    {"stacks", 0, PPD_CLI_OPT_STACKS, "FORM",
     "text: inline (one line a row), lines\n"
     "(a frame per line under each row), or\n"
     "auto (default: lines on a terminal\n"
     "with -n 5 or fewer)"},
    {NULL, 0, 0, NULL, NULL},
};

int
ppd__cli_layout_flag(struct ppd__cli_layout *l, int code, const char *arg)
{
    static const struct ppd__choice forms[] = {
        {"auto", -1}, {"inline", 0}, {"lines", 1}, {NULL, 0}};
    switch (code) {
    case PPD_CLI_OPT_WIDE:
        l->wide = true;
        return 1;
    case PPD_CLI_OPT_STACKS:
        return ppd__cli_choice("--stacks", arg, forms, &l->stacks) ? 1 : -1;
    default:
        return 0;
    }
}

void
ppd__cli_layout_apply(const struct ppd__cli_layout *l, bool to_file,
                      size_t top, int *width, bool *stack_lines)
{
    bool tty = !to_file && isatty(STDOUT_FILENO);
    *width = 0;
    if (tty && !l->wide) {
        struct winsize ws;
        const char *cols = getenv("COLUMNS");
        long c;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            *width = ws.ws_col;
        else if (cols != NULL && ppd__cli_parse_long(cols, 1, 100000, &c))
            *width = (int)c;
        else
            *width = 80;
        if (*width < 20)
            *width = 20;
    }
    /* --wide means rows as into a pipe: inline unless asked. */
    *stack_lines = l->stacks == 1 ||
                   (l->stacks < 0 && tty && !l->wide && top >= 1 && top <= 5);
}

bool
ppd__cli_out_begin(struct ppd__cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    o->fp = stdout;
    /* Into a file or a pipe, write in large blocks: a flame graph is
     * megabytes. */
    if (path == NULL && !isatty(STDOUT_FILENO))
        setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (path != NULL && (o->fp = open_memstream(&o->mem, &o->len)) == NULL) {
        fputs("pprofdiff: out of memory\n", stderr);
        return false;
    }
    return true;
}

int
ppd__cli_out_end(struct ppd__cli_out *o, int rc)
{
    if (o->path == NULL)
        return rc;
    bool whole = fclose(o->fp) == 0;
    o->fp = NULL;
    if (rc != PPD_EXIT_ERROR && !whole) {
        fputs("pprofdiff: out of memory\n", stderr);
        rc = PPD_EXIT_ERROR;
    }
    struct ppd_error err = {0};
    if (rc != PPD_EXIT_ERROR &&
        ppd_fetch_save_atomic(o->path, o->mem, o->len, &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        rc = PPD_EXIT_ERROR;
    }
    free(o->mem);
    o->mem = NULL;
    return rc;
}

int
ppd__cli_groups_flag(const char *cmd, const struct ppd__cli_groups *g,
                     int code, const char *arg)
{
    int r = ppd__cli_input_flag(cmd, g->input, code, arg);
    if (r == 0 && code == PPD_CLI_OPT_NAMES) {
        static const struct ppd__choice modes[] = {
            {"simplified", PPD_NAMES_SIMPLIFIED},
            {"full", PPD_NAMES_FULL},
            {"raw", PPD_NAMES_RAW},
            {NULL, 0},
        };
        int v;
        if (!ppd__cli_choice("--names", arg, modes, &v))
            return -1;
        g->input->names = (enum ppd_names)v;
        return 1;
    }
    if (r == 0)
        r = ppd__cli_filter_flag(g->filter, code, arg);
    if (r == 0)
        r = ppd__cli_leak_flag(g->leak, cmd, code, arg);
    if (r == 0)
        r = ppd__cli_layout_flag(g->layout, code, arg);
    if (r == 0)
        r = ppd__cli_fetch_flag(g->net, code, arg);
    if (r == 0)
        r = ppd__cli_jobs_flag(cmd, g->jobs, code, arg);
    return r;
}
