/*
 * cli.h - the command line: argv in, exit status out.
 */
#ifndef PPD_CLI_H
#define PPD_CLI_H

/* Exit statuses, as documented in the README and --help. */
#define PPD_EXIT_OK 0
#define PPD_EXIT_ERROR 1 /* input or runtime error */
#define PPD_EXIT_USAGE 2 /* bad command line */

#include <stdbool.h>

#include "pprofdiff/error.h"

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

/*
 * ppd__cli_parse_long - parse a decimal integer in [lo, hi] that fills
 * the whole of s; false otherwise.
 */
bool ppd__cli_parse_long(const char *s, long lo, long hi, long *out);

/*
 * ppd_cli_main - run pprofdiff with argv; returns the process exit status.
 * The only place that prints to stdout/stderr.
 */
int ppd_cli_main(int argc, char **argv);

#endif
