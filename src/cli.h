/*
 * cli.h - the command line: argv in, exit status out.
 */
#ifndef PPD_CLI_H
#define PPD_CLI_H

/* Exit statuses, as documented in the README and --help. */
#define PPD_EXIT_OK 0
#define PPD_EXIT_ERROR 1 /* input or runtime error */
#define PPD_EXIT_USAGE 2 /* bad command line */

/*
 * ppd_cli_main - run pprofdiff with argv; returns the process exit status.
 * The only place that prints to stdout/stderr.
 */
int ppd_cli_main(int argc, char **argv);

#endif
