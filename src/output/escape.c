/*
 * escape.c - names as one printable field. Profiles carry any bytes in
 * their names (NULs from converted profiles, newlines from careless
 * writers); a row must stay one line and never drive the terminal.
 */
#include <inttypes.h>

#include "output/obuf.h"
#include "output/output.h"

static bool
is_blank_ctl(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\r';
}

static bool
is_ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

void
ppd__put_name(FILE *out, struct ppd_str s)
{
    size_t start = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (!is_ctl(c))
            continue;
        fwrite(s.ptr + start, 1, i - start, out);
        if (is_blank_ctl(c))
            fputc(' ', out);
        else
            fprintf(out, "\\x%02x", c);
        start = i + 1;
    }
    fwrite(s.ptr + start, 1, s.len - start, out);
}

int
ppd__name_width(struct ppd_str s)
{
    int w = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)s.ptr[i];
        if (is_ctl(c))
            w += is_blank_ctl(c) ? 1 : 4;
        else if ((c & 0xC0) != 0x80)
            w++;
    }
    return w;
}

int
ppd__utf8_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

void
ppd__put_entry(FILE *out, const struct ppd_frame *f, enum ppd_grain grain,
               enum ppd_inline inlined)
{
    if (grain != PPD_GRAIN_LINE) {
        ppd__put_name(out, f->name);
    } else {
        /* pprof's parts, blank ones left out: the function, then
         * FILE:LINE, or the file alone without a line. */
        ppd__put_name(out, f->name);
        bool named = f->name.len > 0;
        if (f->line != 0 || f->file.len > 0) {
            if (named)
                fputc(' ', out);
            ppd__put_name(out, f->file);
            if (f->line != 0)
                fprintf(out, ":%" PRId64, f->line);
        } else if (!named) {
            fputs("<unknown>", out);
        }
    }
    if (inlined == PPD_INLINE_ALL)
        fputs(" (inline)", out);
    else if (inlined == PPD_INLINE_PARTIAL)
        fputs(" (partial-inline)", out);
}

/* The length of the valid UTF-8 sequence at s[0..n), or 0. */
size_t
ppd__utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len = c >= 0xf0 && c <= 0xf4   ? 4
                 : c >= 0xe0              ? 3
                 : c >= 0xc2 && c <= 0xdf ? 2
                                          : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    /* No overlong forms, surrogates or values past U+10FFFF. */
    if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
        (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
        return 0;
    return len;
}

void
ppd__obuf_xml(struct ppd__obuf *b, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < n;) {
        /* A run of plain ASCII goes out in one piece. */
        size_t j = i;
        while (j < n && s[j] >= 0x20 && s[j] < 0x7f && s[j] != '&' &&
               s[j] != '<' && s[j] != '>' && s[j] != '"' && s[j] != '\'')
            j++;
        if (j > i) {
            ppd__obuf_put(b, str + i, j - i);
            i = j;
            continue;
        }
        unsigned char c = s[i];
        const char *ent = c == '&'    ? "&amp;"
                          : c == '<'  ? "&lt;"
                          : c == '>'  ? "&gt;"
                          : c == '"'  ? "&quot;"
                          : c == '\'' ? "&#39;"
                                       : NULL;
        if (ent != NULL) {
            ppd__obuf_str(b, ent);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            ppd__obuf_str(b, c == '\t' || c == '\n' ? " " : "\xef\xbf\xbd");
            i++;
        } else {
            size_t len = ppd__utf8_len(s + i, n - i);
            if (len == 0) {
                PPD__OBUF_LIT(b, "\xef\xbf\xbd"); /* U+FFFD */
                i++;
            } else {
                ppd__obuf_put(b, str + i, len);
                i += len;
            }
        }
    }
}

void
ppd__xml_text(FILE *out, const char *s, size_t n)
{
    char buf[512];
    struct ppd__obuf b = {out, buf, 0, sizeof buf};
    ppd__obuf_xml(&b, s, n);
    ppd__obuf_flush(&b);
}
