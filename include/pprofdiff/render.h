/*
 * render.h - turn a computed diff into text for people or for scripts.
 *
 * Rendering only reads the diff; it never computes. It writes to a FILE *
 * the caller owns and reports write errors (a closed pipe) as PPD_EIO
 * naming that stream. One file per format under src/output/.
 */
#ifndef PPROFDIFF_RENDER_H
#define PPROFDIFF_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pprofdiff/diff.h"
#include "pprofdiff/error.h"
#include "pprofdiff/signature.h"
#include "pprofdiff/trend.h"
#include "pprofdiff/view.h"

#ifdef __cplusplus
extern "C" {
#endif

enum ppd_format {
    PPD_FORMAT_TEXT = 0, /* aligned columns, scaled units */
    PPD_FORMAT_TSV,      /* header + one row per stack, raw integers */
    PPD_FORMAT_CSV,      /* the TSV columns, RFC 4180 */
    PPD_FORMAT_JSON,     /* one document: inputs, totals, rows */
    PPD_FORMAT_FOLDED,   /* "root;...;leaf delta" per stack */
    PPD_FORMAT_PPROF,    /* gzipped profile.proto, as pprof -diff_base
                            builds it (binary) */
    PPD_FORMAT_SVG,      /* a differential flame graph, one SVG file */
    PPD_FORMAT_HTML      /* a report in one HTML file */
};

struct ppd_render_options {
    enum ppd_format format;
    const char *out_name; /* the stream's name in errors; NULL: "<stdout>" */
    size_t top;          /* rows per section; 0 = all */
    bool hide_shrinking; /* leave out stacks that shrank */
    bool show_unchanged; /* text: also list stacks whose delta is 0 */
    /* folded: the value after each stack of a diff (one profile: its
     * value, always). */
    enum ppd_folded_value {
        PPD_FOLDED_DELTA = 0, /* cur - base; stacks with 0 left out */
        PPD_FOLDED_BASE,      /* the base value; 0 left out */
        PPD_FOLDED_CUR,       /* the current value; 0 left out */
        PPD_FOLDED_BOTH       /* "BASE CUR", every stack */
    } folded_value;
    /* Known leak signatures (borrowed; NULL: no hints): a hint under
     * each growing row that matches (text), a last "hint" column (tsv,
     * csv), a "hint" member (json). hint_kind is the profile's kind. */
    const struct ppd_signatures *hints;
    const char *hint_kind;
    bool ascii; /* trend: sparklines in ASCII, not Unicode blocks */
    /* text: the terminal's width; rows are cut to fit it (0: every row
     * on one line, whole, as for pipes and files) */
    int width;
    /* text: each row's stack under it, a frame per line */
    bool stack_lines;
    /* svg, html: what a frame's width is, and root at the top */
    enum ppd_flame_width {
        PPD_FLAME_CUR = 0, PPD_FLAME_BASE, PPD_FLAME_MAX
    } flame_width;
    bool icicle;
    bool color; /* text: ANSI colours (growth red, shrinking green,
                   culprit and titles bold); the caller decides when */
    /* svg, html: the flame graph built beforehand (ppd_flame_new), of
     * the diff's accumulator and this flame_width; NULL: built while
     * rendering. Borrowed. */
    const struct ppd_flame *flame;
};

/*
 * ppd_flame_new - the flame graph of every stack of a, frames as wide
 * as flame_width says, laid out for --format svg and html. Only reads
 * a, so it can be built on one thread while another ranks the diff.
 * NULL in *out and an error when out of memory.
 */
struct ppd_flame;
PPD_NODISCARD enum ppd_status
ppd_flame_new(const struct ppd_accum *a, enum ppd_flame_width flame_width,
              struct ppd_flame **out, struct ppd_error *err);

/*
 * ppd_flame_start, ppd_flame_finish - the same flame graph, for a diff
 * of two columns drawn with PPD_FLAME_CUR (the default), in two steps,
 * so that most of it is built while the base is still being added: the
 * drawn frames and their widths follow the current values alone.
 * ppd_flame_start builds from st, the stacks of an accumulator whose
 * current column (1) is complete, on any thread (ppd_accum_stacks says
 * how the accumulator may grow meanwhile); ppd_flame_finish, once the
 * base is in, adds the base values of every stack of a (st's and the
 * base's new ones) and lays the graph out. The result draws exactly as
 * ppd_flame_new's. On failure, free f with ppd_flame_free.
 */
PPD_NODISCARD enum ppd_status
ppd_flame_start(const struct ppd_accum_stacks *st, struct ppd_flame **out,
                struct ppd_error *err);
PPD_NODISCARD enum ppd_status
ppd_flame_finish(struct ppd_flame *f, const struct ppd_accum *a,
                 struct ppd_error *err);

/* ppd_flame_free - release a flame graph. Accepts NULL. */
void ppd_flame_free(struct ppd_flame *f);

/*
 * ppd_format_parse - the format called name ("text", "tsv"); false when
 * there is none. ppd_format_names lists them for messages.
 */
bool ppd_format_parse(const char *name, enum ppd_format *out);
extern const char ppd_format_names[];

/* ppd_format_has_view - can the format write a --by view? */
bool ppd_format_has_view(enum ppd_format format);

/*
 * ppd_render - write d to out in the chosen format. opt may be NULL (text,
 * all rows). Returns PPD_EIO when writing fails, PPD_ENOMEM when out of
 * memory (never a different output). Thread-safe for distinct outputs.
 */
PPD_NODISCARD enum ppd_status
ppd_render(FILE *out, const struct ppd_diff *d,
           const struct ppd_render_options *opt, struct ppd_error *err);

/*
 * ppd_render_view - write a per-entry view to out (as ppd_render). TSV
 * columns: flat cum base_flat cur_flat base_cum cur_cum name (flat and
 * cum are deltas); with one input: flat cum name.
 */
PPD_NODISCARD enum ppd_status
ppd_render_view(FILE *out, const struct ppd_view *v,
                const struct ppd_render_options *opt, struct ppd_error *err);

/*
 * ppd_render_trend - write a trend to out (text, tsv, csv or json; as
 * ppd_render). TSV columns: rank score slope_per_hour delta first last
 * grew shrank series stack culprit, then hint with hints.
 */
PPD_NODISCARD enum ppd_status
ppd_render_trend(FILE *out, const struct ppd_trend *t,
                 const struct ppd_render_options *opt, struct ppd_error *err);

/* ppd_format_has_trend - can the format write a trend? */
bool ppd_format_has_trend(enum ppd_format format);

/*
 * ppd_render_value - format v in unit for people: bytes as B/KiB/MiB/GiB,
 * nanoseconds as ns/µs/ms/s, anything else as an integer. With sign, a
 * positive value gets a leading '+'. Returns buf.
 */
char *ppd_render_value(char *buf, size_t n, int64_t v, const char *unit,
                       bool sign);

/*
 * ppd_render_duration - a span of nanoseconds for people ("2h5m", "3d4h",
 * "8.2s"). Returns buf.
 */
char *ppd_render_duration(char *buf, size_t n, int64_t ns);

#ifdef __cplusplus
}
#endif

#endif
