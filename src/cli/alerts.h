/*
 * alerts.h - --fail-if for the diff and for trend: the conditions given,
 * checking them against an accumulator's rows, and reporting breaches
 * (an alerts section in text, one line each on stderr, exit status 3).
 */
#ifndef PPD_CLI_ALERTS_H
#define PPD_CLI_ALERTS_H

#include <stdbool.h>
#include <stdio.h>

#include "pprofdiff/accum.h"
#include "pprofdiff/alert.h"
#include "cli/opts.h"
#include "pprofdiff/diff.h"
#include "pprofdiff/signature.h"
#include "pprofdiff/trend.h"

#define PPD_EXIT_ALERT 3 /* a --fail-if condition was breached */
#define PPD_CLI_MAX_ALERTS 32

/* One condition and what breached it. */
struct ppd__cli_alert {
    struct ppd_alert cond;
    bool breached;
    size_t nbreaching;  /* rows that breach it (1 for total) */
    double worst;       /* the largest value measured among them */
    char subject[256];  /* the row with that value ("total" for total) */
};

struct ppd__cli_alerts {
    struct ppd__cli_alert v[PPD_CLI_MAX_ALERTS];
    size_t n;
};

/* What the leak options (--fail-if, --signatures, --no-hints) set. */
struct ppd__cli_leak {
    struct ppd__cli_alerts alerts;
    const char *sigfiles[16];
    size_t nsigfiles;
    bool no_hints;
};

/* The leak options, a table every command that ranks rows lists. */
enum { PPD_CLI_OPT_FAIL_IF = 950, PPD_CLI_OPT_SIGNATURES,
       PPD_CLI_OPT_NO_HINTS };
extern const struct ppd__opt ppd__cli_leak_opts[];

/*
 * ppd__cli_leak_flag - apply a leak option to l. Returns 1 when code is
 * one and was applied, 0 when it is not one, -1 after printing a usage
 * error (cmd names the subcommand, or NULL).
 */
int ppd__cli_leak_flag(struct ppd__cli_leak *l, const char *cmd, int code,
                       const char *arg);

/*
 * ppd__cli_leak_hints - the signatures to show hints from (built in,
 * then --signatures files), in *out; NULL with --no-hints. Returns an
 * exit status after printing any error (2: a malformed file).
 */
int ppd__cli_leak_hints(const struct ppd__cli_leak *l,
                        const struct ppd_diff_options *dopt,
                        struct ppd_signatures **out);

/*
 * ppd__cli_alerts_check_diff - check every condition against the two
 * columns of a (base, cur): every stack, every function, the total.
 * Returns an exit status: PPD_EXIT_OK (checked, breaches recorded),
 * PPD_EXIT_USAGE or PPD_EXIT_ERROR after printing why.
 */
int ppd__cli_alerts_check_diff(struct ppd__cli_alerts *al,
                               const struct ppd_accum *a,
                               const struct ppd_diff_options *dopt,
                               const char *cmd);

/*
 * ppd__cli_alerts_check_trend - the same over the snapshots of a trend
 * computed with topt (its times and culprit options); delta is last -
 * first, rate the slope per hour.
 */
int ppd__cli_alerts_check_trend(struct ppd__cli_alerts *al,
                                const struct ppd_accum *a,
                                const struct ppd_trend_options *topt,
                                const char *cmd);

/*
 * ppd__cli_alerts_report - write the alerts section to out (text output;
 * out may be NULL), one line per breach to stderr; PPD_EXIT_ALERT when
 * any, else PPD_EXIT_OK.
 */
int ppd__cli_alerts_report(const struct ppd__cli_alerts *al, FILE *out,
                           const char *unit);

#endif
