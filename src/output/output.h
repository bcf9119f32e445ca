/*
 * output.h - what every output format shares: the escaper, the row
 * iterator's frame buffer, and the cells (values, growth, times) people
 * read. One file per format sits beside this (text.c, tsv.c); render.c
 * picks the format from a table.
 */
#ifndef PPD_OUTPUT_OUTPUT_H
#define PPD_OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "pprofdiff/diff.h"
#include "pprofdiff/render.h"
#include "pprofdiff/view.h"

/*
 * ppd__put_name - write a name as one field: tab, newline and CR become
 * spaces, other control bytes (NUL included) "\xNN"; other bytes,
 * UTF-8 included, pass through.
 */
void ppd__put_name(FILE *out, struct ppd_str s);

/*
 * ppd__put_entry - write a view's entry as pprof names it: the function
 * ("NAME (inline)" for an inlined call), "NAME FILE:LINE" for a line,
 * the file for a file.
 */
void ppd__put_entry(FILE *out, const struct ppd_frame *f,
                    enum ppd_grain grain, enum ppd_inline inlined);

/*
 * ppd__utf8_len - the length of the valid UTF-8 sequence at s[0..n)
 * (no overlong forms, surrogates or values past U+10FFFF), 0 if none.
 */
size_t ppd__utf8_len(const unsigned char *s, size_t n);

/*
 * ppd__fixed - printf's "%.*f" of v (>= 0) with prec 1 or 2 into buf (n
 * bytes, at least 24 for the fast path), the same text, faster.
 */
void ppd__fixed(char *buf, size_t n, double v, int prec);

/*
 * ppd__xml_text - write s[0..n) as XML/HTML text or attribute content:
 * & < > " ' as entities, control bytes and invalid UTF-8 as U+FFFD, so
 * no name can open a tag or end an attribute.
 */
void ppd__xml_text(FILE *out, const char *s, size_t n);

/* ppd__name_width - the display width of s as ppd__put_name writes it. */
int ppd__name_width(struct ppd_str s);

/* ppd__utf8_width - display width of a NUL-terminated UTF-8 string. */
int ppd__utf8_width(const char *s);

/* A row's frames, leaf first, in a buffer reused from row to row. */
struct ppd__frames {
    uint32_t *v;
    size_t cap, n;
};

/* ppd__row_frames - load r's frames into f; false when out of memory. */
bool ppd__row_frames(const struct ppd_diff *d, const struct ppd_diff_row *r,
                     struct ppd__frames *f);

/* ppd__row_frames_at - ppd__row_frames of rows[i], one of rows[0..n)
 * read in order, prefetching the stacks of the rows a little ahead
 * (ranked rows visit the stacks in no order of the tables). */
bool ppd__row_frames_at(const struct ppd_diff *d,
                        const struct ppd_diff_row *rows, size_t i, size_t n,
                        struct ppd__frames *f);

/*
 * ppd__put_folded - the frames of f root first, joined by ';' (the
 * folded-stack convention; a ';' inside a name is written ':'),
 * "(no stack)" for none.
 */
void ppd__put_folded(FILE *out, const struct ppd_diff *d,
                     const struct ppd__frames *f);

/* ppd__put_folded_frames - the same, for frames of accumulator a. */
void ppd__put_folded_frames(FILE *out, const struct ppd_accum *a,
                            const struct ppd__frames *f);

/*
 * A stack's folded text (as ppd__put_folded writes it) built in memory,
 * for writers of many rows: each frame's escaped name is made once and
 * copied after. Zero-initialize; ppd__texts_free releases it.
 */
struct ppd__texts {
    bool json; /* set before use: frames as JSON strings
                  (ppd__texts_json_stack) */
    uint32_t *off, *len; /* by frame id, into pool; len UINT32_MAX: not
                            made yet */
    size_t nframes;
    char *pool;
    size_t npool, cappool;
    char *buf; /* the last text made, buf[0..n) */
    size_t n, cap;
};

/* ppd__texts_stack - f's folded text into t->buf; false when out of
 * memory. */
bool ppd__texts_stack(struct ppd__texts *t, const struct ppd_accum *a,
                      const struct ppd__frames *f);

/* ppd__texts_json_stack - f's frames, leaf first, as a JSON array of
 * strings (ppd__json_string), into t->buf (t->json set); false when out
 * of memory. */
bool ppd__texts_json_stack(struct ppd__texts *t, const struct ppd_accum *a,
                           const struct ppd__frames *f);

/* ppd__texts_name - s as ppd__put_name writes it, into t->buf; false
 * when out of memory. */
bool ppd__texts_name(struct ppd__texts *t, struct ppd_str s);

void ppd__texts_free(struct ppd__texts *t);

/*
 * ppd__trend_frames - load a trend row's frames into f (a stack, leaf
 * first, or the one entry); false when out of memory.
 */
bool ppd__trend_frames(const struct ppd_trend *t,
                       const struct ppd_trend_row *r, struct ppd__frames *f);

/* ppd__trend_hint - the hint for a trend row that grew, or NULL. */
const char *ppd__trend_hint(const struct ppd_trend *t,
                            const struct ppd_trend_row *r,
                            const struct ppd__frames *f,
                            const struct ppd_render_options *o);

/* ppd__trend_culprit - its culprit (stacks) or entry name. */
struct ppd_str ppd__trend_culprit(const struct ppd_trend *t,
                                  const struct ppd_trend_row *r);

/*
 * ppd__sparkline - one character per value, scaled from the series'
 * least to its largest: Unicode blocks, or "_.:-=+*#" with ascii.
 */
void ppd__sparkline(FILE *out, const int64_t *v, size_t n, bool ascii);

/* ppd__frame_name - the name of frame id in d. */
struct ppd_str ppd__frame_name(const struct ppd_diff *d, uint32_t id);

/* ppd__culprit - r's culprit name, "(no stack)" for an empty stack. */
struct ppd_str ppd__culprit(const struct ppd_diff *d,
                            const struct ppd_diff_row *r);

/*
 * ppd__diff_hint, ppd__view_hint - the hint for a growing row (f holds
 * the diff row's frames), or NULL: none, not growing, or no hints.
 */
const char *ppd__diff_hint(const struct ppd_diff *d,
                           const struct ppd_diff_row *r,
                           const struct ppd__frames *f,
                           const struct ppd_render_options *o);
const char *ppd__view_hint(const struct ppd_view *v,
                           const struct ppd_view_row *r,
                           const struct ppd_render_options *o);

/* ppd__shown - rows of section s to print under opt->top. */
size_t ppd__shown(const struct ppd_diff *d, enum ppd_diff_section s,
                  size_t top);

/* ppd__growth_text - "+50.0%", "+2500%", "new", "0%" for base -> cur. */
void ppd__growth_text(char *buf, size_t n, int64_t base, int64_t cur);

/* ppd__time_text - a capture time for people, "(no time)" when 0. */
void ppd__time_text(char *buf, size_t n, int64_t ns);

/*
 * ppd__put_memory_text, ppd__put_memory_json - the memory account of the
 * first and last columns when both carry runtime.MemStats (memory.c): a
 * "memory" section and its "account:" line; a "memstats" member.
 */
void ppd__put_memory_text(FILE *out, const struct ppd_accum *a);
void ppd__put_memory_json(FILE *out, const struct ppd_accum *a);

/*
 * Terminal layout (fit.c), only with a width. ppd__fit_name writes s in
 * at most w columns (its middle elided with "…", keeping the start and
 * the last path element) and returns the columns used. ppd__fit_stack
 * writes frames (leaf first) joined by " < " in avail columns, from the
 * culprit (index) rootward when all do not fit. ppd__stack_lines writes
 * one frame per line, indented, the culprit marked '>' (and bold, and
 * runtime frames dim, with color). ppd__wrap_text writes label and text
 * word-wrapped to width (0: one line), continuation lines indented.
 */
int ppd__fit_name(FILE *out, struct ppd_str s, int w);
void ppd__fit_stack(FILE *out, const struct ppd_accum *a,
                    const uint32_t *frames, size_t n, size_t culprit,
                    int avail);
void ppd__stack_lines(FILE *out, const struct ppd_accum *a,
                      const uint32_t *frames, size_t n, size_t culprit,
                      int indent, int width, bool color);
void ppd__wrap_text(FILE *out, const char *label, const char *text,
                    int indent, int width);

/* The formats. Each returns false when out of memory. */
bool ppd__render_text(FILE *out, const struct ppd_diff *d,
                      const struct ppd_render_options *o,
                      struct ppd__frames *f);
bool ppd__render_tsv(FILE *out, const struct ppd_diff *d,
                     const struct ppd_render_options *o,
                     struct ppd__frames *f);
bool ppd__render_csv(FILE *out, const struct ppd_diff *d,
                     const struct ppd_render_options *o,
                     struct ppd__frames *f);
bool ppd__render_folded(FILE *out, const struct ppd_diff *d,
                        const struct ppd_render_options *o,
                        struct ppd__frames *f);
bool ppd__render_json(FILE *out, const struct ppd_diff *d,
                      const struct ppd_render_options *o,
                      struct ppd__frames *f);
bool ppd__render_pprof(FILE *out, const struct ppd_diff *d,
                       const struct ppd_render_options *o,
                       struct ppd__frames *f);
/* The flame graph alone (flame.c), and the report around it (html.c). */
bool ppd__render_flame(FILE *out, const struct ppd_diff *d,
                       const struct ppd_render_options *o);
bool ppd__render_svg(FILE *out, const struct ppd_diff *d,
                     const struct ppd_render_options *o,
                     struct ppd__frames *f);
bool ppd__render_html(FILE *out, const struct ppd_diff *d,
                      const struct ppd_render_options *o,
                      struct ppd__frames *f);
bool ppd__render_text_view(FILE *out, const struct ppd_view *v,
                           const struct ppd_render_options *o);
bool ppd__render_csv_view(FILE *out, const struct ppd_view *v,
                          const struct ppd_render_options *o);
bool ppd__render_json_view(FILE *out, const struct ppd_view *v,
                           const struct ppd_render_options *o);
bool ppd__render_tsv_view(FILE *out, const struct ppd_view *v,
                          const struct ppd_render_options *o);
bool ppd__render_text_trend(FILE *out, const struct ppd_trend *t,
                            const struct ppd_render_options *o);
bool ppd__render_tsv_trend(FILE *out, const struct ppd_trend *t,
                           const struct ppd_render_options *o);
bool ppd__render_csv_trend(FILE *out, const struct ppd_trend *t,
                           const struct ppd_render_options *o);
bool ppd__render_json_trend(FILE *out, const struct ppd_trend *t,
                            const struct ppd_render_options *o);
bool ppd__render_html_trend(FILE *out, const struct ppd_trend *t,
                            const struct ppd_render_options *o);

#endif
