/*
 * units.c - numbers for people: bytes in B/KiB/MiB/GiB, nanoseconds in
 * ns/µs/ms/s, spans of time, growth in percent, capture times in UTC.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "output/output.h"

/*
 * printf's "%.*f" for v >= 0 and prec 1 or 2, without its cost in the
 * common case: v scaled and rounded, unless it lies so close to a half
 * that only printf's exact rounding can tell; then printf.
 */
void
ppd__fixed(char *buf, size_t n, double v, int prec)
{
    double scale = prec == 1 ? 10 : 100;
    double t = v * scale;
    if ((prec != 1 && prec != 2) || n < 24 || !(t >= 0 && t < 1e15) ||
        fabs(t - floor(t) - 0.5) < 1e-6) {
        snprintf(buf, n, "%.*f", prec, v);
        return;
    }
    uint64_t c = (uint64_t)llround(t);
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + c % 10);
        c /= 10;
    } while (c > 0 || k <= prec);
    size_t j = 0;
    while (k > prec)
        buf[j++] = tmp[--k];
    buf[j++] = '.';
    while (k > 0)
        buf[j++] = tmp[--k];
    buf[j] = '\0';
}

/* Append s to the text at t[*k] (room: 48 bytes in all). */
static void
cat(char *t, size_t *k, const char *s)
{
    while (*s != '\0' && *k < 47)
        t[(*k)++] = *s++;
}

/* Append a in decimal. */
static void
cat_u(char *t, size_t *k, uint64_t a)
{
    char d[24];
    size_t m = 0;
    do {
        d[m++] = (char)('0' + a % 10);
        a /= 10;
    } while (a > 0);
    while (m > 0 && *k < 47)
        t[(*k)++] = d[--m];
}

/* Called for every cell of big outputs: built by hand, not by printf. */
char *
ppd_render_value(char *buf, size_t n, int64_t v, const char *unit, bool sign)
{
    char t[48], num[32];
    size_t k = 0;
    cat(t, &k, v < 0 ? "-" : (sign && v > 0 ? "+" : ""));
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (strcmp(unit, "bytes") == 0) {
        static const char *const suf[] = {"B", "KiB", "MiB", "GiB", "TiB",
                                          "PiB", "EiB"};
        double x = (double)a;
        size_t i = 0;
        while (x >= 1024 && i + 1 < sizeof suf / sizeof suf[0]) {
            x /= 1024;
            i++;
        }
        if (i == 0) {
            cat_u(t, &k, a);
        } else {
            ppd__fixed(num, sizeof num, x, x < 10 ? 2 : 1);
            cat(t, &k, num);
        }
        cat(t, &k, suf[i]);
    } else if (strcmp(unit, "nanoseconds") == 0) {
        double x = (double)a;
        const char *s = "ns";
        if (x >= 1e9) {
            x /= 1e9;
            s = "s";
        } else if (x >= 1e6) {
            x /= 1e6;
            s = "ms";
        } else if (x >= 1e3) {
            x /= 1e3;
            s = "µs";
        }
        if (strcmp(s, "ns") == 0) {
            cat_u(t, &k, a);
        } else {
            ppd__fixed(num, sizeof num, x, x < 10 ? 2 : 1);
            cat(t, &k, num);
        }
        cat(t, &k, s);
    } else {
        cat_u(t, &k, a);
    }
    if (n > 0) {
        size_t m = k < n - 1 ? k : n - 1;
        for (size_t i = 0; i < m; i++)
            buf[i] = t[i];
        buf[m] = '\0';
    }
    return buf;
}

char *
ppd_render_duration(char *buf, size_t n, int64_t ns)
{
    const char *sg = ns < 0 ? "-" : "";
    uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t s = a / 1000000000u;
    if (s < 60)
        snprintf(buf, n, "%s%.1fs", sg, (double)a / 1e9);
    else if (s < 3600)
        snprintf(buf, n, "%s%" PRIu64 "m%" PRIu64 "s", sg, s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, n, "%s%" PRIu64 "h%" PRIu64 "m", sg, s / 3600,
                 s / 60 % 60);
    else
        snprintf(buf, n, "%s%" PRIu64 "d%" PRIu64 "h", sg, s / 86400,
                 s / 3600 % 24);
    return buf;
}

void
ppd__growth_text(char *buf, size_t n, int64_t base, int64_t cur)
{
    if (base == 0 || cur == base) {
        snprintf(buf, n, cur == base ? "0%%" : "new");
        return;
    }
    double pct = ((double)cur - (double)base) * 100.0 / fabs((double)base);
    if (fabs(pct) >= 100)
        snprintf(buf, n, "%+.0f%%", pct);
    else
        snprintf(buf, n, "%+.1f%%", pct);
}

void
ppd__time_text(char *buf, size_t n, int64_t ns)
{
    if (ns == 0) {
        snprintf(buf, n, "(no time)");
        return;
    }
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
        snprintf(buf, n, "%" PRId64, ns);
}

