/*
 * source.c - the byte window over a file, stream or buffer, raw or gzip.
 *
 * Bytes are produced into a window as the reader asks for them; gzip
 * members are inflated one after another (inflate.h), and a byte that is
 * not the start of another member after one ends is trailing garbage.
 * The non-obvious decision: the window slides before it grows, and grows
 * only when one field fills it, so a hostile length costs nothing until
 * its bytes really arrive.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/source.h"

#define WINDOW_FIRST ((size_t)256 << 10)
#define INBUF_SIZE ((size_t)128 << 10)

#define FAIL(s, code, ...) \
    ((s)->st = ppd_error_set((s)->err, (code), (s)->name, __VA_ARGS__))

/* A gzip error found at compressed byte off: say so as data too. */
#define GZ_FAIL(s, off, ...)                                            \
    (FAIL((s), PPD_EGZIP, __VA_ARGS__),                                 \
     ppd_error_where((s)->err, PPD_STAGE_GZIP, (off), NULL, 0))

/* Read more raw source bytes into dst; returns the count, 0 at EOF. */
static size_t
src_read(struct ppd__source *s, unsigned char *dst, size_t n)
{
    if (s->peekpos < s->npeek && n > 0) {
        size_t k = 0;
        while (s->peekpos < s->npeek && k < n)
            dst[k++] = s->peek[s->peekpos++];
        return k;
    }
    if (s->fp != NULL) {
        size_t got = fread(dst, 1, n, s->fp);
        if (got == 0 && ferror(s->fp)) {
            FAIL(s, PPD_EIO, "read error: %s", strerror(errno));
            ppd_error_where(s->err, PPD_STAGE_READ, s->in_read, NULL, 0);
            return 0;
        }
        return got;
    }
    size_t left = s->memlen - s->mempos;
    if (n > left)
        n = left;
    memcpy(dst, s->mem + s->mempos, n);
    s->mempos += n;
    return n;
}

bool
ppd__source_too_big(struct ppd__source *s)
{
    FAIL(s, PPD_ETOOBIG,
         "%s exceeds the limit of %" PRIu64
         " bytes (raise it with --max-bytes)",
         s->gz ? "inflated size" : "size", s->max);
    ppd_error_where(s->err, s->gz ? PPD_STAGE_GZIP : PPD_STAGE_READ, s->max,
                    NULL, 0);
    return false;
}

/*
 * Make compressed input available when it is used up. Returns false on a
 * read error; sets src_eof at the end of the source. A memory source is
 * handed to the inflater whole.
 */
static bool
z_refill(struct ppd__source *s)
{
    if (s->in_pos < s->in_len || s->src_eof)
        return true;
    if (s->fp == NULL) {
        s->src_eof = true;
        return true;
    }
    size_t got = src_read(s, s->in, INBUF_SIZE);
    if (s->st != PPD_OK)
        return false;
    if (got == 0)
        s->src_eof = true;
    s->in_len = got;
    s->in_pos = 0;
    return true;
}

/* Produce up to room bytes at dst from the gzip stream. */
static size_t
z_produce(struct ppd__source *s, unsigned char *dst, size_t room)
{
    for (;;) {
        if (!z_refill(s))
            return 0;
        size_t left = s->in_len - s->in_pos;
        if (s->member_done) {
            /* A member ended: another may follow (multi-member gzip). */
            if (left == 0) {
                s->eof = true;
                return 0;
            }
            if (s->in[s->in_pos] != 0x1f) {
                GZ_FAIL(s, s->in_read,
                        "gzip: trailing garbage after the compressed data "
                        "(compressed byte %" PRIu64 ")",
                        s->in_read);
                return 0;
            }
            ppd__inflate_reset(s->z);
            s->member_done = false;
        }
        const unsigned char *p = s->in + s->in_pos;
        size_t got = room;
        const char *msg;
        unsigned back;
        enum ppd__inflate_rc rc =
            ppd__inflate_run(s->z, &p, &left, dst, &got, &msg, &back);
        size_t used = (s->in_len - s->in_pos) - left;
        s->in_pos += used;
        s->in_read += used;
        switch (rc) {
        case PPD__INFLATE_MEMBER_END:
            s->member_done = true;
            if (got > 0)
                return got;
            continue;
        case PPD__INFLATE_OK:
            if (got > 0)
                return got;
            if (used > 0 || (left == 0 && !s->src_eof))
                continue;
            GZ_FAIL(s, s->in_read,
                    "gzip: unexpected end of compressed data (truncated "
                    "after compressed byte %" PRIu64 ")",
                    s->in_read);
            return 0;
        case PPD__INFLATE_ECRC:
            GZ_FAIL(s, s->in_read - back,
                    "gzip: CRC-32 mismatch, data corrupt (trailer at "
                    "compressed byte %" PRIu64 ")",
                    s->in_read - back);
            return 0;
        case PPD__INFLATE_ELENGTH:
            GZ_FAIL(s, s->in_read - back,
                    "gzip: length mismatch, data corrupt (trailer at "
                    "compressed byte %" PRIu64 ")",
                    s->in_read - back);
            return 0;
        case PPD__INFLATE_EDATA:
            GZ_FAIL(s, s->in_read, "gzip: %s (compressed byte %" PRIu64 ")",
                    msg, s->in_read);
            return 0;
        case PPD__INFLATE_ENOMEM:
            FAIL(s, PPD_ENOMEM, "gzip: out of memory");
            return 0;
        }
    }
}

bool
ppd__source_fill(struct ppd__source *s, size_t need)
{
    while (s->end - s->pos < need) {
        if (s->eof || s->st != PPD_OK)
            return false;
        if (s->pos > 0 && s->pos == s->end) {
            s->base += s->pos;
            s->pos = s->end = 0;
        }
        if (s->cap - s->end < 4096) {
            /* No room left: slide the live bytes down, and grow only when
             * they fill the window (a long field is arriving). */
            if (s->pos > 0) {
                memmove(s->buf, s->buf + s->pos, s->end - s->pos);
                s->end -= s->pos;
                s->base += s->pos;
                s->pos = 0;
            }
            if (s->cap - s->end < 4096) {
                size_t ncap = s->cap ? s->cap * 2 : WINDOW_FIRST;
                unsigned char *nb =
                    s->cap > SIZE_MAX / 2 ? NULL : realloc(s->buf, ncap);
                if (nb == NULL) {
                    FAIL(s, PPD_ENOMEM, "out of memory (window of %zu bytes)",
                         ncap);
                    return false;
                }
                s->buf = nb;
                s->cap = ncap;
            }
        }
        size_t room = s->cap - s->end;
        /* Never produce more than one byte past the cap: that byte is
         * the proof that the input is too big. */
        if (s->produced + room > s->max + 1)
            room = (size_t)(s->max + 1 - s->produced);
        size_t got = s->gz ? z_produce(s, s->buf + s->end, room)
                           : src_read(s, s->buf + s->end, room);
        if (s->st != PPD_OK)
            return false;
        if (got == 0) {
            s->eof = true;
            return false;
        }
        if (s->nhead < sizeof s->head) {
            size_t take = sizeof s->head - s->nhead;
            if (take > got)
                take = got;
            memcpy(s->head + s->nhead, s->buf + s->end, take);
            s->nhead += take;
        }
        s->end += got;
        s->produced += got;
        if (s->produced > s->max)
            return ppd__source_too_big(s);
    }
    return true;
}

bool
ppd__source_skip(struct ppd__source *s, uint64_t n)
{
    while (n > 0) {
        size_t have = s->end - s->pos;
        if (have == 0) {
            if (!ppd__source_fill(s, 1))
                return false;
            continue;
        }
        size_t take = (uint64_t)have < n ? have : (size_t)n;
        s->pos += take;
        n -= take;
    }
    return true;
}

uint64_t
ppd__source_size_hint(const struct ppd__source *s)
{
    unsigned char t[4];
    uint64_t len;
    if (s->fp == NULL) {
        len = s->memlen;
        if (s->gz && len >= 4)
            memcpy(t, s->mem + len - 4, 4);
    } else {
        struct stat sb;
        int fd = fileno(s->fp);
        if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
            sb.st_size < 4)
            return 0;
        len = (uint64_t)sb.st_size;
        if (s->gz && pread(fd, t, 4, sb.st_size - 4) != 4)
            return 0;
    }
    if (s->gz)
        len = (uint64_t)t[0] | (uint64_t)t[1] << 8 | (uint64_t)t[2] << 16 |
              (uint64_t)t[3] << 24;
    return len < s->max ? len : s->max;
}

enum ppd_status
ppd__source_open(struct ppd__source *s, FILE *fp, const void *mem,
                 size_t len, const char *name, uint64_t max,
                 struct ppd_error *err)
{
    memset(s, 0, sizeof *s);
    s->name = name;
    s->err = err;
    s->max = max;
    s->fp = fp;
    s->mem = mem != NULL ? mem : (const void *)"";
    s->memlen = mem != NULL ? len : 0;

    /* Sniff: gzip magic, else raw bytes. */
    const unsigned char *magic = s->mem;
    size_t nmagic = s->memlen;
    if (fp != NULL) {
        while (s->npeek < 2) {
            size_t got = fread(s->peek + s->npeek, 1, 2 - s->npeek, fp);
            if (got == 0)
                break;
            s->npeek += got;
        }
        if (ferror(fp))
            return FAIL(s, PPD_EIO, "read error: %s", strerror(errno));
        magic = s->peek;
        nmagic = s->npeek;
    }
    if (nmagic == 0)
        return FAIL(s, PPD_ENOTPROF, "empty input: not a profile");
    s->gz = nmagic >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    if (s->gz) {
        s->z = ppd__inflate_new();
        if (s->z == NULL)
            return FAIL(s, PPD_ENOMEM, "out of memory");
        if (fp != NULL) {
            s->in = malloc(INBUF_SIZE);
            if (s->in == NULL)
                return FAIL(s, PPD_ENOMEM, "out of memory");
        } else {
            s->in = (unsigned char *)(uintptr_t)s->mem;
            s->in_len = s->memlen;
            s->in_borrowed = true;
        }
        return PPD_OK;
    }
    if (fp == NULL) {
        /* Raw bytes in memory are walked in place. */
        if (s->memlen > s->max)
            return ppd__source_too_big(s), s->st;
        s->buf = (unsigned char *)(uintptr_t)s->mem;
        s->buf_borrowed = true;
        s->end = s->cap = s->produced = s->memlen;
        s->eof = true;
        s->nhead = s->memlen < sizeof s->head ? s->memlen : sizeof s->head;
        memcpy(s->head, s->mem, s->nhead);
    }
    return PPD_OK;
}

void
ppd__source_close(struct ppd__source *s)
{
    ppd__inflate_free(s->z);
    s->z = NULL;
    if (!s->in_borrowed)
        free(s->in);
    s->in = NULL;
    if (!s->buf_borrowed)
        free(s->buf);
    s->buf = NULL;
}
