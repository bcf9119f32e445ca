/*
 * test_diff.c - matching stacks by frame names across profiles, ranking,
 * sections, the culprit column, symbol-less frames and sample choice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth.h"

#include "model/sort.h"
#include "pprofdiff/diff.h"
#include "compat.h"

/*
 * A goroutine profile with `reaper` goroutines parked, `opener` ones, and
 * `worker` ones. Location ids start at id0 and addresses at addr0, so two
 * profiles can share names while differing in every id and address.
 */
static struct ppd_profile *
leak_profile(uint64_t id0, uint64_t addr0, int64_t reaper, int64_t opener,
             int64_t worker, int64_t nostack)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "goroutine", "count");
    const char *names[] = {"runtime.gopark", "runtime.selectgo",
                           "pool.(*ConnPool).reaper",
                           "database/sql.(*DB).connectionOpener",
                           "runtime.goexit", "main.worker", "time.Sleep"};
    for (uint64_t i = 0; i < 7; i++) {
        synth_function(&sy, id0 + i, names[i]);
        uint64_t f[] = {id0 + i};
        synth_location(&sy, id0 + i, 0, addr0 + 16 * i, 1, f);
    }
    uint64_t r[] = {id0, id0 + 1, id0 + 2, id0 + 4};
    uint64_t o[] = {id0, id0 + 1, id0 + 3, id0 + 4};
    uint64_t w[] = {id0, id0 + 6, id0 + 5, id0 + 4};
    if (reaper)
        synth_sample(&sy, 4, r, 1, &reaper);
    if (opener)
        synth_sample(&sy, 4, o, 1, &opener);
    if (worker)
        synth_sample(&sy, 4, w, 1, &worker);
    if (nostack)
        synth_sample(&sy, 0, NULL, 1, &nostack);
    return synth_profile(&sy, "leak.pb");
}

/* The frames of row r joined leaf first with ' < '. */
static const char *
stack_text(const struct ppd_diff *d, const struct ppd_diff_row *r)
{
    static char buf[1024];
    uint32_t f[32];
    size_t n = test_row_frames(d, r, f, 32);
    buf[0] = '\0';
    for (size_t i = 0; i < n && i < 32; i++) {
        if (i)
            strcat(buf, " < ");
        strcat(buf, test_frame(d, f[i]));
    }
    return buf;
}

static void
test_match_and_rank(struct check_state *st)
{
    struct ppd_profile *base = leak_profile(1, 0x1000, 20, 20, 8, 1);
    struct ppd_profile *cur = leak_profile(500, 0x9000, 520, 320, 5, 1);
    CHECK(st, base != NULL && cur != NULL);
    if (base == NULL || cur == NULL)
        return;
    const struct ppd_profile *ps[] = {base, cur};
    struct ppd_diff *d = NULL;
    struct ppd_error err = {0};
    CHECK_EQ_INT(st, test_diff(ps, 2, NULL, &d, &err), PPD_OK);
    if (d == NULL)
        return;
    CHECK_EQ_STR(st, d->sample_type.type, "goroutine");
    CHECK_EQ_INT(st, d->totals[0], 49);
    CHECK_EQ_INT(st, d->totals[1], 846);
    CHECK_EQ_INT(st, d->total_delta, 797);
    /* Ids and addresses differ, names match: three rows, not six. */
    CHECK_EQ_INT(st, d->nsection[PPD_GROWING], 2);
    CHECK_EQ_INT(st, d->nsection[PPD_SHRINKING], 1);
    CHECK_EQ_INT(st, d->nsection[PPD_UNCHANGED], 0);
    CHECK_EQ_INT(st, d->nunchanged, 1); /* the empty stack */
    CHECK_EQ_INT(st, d->nrows, 3);
    if (d->nrows == 3) {
        const struct ppd_diff_row *r = &d->rows[0];
        CHECK_EQ_INT(st, r->delta, 500);
        CHECK_EQ_INT(st, r->values[0], 20);
        CHECK_EQ_INT(st, r->values[1], 520);
        CHECK_EQ_STR(st, test_frame(d, r->culprit), "pool.(*ConnPool).reaper");
        CHECK_EQ_STR(st, stack_text(d, r),
                     "runtime.gopark < runtime.selectgo < "
                     "pool.(*ConnPool).reaper < runtime.goexit");
        r = &d->rows[1];
        CHECK_EQ_INT(st, r->delta, 300);
        CHECK_EQ_STR(st, test_frame(d, r->culprit),
                     "database/sql.(*DB).connectionOpener");
        r = &d->rows[2];
        CHECK_EQ_INT(st, r->section, PPD_SHRINKING);
        CHECK_EQ_INT(st, r->delta, -3);
        /* time.Sleep is where goroutines wait, not who started them. */
        CHECK_EQ_STR(st, test_frame(d, r->culprit), "main.worker");
    }
    test_diff_free(d);

    /* Unchanged stacks kept on request; extra runtime prefixes. */
    const char *prefixes[] = {"pool."};
    struct test_opts opt = {.keep_unchanged = true,
                                   .runtime_prefixes = prefixes,
                                   .nruntime_prefixes = 1};
    CHECK_EQ_INT(st, test_diff(ps, 2, &opt, &d, &err), PPD_OK);
    if (d != NULL) {
        CHECK_EQ_INT(st, d->nrows, 4);
        CHECK_EQ_INT(st, d->nsection[PPD_UNCHANGED], 1);
        if (d->nrows == 4) {
            /* All frames of the reaper stack are "runtime" now: the leaf
             * stands in. */
            CHECK_EQ_STR(st, test_frame(d, d->rows[0].culprit), "runtime.gopark");
            CHECK_EQ_INT(st, d->rows[2].section, PPD_UNCHANGED);
            CHECK_EQ_INT(st, d->rows[2].nframes, 0);
            CHECK_EQ_INT(st, d->rows[2].culprit, PPD_NO_FRAME);
        }
        test_diff_free(d);
    }

    /* Totals only (what a flame graph asks): no rows, nor counts. */
    struct test_opts tot = {.totals_only = true};
    CHECK_EQ_INT(st, test_diff(ps, 2, &tot, &d, &err), PPD_OK);
    if (d != NULL) {
        CHECK_EQ_INT(st, d->totals[0], 49);
        CHECK_EQ_INT(st, d->totals[1], 846);
        CHECK_EQ_INT(st, d->total_delta, 797);
        CHECK_EQ_INT(st, d->nrows, 0);
        CHECK_EQ_INT(st, d->nsection[PPD_GROWING], 0);
        CHECK(st, d->accum != NULL);
        test_diff_free(d);
    }

    /* One profile: its stacks by value. */
    const struct ppd_profile *one[] = {cur};
    CHECK_EQ_INT(st, test_diff(one, 1, NULL, &d, &err), PPD_OK);
    if (d != NULL) {
        CHECK_EQ_INT(st, d->nrows, 4);
        CHECK_EQ_INT(st, d->rows[0].values[0], 520);
        CHECK_EQ_INT(st, d->rows[3].values[0], 1);
        test_diff_free(d);
    }
    ppd_profile_free(base);
    ppd_profile_free(cur);
}

/* The diff of the profile sy describes, alone (name names it); NULL,
 * a check failed, when it cannot be made. */
static struct ppd_diff *
synth_diff(struct check_state *st, struct synth *sy, const char *name)
{
    struct ppd_error err = {0};
    struct ppd_profile *p = synth_profile(sy, name);
    CHECK(st, p != NULL);
    if (p == NULL)
        return NULL;
    const struct ppd_profile *one[] = {p};
    struct ppd_diff *d = NULL;
    CHECK_EQ_INT(st, test_diff(one, 1, NULL, &d, &err), PPD_OK);
    ppd_profile_free(p);
    if (d == NULL)
        CHECK(st, false);
    return d;
}

/* Equal deltas are ordered by the stack text, root first. */
static void
test_ties(struct check_state *st)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "samples", "count");
    const char *names[] = {"leaf", "b.root", "a.root", "a.mid"};
    for (uint64_t i = 1; i <= 4; i++) {
        synth_function(&sy, i, names[i - 1]);
        uint64_t f[] = {i};
        synth_location(&sy, i, 0, 16 * i, 1, f);
    }
    int64_t v[] = {4};
    uint64_t s1[] = {1, 2}, s2[] = {1, 3}, s3[] = {1, 4, 3}, s4[] = {4, 3};
    synth_sample(&sy, 2, s1, 1, v);
    synth_sample(&sy, 2, s2, 1, v);
    synth_sample(&sy, 3, s3, 1, v);
    synth_sample(&sy, 2, s4, 1, v);
    struct ppd_diff *d = synth_diff(st, &sy, "ties.pb");
    if (d == NULL)
        return;
    if (d != NULL && d->nrows == 4) {
        /* Root first: a.root;a.mid < a.root;a.mid;leaf < a.root;leaf. */
        CHECK_EQ_STR(st, stack_text(d, &d->rows[0]), "a.mid < a.root");
        CHECK_EQ_STR(st, stack_text(d, &d->rows[1]),
                     "leaf < a.mid < a.root");
        CHECK_EQ_STR(st, stack_text(d, &d->rows[2]), "leaf < a.root");
        CHECK_EQ_STR(st, stack_text(d, &d->rows[3]), "leaf < b.root");
    } else {
        CHECK(st, false);
    }
    test_diff_free(d);
}

/* Inline frames expand innermost first; no symbols: file+offset. */
static void
test_frames(struct check_state *st)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "cpu", "nanoseconds");
    synth_function(&sy, 1, "inner");
    synth_function(&sy, 2, "outer");
    synth_mapping(&sy, 1, 0x400000, 0x500000, 0x1000, "/usr/lib/libx.so");
    uint64_t both[] = {1, 2};
    synth_location(&sy, 1, 0, 0x10, 2, both);
    synth_location(&sy, 2, 1, 0x400234, 0, NULL);
    synth_location(&sy, 3, 0, 0xdead, 0, NULL);
    uint64_t s[] = {2, 1, 3};
    int64_t v[] = {10};
    synth_sample(&sy, 3, s, 1, v);
    struct ppd_diff *d = synth_diff(st, &sy, "cpu.pb");
    if (d == NULL)
        return;
    if (d != NULL && d->nrows == 1) {
        CHECK_EQ_STR(st, stack_text(d, &d->rows[0]),
                     "libx.so+0x1234 < inner < outer < 0xdead");
        CHECK_EQ_INT(st, d->rows[0].nframes, 4);
    } else {
        CHECK(st, false);
    }
    test_diff_free(d);
}

/* The sample type must exist in every profile; the error lists both. */
static void
test_sample_choice(struct check_state *st)
{
    struct ppd_profile *g = leak_profile(1, 0x1000, 1, 1, 1, 0);
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "alloc_objects", "count");
    synth_sample_type(&sy, "inuse_space", "bytes");
    struct ppd_error err = {0};
    struct ppd_profile *h = synth_profile(&sy, "heap.pb");
    CHECK(st, g != NULL && h != NULL);
    if (g == NULL || h == NULL)
        return;
    const struct ppd_profile *ps[] = {g, h};
    struct ppd_diff *d = NULL;
    CHECK_EQ_INT(st, test_diff(ps, 2, NULL, &d, &err), PPD_ESAMPLE);
    CHECK(st, d == NULL);
    CHECK_EQ_STR(st, err.input, "leak.pb");
    CHECK_EQ_STR(st, err.msg,
                 "no sample type \"inuse_space\", the default of heap.pb: "
                 "profiles of different kinds? choose one with -s (leak.pb "
                 "offers goroutine; heap.pb offers alloc_objects,inuse_space)");
    struct test_opts opt = {.sample = "bogus"};
    CHECK_EQ_INT(st, test_diff(ps, 2, &opt, &d, &err), PPD_ESAMPLE);
    CHECK_EQ_STR(st, err.input, "heap.pb");
    CHECK_EQ_STR(st, err.msg,
                 "no sample type \"bogus\" (leak.pb offers goroutine; "
                 "heap.pb offers alloc_objects,inuse_space)");
    ppd_profile_free(g);
    ppd_profile_free(h);
}

/*
 * Two types with one name: the chosen column is used in every profile,
 * never looked up again by name alone; an unknown or numeric
 * default_sample_type falls back to the last type, as in pprof.
 */
static struct ppd_profile *
twin_types(const char *dflt)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "samples", "count");
    synth_sample_type(&sy, "samples", "nanoseconds");
    synth_function(&sy, 1, "main.f");
    uint64_t f[] = {1};
    synth_location(&sy, 1, 0, 16, 1, f);
    int64_t v[] = {3, 5000};
    synth_sample(&sy, 1, f, 2, v);
    if (dflt != NULL)
        pb_uint(&sy.body, 14, (uint64_t)S(&sy, dflt));
    return synth_profile(&sy, "twin.pb");
}

static void
test_type_choice(struct check_state *st)
{
    struct ppd_profile *a = twin_types(NULL);
    struct ppd_profile *bogus = twin_types("bogus");
    struct ppd_profile *numeric = twin_types("0");
    CHECK(st, a != NULL && bogus != NULL && numeric != NULL);
    if (a == NULL || bogus == NULL || numeric == NULL)
        return;
    CHECK_EQ_INT(st, ppd_profile_sample_index(bogus, NULL), 1);
    CHECK_EQ_INT(st, ppd_profile_sample_index(numeric, NULL), 1);
    const struct ppd_profile *ps[] = {a, a};
    struct ppd_diff *d = NULL;
    struct ppd_error err = {0};
    CHECK_EQ_INT(st, test_diff(ps, 2, NULL, &d, &err), PPD_OK);
    if (d != NULL) {
        CHECK_EQ_STR(st, d->sample_type.unit, "nanoseconds");
        CHECK_EQ_INT(st, d->totals[0], 5000);
        CHECK_EQ_INT(st, d->totals[1], 5000);
        test_diff_free(d);
    }
    struct test_opts first = {.sample = "0"};
    CHECK_EQ_INT(st, test_diff(ps, 2, &first, &d, &err), PPD_OK);
    if (d != NULL) {
        CHECK_EQ_STR(st, d->sample_type.unit, "count");
        CHECK_EQ_INT(st, d->totals[0], 3);
        test_diff_free(d);
    }
    ppd_profile_free(a);
    ppd_profile_free(bogus);
    ppd_profile_free(numeric);
}

/*
 * Ties among many stacks over 400 functions (frame ids past 127 take two
 * bytes, ids 128 apart share their first, and ids are handed out in
 * another order than the names'): every
 * row is at or before the next by its frames' names, root first, a
 * stack before those it begins.
 */
static void
test_many_ties(struct check_state *st)
{
    static char names[400][12];
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "samples", "count");
    for (uint64_t i = 0; i < 400; i++) {
        /* Location i + 1 (frame id i, ids following first use) runs
         * function i + 1, named so that ids 128 apart, whose varints
         * share their first byte, come next to each other and in the
         * other order of their second bytes. */
        snprintf(names[i], sizeof names[i], "f%03u_%u", (unsigned)(i % 128),
                 (unsigned)(9 - i / 128));
        synth_function(&sy, i + 1, names[i]);
        uint64_t f[] = {i + 1};
        synth_location(&sy, i + 1, 0, 16 * (i + 1), 1, f);
    }
    uint64_t x = 42, all[400];
    for (uint64_t i = 0; i < 400; i++)
        all[i] = 400 - i; /* one stack of every location first */
    int64_t v[] = {5};
    synth_sample(&sy, 400, all, 1, v);
    for (int k = 0; k < 3000; k++) {
        uint64_t locs[6];
        x = x * 6364136223846793005u + 1442695040888963407u;
        int depth = 1 + (int)((x >> 33) % 6);
        for (int j = 0; j < depth; j++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            /* A few roots, so that many stacks share their first frames. */
            locs[j] = j == depth - 1 ? 1 + (x >> 33) % 3 : 1 + (x >> 33) % 400;
        }
        synth_sample(&sy, depth, locs, 1, v);
    }
    struct ppd_diff *d = synth_diff(st, &sy, "many.pb");
    if (d == NULL)
        return;
    size_t bad = 0, prefix = 0;
    for (size_t i = 0; d != NULL && i + 1 < d->nrows; i++) {
        const struct ppd_diff_row *r = &d->rows[i], *q = &d->rows[i + 1];
        if (r->delta != q->delta)
            continue;
        uint32_t fr[512], fq[512];
        size_t nr = test_row_frames(d, r, fr, 512);
        size_t nq = test_row_frames(d, q, fq, 512);
        int c = 0;
        size_t k = 0;
        for (; k < nr && k < nq && c == 0; k++) /* root first */
            c = strcmp(test_frame(d, fr[nr - 1 - k]),
                       test_frame(d, fq[nq - 1 - k]));
        if (c == 0) {
            c = nr < nq ? -1 : nr > nq;
            prefix += nr < nq;
        }
        bad += c >= 0;
    }
    CHECK(st, d != NULL && d->nrows > 2000);
    CHECK_EQ_INT(st, bad, 0);
    CHECK(st, prefix > 0);
    /* The first 50 rows alone (kept in a bounded heap as the stacks go
     * by) are the full ranking's first 50, and every row is counted. */
    struct ppd_diff *t = NULL;
    struct ppd_diff_options top = {.top = 50};
    if (d != NULL)
        CHECK_EQ_INT(st, ppd_diff_compute(d->accum, &top, &t, NULL), PPD_OK);
    CHECK(st, t != NULL && t->nrows == 50);
    for (size_t i = 0; t != NULL && i < t->nrows && i < d->nrows; i++) {
        CHECK_EQ_INT(st, t->rows[i].stack, d->rows[i].stack);
        CHECK_EQ_INT(st, t->rows[i].culprit, d->rows[i].culprit);
    }
    if (t != NULL) {
        CHECK_EQ_INT(st, t->nsection[PPD_GROWING], d->nsection[PPD_GROWING]);
        CHECK_EQ_INT(st, t->nkept[PPD_GROWING], 50);
    }
    ppd_diff_free(t);
    test_diff_free(d);
}

struct keyed {
    uint32_t key, seq;
};

static int
cmp_key(const void *x, const void *y, void *ctx)
{
    const struct keyed *a = x, *b = y;
    (void)ctx;
    return a->key < b->key ? -1 : a->key > b->key;
}

/* A big array (sorted in two halves on two threads, then merged, when
 * there are two CPUs) comes out in the one stable order. */
static void
test_big_sort(struct check_state *st)
{
    size_t n = 200000;
    struct keyed *v = malloc(n * sizeof *v);
    CHECK(st, v != NULL);
    if (v == NULL)
        return;
    uint64_t x = 7;
    for (size_t i = 0; i < n; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        v[i].key = (uint32_t)((x >> 33) % 1000);
        v[i].seq = (uint32_t)i;
    }
    CHECK(st, ppd__sort(v, n, sizeof *v, cmp_key, NULL));
    size_t bad = 0;
    uint64_t seqs = v[n - 1].seq;
    for (size_t i = 0; i + 1 < n; i++) {
        bad += v[i].key > v[i + 1].key ||
               (v[i].key == v[i + 1].key && v[i].seq > v[i + 1].seq);
        seqs += v[i].seq;
    }
    CHECK_EQ_INT(st, bad, 0);
    CHECK(st, seqs == (uint64_t)n * (n - 1) / 2);
    free(v);
}

int
main(void)
{
    struct check_state st = {0};
    test_match_and_rank(&st);
    test_ties(&st);
    test_many_ties(&st);
    test_big_sort(&st);
    test_frames(&st);
    test_sample_choice(&st);
    test_type_choice(&st);
    return check_report("test_diff", &st);
}
