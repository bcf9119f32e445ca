/*
 * synth.h - build small pprof profiles in tests, record by record. The
 * string table is written last, as a writer is free to do, so every test
 * also checks that references are resolved only after the input ends.
 */
#ifndef PPD_TEST_SYNTH_H
#define PPD_TEST_SYNTH_H

#include <stdio.h>

#include "pbwrite.h"

#include "pprofdiff/decode.h"

struct synth {
    const char *strs[4096];
    size_t lens[4096]; /* 0: strlen */
    int nstr;
    struct pb body;
};

static inline void
synth_init(struct synth *sy)
{
    memset(sy, 0, sizeof *sy);
    sy->strs[sy->nstr++] = "";
}

/* The string-table index of s, added on first use. */
static inline int64_t
S(struct synth *sy, const char *s)
{
    for (int i = 0; i < sy->nstr; i++)
        if (strcmp(sy->strs[i], s) == 0)
            return i;
    if (sy->nstr == 4096)
        abort();
    sy->strs[sy->nstr] = s;
    return sy->nstr++;
}

static inline void
synth_sample_type(struct synth *sy, const char *type, const char *unit)
{
    struct pb m = {0};
    pb_uint(&m, 1, (uint64_t)S(sy, type));
    pb_uint(&m, 2, (uint64_t)S(sy, unit));
    pb_msg(&sy->body, 1, &m);
}

static inline void
synth_function(struct synth *sy, uint64_t id, const char *name)
{
    struct pb m = {0};
    pb_uint(&m, 1, id);
    pb_uint(&m, 2, (uint64_t)S(sy, name));
    pb_uint(&m, 3, (uint64_t)S(sy, name));
    pb_uint(&m, 4, (uint64_t)S(sy, "src/file.go"));
    pb_msg(&sy->body, 5, &m);
}

static inline void
synth_mapping(struct synth *sy, uint64_t id, uint64_t start, uint64_t limit,
              uint64_t offset, const char *file)
{
    struct pb m = {0};
    pb_uint(&m, 1, id);
    pb_uint(&m, 2, start);
    pb_uint(&m, 3, limit);
    pb_uint(&m, 4, offset);
    pb_uint(&m, 5, (uint64_t)S(sy, file));
    pb_msg(&sy->body, 3, &m);
}

/* A location with one line per function id (fns[0] innermost). */
static inline void
synth_location(struct synth *sy, uint64_t id, uint64_t mapping,
               uint64_t address, int nfns, const uint64_t *fns)
{
    struct pb m = {0};
    pb_uint(&m, 1, id);
    if (mapping)
        pb_uint(&m, 2, mapping);
    pb_uint(&m, 3, address);
    for (int i = 0; i < nfns; i++) {
        struct pb l = {0};
        pb_uint(&l, 1, fns[i]);
        pb_uint(&l, 2, (uint64_t)(10 + i));
        pb_msg(&m, 4, &l);
    }
    pb_msg(&sy->body, 4, &m);
}

/* A sample: location ids leaf first, packed, and its values. */
static inline void
synth_sample(struct synth *sy, int nlocs, const uint64_t *locs, int nvals,
             const int64_t *vals)
{
    struct pb m = {0};
    if (nlocs > 0)
        pb_packed(&m, 1, locs, (size_t)nlocs);
    uint64_t v[16];
    for (int i = 0; i < nvals; i++)
        v[i] = (uint64_t)vals[i];
    if (nvals > 0)
        pb_packed(&m, 2, v, (size_t)nvals);
    pb_msg(&sy->body, 2, &m);
}

/* A string of n bytes (NULs allowed), added as a new entry; its index. */
static inline int64_t
S_n(struct synth *sy, const char *s, size_t n)
{
    if (sy->nstr == 4096)
        abort();
    sy->strs[sy->nstr] = s;
    sy->lens[sy->nstr] = n;
    return sy->nstr++;
}

/* Append the string table and hand over the finished profile bytes. */
static inline struct pb
synth_finish(struct synth *sy)
{
    for (int i = 0; i < sy->nstr; i++)
        pb_bytes(&sy->body, 6, sy->strs[i],
                 sy->lens[i] ? sy->lens[i] : strlen(sy->strs[i]));
    struct pb out = sy->body;
    memset(&sy->body, 0, sizeof sy->body);
    return out;
}

/* Decode bytes; NULL (and the error in err) on failure. */
static inline struct ppd_profile *
synth_decode(const struct pb *b, const char *name, struct ppd_error *err)
{
    struct ppd_profile *p = NULL;
    if (ppd_decode_buffer(b->buf, b->len, name, NULL, &p, err) != PPD_OK)
        return NULL;
    return p;
}

/* Finish sy and decode it as name; NULL (saying why) on failure. */
static inline struct ppd_profile *
synth_profile(struct synth *sy, const char *name)
{
    struct pb b = synth_finish(sy);
    struct ppd_error err = {0};
    struct ppd_profile *p = synth_decode(&b, name, &err);
    if (p == NULL)
        fprintf(stderr, "%s: %s\n", name, err.msg);
    free(b.buf);
    return p;
}

/* testdata/leak/NAME.pb.gz under root, decoded; NULL (saying why) on
 * failure. */
static inline struct ppd_profile *
leak_fixture(const char *root, const char *name)
{
    char path[4096];
    struct ppd_error err = {0};
    struct ppd_profile *p = NULL;
    snprintf(path, sizeof path, "%s/testdata/leak/%s.pb.gz", root, name);
    if (ppd_decode_file(path, NULL, &p, &err) != PPD_OK)
        fprintf(stderr, "%s\n", err.msg);
    return p;
}

#endif
