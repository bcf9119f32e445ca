/*
 * test_accum.c - the accumulator: N columns filled in any order from
 * profiles freed right after, unchanged stacks kept, names with NUL bytes
 * kept whole and escaped only when written; and errors as data.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth.h"

#include "pprofdiff/accum.h"
#include "pprofdiff/decode.h"
#include "pprofdiff/diff.h"
#include "pprofdiff/render.h"

/* A goroutine profile: n goroutines in a.f < main.g and m in b.h. */
static struct ppd_profile *
two_stacks(const char *name, int64_t n, int64_t m)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "goroutine", "count");
    const char *names[] = {"a.f", "main.g", "b.h"};
    for (uint64_t i = 0; i < 3; i++) {
        synth_function(&sy, i + 1, names[i]);
        uint64_t f[] = {i + 1};
        synth_location(&sy, i + 1, 0, 0x100 * (i + 1), 1, f);
    }
    uint64_t s1[] = {1, 2}, s2[] = {3, 2};
    if (n)
        synth_sample(&sy, 2, s1, 1, &n);
    if (m)
        synth_sample(&sy, 2, s2, 1, &m);
    return synth_profile(&sy, name);
}

/* The column values of the stack whose leaf is named leaf; NULL if none. */
static const int64_t *
values_of(const struct ppd_accum *a, const char *leaf)
{
    for (size_t s = 0; s < ppd_accum_nstacks(a); s++) {
        uint32_t f[4];
        if (ppd_accum_stack(a, s, f, 4) > 0 &&
            strcmp(ppd_accum_frame(a, f[0])->name.ptr, leaf) == 0)
            return ppd_accum_values(a, s);
    }
    return NULL;
}

static void
test_columns(struct check_state *st)
{
    struct ppd_value_type t = {"goroutine", "count"};
    struct ppd_accum *a = NULL;
    struct ppd_error err = {0};
    CHECK_EQ_INT(st, ppd_accum_new(3, &t, NULL, &a, &err), PPD_OK);
    if (a == NULL)
        return;
    /* Columns in any order; each profile freed as soon as it is added. */
    int64_t n[] = {5, 7, 9}, m[] = {4, 4, 4};
    size_t order[] = {2, 0, 1};
    for (size_t k = 0; k < 3; k++) {
        size_t c = order[k];
        char name[16];
        snprintf(name, sizeof name, "p%zu", c);
        struct ppd_profile *p = two_stacks(name, n[c], m[c]);
        CHECK(st, p != NULL);
        if (p == NULL)
            break;
        CHECK_EQ_INT(st, ppd_accum_add(a, c, p, &err), PPD_OK);
        ppd_profile_free(p);
    }
    CHECK_EQ_INT(st, ppd_accum_nstacks(a), 2);
    const int64_t *v = values_of(a, "a.f");
    CHECK(st, v != NULL);
    if (v != NULL) {
        CHECK_EQ_INT(st, v[0], 5);
        CHECK_EQ_INT(st, v[1], 7);
        CHECK_EQ_INT(st, v[2], 9);
    }
    CHECK_EQ_STR(st, ppd_accum_column(a, 1)->name, "p1");
    CHECK_EQ_STR(st, ppd_accum_column(a, 1)->kind, "goroutine");
    CHECK_EQ_INT(st, ppd_accum_column(a, 2)->total, 13);
    /* There is no fourth column. */
    struct ppd_profile *again = two_stacks("again", 1, 1);
    CHECK_EQ_INT(st, ppd_accum_add(a, 3, again, &err), PPD_EINVAL);

    /* The unchanged stack (4, 4, 4) is kept and counted. */
    struct ppd_diff *d = NULL;
    struct ppd_diff_options keep = {.keep_unchanged = true};
    CHECK_EQ_INT(st, ppd_diff_compute(a, &keep, &d, &err), PPD_OK);
    if (d != NULL) {
        CHECK_EQ_INT(st, d->nsection[PPD_GROWING], 1);
        CHECK_EQ_INT(st, d->nsection[PPD_UNCHANGED], 1);
        CHECK_EQ_INT(st, d->nunchanged, 1);
        CHECK_EQ_INT(st, d->total_delta, 4);
        ppd_diff_free(d);
    }
    /* A second profile in a column merges: values and totals add, the
     * names join, up to three and a count. */
    CHECK_EQ_INT(st, ppd_accum_add(a, 0, again, &err), PPD_OK);
    v = values_of(a, "a.f");
    CHECK(st, v != NULL);
    if (v != NULL)
        CHECK_EQ_INT(st, v[0], 6);
    CHECK_EQ_INT(st, ppd_accum_column(a, 0)->total, 11);
    CHECK_EQ_INT(st, ppd_accum_column(a, 0)->ninputs, 2);
    CHECK_EQ_STR(st, ppd_accum_column(a, 0)->name, "p0 + again");
    for (int k = 0; k < 3; k++)
        CHECK_EQ_INT(st, ppd_accum_add(a, 0, again, &err), PPD_OK);
    CHECK_EQ_STR(st, ppd_accum_column(a, 0)->name,
                 "p0 + again + again + 2 more");
    CHECK_EQ_INT(st, ppd_accum_column(a, 0)->total, 17);
    ppd_profile_free(again);
    ppd_accum_free(a);
}

/* A ranking that puts the smallest growth first. */
static int
smallest_first(const struct ppd_diff_row *a, const struct ppd_diff_row *b,
               void *ctx)
{
    (void)ctx;
    return a->delta < b->delta ? -1 : a->delta > b->delta;
}

static void
test_rank_and_top(struct check_state *st)
{
    struct ppd_profile *base = two_stacks("base", 1, 1);
    struct ppd_profile *cur = two_stacks("cur", 11, 3);
    const struct ppd_profile *ps[] = {base, cur};
    struct ppd_accum *a = NULL;
    struct ppd_error err = {0};
    CHECK_EQ_INT(st, ppd_accum_profiles(ps, 2, NULL, &a, &err), PPD_OK);
    ppd_profile_free(base);
    ppd_profile_free(cur);
    if (a == NULL)
        return;
    struct ppd_diff *d = NULL;
    struct ppd_diff_options o = {.rank = smallest_first};
    CHECK_EQ_INT(st, ppd_diff_compute(a, &o, &d, &err), PPD_OK);
    if (d != NULL && d->nrows == 2) {
        CHECK_EQ_INT(st, d->rows[0].delta, 2);
        CHECK_EQ_INT(st, d->rows[1].delta, 10);
    }
    ppd_diff_free(d);
    /* Only the first row of each section is ranked, all are counted. */
    struct ppd_diff_options top = {.top = 1};
    CHECK_EQ_INT(st, ppd_diff_compute(a, &top, &d, &err), PPD_OK);
    if (d != NULL) {
        CHECK_EQ_INT(st, d->nrows, 1);
        CHECK_EQ_INT(st, d->nkept[PPD_GROWING], 1);
        CHECK_EQ_INT(st, d->nsection[PPD_GROWING], 2);
        if (d->nrows == 1)
            CHECK_EQ_INT(st, d->rows[0].delta, 10);
    }
    ppd_diff_free(d);
    ppd_accum_free(a);
}

/* A function name with a NUL and a control byte inside. */
static void
test_nul_names(struct check_state *st)
{
    static const char odd[] = "Lib\0Class::m\x01";
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "samples", "count");
    struct pb m = {0};
    pb_uint(&m, 1, 1);
    pb_uint(&m, 2, (uint64_t)S_n(&sy, odd, sizeof odd - 1));
    pb_msg(&sy.body, 5, &m);
    uint64_t f[] = {1}, loc[] = {1};
    synth_location(&sy, 1, 0, 0x10, 1, f);
    int64_t one = 1;
    synth_sample(&sy, 1, loc, 1, &one);
    struct ppd_error err = {0};
    struct ppd_profile *p = synth_profile(&sy, "odd.pb");
    CHECK(st, p != NULL);
    if (p == NULL)
        return;
    CHECK_EQ_INT(st, p->functions[0].name.len, sizeof odd - 1);
    CHECK(st, memcmp(p->functions[0].name.ptr, odd, sizeof odd - 1) == 0);
    const struct ppd_profile *ps[] = {p};
    struct ppd_accum *a = NULL;
    CHECK_EQ_INT(st, ppd_accum_profiles(ps, 1, NULL, &a, &err), PPD_OK);
    ppd_profile_free(p);
    if (a == NULL)
        return;
    CHECK_EQ_INT(st, ppd_accum_frame(a, 0)->name.len, sizeof odd - 1);
    struct ppd_diff *d = NULL;
    CHECK_EQ_INT(st, ppd_diff_compute(a, NULL, &d, &err), PPD_OK);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    struct ppd_render_options ro = {.format = PPD_FORMAT_TSV};
    CHECK(st, out != NULL && d != NULL);
    if (out != NULL && d != NULL) {
        CHECK_EQ_INT(st, ppd_render(out, d, &ro, &err), PPD_OK);
        fclose(out);
        CHECK(st, strstr(text, "Lib\\x00Class::m\\x01\t") != NULL);
        CHECK(st, memchr(text, '\0', len) == NULL);
    }
    free(text);
    ppd_diff_free(d);
    ppd_accum_free(a);
}

/* Errors carry stage, offset and record as data. */
static void
test_error_data(struct check_state *st, const char *root)
{
    static const struct {
        const char *file;
        enum ppd_stage stage;
        uint64_t offset;
        const char *record;
        uint64_t index;
    } cases[] = {
        {"badcrc.pb.gz", PPD_STAGE_GZIP, 566, NULL, PPD_NO_OFFSET},
        {"varint11.pb", PPD_STAGE_PROTOBUF, 226, NULL, PPD_NO_OFFSET},
        {"undef-location.pb", PPD_STAGE_PROFILE, PPD_NO_OFFSET, "sample", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/testdata/bad/%s", root,
                 cases[i].file);
        struct ppd_profile *p = NULL;
        struct ppd_error err = {0};
        CHECK(st, ppd_decode_file(path, NULL, &p, &err) != PPD_OK);
        CHECK_EQ_INT(st, err.stage, cases[i].stage);
        CHECK_EQ_INT(st, err.offset, cases[i].offset);
        CHECK_EQ_INT(st, err.index, cases[i].index);
        CHECK(st, (err.record == NULL) == (cases[i].record == NULL));
        if (err.record != NULL && cases[i].record != NULL)
            CHECK_EQ_STR(st, err.record, cases[i].record);
        ppd_profile_free(p);
    }
}

/* Are the accumulators a and b the same: columns, stacks in order (frame
 * names and values), totals? */
static void
check_same_accum(struct check_state *st, const struct ppd_accum *a,
                 const struct ppd_accum *b)
{
    CHECK_EQ_INT(st, ppd_accum_nstacks(a), ppd_accum_nstacks(b));
    CHECK_EQ_INT(st, ppd_accum_nframes(a), ppd_accum_nframes(b));
    size_t bad = 0;
    for (size_t f = 0; f < ppd_accum_nframes(a) && f < ppd_accum_nframes(b);
         f++) {
        struct ppd_str x = ppd_accum_frame(a, (uint32_t)f)->name;
        struct ppd_str y = ppd_accum_frame(b, (uint32_t)f)->name;
        bad += x.len != y.len || memcmp(x.ptr, y.ptr, x.len) != 0;
    }
    for (size_t s = 0; s < ppd_accum_nstacks(a) && s < ppd_accum_nstacks(b);
         s++) {
        const unsigned char *p, *e, *q, *f;
        ppd_accum_stack_bytes(a, s, &p, &e);
        ppd_accum_stack_bytes(b, s, &q, &f);
        bad += e - p != f - q || memcmp(p, q, (size_t)(e - p)) != 0 ||
               ppd_accum_depth(a, s) != ppd_accum_depth(b, s);
        for (size_t c = 0; c < ppd_accum_ncolumns(a); c++)
            bad += ppd_accum_values(a, s)[c] != ppd_accum_values(b, s)[c];
    }
    CHECK_EQ_INT(st, bad, 0);
    for (size_t c = 0; c < ppd_accum_ncolumns(a); c++) {
        CHECK_EQ_INT(st, ppd_accum_column(a, c)->total,
                     ppd_accum_column(b, c)->total);
        CHECK_EQ_INT(st, ppd_accum_column(a, c)->abs_total,
                     ppd_accum_column(b, c)->abs_total);
    }
}

/* cur (column 1) then base (column 0): two plain adds, and the three
 * steps with the base expanded (consumed: base is freed after) and the
 * current one added as it is expanded. The same accumulator. */
static void
check_prepared(struct check_state *st, struct ppd_profile *base,
               struct ppd_profile *cur)
{
    struct ppd_error err = {0};
    struct ppd_accum *a = NULL, *b = NULL;
    const struct ppd_value_type *t = &cur->sample_types[cur->nsample_types - 1];
    CHECK_EQ_INT(st, ppd_accum_new(2, t, NULL, &a, &err), PPD_OK);
    CHECK_EQ_INT(st, ppd_accum_new(2, t, NULL, &b, &err), PPD_OK);
    if (a == NULL || b == NULL)
        goto out;
    CHECK_EQ_INT(st, ppd_accum_add(a, 1, cur, &err), PPD_OK);
    CHECK_EQ_INT(st, ppd_accum_add(a, 0, base, &err), PPD_OK);
    CHECK(st, ppd_accum_can_prepare(b, cur) && ppd_accum_can_prepare(b, base));
    struct ppd_accum_prep *pc = NULL, *pb = NULL;
    CHECK_EQ_INT(st, ppd_accum_prepare(b, 1, cur, &pc, &err), PPD_OK);
    CHECK_EQ_INT(st, ppd_accum_prepare(b, 0, base, &pb, &err), PPD_OK);
    if (pc != NULL && pb != NULL) {
        ppd_accum_prepared_expand(pb, true);
        CHECK_EQ_INT(st, ppd_accum_add_prepared(b, pc, &err), PPD_OK);
        CHECK_EQ_INT(st, ppd_accum_add_prepared(b, pb, &err), PPD_OK);
        check_same_accum(st, a, b);
    }
    ppd_accum_prep_free(pc);
    ppd_accum_prep_free(pb);
out:
    ppd_accum_free(a);
    ppd_accum_free(b);
}

/* A profile of n samples over distinct 5-frame stacks from 40
 * functions, the first keep of them (in the order made) with value
 * base, the others with value 0 (left out). */
static struct ppd_profile *
many_stacks(size_t n, size_t keep, int64_t value, const char *name)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "samples", "count");
    char names[40][8];
    for (uint64_t i = 0; i < 40; i++) {
        snprintf(names[i], sizeof names[i], "f%02u", (unsigned)i);
        synth_function(&sy, i + 1, names[i]);
        uint64_t f[] = {i + 1};
        synth_location(&sy, i + 1, 0, 16 * (i + 1), 1, f);
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t locs[5];
        size_t x = i;
        for (int k = 0; k < 5; k++, x /= 40)
            locs[k] = 1 + x % 40;
        int64_t v[] = {i < keep ? value : 0};
        synth_sample(&sy, 5, locs, 1, v);
    }
    return synth_profile(&sy, name);
}

/* The three-step add (ppd_accum_prepare...) equals two plain adds: on
 * real pairs, and on 200,000 stacks, enough for the base's memory to be
 * given back as it is expanded. */
static void
test_prepared(struct check_state *st, const char *root)
{
    static const char *const kinds[] = {"heap", "goroutine", "allocs"};
    for (size_t k = 0; k < 3; k++) {
        char b[64], c[64];
        snprintf(b, sizeof b, "%s-0", kinds[k]);
        snprintf(c, sizeof c, "%s-1", kinds[k]);
        struct ppd_profile *base = leak_fixture(root, b);
        struct ppd_profile *cur = leak_fixture(root, c);
        CHECK(st, base != NULL && cur != NULL);
        if (base != NULL && cur != NULL)
            check_prepared(st, base, cur);
        ppd_profile_free(base);
        ppd_profile_free(cur);
    }
    struct ppd_profile *base = many_stacks(200000, 150000, 2, "base.pb");
    struct ppd_profile *cur = many_stacks(200000, 200000, 3, "cur.pb");
    CHECK(st, base != NULL && cur != NULL);
    if (base != NULL && cur != NULL)
        check_prepared(st, base, cur);
    ppd_profile_free(base);
    ppd_profile_free(cur);
}

int
main(int argc, char **argv)
{
    struct check_state st = {0};
    test_columns(&st);
    test_rank_and_top(&st);
    test_nul_names(&st);
    test_error_data(&st, argc > 1 ? argv[1] : ".");
    test_prepared(&st, argc > 1 ? argv[1] : ".");
    return check_report("test_accum", &st);
}
