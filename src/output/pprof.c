/*
 * pprof.c - the difference as a gzipped profile.proto, built the way
 * pprof builds -diff_base: every stack's current value as a sample, and
 * its base value negated in a sample labelled pprof::base=true. pprof
 * reads such a profile as a diff, so `go tool pprof -top FILE` prints
 * the deltas pprofdiff prints, and its web UI opens it.
 *
 * Each frame becomes one function (name, file) and one location with a
 * single line, so inlining is not kept; stacks, names and values are.
 * Unchanged stacks are written too (they cancel, as in pprof); shrinking
 * ones unless --hide-shrinking, and none under a noise floor.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "output/output.h"
#include "profile.pb-c.h"

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Label Label;
typedef Perftools__Profiles__ValueType ValueType;

/* Everything the message points at, freed together. */
struct build {
    char **strings;
    size_t nstrings;
    Function *funcs;
    Function **funcp;
    Location *locs;
    Location **locp;
    Line *lines;
    Line **linep;
    Sample *samples;
    Sample **samplep;
    uint64_t *ids;     /* every sample's location ids, one block */
    int64_t *values;   /* one per sample */
    Label base_label;
    Label *base_labelp;
};

static void
build_free(struct build *b)
{
    for (size_t i = 0; i < b->nstrings; i++)
        free(b->strings[i]);
    free(b->strings);
    free(b->funcs);
    free(b->funcp);
    free(b->locs);
    free(b->locp);
    free(b->lines);
    free(b->linep);
    free(b->samples);
    free(b->samplep);
    free(b->ids);
    free(b->values);
}

/* Append a copy of s to the string table; its index, or -1. */
static int64_t
add_string(struct build *b, const char *s, size_t n)
{
    char *c = malloc(n + 1);
    if (c == NULL)
        return -1;
    if (n > 0)
        memcpy(c, s, n);
    c[n] = '\0';
    b->strings[b->nstrings] = c;
    return (int64_t)b->nstrings++;
}

/* Gzip data[0..n) to out; false on a zlib or write failure. The fastest
 * level, as Go's runtime writes its profiles: half the time of zlib's
 * default for a file a third bigger. */
static bool
put_gzip(FILE *out, const uint8_t *data, size_t n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return false;
    unsigned char buf[1 << 16];
    z.next_in = (Bytef *)(uintptr_t)data;
    bool ok = true;
    int rc;
    size_t left = n;
    do {
        uInt chunk = left > (1u << 30) ? (1u << 30) : (uInt)left;
        z.avail_in = chunk;
        left -= chunk;
        int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
        do {
            z.next_out = buf;
            z.avail_out = sizeof buf;
            rc = deflate(&z, flush);
            size_t have = sizeof buf - z.avail_out;
            if (rc == Z_STREAM_ERROR || fwrite(buf, 1, have, out) != have)
                ok = false;
        } while (ok && z.avail_out == 0);
    } while (ok && left > 0);
    deflateEnd(&z);
    return ok && rc == Z_STREAM_END;
}

/*
 * Is the stack with values v written? Every stack, but those that
 * --hide-shrinking or a noise floor leaves out of the other formats.
 */
static bool
wanted(const struct ppd_diff *d, const struct ppd_render_options *o,
       const int64_t *v)
{
    if (d->ncolumns == 1)
        return true;
    int64_t delta = (int64_t)((uint64_t)v[d->ncolumns - 1] - (uint64_t)v[0]);
    uint64_t m = delta < 0 ? (uint64_t)0 - (uint64_t)delta : (uint64_t)delta;
    if (o->hide_shrinking && delta < 0)
        return false;
    return delta == 0 || m >= d->min_change;
}

bool
ppd__render_pprof(FILE *out, const struct ppd_diff *d,
                  const struct ppd_render_options *o, struct ppd__frames *f)
{
    (void)f;
    const struct ppd_accum *a = d->accum;
    size_t nf = ppd_accum_nframes(a), ns = ppd_accum_nstacks(a);
    size_t ncols = ppd_accum_ncolumns(a);
    size_t last = ncols - 1;
    struct build b = {0};
    bool ok = false;
    uint8_t *packed = NULL;
    uint32_t *scratch = NULL; /* one stack's frame ids */

    /* Samples: one per non-zero value of each side; their ids, in one
     * block. */
    size_t nsamples = 0, nids = 0;
    uint32_t maxdepth = 1;
    for (size_t s = 0; s < ns; s++) {
        const int64_t *v = ppd_accum_values(a, s);
        if (!wanted(d, o, v))
            continue;
        size_t k = (v[last] != 0) + (ncols > 1 && v[0] != 0);
        nsamples += k;
        nids += k * ppd_accum_depth(a, s);
        if (ppd_accum_depth(a, s) > maxdepth)
            maxdepth = ppd_accum_depth(a, s);
    }
    scratch = malloc(maxdepth * sizeof *scratch);
    b.strings = malloc((2 * nf + 8) * sizeof *b.strings);
    b.funcs = calloc(nf ? nf : 1, sizeof *b.funcs);
    b.funcp = malloc((nf ? nf : 1) * sizeof *b.funcp);
    b.locs = calloc(nf ? nf : 1, sizeof *b.locs);
    b.locp = malloc((nf ? nf : 1) * sizeof *b.locp);
    b.lines = calloc(nf ? nf : 1, sizeof *b.lines);
    b.linep = malloc((nf ? nf : 1) * sizeof *b.linep);
    b.samples = calloc(nsamples ? nsamples : 1, sizeof *b.samples);
    b.samplep = malloc((nsamples ? nsamples : 1) * sizeof *b.samplep);
    b.ids = malloc((nids ? nids : 1) * sizeof *b.ids);
    b.values = malloc((nsamples ? nsamples : 1) * sizeof *b.values);
    if (b.strings == NULL || b.funcs == NULL || b.funcp == NULL ||
        b.locs == NULL || b.locp == NULL || b.lines == NULL ||
        b.linep == NULL || b.samples == NULL || b.samplep == NULL ||
        b.ids == NULL || b.values == NULL || scratch == NULL)
        goto out;

    const struct ppd_value_type *t = ppd_accum_type(a);
    if (add_string(&b, "", 0) < 0)
        goto out;
    ValueType type = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
    ValueType *typep = &type;
    type.type = add_string(&b, t->type, strlen(t->type));
    type.unit = add_string(&b, t->unit, strlen(t->unit));
    int64_t key = add_string(&b, "pprof::base", 11);
    int64_t yes = add_string(&b, "true", 4);
    if (type.type < 0 || type.unit < 0 || key < 0 || yes < 0)
        goto out;
    perftools__profiles__label__init(&b.base_label);
    b.base_label.key = key;
    b.base_label.str = yes;
    b.base_labelp = &b.base_label;

    /* Frame i: function and location i + 1, with one line. */
    for (size_t i = 0; i < nf; i++) {
        const struct ppd_frame *fr = ppd_accum_frame(a, (uint32_t)i);
        Function *fn = &b.funcs[i];
        perftools__profiles__function__init(fn);
        fn->id = i + 1;
        fn->name = add_string(&b, fr->name.ptr, fr->name.len);
        fn->system_name = fn->name;
        fn->filename = add_string(&b, fr->file.ptr, fr->file.len);
        if (fn->name < 0 || fn->filename < 0)
            goto out;
        b.funcp[i] = fn;
        Line *ln = &b.lines[i];
        perftools__profiles__line__init(ln);
        ln->function_id = i + 1;
        ln->line = fr->line;
        b.linep[i] = ln;
        Location *loc = &b.locs[i];
        perftools__profiles__location__init(loc);
        loc->id = i + 1;
        loc->n_line = 1;
        loc->line = &b.linep[i];
        b.locp[i] = loc;
    }

    /* Samples, current side first, then the base negated and labelled:
     * pprof's own -diff_base profile. */
    size_t k = 0, at = 0;
    for (int side = 0; side < (ncols > 1 ? 2 : 1); side++)
        for (size_t s = 0; s < ns; s++) {
            const int64_t *v = ppd_accum_values(a, s);
            int64_t x = side == 0 ? v[last] : v[0];
            if (x == 0 || !wanted(d, o, v))
                continue;
            uint32_t depth = ppd_accum_depth(a, s);
            ppd_accum_stack(a, s, scratch, depth);
            for (size_t j = 0; j < depth; j++)
                b.ids[at + j] = (uint64_t)scratch[j] + 1;
            Sample *sm = &b.samples[k];
            perftools__profiles__sample__init(sm);
            sm->n_location_id = depth;
            sm->location_id = b.ids + at;
            b.values[k] = side == 0 ? x : (int64_t)(0 - (uint64_t)x);
            sm->n_value = 1;
            sm->value = &b.values[k];
            if (side == 1) {
                sm->n_label = 1;
                sm->label = &b.base_labelp;
            }
            b.samplep[k++] = sm;
            at += depth;
        }

    Profile p = PERFTOOLS__PROFILES__PROFILE__INIT;
    p.n_sample_type = 1;
    p.sample_type = &typep;
    p.n_sample = k;
    p.sample = b.samplep;
    p.n_location = nf;
    p.location = b.locp;
    p.n_function = nf;
    p.function = b.funcp;
    p.n_string_table = b.nstrings;
    p.string_table = b.strings;
    p.time_nanos = ppd_accum_column(a, last)->time_nanos;
    p.duration_nanos = ppd_accum_column(a, last)->duration_nanos;
    size_t size = perftools__profiles__profile__get_packed_size(&p);
    packed = malloc(size ? size : 1);
    if (packed == NULL)
        goto out;
    perftools__profiles__profile__pack(&p, packed);
    ok = put_gzip(out, packed, size);
out:
    free(packed);
    free(scratch);
    build_free(&b);
    return ok;
}
