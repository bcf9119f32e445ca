/*
 * alerts.c - --fail-if on the command line. Conditions see every row,
 * not only those shown: a breach hidden by --top or a filter of the
 * display still sets the exit status.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/alerts.h"
#include "cli/common.h"
#include "pprofdiff/render.h"
#include "pprofdiff/view.h"

const struct ppd__opt ppd__cli_leak_opts[] = {
    {"fail-if", 0, PPD_CLI_OPT_FAIL_IF, "COND",
     "exit 3 when COND holds: SCOPE.METRIC>V,\n"
     "SCOPE total, stack or function, METRIC\n"
     "delta (100, 1MiB), growth (20%) or rate\n"
     "(10MiB/h, 100/h); repeatable"},
    {"signatures", 0, PPD_CLI_OPT_SIGNATURES, "FILE",
     "more leak signatures for hints, lines\n"
     "of KINDS<TAB>REGEX<TAB>HINT (repeatable)"},
    {"no-hints", 0, PPD_CLI_OPT_NO_HINTS, NULL,
     "no hints from known leak signatures"},
    {NULL, 0, 0, NULL, NULL},
};

static bool
alert_flag(struct ppd__cli_alerts *al, const char *cmd, const char *arg)
{
    struct ppd_error err = {0};
    if (al->n == PPD_CLI_MAX_ALERTS) {
        ppd__cli_usage_error(cmd, "more than %d --fail-if conditions",
                             PPD_CLI_MAX_ALERTS);
        return false;
    }
    if (ppd_alert_parse(arg, &al->v[al->n].cond, &err) != PPD_OK) {
        ppd__cli_usage_error(cmd, "%s", err.msg);
        return false;
    }
    al->n++;
    return true;
}

int
ppd__cli_leak_flag(struct ppd__cli_leak *l, const char *cmd, int code,
                   const char *arg)
{
    switch (code) {
    case PPD_CLI_OPT_FAIL_IF:
        return alert_flag(&l->alerts, cmd, arg) ? 1 : -1;
    case PPD_CLI_OPT_SIGNATURES:
        if (l->nsigfiles == sizeof l->sigfiles / sizeof l->sigfiles[0]) {
            ppd__cli_usage_error(cmd, "too many --signatures files");
            return -1;
        }
        l->sigfiles[l->nsigfiles++] = arg;
        return 1;
    case PPD_CLI_OPT_NO_HINTS:
        l->no_hints = true;
        return 1;
    default:
        return 0;
    }
}

int
ppd__cli_leak_hints(const struct ppd__cli_leak *l,
                    const struct ppd_diff_options *dopt,
                    struct ppd_signatures **out)
{
    struct ppd_error err = {0};
    *out = NULL;
    if (l->no_hints)
        return PPD_EXIT_OK;
    if (ppd_signatures_new(dopt, out, &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        return PPD_EXIT_ERROR;
    }
    for (size_t i = 0; i < l->nsigfiles; i++)
        if (ppd_signatures_load(*out, l->sigfiles[i], &err) != PPD_OK) {
            ppd__cli_print_error(&err);
            ppd_signatures_free(*out);
            *out = NULL;
            return err.code == PPD_EINVAL ? PPD_EXIT_USAGE : PPD_EXIT_ERROR;
        }
    return PPD_EXIT_OK;
}

/* Units and times: can every condition be checked on a? */
static int
check_fit(const struct ppd__cli_alerts *al, const struct ppd_accum *a,
          bool timed, const char *cmd)
{
    const struct ppd_value_type *t = ppd_accum_type(a);
    for (size_t i = 0; i < al->n; i++) {
        const struct ppd_alert *c = &al->v[i].cond;
        if (!ppd_quantity_fits(c->kind, t->unit))
            return ppd__cli_usage_error(cmd,
                                        "--fail-if '%s': the sample type "
                                        "%s is in %s",
                                        c->text, t->type, t->unit);
        if (c->metric == PPD_ALERT_RATE && !timed) {
            fprintf(stderr,
                    "pprofdiff: --fail-if '%s': a rate needs the capture "
                    "times, and an input has none\n",
                    c->text);
            return PPD_EXIT_ERROR;
        }
        if (c->scope == PPD_ALERT_FUNCTION &&
            ppd_accum_grain(a) != PPD_GRAIN_STACK &&
            ppd_accum_grain(a) != PPD_GRAIN_FUNCTION)
            return ppd__cli_usage_error(cmd,
                                        "--fail-if '%s': function "
                                        "conditions work with --by stack "
                                        "or function",
                                        c->text);
    }
    return PPD_EXIT_OK;
}

static void
subject_name(char *buf, size_t n, const struct ppd_accum *a, uint32_t frame)
{
    if (frame == PPD_NO_FRAME) {
        snprintf(buf, n, "(no stack)");
        return;
    }
    const struct ppd_frame *f = ppd_accum_frame(a, frame);
    snprintf(buf, n, "%.*s", (int)f->name.len, f->name.ptr);
}

/* Record a row's values against every condition of its scope. */
static void
measure(struct ppd__cli_alerts *al, enum ppd_alert_scope scope, double first,
        double delta, double rate, const struct ppd_accum *a,
        uint32_t frame)
{
    double growth = first > 0 ? 100 * delta / first : NAN;
    for (size_t i = 0; i < al->n; i++) {
        struct ppd__cli_alert *x = &al->v[i];
        double m;
        if (x->cond.scope != scope ||
            !ppd_alert_breached(&x->cond, delta, growth, rate, &m))
            continue;
        if (!x->breached || m > x->worst) {
            x->worst = m;
            if (scope == PPD_ALERT_TOTAL)
                snprintf(x->subject, sizeof x->subject, "total");
            else
                subject_name(x->subject, sizeof x->subject, a, frame);
        }
        x->breached = true;
        x->nbreaching++;
    }
}

static bool
has_scope(const struct ppd__cli_alerts *al, enum ppd_alert_scope s)
{
    for (size_t i = 0; i < al->n; i++)
        if (al->v[i].cond.scope == s)
            return true;
    return false;
}

int
ppd__cli_alerts_check_diff(struct ppd__cli_alerts *al,
                           const struct ppd_accum *a,
                           const struct ppd_diff_options *dopt,
                           const char *cmd)
{
    if (al->n == 0)
        return PPD_EXIT_OK;
    size_t nc = ppd_accum_ncolumns(a);
    const struct ppd_column *c0 = ppd_accum_column(a, 0);
    const struct ppd_column *c1 = ppd_accum_column(a, nc - 1);
    double hours = (double)(c1->time_nanos - c0->time_nanos) / 3.6e12;
    bool timed = c0->time_nanos != 0 && c1->time_nanos != 0 && hours > 0;
    int rc = check_fit(al, a, timed, cmd);
    if (rc != PPD_EXIT_OK)
        return rc;
    double delta = (double)c1->total - (double)c0->total;
    measure(al, PPD_ALERT_TOTAL, (double)c0->total, delta,
            timed ? delta / hours : NAN, a, PPD_NO_FRAME);
    uint32_t *frames = NULL;
    size_t fcap = 0;
    if (has_scope(al, PPD_ALERT_STACK))
        for (size_t s = 0; s < ppd_accum_nstacks(a); s++) {
            const int64_t *v = ppd_accum_values(a, s);
            double d = (double)v[nc - 1] - (double)v[0];
            uint32_t depth = ppd_accum_depth(a, s);
            uint32_t frame = PPD_NO_FRAME;
            if (depth > fcap) {
                uint32_t *nf = realloc(frames, depth * sizeof *nf);
                if (nf == NULL) {
                    free(frames);
                    fputs("pprofdiff: out of memory\n", stderr);
                    return PPD_EXIT_ERROR;
                }
                frames = nf;
                fcap = depth;
            }
            if (depth > 0) {
                ppd_accum_stack(a, s, frames, fcap);
                frame = ppd_stack_culprit(a, frames, depth, dopt);
            }
            measure(al, PPD_ALERT_STACK, (double)v[0], d,
                    timed ? d / hours : NAN, a, frame);
        }
    free(frames);
    if (has_scope(al, PPD_ALERT_FUNCTION)) {
        struct ppd_view_options vo = {.keep_unchanged = true};
        struct ppd_view *v = NULL;
        struct ppd_error err = {0};
        if (ppd_view_compute(a, &vo, &v, &err) != PPD_OK) {
            ppd__cli_print_error(&err);
            return PPD_EXIT_ERROR;
        }
        /* A function grows by its cum value: what runs under it. */
        for (size_t i = 0; i < v->nrows; i++) {
            const struct ppd_view_row *r = &v->rows[i];
            double d = (double)r->cum_delta;
            measure(al, PPD_ALERT_FUNCTION, (double)r->cum[0], d,
                    timed ? d / hours : NAN, a, r->frame);
        }
        ppd_view_free(v);
    }
    return PPD_EXIT_OK;
}

int
ppd__cli_alerts_check_trend(struct ppd__cli_alerts *al,
                            const struct ppd_accum *a,
                            const struct ppd_trend_options *topt,
                            const char *cmd)
{
    if (al->n == 0)
        return PPD_EXIT_OK;
    for (int pass = 0; pass < 2; pass++) {
        bool entries = pass == 1;
        if (!has_scope(al, entries ? PPD_ALERT_FUNCTION : PPD_ALERT_STACK) &&
            !(pass == 0 && has_scope(al, PPD_ALERT_TOTAL)))
            continue;
        struct ppd_trend_options o = *topt;
        o.all = true;
        o.top = 0;
        o.entries = entries;
        o.cum = true;
        struct ppd_trend *t = NULL;
        struct ppd_error err = {0};
        if (ppd_trend_compute(a, &o, &t, &err) != PPD_OK) {
            ppd__cli_print_error(&err);
            return PPD_EXIT_ERROR;
        }
        int rc = check_fit(al, a, t->timed && t->times[t->n - 1] > t->times[0],
                           cmd);
        if (rc != PPD_EXIT_OK) {
            ppd_trend_free(t);
            return rc;
        }
        if (pass == 0)
            measure(al, PPD_ALERT_TOTAL, (double)t->total.first,
                    (double)t->total.delta, t->total.slope_per_hour, a,
                    PPD_NO_FRAME);
        for (size_t i = 0; i < t->nrows; i++) {
            const struct ppd_trend_row *r = &t->rows[i];
            measure(al, entries ? PPD_ALERT_FUNCTION : PPD_ALERT_STACK,
                    (double)r->s.first, (double)r->s.delta,
                    r->s.slope_per_hour, a, r->frame);
        }
        ppd_trend_free(t);
    }
    return PPD_EXIT_OK;
}

/* A measured value as people read it, in the condition's terms. */
static void
value_text(char *buf, size_t n, const struct ppd__cli_alert *x,
           const char *unit)
{
    switch (x->cond.metric) {
    case PPD_ALERT_GROWTH:
        snprintf(buf, n, "+%.1f%%", x->worst);
        break;
    case PPD_ALERT_RATE: {
        char v[64];
        ppd_render_value(v, sizeof v, (int64_t)llround(x->worst), unit, true);
        snprintf(buf, n, "%s/h", v);
        break;
    }
    default:
        ppd_render_value(buf, n, (int64_t)llround(x->worst), unit, true);
    }
}

int
ppd__cli_alerts_report(const struct ppd__cli_alerts *al, FILE *out,
                       const char *unit)
{
    size_t nb = 0;
    for (size_t i = 0; i < al->n; i++)
        nb += al->v[i].breached;
    if (out != NULL && al->n > 0) {
        fprintf(out, "\nalerts (%zu of %zu breached)\n", nb, al->n);
        for (size_t i = 0; i < al->n; i++) {
            const struct ppd__cli_alert *x = &al->v[i];
            char v[96];
            if (!x->breached) {
                fprintf(out, "  ok        %s\n", x->cond.text);
                continue;
            }
            value_text(v, sizeof v, x, unit);
            fprintf(out, "  BREACHED  %s: %s (%s)", x->cond.text, v,
                    x->subject);
            if (x->nbreaching > 1)
                fprintf(out, " and %zu more %s%s", x->nbreaching - 1,
                        x->cond.scope == PPD_ALERT_STACK ? "stack"
                                                         : "function",
                        x->nbreaching > 2 ? "s" : "");
            fputc('\n', out);
        }
    }
    for (size_t i = 0; i < al->n; i++) {
        const struct ppd__cli_alert *x = &al->v[i];
        char v[96];
        if (!x->breached)
            continue;
        value_text(v, sizeof v, x, unit);
        fprintf(stderr, "pprofdiff: alert: %s: %s (%s", x->cond.text, v,
                x->subject);
        if (x->nbreaching > 1)
            fprintf(stderr, ", and %zu more", x->nbreaching - 1);
        fputs(")\n", stderr);
    }
    return nb > 0 ? PPD_EXIT_ALERT : PPD_EXIT_OK;
}
