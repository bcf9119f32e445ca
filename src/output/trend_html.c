/*
 * trend_html.c - a trend as one HTML file: the snapshots, a chart of the
 * total, then per leak suspect its numbers, hint and a chart of its
 * series. The charts are SVG drawn here: a time axis with the snapshots'
 * real times (their order when there are none) and a value axis in the
 * sample's unit. Names are escaped as in every HTML output.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/output.h"

#define CW 640
#define CH 170
#define PADL 70
#define PADR 16
#define PADT 12
#define PADB 34

static void
put_s(FILE *out, const char *s)
{
    ppd__xml_text(out, s, strlen(s));
}

static void
clock_text(char *buf, size_t n, int64_t ns, bool with_date)
{
    time_t t = (time_t)(ns / 1000000000);
    struct tm tm;
    if (ns == 0 || gmtime_r(&t, &tm) == NULL ||
        strftime(buf, n, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
                 &tm) == 0)
        snprintf(buf, n, "?");
}

/* One line chart of v[0..n) against the trend's times. */
static void
chart(FILE *out, const struct ppd_trend *t, const int64_t *v,
      const char *unit, const char *colour)
{
    size_t n = t->n;
    int64_t lo = v[0], hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    if (lo > 0)
        lo = 0; /* growth reads against zero */
    if (hi == lo)
        hi = lo + 1;
    bool timed = t->timed && t->times[n - 1] > t->times[0];
    double x0 = timed ? (double)t->times[0] : 0;
    double xs = timed ? (double)(t->times[n - 1] - t->times[0])
                      : (double)(n - 1);
    double pw = CW - PADL - PADR, ph = CH - PADT - PADB;
    fprintf(out, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
                 "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
            CW, CH, CW, CH);
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" "
                 "fill=\"#fafafa\" stroke=\"#ccc\"/>\n",
            PADL, PADT, pw, ph);
    char a[64], b[64];
    ppd_render_value(a, sizeof a, hi, unit, false);
    ppd_render_value(b, sizeof b, lo, unit, false);
    fprintf(out, "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\">"
                 "%s</text>\n<text class=\"ax\" x=\"%d\" y=\"%.0f\" "
                 "text-anchor=\"end\">%s</text>\n",
            PADL - 4, PADT + 10, a, PADL - 4, PADT + ph, b);
    if (timed) {
        clock_text(a, sizeof a, t->times[0], true);
        clock_text(b, sizeof b, t->times[n - 1], true);
    } else {
        snprintf(a, sizeof a, "snapshot 1");
        snprintf(b, sizeof b, "snapshot %zu", n);
    }
    fprintf(out, "<text class=\"ax\" x=\"%d\" y=\"%d\">%s UTC</text>"
                 "<text class=\"ax\" x=\"%d\" y=\"%d\" text-anchor=\"end\">"
                 "%s UTC</text>\n",
            PADL, CH - 10, a, CW - PADR, CH - 10, b);
    fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                 "points=\"",
            colour);
    for (size_t i = 0; i < n; i++) {
        double x = timed ? ((double)t->times[i] - x0) / xs : (double)i / xs;
        double y = ((double)v[i] - (double)lo) / (double)(hi - lo);
        fprintf(out, "%s%.1f,%.1f", i ? " " : "", PADL + x * pw,
                PADT + ph - y * ph);
    }
    fputs("\"/>\n", out);
    for (size_t i = 0; i < n; i++) {
        double x = timed ? ((double)t->times[i] - x0) / xs : (double)i / xs;
        double y = ((double)v[i] - (double)lo) / (double)(hi - lo);
        ppd_render_value(a, sizeof a, v[i], unit, false);
        fprintf(out, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" "
                     "fill=\"%s\"><title>%s</title></circle>\n",
                PADL + x * pw, PADT + ph - y * ph, colour, a);
    }
    fputs("</svg>\n", out);
}

bool
ppd__render_html_trend(FILE *out, const struct ppd_trend *t,
                       const struct ppd_render_options *o)
{
    const struct ppd_accum *a = t->accum;
    const struct ppd_value_type *ty = ppd_accum_type(a);
    const char *kind = ppd_accum_column(a, t->order[t->n - 1])->kind;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>pprofdiff trend: ",
          out);
    put_s(out, kind);
    fputs("</title>\n<style>body{font:14px sans-serif;margin:16px;color:#222}"
          "h1{font-size:18px}h2{font-size:15px;margin:22px 0 4px}"
          ".ax{font:11px sans-serif;fill:#555}.facts{font:12px monospace}"
          ".hint{color:#555;font-style:italic}.stack{font:11px monospace;"
          "color:#444}</style>\n</head><body>\n<h1>pprofdiff trend: ",
          out);
    put_s(out, kind);
    fputs(", ", out);
    put_s(out, ty->type);
    fprintf(out, " (%s)</h1>\n<p class=\"facts\">%zu snapshots, in ", ty->unit,
            t->n);
    put_s(out, t->ordered_by);
    fprintf(out, "; %zu stacks, %zu growing as a leak would", t->nseries,
            t->nsuspects);
    if (t->ngaps > 0)
        fprintf(out, "; %zu windows without data left out", t->ngaps);
    fputs("</p>\n<h2 id=\"total\">total</h2>\n", out);
    chart(out, t, t->total.series, ty->unit, "#444");
    struct ppd__frames f = {0};
    char d[64], s[64];
    for (size_t i = 0; i < t->nrows; i++) {
        const struct ppd_trend_row *r = &t->rows[i];
        if (!ppd__trend_frames(t, r, &f)) {
            free(f.v);
            return false;
        }
        struct ppd_str name = ppd__trend_culprit(t, r);
        fprintf(out, "<div class=\"suspect\"><h2>%zu. ", i + 1);
        ppd__xml_text(out, name.ptr, name.len);
        ppd_render_value(d, sizeof d, r->s.delta, ty->unit, true);
        fprintf(out, "</h2>\n<p class=\"facts\">score %.1f, delta %s", r->s.score,
                d);
        if (!isnan(r->s.slope_per_hour) &&
            fabs(r->s.slope_per_hour) < 9e18) {
            ppd_render_value(s, sizeof s, llround(r->s.slope_per_hour),
                             ty->unit, true);
            fprintf(out, ", slope %s/h", s);
        }
        fprintf(out, ", grew in %" PRIu32 " and shrank in %" PRIu32
                     " of %zu intervals</p>\n",
                r->s.grew, r->s.shrank, t->n - 1);
        if (!t->entries) {
            fputs("<p class=\"stack\">", out);
            for (size_t k = 0; k < f.n; k++) {
                struct ppd_str nm = ppd_accum_frame(a, f.v[k])->name;
                if (k > 0)
                    fputs(" &lt; ", out);
                ppd__xml_text(out, nm.ptr, nm.len);
            }
            fputs("</p>\n", out);
        }
        const char *hint = ppd__trend_hint(t, r, &f, o);
        if (hint != NULL) {
            fputs("<p class=\"hint\">hint: ", out);
            put_s(out, hint);
            fputs("</p>\n", out);
        }
        chart(out, t, r->s.series, ty->unit,
              r->s.delta > 0 ? "#c00" : "#05a");
        fputs("</div>\n", out);
    }
    free(f.v);
    fputs("</body></html>\n", out);
    return true;
}
