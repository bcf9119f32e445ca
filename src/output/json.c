/*
 * json.c - JSON strings from arbitrary bytes.
 */
#include <string.h>

#include "output/json.h"
#include "output/output.h"

size_t
ppd__json_quote_some(char *dst, size_t room, const char *str, size_t n,
                     size_t *used)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, w = 0;
    /* Every character takes at most 6 bytes written. */
    while (i < n && room - w >= 6) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            dst[w++] = '\\';
            dst[w++] = (char)c;
            i++;
        } else if (c == '\n' || c == '\t') {
            dst[w++] = '\\';
            dst[w++] = c == '\n' ? 'n' : 't';
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            memcpy(dst + w, "\\u00", 4);
            dst[w + 4] = hex[c >> 4];
            dst[w + 5] = hex[c & 15];
            w += 6;
            i++;
        } else if (c < 0x80) {
            dst[w++] = (char)c;
            i++;
        } else {
            size_t len = ppd__utf8_len(s + i, n - i);
            if (len == 0) {
                memcpy(dst + w, "\\ufffd", 6);
                w += 6;
                i++;
            } else {
                memcpy(dst + w, s + i, len);
                w += len;
                i += len;
            }
        }
    }
    *used = i;
    return w;
}

void
ppd__json_string(FILE *out, const char *str, size_t n)
{
    char buf[512];
    fputc('"', out);
    for (size_t i = 0, used; i < n; i += used)
        fwrite(buf, 1, ppd__json_quote_some(buf, sizeof buf, str + i, n - i,
                                            &used),
               out);
    fputc('"', out);
}

/* ---- The json output format ---- */

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/obuf.h"
#include "output/output.h"

static void
put_cstr(FILE *out, const char *s)
{
    ppd__json_string(out, s, strlen(s));
}

/* "inputs", "sample" and the totals, shared by both documents. */
static void
put_head(FILE *out, const struct ppd_accum *a)
{
    size_t ncols = ppd_accum_ncolumns(a);
    const struct ppd_value_type *t = ppd_accum_type(a);
    fputs("{\n  \"profile\": ", out);
    put_cstr(out, ppd_accum_column(a, ncols - 1)->kind);
    fputs(",\n  \"sample\": {\"type\": ", out);
    put_cstr(out, t->type);
    fputs(", \"unit\": ", out);
    put_cstr(out, t->unit);
    fputs("},\n  \"inputs\": [", out);
    for (size_t i = 0; i < ncols; i++) {
        const struct ppd_column *c = ppd_accum_column(a, i);
        fputs(i ? ", {\"name\": " : "{\"name\": ", out);
        put_cstr(out, c->name);
        fputs(", \"time\": ", out);
        char when[32];
        time_t secs = (time_t)(c->time_nanos / 1000000000);
        struct tm tm;
        if (c->time_nanos != 0 && gmtime_r(&secs, &tm) != NULL &&
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
            put_cstr(out, when);
        else
            fputs("null", out);
        fprintf(out, ", \"total\": %" PRId64 "}", c->total);
    }
    fprintf(out, "],\n  \"filtered\": %s,\n",
            ppd_accum_filtered(a) ? "true" : "false");
    ppd__put_memory_json(out, a);
}

static void
put_values(FILE *out, const int64_t *v, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, i ? ", %" PRId64 : "%" PRId64, v[i]);
    fputc(']', out);
}

/* With hints: ", \"hint\": TEXT" (null for none). */
static void
put_hint(FILE *out, const struct ppd_render_options *o, const char *hint)
{
    if (o->hints == NULL)
        return;
    fputs(", \"hint\": ", out);
    if (hint == NULL)
        fputs("null", out);
    else
        ppd__json_string(out, hint, strlen(hint));
}

/* s[0..n) as a JSON string, into b. */
static void
put_json(struct ppd__obuf *b, const char *s, size_t n)
{
    PPD__OBUF_LIT(b, "\"");
    for (size_t i = 0, used; i < n; i += used) {
        if (b->cap - b->n < 6)
            ppd__obuf_flush(b);
        b->n += ppd__json_quote_some(b->buf + b->n, b->cap - b->n, s + i,
                                     n - i, &used);
    }
    PPD__OBUF_LIT(b, "\"");
}

bool
ppd__render_json(FILE *out, const struct ppd_diff *d,
                 const struct ppd_render_options *o, struct ppd__frames *f)
{
    static const char *const sname[] = {"growing", "unchanged", "shrinking"};
    size_t last = d->ncolumns - 1;
    bool ids = ppd_accum_has_survivors(d->accum) && d->ncolumns > 1;
    put_head(out, d->accum);
    fprintf(out, "  \"total_delta\": %" PRId64 ",\n", d->total_delta);
    fprintf(out,
            "  \"stacks\": {\"growing\": %zu, \"shrinking\": %zu, "
            "\"unchanged\": %zu},\n  \"rows\": [",
            d->nsection[PPD_GROWING], d->nsection[PPD_SHRINKING],
            d->nunchanged);
    /* The rows, many for a big diff, through one buffer; each frame's
     * string is quoted once (ppd__texts). */
    char buf[1 << 16];
    struct ppd__obuf b = {out, buf, 0, sizeof buf};
    struct ppd__texts t = {.json = true};
    bool first = true, ok = true;
    for (int s = PPD_GROWING; s <= PPD_SHRINKING && ok; s++) {
        if (s == PPD_SHRINKING && o->hide_shrinking)
            continue;
        size_t at = ppd_diff_section_start(d, (enum ppd_diff_section)s);
        size_t n = ppd__shown(d, (enum ppd_diff_section)s, o->top);
        for (size_t i = 0; i < n && ok; i++) {
            const struct ppd_diff_row *r = &d->rows[at + i];
            ok = ppd__row_frames_at(d, d->rows + at, i, n, f) &&
                 ppd__texts_json_stack(&t, d->accum, f);
            if (!ok)
                break;
            if (first)
                PPD__OBUF_LIT(&b, "\n    {\"section\": ");
            else
                PPD__OBUF_LIT(&b, ",\n    {\"section\": ");
            first = false;
            put_json(&b, sname[s], strlen(sname[s]));
            PPD__OBUF_LIT(&b, ", \"delta\": ");
            ppd__obuf_int(&b, r->delta);
            PPD__OBUF_LIT(&b, ", \"values\": [");
            for (size_t k = 0; k < d->ncolumns; k++) {
                if (k > 0)
                    PPD__OBUF_LIT(&b, ", ");
                ppd__obuf_int(&b, r->values[k]);
            }
            PPD__OBUF_LIT(&b, "]");
            if (d->ncolumns > 1) {
                char g[32];
                ppd__growth_text(g, sizeof g, r->values[0], r->values[last]);
                PPD__OBUF_LIT(&b, ", \"growth\": ");
                put_json(&b, g, strlen(g));
            }
            if (ids) {
                PPD__OBUF_LIT(&b, ", \"survived\": ");
                ppd__obuf_int(&b, ppd_accum_survivors(d->accum, r->stack));
            }
            PPD__OBUF_LIT(&b, ", \"culprit\": ");
            if (r->culprit == PPD_NO_FRAME) {
                PPD__OBUF_LIT(&b, "null");
            } else {
                struct ppd_str c = ppd__culprit(d, r);
                put_json(&b, c.ptr, c.len);
            }
            PPD__OBUF_LIT(&b, ", \"stack\": ");
            ppd__obuf_put(&b, t.buf, t.n);
            if (o->hints != NULL) {
                const char *hint = ppd__diff_hint(d, r, f, o);
                PPD__OBUF_LIT(&b, ", \"hint\": ");
                if (hint == NULL)
                    PPD__OBUF_LIT(&b, "null");
                else
                    put_json(&b, hint, strlen(hint));
            }
            PPD__OBUF_LIT(&b, "}");
        }
    }
    ppd__obuf_flush(&b);
    ppd__texts_free(&t);
    if (ok)
        fputs(first ? "]\n}\n" : "\n  ]\n}\n", out);
    return ok;
}

bool
ppd__render_json_view(FILE *out, const struct ppd_view *v,
                      const struct ppd_render_options *o)
{
    static const char *const grains[] = {"stack", "function", "line", "file"};
    static const char *const marks[] = {"none", "inline", "partial-inline"};
    const struct ppd_accum *a = v->accum;
    put_head(out, a);
    fputs("  \"by\": ", out);
    put_cstr(out, grains[ppd_accum_grain(a)]);
    fprintf(out,
            ",\n  \"entries\": %zu, \"unchanged\": %zu,\n  \"rows\": [",
            v->nentries, v->nunchanged);
    for (size_t i = 0; i < v->nrows; i++) {
        const struct ppd_view_row *r = &v->rows[i];
        const struct ppd_frame *fr = ppd_accum_frame(a, r->frame);
        fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
        ppd__json_string(out, fr->name.ptr, fr->name.len);
        if (ppd_accum_grain(a) == PPD_GRAIN_LINE) {
            fputs(", \"file\": ", out);
            ppd__json_string(out, fr->file.ptr, fr->file.len);
            fprintf(out, ", \"line\": %" PRId64, fr->line);
        }
        fputs(", \"inline\": ", out);
        put_cstr(out, marks[r->inlined]);
        fprintf(out, ", \"flat\": %" PRId64 ", \"cum\": %" PRId64
                     ", \"flat_values\": ",
                r->flat_delta, r->cum_delta);
        put_values(out, r->flat, v->ncolumns);
        fputs(", \"cum_values\": ", out);
        put_values(out, r->cum, v->ncolumns);
        put_hint(out, o, ppd__view_hint(v, r, o));
        fputc('}', out);
    }
    fputs(v->nrows ? "\n  ]\n}\n" : "]\n}\n", out);
    return true;
}

/* A time as RFC 3339 UTC, or null. */
static void
put_time(FILE *out, int64_t ns)
{
    char when[32];
    time_t secs = (time_t)(ns / 1000000000);
    struct tm tm;
    if (ns != 0 && gmtime_r(&secs, &tm) != NULL &&
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
        put_cstr(out, when);
    else
        fputs("null", out);
}

static void
put_real(FILE *out, double v)
{
    if (isnan(v))
        fputs("null", out);
    else
        fprintf(out, "%.3f", v);
}

/* A series' statistics as members, after a '{' or a member. */
static void
put_stats(FILE *out, const struct ppd_trend_stats *s, size_t n)
{
    fputs("\"slope_per_hour\": ", out);
    put_real(out, s->slope_per_hour);
    fprintf(out,
            ", \"delta\": %" PRId64 ", \"first\": %" PRId64
            ", \"last\": %" PRId64 ", \"grew\": %" PRIu32
            ", \"shrank\": %" PRIu32 ", \"series\": ",
            s->delta, s->first, s->last, s->grew, s->shrank);
    put_values(out, s->series, n);
}

bool
ppd__render_json_trend(FILE *out, const struct ppd_trend *t,
                       const struct ppd_render_options *o)
{
    static const char *const grains[] = {"stack", "function", "line", "file"};
    const struct ppd_accum *a = t->accum;
    const struct ppd_value_type *ty = ppd_accum_type(a);
    fputs("{\n  \"trend\": ", out);
    put_cstr(out, ppd_accum_column(a, t->order[t->n - 1])->kind);
    fputs(",\n  \"sample\": {\"type\": ", out);
    put_cstr(out, ty->type);
    fputs(", \"unit\": ", out);
    put_cstr(out, ty->unit);
    fputs("},\n  \"by\": ", out);
    put_cstr(out, t->entries ? grains[ppd_accum_grain(a)] : "stack");
    fputs(",\n  \"ordered_by\": ", out);
    put_cstr(out, t->ordered_by);
    fprintf(out, ", \"same_time\": %zu, \"gaps\": %zu,\n  \"snapshots\": [",
            t->nties, t->ngaps);
    for (size_t i = 0; i < t->n; i++) {
        const struct ppd_column *c = ppd_accum_column(a, t->order[i]);
        fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", out);
        put_cstr(out, c->name);
        fputs(", \"time\": ", out);
        put_time(out, t->times[i]);
        fprintf(out, ", \"total\": %" PRId64 "}", c->total);
    }
    fprintf(out, "],\n  \"filtered\": %s,\n  \"total\": {",
            ppd_accum_filtered(a) ? "true" : "false");
    put_stats(out, &t->total, t->n);
    fprintf(out, "},\n  \"series\": %zu, \"suspects\": %zu,\n  \"rows\": [",
            t->nseries, t->nsuspects);
    struct ppd__frames f = {0};
    for (size_t i = 0; i < t->nrows; i++) {
        const struct ppd_trend_row *r = &t->rows[i];
        if (!ppd__trend_frames(t, r, &f)) {
            free(f.v);
            return false;
        }
        fprintf(out, "%s{\"rank\": %zu, \"score\": %.1f, ",
                i ? ",\n    " : "\n    ", i + 1, r->s.score);
        put_stats(out, &r->s, t->n);
        fputs(", \"culprit\": ", out);
        if (r->frame == PPD_NO_FRAME) {
            fputs("null", out);
        } else {
            struct ppd_str c = ppd__trend_culprit(t, r);
            ppd__json_string(out, c.ptr, c.len);
        }
        fputs(t->entries ? ", \"name\": " : ", \"stack\": [", out);
        for (size_t k = 0; k < f.n; k++) {
            struct ppd_str nm = ppd_accum_frame(a, f.v[k])->name;
            if (k > 0)
                fputs(", ", out);
            ppd__json_string(out, nm.ptr, nm.len);
        }
        if (!t->entries)
            fputc(']', out);
        put_hint(out, o, ppd__trend_hint(t, r, &f, o));
        fputc('}', out);
    }
    free(f.v);
    fputs(t->nrows ? "\n  ]\n}\n" : "]\n}\n", out);
    return true;
}
