/*
 * source.h - the bytes of one input: a file, a stream or a memory buffer,
 * raw or gzip (multi-member), seen through a sliding window.
 *
 * A reader asks for n bytes at the window (ppd__source_fill) and
 * consumes them by advancing pos. The window grows only when a single
 * field needs more room than it has, so memory follows the bytes that
 * really arrive, never a claimed length. The inflated (or raw) size is
 * capped at max bytes: one byte past the cap is the proof that an input
 * is too big. Errors are recorded in st/err, naming the input.
 */
#ifndef PPD_INPUT_SOURCE_H
#define PPD_INPUT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "input/inflate.h"
#include "pprofdiff/error.h"

struct ppd__source {
    const char *name;
    struct ppd_error *err;
    enum ppd_status st;
    uint64_t max; /* cap on produced (decompressed) bytes */

    FILE *fp;                 /* file source, or NULL */
    const unsigned char *mem; /* memory source */
    size_t memlen, mempos;

    bool gz;
    struct ppd__inflate *z; /* gzip: the inflater */
    unsigned char *in;      /* compressed input: in[in_pos..in_len) */
    size_t in_len, in_pos;
    bool in_borrowed;       /* in is the memory source itself */
    uint64_t in_read;       /* compressed bytes consumed so far */
    bool member_done;       /* a gzip member just ended */
    bool src_eof;

    unsigned char *buf; /* window: valid bytes are buf[pos..end) */
    size_t cap, pos, end;
    uint64_t base;     /* stream offset of buf[0] */
    uint64_t produced; /* total bytes produced into the window */
    bool eof;          /* no more bytes will come */
    bool buf_borrowed; /* raw memory input used in place */

    unsigned char head[64]; /* first bytes produced, for sniffing */
    size_t nhead;
    unsigned char peek[2]; /* source bytes read to detect gzip */
    size_t npeek, peekpos;
};

/*
 * ppd__source_open - start reading fp (when not NULL) or mem[0..len):
 * detect gzip by its magic bytes and set up inflating. Returns PPD_OK,
 * or an error (empty input, read error, out of memory) in err.
 * ppd__source_close() must be called either way.
 */
PPD_NODISCARD enum ppd_status
ppd__source_open(struct ppd__source *s, FILE *fp, const void *mem,
                 size_t len, const char *name, uint64_t max,
                 struct ppd_error *err);

/*
 * ppd__source_fill - make at least need bytes available at buf[pos].
 * True when they are; false at the end of the input (st stays PPD_OK) or
 * on an error (st set).
 */
bool ppd__source_fill(struct ppd__source *s, size_t need);

/* ppd__source_skip - consume n bytes without keeping them (as fill). */
bool ppd__source_skip(struct ppd__source *s, uint64_t n);

/* ppd__source_offset - the stream offset of buf[pos]. */
static inline uint64_t
ppd__source_offset(const struct ppd__source *s)
{
    return s->base + s->pos;
}

/*
 * ppd__source_size_hint - the decoded size to expect when it can be known
 * cheaply (a raw input's length, a gzip input's size trailer); 0 when
 * unknown. Only a hint for presizing.
 */
uint64_t ppd__source_size_hint(const struct ppd__source *s);

/*
 * ppd__source_too_big - record the "exceeds the limit" error and return
 * false.
 */
bool ppd__source_too_big(struct ppd__source *s);

/* ppd__source_close - release what the source holds. */
void ppd__source_close(struct ppd__source *s);

#endif
