/*
 * opts.h - option tables: each command lists its options once (name,
 * short letter, argument, help), and getopt_long's table and the --help
 * text are both made from that list, so they cannot disagree. Groups
 * several commands share (input limits, network flags) are tables of
 * their own, listed by every command that takes them.
 */
#ifndef PPD_CLI_OPTS_H
#define PPD_CLI_OPTS_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

struct ppd__opt {
    const char *name; /* long name, without "--"; NULL ends a table */
    int letter;       /* short option letter, or 0 */
    int code;         /* what getopt_long returns: letter, or >= 256 */
    const char *arg;  /* the argument's placeholder, NULL: none */
    const char *help; /* lines of help, '\n' between them */
};

/* Room for any command's options, all groups included. */
#define PPD_OPTS_MAX 64

/*
 * ppd__opts_getopt - fill longopts (PPD_OPTS_MAX + 1 entries) and
 * shortopts (room for 3 * PPD_OPTS_MAX + 2) from the NULL-terminated
 * list of tables, for getopt_long with a leading ':' (a missing value is
 * reported as ':').
 */
void ppd__opts_getopt(const struct ppd__opt *const *tables,
                      struct option *longopts, char *shortopts);

/* ppd__opts_help - print a table's options, aligned, as --help shows. */
void ppd__opts_help(FILE *out, const struct ppd__opt *table);

/* ppd__opts_count - the options of a table. */
size_t ppd__opts_count(const struct ppd__opt *table);

#endif
