/*
 * profile.h - the in-memory model of one decoded pprof profile.
 *
 * A profile is read-only after decoding. It owns one arena holding all of
 * its strings, tables and samples; ppd_profile_free() releases everything
 * at once. Pointers into a profile (names, samples) stay valid until then.
 *
 * Samples with identical location sequences and labels are merged while
 * decoding (their values are added) where repeats show: adjacent ones
 * always, and the rest in batches for as long as the batches find
 * repeats. A big profile whose samples are all distinct, as Go writes its
 * heap and goroutine profiles, stops being searched for repeats after its
 * first batch (65,536 records), unless a value is negative, so a later
 * sample may repeat another: add values by stack (as the accumulator
 * does), never assume a sample is the only one of its stack. nsamples counts the samples kept,
 * nsamples_read the records on the wire.
 */
#ifndef PPROFDIFF_PROFILE_H
#define PPROFDIFF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A string of the profile: bytes with a length, since names may hold any
 * byte (profiles converted from other runtimes carry NULs). ptr is also
 * NUL-terminated, for the common case of a plain name.
 */
struct ppd_str {
    const char *ptr;
    size_t len;
};

struct ppd_value_type {
    const char *type; /* "inuse_space", "goroutine", "cpu", ... */
    const char *unit; /* "bytes", "count", "nanoseconds", ... */
};

struct ppd_label {
    struct ppd_str key;
    struct ppd_str str; /* "" for numeric labels */
    int64_t num;
    struct ppd_str unit; /* unit of num, "" when unset */
};

struct ppd_mapping {
    uint64_t id;
    uint64_t memory_start;
    uint64_t memory_limit;
    uint64_t file_offset;
    struct ppd_str filename;
    struct ppd_str build_id;
    bool has_functions;
    bool has_filenames;
    bool has_line_numbers;
    bool has_inline_frames;
};

struct ppd_function {
    uint64_t id;
    struct ppd_str name;
    struct ppd_str system_name;
    struct ppd_str filename;
    int64_t start_line;
};

struct ppd_line {
    const struct ppd_function *function; /* never NULL: like pprof, the
                                            decoder rejects a line without
                                            a defined function */
    int64_t line;
    int64_t column;
};

struct ppd_location {
    uint64_t id;
    const struct ppd_mapping *mapping; /* NULL when mapping_id was 0 */
    uint64_t address;
    const struct ppd_line *lines; /* lines[0] is the innermost (inlined) */
    uint32_t nlines;
    bool is_folded;
};

/*
 * A sample (merged, see above). Its stack is stored compactly as LEB128
 * varints of location index + 1, leaf first, in the profile's stack
 * pool; read it with ppd_sample_locations() or walk it with
 * ppd_stack_next() from ppd_sample_stack(). Its values are
 * ppd_sample_values().
 */
struct ppd_sample {
    uint32_t stack_off; /* stack bytes: profile->stacks + stack_off */
    uint32_t stack_len; /* 0: no stack */
    uint32_t labelset;  /* index into profile->labelsets; PPD_NO_LABELS */
};

/* The labelset of a sample without labels. */
#define PPD_NO_LABELS UINT32_MAX

/* A distinct set of labels, shared by every sample that carries it. */
struct ppd_labelset {
    const struct ppd_label *labels;
    uint32_t nlabels;
};

/*
 * ppd_uvarint32_next - read one LEB128 varint of at most 32 bits at *p
 * (< end) into *v and advance *p. Returns false at end. The bytes must
 * have been validated (the decoder and the accumulator write them).
 */
static inline bool
ppd_uvarint32_next(const unsigned char **p, const unsigned char *end,
                   uint32_t *v)
{
    if (*p >= end)
        return false;
    if (**p < 0x80) { /* most ids and indices fit one byte */
        *v = *(*p)++;
        return true;
    }
    uint32_t x = 0;
    unsigned shift = 0;
    while (**p & 0x80) {
        x |= (uint32_t)(**p & 0x7f) << shift;
        shift += 7;
        (*p)++;
    }
    x |= (uint32_t)**p << shift;
    (*p)++;
    *v = x;
    return true;
}

/*
 * ppd_stack_next - read the next location index of a stack at *p (< end)
 * into *loc and advance *p. Returns false at the end of the stack. A
 * stack holds each location as its index + 1, so that a profile whose
 * location ids are 1..n (as Go writes them) needs no rewriting.
 */
static inline bool
ppd_stack_next(const unsigned char **p, const unsigned char *end,
               uint32_t *loc)
{
    uint32_t v;
    if (!ppd_uvarint32_next(p, end, &v))
        return false;
    *loc = v - 1;
    return true;
}

struct ppd_profile {
    const char *name; /* input name given to the decoder */

    struct ppd_value_type *sample_types;
    size_t nsample_types;
    const char *default_sample_type; /* "" when unset */

    struct ppd_sample *samples;
    size_t nsamples;
    const unsigned char *stacks; /* every sample's stack bytes */
    const int64_t *values;       /* nsample_types per sample */
    struct ppd_labelset *labelsets;
    size_t nlabelsets;
    size_t nsamples_read;

    struct ppd_mapping *mappings;
    size_t nmappings;
    struct ppd_location *locations; /* most used by samples first */
    size_t nlocations;
    struct ppd_function *functions;
    size_t nfunctions;

    struct ppd_str *strings;
    size_t nstrings;

    const char *drop_frames; /* "" when unset */
    const char *keep_frames;
    int64_t time_nanos;      /* 0 when unset */
    int64_t duration_nanos;
    struct ppd_value_type period_type;
    int64_t period;
    const char **comments;
    size_t ncomments;
    const char *doc_url;

    uint64_t raw_bytes;      /* bytes of protobuf after decompression */
    bool gzipped;

    struct ppd_arena *arena; /* owns everything above */
};

/* ppd_sample_stack - the first byte of sample s's stack in p. */
static inline const unsigned char *
ppd_sample_stack(const struct ppd_profile *p, const struct ppd_sample *s)
{
    return p->stacks + s->stack_off;
}

/* ppd_sample_values - the values of sample i of p, one per sample type. */
static inline const int64_t *
ppd_sample_values(const struct ppd_profile *p, size_t i)
{
    return p->values + i * p->nsample_types;
}

/*
 * ppd_sample_locations - copy up to cap location indices of s (leaf first)
 * into out; returns the stack's depth in locations (which may exceed
 * cap; 0 for a sample without a stack). out may be NULL when cap is 0.
 */
size_t ppd_sample_locations(const struct ppd_profile *p,
                            const struct ppd_sample *s, uint32_t *out,
                            size_t cap);

/*
 * ppd_profile_free - release a profile and everything it owns. Accepts
 * NULL.
 */
void ppd_profile_free(struct ppd_profile *p);

/*
 * ppd_profile_sample_index - resolve a sample type given by name
 * ("inuse_space") or by decimal index ("0") to an index into
 * p->sample_types. With spec NULL or "", returns pprof's default:
 * default_sample_type when set, else the last type. Returns -1 when the
 * profile does not offer it.
 */
long ppd_profile_sample_index(const struct ppd_profile *p, const char *spec);

/*
 * ppd_profile_kind - a short word for what the profile measures, guessed
 * from its sample types the way a user names profiles: "heap", "allocs"
 * is not distinguishable from heap and reads "heap", "goroutine", "cpu",
 * "block", "mutex", "threadcreate", or the first sample type's name.
 */
const char *ppd_profile_kind(const struct ppd_profile *p);

/*
 * ppd_profile_total - sum of column idx over all samples, wrapping on
 * overflow like pprof's int64 arithmetic.
 */
int64_t ppd_profile_total(const struct ppd_profile *p, size_t idx);

/*
 * ppd_profile_frames - how many frames p's samples hold with inline
 * frames expanded (a location's lines; one for a location without
 * lines): in all, and in *most the most of one sample. Reads every
 * stack: a caller with a second thread computes it there.
 */
uint64_t ppd_profile_frames(const struct ppd_profile *p, uint64_t *most);

#ifdef __cplusplus
}
#endif

#endif
