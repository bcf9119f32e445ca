/*
 * common.h - what every subcommand of the command line shares: exit
 * statuses, the one error line, number parsers. The command line is the
 * only part of pprofdiff that knows about argv, stdout, stderr and exit
 * codes.
 */
#ifndef PPD_CLI_COMMON_H
#define PPD_CLI_COMMON_H

/* Exit statuses, as documented in the README and --help. */
#define PPD_EXIT_OK 0
#define PPD_EXIT_ERROR 1 /* input or runtime error */
#define PPD_EXIT_USAGE 2 /* bad command line */

#include <stdbool.h>
#include <stdint.h>

#include "cli/opts.h"

struct ppd__cli_leak;
struct ppd__cli_net;
#include "pprofdiff/decode.h"
#include "pprofdiff/error.h"
#include "pprofdiff/filter.h"

/* The input limits every command that decodes takes. */
enum { PPD_CLI_OPT_MAX_BYTES = 900, PPD_CLI_OPT_MAX_DEPTH };
extern const struct ppd__opt ppd__cli_input_opts[];

/*
 * ppd__cli_input_flag - apply an input-limit option to d. Returns 1 when
 * code is one and was applied, 0 when it is not one, -1 after printing a
 * usage error (cmd names the subcommand, or NULL).
 */
int ppd__cli_input_flag(const char *cmd, struct ppd_decode_options *d,
                        int code, const char *arg);

/* -j/--jobs N: inputs decoded at once (diff and trend). */
enum { PPD_CLI_OPT_JOBS = 'j' };
#define PPD_CLI_MAX_JOBS 16
extern const struct ppd__opt ppd__cli_jobs_opts[];

/*
 * ppd__cli_jobs_flag - parse --jobs into *jobs. Returns 1 when code is
 * it, 0 when not, -1 after printing a usage error (cmd as below).
 */
int ppd__cli_jobs_flag(const char *cmd, long *jobs, int code,
                       const char *arg);

/* ppd__cli_jobs - the decoding threads for --jobs (0: the online CPUs,
 * at most 8; at least 1). */
size_t ppd__cli_jobs(long jobs);

/*
 * ppd__cli_usage_error - print a usage error as one line on stderr,
 * "pprofdiff: MESSAGE (see 'pprofdiff [CMD] --help')", and return
 * PPD_EXIT_USAGE. cmd names the subcommand, or NULL.
 */
int ppd__cli_usage_error(const char *cmd, const char *fmt, ...)
    PPD_PRINTF(2, 3);

/*
 * ppd__cli_print_error - print err as the one error line,
 * "pprofdiff: INPUT: MESSAGE", on stderr.
 */
void ppd__cli_print_error(const struct ppd_error *err);

/* One word an option takes, and the value it stands for. */
struct ppd__choice {
    const char *name; /* NULL ends a list */
    int value;
};

/* --color's words: auto (-1), always (1), never (0). */
extern const struct ppd__choice ppd__cli_color_words[];

/* --by's words: stack, function, line, file (enum ppd_grain), and
 * creator (goroutine dumps: rows of created_by and state labels). */
#define PPD_CLI_BY_CREATOR 100
#define PPD_CLI_CREATOR_KEYS "created_by,state"
extern const struct ppd__choice ppd__cli_grains[];

/* The sample filters (--focus, --ignore, ..., --tagignore), as pprof's. */
enum { PPD_CLI_OPT_FOCUS = 920, PPD_CLI_OPT_IGNORE, PPD_CLI_OPT_HIDE,
       PPD_CLI_OPT_SHOW, PPD_CLI_OPT_SHOW_FROM, PPD_CLI_OPT_TAGFOCUS,
       PPD_CLI_OPT_TAGIGNORE, PPD_CLI_OPT_MIN_WAIT, PPD_CLI_OPT_NAMES };
extern const struct ppd__opt ppd__cli_filter_opts[];

/*
 * ppd__cli_filter_flag - apply a filter option to f (the pattern is
 * borrowed). Returns 1 when code is one, 0 when it is not, -1 after
 * printing a usage error.
 */
int ppd__cli_filter_flag(struct ppd_filter_options *f, int code,
                         const char *arg);

/*
 * ppd__cli_choice - the value of word arg among choices, in *out; else
 * false after the usage error "unknown OPTION 'ARG' (a, b or c)".
 */
bool ppd__cli_choice(const char *option, const char *arg,
                     const struct ppd__choice *choices, int *out);

/*
 * ppd__cli_parse_long - parse a decimal integer in [lo, hi] that fills
 * the whole of s; false otherwise.
 */
bool ppd__cli_parse_long(const char *s, long lo, long hi, long *out);

/*
 * ppd__cli_parse_bytes - a positive byte count with an optional K/M/G
 * suffix (binary; "KiB", "MB" and the like accepted). Shared by every
 * size flag of every subcommand.
 */
bool ppd__cli_parse_bytes(const char *s, uint64_t *out);

/*
 * ppd__cli_parse_seconds - a number of seconds, more than 0 and at most
 * 10^6 (fractions allowed), that fills the whole of s; false otherwise.
 */
bool ppd__cli_parse_seconds(const char *s, double *out);

/*
 * ppd__cli_want_color - colour for --color WHEN (-1 auto, 0 never, 1
 * always): auto means never with NO_COLOR (no-color.org) set and not
 * empty, always with CLICOLOR_FORCE set and not 0, else when stdout is
 * a terminal that is not "dumb".
 */
bool ppd__cli_want_color(int when);

/* How text is laid out on a terminal: -w/--wide, --stacks. */
enum { PPD_CLI_OPT_WIDE = 'w', PPD_CLI_OPT_STACKS = 940 };
extern const struct ppd__opt ppd__cli_layout_opts[];

struct ppd__cli_layout {
    bool wide;
    int stacks; /* -1 auto, 0 inline, 1 lines */
};

/*
 * ppd__cli_layout_flag - apply a layout option to l. Returns 1 when code
 * is one, 0 when it is not, -1 after printing a usage error. Zero l and
 * set stacks to -1 before parsing.
 */
int ppd__cli_layout_flag(struct ppd__cli_layout *l, int code,
                         const char *arg);

/*
 * ppd__cli_layout_apply - the width and stack form of text written to
 * stdout (to_file: written to a file instead, which gets neither): the
 * terminal's width (TIOCGWINSZ, else COLUMNS, else 80; at least 20)
 * when stdout is a terminal and not --wide; frames a line each with
 * --stacks lines, or with auto on a terminal when at most 5 rows a
 * section are shown (top, 1 to 5).
 */
void ppd__cli_layout_apply(const struct ppd__cli_layout *l, bool to_file,
                           size_t top, int *width, bool *stack_lines);

/* The option groups the diff and trend share, each parsed by its own. */
struct ppd__cli_groups {
    struct ppd_decode_options *input;   /* --max-bytes, --max-depth */
    struct ppd_filter_options *filter;  /* --focus ... --min-wait */
    struct ppd__cli_leak *leak;         /* --fail-if, --signatures, ... */
    struct ppd__cli_layout *layout;     /* --wide, --stacks */
    struct ppd__cli_net *net;           /* the network flags */
    long *jobs;                         /* --jobs */
};

/*
 * ppd__cli_groups_flag - apply an option of any of g's groups. Returns
 * 1 when one took it, 0 when none is its, -1 after a usage error.
 */
int ppd__cli_groups_flag(const char *cmd, const struct ppd__cli_groups *g,
                         int code, const char *arg);

/*
 * -o FILE for a command's whole output: out->fp is stdout, or with a
 * path a memory stream that ppd__cli_out_end saves there atomically.
 */
struct ppd__cli_out {
    const char *path; /* NULL: stdout */
    FILE *fp;
    char *mem;
    size_t len;
};

/* ppd__cli_out_begin - start; false after printing "out of memory". */
bool ppd__cli_out_begin(struct ppd__cli_out *o, const char *path);

/*
 * ppd__cli_out_end - with a path: save what was written unless rc is
 * PPD_EXIT_ERROR (an exit 3 still saves), and free it. Returns rc, or
 * PPD_EXIT_ERROR after printing why the save failed.
 */
int ppd__cli_out_end(struct ppd__cli_out *o, int rc);

/*
 * The subcommands; argv[0] is the subcommand's name (the program's for
 * the diff). Each returns the process exit status.
 */
int ppd__cli_diff_main(int argc, char **argv);
int ppd__cli_fetch_main(int argc, char **argv);
int ppd__cli_capture_main(int argc, char **argv);
int ppd__cli_trend_main(int argc, char **argv);

#endif
