/*
 * inflate.c - gzip members through ISA-L's igzip or through zlib.
 *
 * igzip inflates several times faster than zlib on x86-64, and inflating
 * is a large share of reading a profile, so it is the default where
 * Debian has it; zlib stays the portable path (PPD_INFLATE=zlib) and the
 * test suite runs on both. The non-obvious part is making their errors
 * agree: igzip reports one "incorrect checksum" for the whole trailer,
 * so the CRC it computed is compared with the trailer's to say which
 * half is wrong, as zlib does.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "input/inflate.h"

#ifdef PPD_HAVE_ISAL

#include <isa-l/igzip_lib.h>

struct ppd__inflate {
    struct inflate_state st;
    unsigned char last[8]; /* the last 8 input bytes seen: the trailer */
};

struct ppd__inflate *
ppd__inflate_new(void)
{
    struct ppd__inflate *z = malloc(sizeof *z);
    if (z == NULL)
        return NULL;
    ppd__inflate_reset(z);
    return z;
}

void
ppd__inflate_reset(struct ppd__inflate *z)
{
    isal_inflate_init(&z->st);
    z->st.crc_flag = ISAL_GZIP;
    memset(z->last, 0, sizeof z->last);
}

/* Remember the last 8 bytes of input consumed, for the trailer check. */
static void
keep_last(struct ppd__inflate *z, const unsigned char *p, size_t n)
{
    if (n >= 8) {
        memcpy(z->last, p + n - 8, 8);
        return;
    }
    memmove(z->last, z->last + n, 8 - n);
    memcpy(z->last + 8 - n, p, n);
}

enum ppd__inflate_rc
ppd__inflate_run(struct ppd__inflate *z, const unsigned char **in,
                 size_t *in_len, unsigned char *out, size_t *out_len,
                 const char **msg, unsigned *trailer_back)
{
    size_t room = *out_len > UINT32_MAX ? UINT32_MAX : *out_len;
    size_t have = *in_len > UINT32_MAX ? UINT32_MAX : *in_len;
    z->st.next_in = (uint8_t *)(uintptr_t)*in;
    z->st.avail_in = (uint32_t)have;
    z->st.next_out = out;
    z->st.avail_out = (uint32_t)room;
    int rc = isal_inflate(&z->st);
    if (z->st.avail_in > have) {
        /* igzip can hand back more input than it was given when the
         * stream is corrupt; never step outside the caller's buffer.
         * Count all of it as read, so the offset reported does not
         * depend on how the input was split. */
        *in += have;
        *in_len -= have;
        *out_len = 0;
        *msg = "invalid compressed data";
        *trailer_back = 8;
        return PPD__INFLATE_EDATA;
    }
    size_t used = have - z->st.avail_in;
    keep_last(z, *in, used);
    *in += used;
    *in_len -= used;
    *out_len = room - z->st.avail_out;
    *msg = NULL;
    *trailer_back = 8;
    if (rc == ISAL_INCORRECT_CHECKSUM) {
        uint32_t crc = (uint32_t)z->last[0] | (uint32_t)z->last[1] << 8 |
                       (uint32_t)z->last[2] << 16 |
                       (uint32_t)z->last[3] << 24;
        if (crc != z->st.crc)
            return PPD__INFLATE_ECRC;
        return PPD__INFLATE_ELENGTH;
    }
    if (rc < 0) {
        *msg = rc == ISAL_INVALID_WRAPPER      ? "incorrect header check"
               : rc == ISAL_UNSUPPORTED_METHOD ? "unknown compression method"
               : rc == ISAL_INVALID_LOOKBACK ? "invalid distance too far back"
               : rc == ISAL_INVALID_SYMBOL   ? "invalid code"
                                             : "invalid block type";
        return PPD__INFLATE_EDATA;
    }
    if (z->st.block_state == ISAL_BLOCK_FINISH)
        return PPD__INFLATE_MEMBER_END;
    return PPD__INFLATE_OK;
}

const char *
ppd__inflate_name(void)
{
    return "isa-l";
}

#else /* zlib */

#include <zlib.h>

struct ppd__inflate {
    z_stream z;
};

struct ppd__inflate *
ppd__inflate_new(void)
{
    struct ppd__inflate *z = calloc(1, sizeof *z);
    if (z == NULL)
        return NULL;
    if (inflateInit2(&z->z, 15 + 16) != Z_OK) {
        free(z);
        return NULL;
    }
    return z;
}

void
ppd__inflate_reset(struct ppd__inflate *z)
{
    inflateReset(&z->z);
}

enum ppd__inflate_rc
ppd__inflate_run(struct ppd__inflate *z, const unsigned char **in,
                 size_t *in_len, unsigned char *out, size_t *out_len,
                 const char **msg, unsigned *trailer_back)
{
    size_t room = *out_len > UINT_MAX ? UINT_MAX : *out_len;
    size_t have = *in_len > UINT_MAX ? UINT_MAX : *in_len;
    z->z.next_in = (Bytef *)(uintptr_t)*in;
    z->z.avail_in = (uInt)have;
    z->z.next_out = out;
    z->z.avail_out = (uInt)room;
    int rc = inflate(&z->z, Z_NO_FLUSH);
    size_t used = have - z->z.avail_in;
    *in += used;
    *in_len -= used;
    *out_len = room - z->z.avail_out;
    *msg = NULL;
    *trailer_back = 0;
    if (rc == Z_STREAM_END)
        return PPD__INFLATE_MEMBER_END;
    if (rc == Z_OK || rc == Z_BUF_ERROR)
        return PPD__INFLATE_OK;
    if (rc == Z_MEM_ERROR)
        return PPD__INFLATE_ENOMEM;
    /* zlib reports the trailer checks once the 4 bytes concerned are
     * read. */
    const char *m = z->z.msg ? z->z.msg : "corrupt data";
    if (strcmp(m, "incorrect data check") == 0) {
        *trailer_back = 4;
        return PPD__INFLATE_ECRC;
    }
    if (strcmp(m, "incorrect length check") == 0) {
        *trailer_back = 8;
        return PPD__INFLATE_ELENGTH;
    }
    *msg = m;
    return PPD__INFLATE_EDATA;
}

const char *
ppd__inflate_name(void)
{
    return "zlib";
}

void
ppd__inflate_free(struct ppd__inflate *z)
{
    if (z == NULL)
        return;
    inflateEnd(&z->z);
    free(z);
}

#endif

#ifdef PPD_HAVE_ISAL
void
ppd__inflate_free(struct ppd__inflate *z)
{
    free(z);
}
#endif
