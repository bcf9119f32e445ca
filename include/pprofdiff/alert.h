/*
 * alert.h - conditions for cron and CI (--fail-if), and the quantities
 * they and the noise floors are written in.
 *
 * A condition reads SCOPE.METRIC>VALUE (or >=): SCOPE is total, stack or
 * function; METRIC is delta (in the sample's unit: 100, 512KiB, 10ms),
 * growth (percent of the first value: 20%) or rate (per hour, or per
 * second, minute or day: 10MiB/h, 100/h, 2/m). A scope other than total
 * is breached when any of its rows is. Growth is not defined for a row
 * whose first value is 0 (a new stack): only delta and rate see those.
 */
#ifndef PPROFDIFF_ALERT_H
#define PPROFDIFF_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a quantity's unit measures. */
enum ppd_qty_kind { PPD_QTY_ANY = 0, PPD_QTY_BYTES, PPD_QTY_NANOS };

/*
 * ppd_quantity_parse - a number with an optional unit (B, KiB, K, KB,
 * MiB, M, MB, GiB, G, GB; ns, us, µs, ms, s, m, h) filling s[0..len):
 * *value in bytes or nanoseconds (a bare number as is), *kind what the
 * unit measures. False when it is not one.
 */
bool ppd_quantity_parse(const char *s, size_t len, double *value,
                        enum ppd_qty_kind *kind);

/*
 * ppd_quantity_fits - can a quantity of kind be compared with values in
 * unit (a sample type's unit: "bytes", "nanoseconds", "count", ...)?
 */
bool ppd_quantity_fits(enum ppd_qty_kind kind, const char *unit);

enum ppd_alert_scope { PPD_ALERT_TOTAL = 0, PPD_ALERT_STACK,
                       PPD_ALERT_FUNCTION };
enum ppd_alert_metric { PPD_ALERT_DELTA = 0, PPD_ALERT_GROWTH,
                        PPD_ALERT_RATE };

struct ppd_alert {
    const char *text; /* as given (borrowed) */
    enum ppd_alert_scope scope;
    enum ppd_alert_metric metric;
    bool or_equal;     /* >= rather than > */
    double threshold;  /* delta: sample units; growth: percent; rate:
                          sample units per hour */
    enum ppd_qty_kind kind; /* of the threshold's unit */
};

/*
 * ppd_alert_parse - parse s (borrowed by *out). PPD_EINVAL, quoting s
 * and saying what is wrong, when it is not a condition.
 */
PPD_NODISCARD enum ppd_status
ppd_alert_parse(const char *s, struct ppd_alert *out, struct ppd_error *err);

/*
 * ppd_alert_breached - is the condition breached by a row (or the
 * total) that changed by delta, grew by growth percent (NaN: not
 * defined) at rate per hour (NaN: unknown)? *measured gets the value
 * compared.
 */
bool ppd_alert_breached(const struct ppd_alert *a, double delta,
                        double growth, double rate, double *measured);

#ifdef __cplusplus
}
#endif

#endif
