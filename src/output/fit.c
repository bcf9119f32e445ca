/*
 * fit.c - the text layout for a terminal: names and stacks cut to the
 * width left for them, stacks one frame per line, hints wrapped. Used
 * only when the caller gives a width (stdout is a terminal); pipes and
 * files get every row on one line, whole.
 *
 * What is kept when something must go: of a name, its start and its
 * last path element with the function (what tells it apart); of a
 * stack, the culprit and its callers, as far rootward as they fit (the
 * frames leafward of the culprit are runtime code).
 */
#include <string.h>

#include "output/output.h"

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

/* The first n display columns of s as bytes: where to cut. */
static size_t
cut_at(struct ppd_str s, int n)
{
    size_t i = 0;
    int w = 0;
    while (i < s.len) {
        size_t k = i + 1;
        while (k < s.len && ((unsigned char)s.ptr[k] & 0xC0) == 0x80)
            k++;
        struct ppd_str one = {s.ptr + i, k - i};
        int cw = ppd__name_width(one);
        if (w + cw > n)
            break;
        w += cw;
        i = k;
    }
    return i;
}

/* The bytes from which the last n display columns of s start. */
static size_t
tail_from(struct ppd_str s, int n)
{
    size_t i = s.len;
    int w = 0;
    while (i > 0) {
        size_t k = i - 1;
        while (k > 0 && ((unsigned char)s.ptr[k] & 0xC0) == 0x80)
            k--;
        struct ppd_str one = {s.ptr + k, i - k};
        int cw = ppd__name_width(one);
        if (w + cw > n)
            break;
        w += cw;
        i = k;
    }
    return i;
}

int
ppd__fit_name(FILE *out, struct ppd_str s, int w)
{
    int full = ppd__name_width(s);
    if (full <= w) {
        ppd__put_name(out, s);
        return full;
    }
    if (w < 2) {
        fputs(w == 1 ? ELLIPSIS : "", out);
        return w;
    }
    /* Keep the end from the last '/' (package.Function), and as much of
     * the start as fits before it. */
    const char *slash = NULL;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] == '/')
            slash = s.ptr + i;
    struct ppd_str tail = s;
    if (slash != NULL)
        tail = (struct ppd_str){slash, s.len - (size_t)(slash - s.ptr)};
    int tw = ppd__name_width(tail);
    int room = w - 1; /* the ellipsis takes one */
    int head = room - tw;
    if (head < 3 && tw <= room) { /* the tail whole, the start elided */
        fputs(ELLIPSIS, out);
        ppd__put_name(out, tail);
        return tw + 1;
    }
    if (head < 3) { /* the tail alone is too long: its end */
        size_t from = tail_from(s, room);
        fputs(ELLIPSIS, out);
        ppd__put_name(out, (struct ppd_str){s.ptr + from, s.len - from});
        return w;
    }
    size_t h = cut_at(s, head);
    ppd__put_name(out, (struct ppd_str){s.ptr, h});
    fputs(ELLIPSIS, out);
    ppd__put_name(out, tail);
    return head + 1 + tw;
}

void
ppd__fit_stack(FILE *out, const struct ppd_accum *a, const uint32_t *frames,
               size_t n, size_t culprit, int avail)
{
    if (n == 0) {
        fputs("(no stack)", out);
        return;
    }
    int full = 0;
    for (size_t k = 0; k < n; k++)
        full += ppd__name_width(ppd_accum_frame(a, frames[k])->name) +
                (k > 0 ? 3 : 0);
    if (full <= avail) {
        for (size_t k = 0; k < n; k++) {
            if (k > 0)
                fputs(" < ", out);
            ppd__put_name(out, ppd_accum_frame(a, frames[k])->name);
        }
        return;
    }
    /* From the culprit rootward; "… < " before when frames are left out
     * leafward, " < …" after when rootward. A long frame gets at most
     * half the room (its middle elided), so callers show too. */
    int cap = avail / 2 > 24 ? avail / 2 : 24;
    int used = 0;
    if (culprit > 0) {
        fputs(ELLIPSIS " < ", out);
        used += 4;
    }
    for (size_t k = culprit; k < n; k++) {
        struct ppd_str nm = ppd_accum_frame(a, frames[k])->name;
        int w = ppd__name_width(nm);
        bool last = k + 1 == n;
        /* The culprit may take all the room but the trailing " < …";
         * its callers at most half, so that several show. */
        int limit = k == culprit ? avail - used - (last ? 0 : 4) : cap;
        bool capped = w > limit && k > culprit;
        if (capped)
            w = cap;
        int need = (k > culprit ? 3 : 0) + w + (last ? 0 : 4);
        if (k > culprit && used + need > avail) {
            fputs(" < " ELLIPSIS, out);
            return;
        }
        if (k > culprit)
            fputs(" < ", out);
        if (k == culprit && used + w + (last ? 0 : 4) > avail) {
            int room = avail - used - (last ? 0 : 4);
            ppd__fit_name(out, nm, room > 8 ? room : 8);
            if (!last)
                fputs(" < " ELLIPSIS, out);
            return;
        }
        if (capped)
            ppd__fit_name(out, nm, cap);
        else
            ppd__put_name(out, nm);
        used += (k > culprit ? 3 : 0) + w;
    }
}

void
ppd__stack_lines(FILE *out, const struct ppd_accum *a,
                 const uint32_t *frames, size_t n, size_t culprit,
                 int indent, int width, bool color)
{
    for (size_t k = 0; k < n; k++) {
        struct ppd_str nm = ppd_accum_frame(a, frames[k])->name;
        bool rt = ppd_is_runtime_frame(nm.ptr, nm.len, NULL);
        fprintf(out, "%*s%s ", indent, "", k == culprit ? ">" : " ");
        if (color && (rt || k == culprit))
            fputs(k == culprit ? "\033[1m" : "\033[2m", out);
        if (width > 0)
            ppd__fit_name(out, nm, width - indent - 2);
        else
            ppd__put_name(out, nm);
        if (color && (rt || k == culprit))
            fputs("\033[0m", out);
        fputc('\n', out);
    }
    if (n == 0)
        fprintf(out, "%*s  (no stack)\n", indent, "");
}

void
ppd__wrap_text(FILE *out, const char *label, const char *text, int indent,
               int width)
{
    int col = indent + (int)strlen(label);
    fprintf(out, "%*s%s", indent, "", label);
    if (width <= 0) {
        fprintf(out, "%s\n", text);
        return;
    }
    const char *p = text;
    while (*p != '\0') {
        const char *sp = strchr(p, ' ');
        size_t wl = sp ? (size_t)(sp - p) : strlen(p);
        int ww = ppd__name_width((struct ppd_str){p, wl});
        int start = indent + (int)strlen(label);
        if (col > start && col + 1 + ww > width) {
            fprintf(out, "\n%*s", start, "");
            col = start;
        } else if (col > start) {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, wl, out);
        col += ww;
        p += wl;
        while (*p == ' ')
            p++;
    }
    fputc('\n', out);
}
