/*
 * net_opts.h - the network flags shared by the diff command and the
 * fetch/capture subcommands.
 *
 * A command takes them by listing ppd__cli_net_opts among its option
 * tables (codes 't', 'H', 'q' and >= 1000) and handing every code it
 * does not handle itself to ppd__cli_fetch_flag().
 */
#ifndef PPD_CLI_NET_OPTS_H
#define PPD_CLI_NET_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli/opts.h"
#include "pprofdiff/decode.h"
#include "pprofdiff/fetch.h"
#include "pprofdiff/profile.h"

enum {
    PPD_CLI_OPT_SECONDS = 1000,
    PPD_CLI_OPT_TIMEOUT,
    PPD_CLI_OPT_CONNECT_TIMEOUT,
    PPD_CLI_OPT_RETRIES,
    PPD_CLI_OPT_MAX_REDIRECTS,
    PPD_CLI_OPT_MAX_DOWNLOAD,
    PPD_CLI_OPT_BEARER_TOKEN_FILE,
    PPD_CLI_OPT_DATA,
    PPD_CLI_OPT_POST,
    PPD_CLI_OPT_CACERT,
    PPD_CLI_OPT_CERT,
    PPD_CLI_OPT_KEY,
    PPD_CLI_OPT_INSECURE,
};

/* The network flags, for every command that takes them (cli/opts.h). */
extern const struct ppd__opt ppd__cli_net_opts[];

/* Network flags as parsed; zero-initialise, then ppd__cli_net_free(). */
struct ppd__cli_net {
    struct ppd_fetch_options opt;
    const char **headers; /* point into argv */
    const char *data_arg; /* --data as given ("@FILE" is read later) */
    char *data_buf;       /* contents of --data @FILE */
    bool quiet;
};

/*
 * ppd__cli_fetch_flag - apply one parsed option to n. Returns 1 when code
 * is a network flag and was applied, 0 when code is not one, and -1 after
 * printing a usage error for a bad value (exit with PPD_EXIT_USAGE).
 */
int ppd__cli_fetch_flag(struct ppd__cli_net *n, int code, const char *arg);

/*
 * ppd__cli_net_finish - after parsing: read --data @FILE and decide on
 * the progress line (stderr is a terminal and no -q). Returns an exit
 * status: PPD_EXIT_OK, or PPD_EXIT_ERROR after printing the error.
 */
int ppd__cli_net_finish(struct ppd__cli_net *n);

/* ppd__cli_net_free - release what n owns. Accepts NULL. */
void ppd__cli_net_free(struct ppd__cli_net *n);

/* ppd__cli_fetch_usage - the help text of the network flags. */
void ppd__cli_fetch_usage(FILE *out);

/*
 * ppd__cli_fetch_input - fetch and decode a remote diff input. Without
 * -t, the profile type is type_hint (the endpoint of the file it is
 * compared with, from ppd_fetch_type_for_kind(); may be NULL).
 * Thread-safe for distinct outputs.
 */
PPD_NODISCARD enum ppd_status
ppd__cli_fetch_input(const struct ppd__cli_net *n, const char *spec,
                     const char *type_hint,
                     const struct ppd_decode_options *dopt,
                     struct ppd_profile **out, struct ppd_error *err);

/*
 * ppd__cli_common_opt - the getopt cases fetch and capture share: a
 * missing value, an unknown option, and the network flags. Returns -1 to
 * go on parsing, else the exit status to return (the error printed).
 */
int ppd__cli_common_opt(const char *cmd, struct ppd__cli_net *net, int c,
                        char **argv);

#endif
