/*
 * alert.c - parsing --fail-if conditions and quantities with units, and
 * deciding a breach. The units table is the only one in pprofdiff.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pprofdiff/alert.h"

static const struct {
    const char *suffix;
    double scale;
    enum ppd_qty_kind kind;
} units[] = {
    {"B", 1, PPD_QTY_BYTES},
    {"KiB", 1024.0, PPD_QTY_BYTES},
    {"K", 1024.0, PPD_QTY_BYTES},
    {"KB", 1024.0, PPD_QTY_BYTES},
    {"MiB", 1048576.0, PPD_QTY_BYTES},
    {"M", 1048576.0, PPD_QTY_BYTES},
    {"MB", 1048576.0, PPD_QTY_BYTES},
    {"GiB", 1073741824.0, PPD_QTY_BYTES},
    {"G", 1073741824.0, PPD_QTY_BYTES},
    {"GB", 1073741824.0, PPD_QTY_BYTES},
    {"ns", 1, PPD_QTY_NANOS},
    {"us", 1e3, PPD_QTY_NANOS},
    {"\xc2\xb5s", 1e3, PPD_QTY_NANOS},
    {"ms", 1e6, PPD_QTY_NANOS},
    {"s", 1e9, PPD_QTY_NANOS},
    {"m", 60e9, PPD_QTY_NANOS},
    {"h", 3600e9, PPD_QTY_NANOS},
};

bool
ppd_quantity_parse(const char *s, size_t len, double *value,
                   enum ppd_qty_kind *kind)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (errno != 0 || end == buf || !isfinite(v) || fabs(v) > 9e18)
        return false;
    double scale = 1;
    enum ppd_qty_kind k = PPD_QTY_ANY;
    if (*end != '\0') {
        size_t i = 0, n = sizeof units / sizeof units[0];
        while (i < n && strcmp(end, units[i].suffix) != 0)
            i++;
        if (i == n)
            return false;
        scale = units[i].scale;
        k = units[i].kind;
    }
    if (fabs(v * scale) > 9e18)
        return false;
    *value = v * scale;
    *kind = k;
    return true;
}

bool
ppd_quantity_fits(enum ppd_qty_kind kind, const char *unit)
{
    switch (kind) {
    case PPD_QTY_BYTES:
        return strcmp(unit, "bytes") == 0;
    case PPD_QTY_NANOS:
        return strcmp(unit, "nanoseconds") == 0;
    default:
        return true;
    }
}

enum ppd_status
ppd_alert_parse(const char *s, struct ppd_alert *out, struct ppd_error *err)
{
    static const char *const scopes[] = {"total", "stack", "function"};
    static const char *const metrics[] = {"delta", "growth", "rate"};
    memset(out, 0, sizeof *out);
    out->text = s;
    const char *dot = strchr(s, '.');
    const char *gt = strchr(s, '>');
    const char *why = NULL;
    size_t i;
    if (dot == NULL || gt == NULL || gt < dot) {
        why = "want SCOPE.METRIC>VALUE, as stack.delta>100";
        goto bad;
    }
    for (i = 0; i < 3; i++)
        if ((size_t)(dot - s) == strlen(scopes[i]) &&
            memcmp(s, scopes[i], (size_t)(dot - s)) == 0)
            break;
    if (i == 3) {
        why = "the scope is total, stack or function";
        goto bad;
    }
    out->scope = (enum ppd_alert_scope)i;
    for (i = 0; i < 3; i++)
        if ((size_t)(gt - dot - 1) == strlen(metrics[i]) &&
            memcmp(dot + 1, metrics[i], (size_t)(gt - dot - 1)) == 0)
            break;
    if (i == 3) {
        why = "the metric is delta, growth or rate";
        goto bad;
    }
    out->metric = (enum ppd_alert_metric)i;
    const char *v = gt + 1;
    if (*v == '=') {
        out->or_equal = true;
        v++;
    }
    size_t len = strlen(v);
    switch (out->metric) {
    case PPD_ALERT_GROWTH: {
        char *end;
        errno = 0;
        out->threshold = strtod(v, &end);
        if (len == 0 || errno != 0 || end == v || strcmp(end, "%") != 0 ||
            !isfinite(out->threshold)) {
            why = "a growth is a percentage, as 20%";
            goto bad;
        }
        break;
    }
    case PPD_ALERT_RATE: {
        static const struct {
            const char *per;
            double hours;
        } pers[] = {{"/s", 1 / 3600.0}, {"/m", 1 / 60.0}, {"/h", 1},
                    {"/d", 24}};
        const char *slash = strrchr(v, '/');
        size_t p = 0;
        while (slash != NULL && p < 4 && strcmp(slash, pers[p].per) != 0)
            p++;
        if (slash == NULL || p == 4 ||
            !ppd_quantity_parse(v, (size_t)(slash - v), &out->threshold,
                                &out->kind)) {
            why = "a rate is a quantity per time, as 100/h or 10MiB/h "
                  "(/s, /m, /h, /d)";
            goto bad;
        }
        out->threshold /= pers[p].hours;
        break;
    }
    default:
        if (!ppd_quantity_parse(v, len, &out->threshold, &out->kind)) {
            why = "a delta is a number, with B, KiB, MiB, GiB, ns, us, "
                  "ms, s, m or h";
            goto bad;
        }
    }
    return PPD_OK;
bad:
    return ppd_error_set(err, PPD_EINVAL, NULL, "invalid --fail-if '%s': %s",
                         s, why);
}

bool
ppd_alert_breached(const struct ppd_alert *a, double delta, double growth,
                   double rate, double *measured)
{
    double x = a->metric == PPD_ALERT_DELTA    ? delta
               : a->metric == PPD_ALERT_GROWTH ? growth
                                               : rate;
    *measured = x;
    if (isnan(x))
        return false;
    return a->or_equal ? x >= a->threshold : x > a->threshold;
}
