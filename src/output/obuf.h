/*
 * obuf.h - an output buffer for writers of many small pieces (a flame
 * graph writes a dozen per frame, for tens of thousands of frames):
 * pieces are copied into the caller's buffer and reach the stream one
 * fwrite per buffer-full. The caller owns the buffer and must flush
 * before writing to the stream any other way.
 */
#ifndef PPD_OUTPUT_OBUF_H
#define PPD_OUTPUT_OBUF_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct ppd__obuf {
    FILE *out;
    char *buf;
    size_t n, cap;
};

static inline void
ppd__obuf_flush(struct ppd__obuf *b)
{
    if (b->n > 0)
        fwrite(b->buf, 1, b->n, b->out);
    b->n = 0;
}

/* Append s[0..n). Short pieces are copied a byte at a time: a libc
 * call costs more than the copy. */
static inline void
ppd__obuf_put(struct ppd__obuf *b, const char *s, size_t n)
{
    if (n > b->cap - b->n) {
        ppd__obuf_flush(b);
        if (n > b->cap) {
            fwrite(s, 1, n, b->out);
            return;
        }
    }
    char *d = b->buf + b->n;
    if (n <= 16) {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    } else {
        memcpy(d, s, n);
    }
    b->n += n;
}

/* Append a string literal. */
#define PPD__OBUF_LIT(b, lit) ppd__obuf_put((b), (lit), sizeof(lit) - 1)

static inline void
ppd__obuf_str(struct ppd__obuf *b, const char *s)
{
    ppd__obuf_put(b, s, strlen(s));
}

/* Append v in decimal. */
static inline void
ppd__obuf_int(struct ppd__obuf *b, int64_t v)
{
    char tmp[24];
    size_t k = sizeof tmp;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--k] = (char)('0' + a % 10);
        a /= 10;
    } while (a > 0);
    if (v < 0)
        tmp[--k] = '-';
    ppd__obuf_put(b, tmp + k, sizeof tmp - k);
}

/* ppd__obuf_xml - as ppd__xml_text (output.h), into the buffer. */
void ppd__obuf_xml(struct ppd__obuf *b, const char *s, size_t n);

#endif
