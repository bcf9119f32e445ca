/*
 * builder.h - build the profile model from records, whatever the format.
 *
 * An input reader (the protobuf walker today, Go's text profiles later)
 * hands the builder one record at a time: strings, sample types,
 * mappings, locations, functions, samples and the scalar fields, all
 * referring to each other by id and to strings by string-table index, in
 * any order. The builder merges samples with the same stack and labels as
 * they arrive, while that finds repeats (see merge_batch()), so its memory
 * follows distinct samples (within twice). When the input
 * ends, ppd__builder_finish() checks every cross-reference and hands over
 * the model; every violation is an error naming the record.
 *
 * The builder owns everything it is given (records are copied), and the
 * finished profile owns everything it holds. Not thread-safe: one builder
 * per input.
 */
#ifndef PPD_MODEL_BUILDER_H
#define PPD_MODEL_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/error.h"
#include "pprofdiff/profile.h"

struct ppd__builder;

struct ppd__line_rec {
    uint64_t function_id;
    int64_t line, column;
};

struct ppd__location_rec {
    uint64_t id, mapping_id, address;
    const struct ppd__line_rec *lines; /* innermost first */
    size_t nlines;
    bool is_folded;
};

struct ppd__mapping_rec {
    uint64_t id, memory_start, memory_limit, file_offset;
    int64_t filename, build_id; /* string indices */
    bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
};

struct ppd__function_rec {
    uint64_t id;
    int64_t name, system_name, filename; /* string indices */
    int64_t start_line;
};

struct ppd__label_rec {
    int64_t key, str, num, unit; /* key, str, unit: string indices */
};

/* A sample; the arrays are the caller's and only read during the call. */
struct ppd__sample_rec {
    const unsigned char *locs; /* location ids, leaf first, as validated */
    size_t locs_len;           /* varints (at most 10 bytes each, the */
    size_t nlocs;              /* protobuf rule); nlocs of them */
    /* A reader that has looked at the bytes anyway may say that every
     * varint is canonical (checked), give a bound on the largest id
     * (exact above 127; below, the OR of the bytes will do) and whether
     * one is 0; the builder then need not look again. */
    bool checked;
    uint64_t max_id;
    bool has_zero;
    const int64_t *vals;
    size_t nvals;
    const struct ppd__label_rec *labels;
    size_t nlabels;
};

enum ppd__scalar {
    PPD__DROP_FRAMES,         /* string index */
    PPD__KEEP_FRAMES,         /* string index */
    PPD__TIME_NANOS,
    PPD__DURATION_NANOS,
    PPD__PERIOD,
    PPD__DEFAULT_SAMPLE_TYPE, /* string index */
    PPD__DOC_URL              /* string index */
};

/*
 * ppd__builder_new - a builder for the input called name (copied; it
 * labels every error). Decoded tables may take at most budget bytes,
 * and one sample at most max_depth locations.
 * Errors go to err (may be NULL). NULL when out of memory.
 */
struct ppd__builder *ppd__builder_new(const char *name, uint64_t budget,
                                      uint64_t max_depth,
                                      struct ppd_error *err);

/* ppd__builder_free - release a builder and all it holds. Accepts NULL. */
void ppd__builder_free(struct ppd__builder *b);

/*
 * Record calls. Each returns false when the record is refused (invalid,
 * over the budget, out of memory); ppd__builder_status() then says why
 * and err holds the message. After a failure, only _free may be called.
 */
bool ppd__builder_string(struct ppd__builder *b, const char *s, size_t len);
bool ppd__builder_sample_type(struct ppd__builder *b, int64_t type,
                              int64_t unit);
void ppd__builder_period_type(struct ppd__builder *b, int64_t type,
                              int64_t unit);
bool ppd__builder_mapping(struct ppd__builder *b,
                          const struct ppd__mapping_rec *m);
bool ppd__builder_location(struct ppd__builder *b,
                           const struct ppd__location_rec *l);
bool ppd__builder_function(struct ppd__builder *b,
                           const struct ppd__function_rec *f);
bool ppd__builder_sample(struct ppd__builder *b,
                         const struct ppd__sample_rec *s);
bool ppd__builder_comment(struct ppd__builder *b, int64_t str);
void ppd__builder_scalar(struct ppd__builder *b, enum ppd__scalar which,
                         int64_t v);

/* What a sample record takes in big profiles, about: an input's size
 * over this is the hint for ppd__builder_reserve. */
#define PPD__SAMPLE_BYTES_HINT 36

/*
 * ppd__builder_reserve - presize for about nsamples sample records, so a
 * big input is not rehashed and copied many times. Only a hint, taken
 * to come from an input of nsamples x PPD__SAMPLE_BYTES_HINT bytes.
 */
void ppd__builder_reserve(struct ppd__builder *b, size_t nsamples);

/*
 * ppd__builder_over_budget - true when the decoded tables have outgrown
 * the budget given to ppd__builder_new(); *held tells how much they take.
 */
bool ppd__builder_over_budget(const struct ppd__builder *b, uint64_t *held);

/* ppd__builder_status - PPD_OK, or why the last call failed. */
enum ppd_status ppd__builder_status(const struct ppd__builder *b);

/*
 * ppd__builder_finish - validate every cross-reference and move the model
 * into *out (free with ppd_profile_free). The builder must still be freed.
 * raw_bytes and gzipped describe the input for the model.
 */
PPD_NODISCARD enum ppd_status
ppd__builder_finish(struct ppd__builder *b, uint64_t raw_bytes, bool gzipped,
                    struct ppd_profile **out);

#endif
