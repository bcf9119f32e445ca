/*
 * inflate.h - one gzip member at a time, from whichever inflater the
 * build chose: Intel ISA-L's igzip (fast, x86-64 and arm64) or zlib (the
 * portable path), selected by the CMake option PPD_INFLATE. Both give the
 * same bytes and the same errors, so the rest of pprofdiff never knows
 * which one runs.
 */
#ifndef PPD_INPUT_INFLATE_H
#define PPD_INPUT_INFLATE_H

#include <stddef.h>
#include <stdint.h>

struct ppd__inflate;

enum ppd__inflate_rc {
    PPD__INFLATE_OK = 0,     /* progress; call again with more input/room */
    PPD__INFLATE_MEMBER_END, /* a gzip member ended (trailer checked) */
    PPD__INFLATE_ECRC,       /* the trailer's CRC-32 does not match */
    PPD__INFLATE_ELENGTH,    /* the trailer's length does not match */
    PPD__INFLATE_EDATA,      /* invalid header or deflate data */
    PPD__INFLATE_ENOMEM
};

/* ppd__inflate_new - an inflater for a gzip member; NULL when out of
 * memory. */
struct ppd__inflate *ppd__inflate_new(void);

/* ppd__inflate_reset - get ready for the next member. */
void ppd__inflate_reset(struct ppd__inflate *z);

/*
 * ppd__inflate_run - inflate from *in (*in_len bytes) into out (at most
 * *out_len bytes). Advances *in, and sets *in_len to the input left and
 * *out_len to the bytes produced. On PPD__INFLATE_EDATA, *msg says what
 * is wrong; on ECRC/ELENGTH, *trailer_back says how many bytes before
 * the current input position the trailer starts.
 */
enum ppd__inflate_rc ppd__inflate_run(struct ppd__inflate *z,
                                      const unsigned char **in,
                                      size_t *in_len, unsigned char *out,
                                      size_t *out_len, const char **msg,
                                      unsigned *trailer_back);

/* ppd__inflate_name - "isa-l" or "zlib", for --version. */
const char *ppd__inflate_name(void);

/* ppd__inflate_free - release an inflater. Accepts NULL. */
void ppd__inflate_free(struct ppd__inflate *z);

#endif
