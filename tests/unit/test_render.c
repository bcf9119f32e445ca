/*
 * test_render.c - units for people, and the exact text and TSV layouts
 * that scripts and golden files depend on.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compat.h"
#include "synth.h"

#include "pprofdiff/render.h"

static void
test_values(struct check_state *st)
{
    char b[64];
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 0, "bytes", true), "0B");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 1023, "bytes", false),
                 "1023B");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 1536, "bytes", true),
                 "+1.50KiB");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, -(10ll << 20), "bytes",
                                      true),
                 "-10.0MiB");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 3ll << 30, "bytes", false),
                 "3.00GiB");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 999, "nanoseconds", false),
                 "999ns");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 1500, "nanoseconds", false),
                 "1.50µs");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 2500000, "nanoseconds",
                                      true),
                 "+2.50ms");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 12500000000ll,
                                      "nanoseconds", false),
                 "12.5s");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, 500, "count", true),
                 "+500");
    CHECK_EQ_STR(st, ppd_render_value(b, sizeof b, -3, "count", true), "-3");
    CHECK_EQ_STR(st, ppd_render_duration(b, sizeof b, 8200000000ll), "8.2s");
    CHECK_EQ_STR(st, ppd_render_duration(b, sizeof b, 125000000000ll),
                 "2m5s");
    CHECK_EQ_STR(st, ppd_render_duration(b, sizeof b, 7500ll * 1000000000),
                 "2h5m");
    CHECK_EQ_STR(st, ppd_render_duration(b, sizeof b, 100000ll * 1000000000),
                 "1d3h");
}

static struct ppd_profile *
profile(const char *name, int64_t t, int64_t a, int64_t b)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "inuse_space", "bytes");
    synth_function(&sy, 1, "runtime.mallocgc");
    synth_function(&sy, 2, "main.leak");
    synth_function(&sy, 3, "main.main");
    for (uint64_t i = 1; i <= 3; i++) {
        uint64_t f[] = {i};
        synth_location(&sy, i, 0, i * 16, 1, f);
    }
    uint64_t s1[] = {1, 2, 3}, s2[] = {1, 3};
    synth_sample(&sy, 3, s1, 1, &a);
    synth_sample(&sy, 2, s2, 1, &b);
    pb_uint(&sy.body, 9, (uint64_t)t);
    return synth_profile(&sy, name);
}

static char *
render(const struct ppd_diff *d, const struct ppd_render_options *o)
{
    char *out = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&out, &n);
    if (fp == NULL)
        return NULL;
    struct ppd_error err = {0};
    if (ppd_render(fp, d, o, &err) != PPD_OK) {
        fclose(fp);
        free(out);
        return NULL;
    }
    fclose(fp);
    return out;
}

static void
test_layouts(struct check_state *st)
{
    /* Two hours apart: 1 MiB grew to 3 MiB, 4 KiB shrank to 1 KiB. */
    int64_t t0 = 1700000000ll * 1000000000, t1 = t0 + 7200ll * 1000000000;
    struct ppd_profile *a = profile("a.pb", t0, 1 << 20, 4096);
    struct ppd_profile *b = profile("b.pb", t1, 3 << 20, 1024);
    CHECK(st, a != NULL && b != NULL);
    if (a == NULL || b == NULL)
        return;
    const struct ppd_profile *ps[] = {a, b};
    struct ppd_diff *d = NULL;
    struct ppd_error err = {0};
    CHECK_EQ_INT(st, test_diff(ps, 2, NULL, &d, &err), PPD_OK);
    if (d == NULL)
        return;
    struct ppd_render_options tsv = {.format = PPD_FORMAT_TSV};
    char *out = render(d, &tsv);
    CHECK_EQ_STR(st, out,
                 "delta\tbase\tcur\tstack\tculprit\tgrowth\n"
                 "2097152\t1048576\t3145728\t"
                 "main.main;main.leak;runtime.mallocgc\tmain.leak\t+200%\n"
                 "-3072\t4096\t1024\tmain.main;runtime.mallocgc\tmain.main"
                 "\t-75.0%\n");
    free(out);
    tsv.hide_shrinking = true;
    out = render(d, &tsv);
    CHECK_EQ_STR(st, out,
                 "delta\tbase\tcur\tstack\tculprit\tgrowth\n"
                 "2097152\t1048576\t3145728\t"
                 "main.main;main.leak;runtime.mallocgc\tmain.leak\t+200%\n");
    free(out);

    struct ppd_render_options text = {0};
    out = render(d, &text);
    CHECK_EQ_STR(
        st, out,
        "profile: heap   sample: inuse_space (bytes)\n"
        "base:    a.pb   2023-11-14 22:13:20 UTC\n"
        "cur:     b.pb   2023-11-15 00:13:20 UTC   (+2h0m later)\n"
        "total:   +2.00MiB (1.00MiB -> 3.00MiB, +199%)   rate +1022.5KiB/h\n"
        "stacks:  1 growing, 1 shrinking, 0 unchanged\n"
        "\n"
        "growing (1 stack)\n"
        "rank     delta     base      cur  growth  culprit    stack (leaf "
        "< ... < root)\n"
        "   1  +2.00MiB  1.00MiB  3.00MiB   +200%  main.leak  "
        "runtime.mallocgc < main.leak < main.main\n"
        "\n"
        "shrinking (1 stack)\n"
        "rank     delta     base      cur  growth  culprit    stack (leaf "
        "< ... < root)\n"
        "   1  -3.00KiB  4.00KiB  1.00KiB  -75.0%  main.main  "
        "runtime.mallocgc < main.main\n");
    free(out);
    /* --top 1 with a single input: the rest is counted, not dropped. */
    test_diff_free(d);
    const struct ppd_profile *one[] = {b};
    CHECK_EQ_INT(st, test_diff(one, 1, NULL, &d, &err), PPD_OK);
    text.top = 1;
    out = render(d, &text);
    CHECK(st, out != NULL && strstr(out, "total:   3.00MiB in 2 stacks\n"));
    CHECK(st, out != NULL &&
                  strstr(out, "   1  3.00MiB  100.0%  main.leak  "
                              "runtime.mallocgc < main.leak < main.main\n"));
    CHECK(st, out != NULL &&
                  strstr(out, "... 1 more stack (-n 0 shows all)\n"));
    free(out);
    test_diff_free(d);
    ppd_profile_free(a);
    ppd_profile_free(b);
}

/* Extreme times and values print without overflow; negatives show. */
static void
test_extremes(struct check_state *st)
{
    struct ppd_profile *a = profile("a.pb", -9000000000000000000ll, 1, 1);
    struct ppd_profile *b = profile("b.pb", 9000000000000000000ll, 2, 2);
    struct ppd_profile *c = profile("c.pb", 9000000000000000001ll,
                                    (int64_t)1 << 60, -3);
    CHECK(st, a != NULL && b != NULL && c != NULL);
    if (a == NULL || b == NULL || c == NULL)
        return;
    const struct ppd_profile *far[] = {a, b};
    struct ppd_diff *d = NULL;
    struct ppd_error err = {0};
    struct ppd_render_options text = {0};
    CHECK_EQ_INT(st, test_diff(far, 2, NULL, &d, &err), PPD_OK);
    char *out = render(d, &text);
    /* The span does not fit in 64 bits: neither it nor a rate is shown. */
    CHECK(st, out != NULL && strstr(out, "later") == NULL &&
                  strstr(out, "rate") == NULL);
    free(out);
    test_diff_free(d);
    const struct ppd_profile *near[] = {b, c};
    CHECK_EQ_INT(st, test_diff(near, 2, NULL, &d, &err), PPD_OK);
    out = render(d, &text);
    /* 1 ns apart, +1 EiB: the rate does not fit either. */
    CHECK(st, out != NULL && strstr(out, "(+0.0s later)") != NULL &&
                  strstr(out, "rate") == NULL);
    free(out);
    test_diff_free(d);
    const struct ppd_profile *one[] = {c};
    CHECK_EQ_INT(st, test_diff(one, 1, NULL, &d, &err), PPD_OK);
    out = render(d, &text);
    CHECK(st, out != NULL && strstr(out, "negative values (1 stack)\n"));
    CHECK(st, out != NULL && strstr(out, "-3B  -0.0%  main.main  "));
    free(out);
    test_diff_free(d);
    ppd_profile_free(a);
    ppd_profile_free(b);
    ppd_profile_free(c);
}

/* printf's own rounding, as the reference for the scaled values. */
static void
reference_value(char *buf, size_t n, uint64_t a, bool bytes)
{
    static const char *const bsuf[] = {"B", "KiB", "MiB", "GiB", "TiB",
                                       "PiB", "EiB"};
    double x = (double)a;
    const char *suf;
    if (bytes) {
        size_t i = 0;
        while (x >= 1024 && i + 1 < 7) {
            x /= 1024;
            i++;
        }
        suf = bsuf[i];
        if (i == 0) {
            snprintf(buf, n, "%" PRIu64 "B", a);
            return;
        }
    } else if (x >= 1e9) {
        x /= 1e9;
        suf = "s";
    } else if (x >= 1e6) {
        x /= 1e6;
        suf = "ms";
    } else if (x >= 1e3) {
        x /= 1e3;
        suf = "\xc2\xb5s";
    } else {
        snprintf(buf, n, "%" PRIu64 "ns", a);
        return;
    }
    snprintf(buf, n, "%.*f%s", x < 10 ? 2 : 1, x, suf);
}

/* Scaled values print exactly as printf rounds them, halves included. */
static void
test_value_rounding(struct check_state *st)
{
    uint64_t r = 0x9e3779b97f4a7c15u;
    char got[64], want[64];
    int bad = 0;
    for (int i = 0; i < 200000; i++) {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        uint64_t a;
        switch (i % 4) {
        case 0: a = r >> (r % 60); break;           /* any size */
        case 1: a = (r % 100000) * 1024 / 200 + 5;  /* near halves in KiB */
            a = a * 1024 / 1000; break;
        case 2: a = (r % 2000000) * 5;               /* x.xx5 in µs/ms */
            break;
        default: a = r % 20000000; break;
        }
        for (int u = 0; u < 2; u++) {
            ppd_render_value(got, sizeof got, (int64_t)(a >> 1),
                             u ? "bytes" : "nanoseconds", false);
            reference_value(want, sizeof want, a >> 1, u);
            if (strcmp(got, want) != 0 && bad++ < 5)
                fprintf(stderr, "value %" PRIu64 " %s: %s, printf %s\n",
                        a >> 1, u ? "bytes" : "ns", got, want);
        }
    }
    /* Exact halves at both precisions. */
    uint64_t halves[] = {1536 + 5, 10 * 1024 + 51, 1005, 1015, 2005000,
                         12345, 1125, 9995, 10050, 1024 * 1024 * 5 / 2};
    for (size_t i = 0; i < sizeof halves / sizeof halves[0]; i++)
        for (int u = 0; u < 2; u++) {
            ppd_render_value(got, sizeof got, (int64_t)halves[i],
                             u ? "bytes" : "nanoseconds", false);
            reference_value(want, sizeof want, halves[i], u);
            CHECK_EQ_STR(st, got, want);
        }
    CHECK_EQ_INT(st, bad, 0);
}

/* A flame graph built beforehand draws what one built while rendering
 * does; one of another width is not used. */
static void
test_prebuilt_flame(struct check_state *st)
{
    struct ppd_profile *base = profile("base.pb", 0, 1 << 20, 4096);
    struct ppd_profile *cur = profile("cur.pb", 0, 3 << 20, 1024);
    CHECK(st, base != NULL && cur != NULL);
    if (base == NULL || cur == NULL)
        return;
    const struct ppd_profile *ps[] = {base, cur};
    struct ppd_accum *a = NULL;
    struct ppd_diff *d = NULL;
    struct ppd_error err = {0};
    CHECK_EQ_INT(st, ppd_accum_profiles(ps, 2, NULL, &a, &err), PPD_OK);
    CHECK_EQ_INT(st, ppd_diff_compute(a, NULL, &d, &err), PPD_OK);
    for (int f = PPD_FORMAT_SVG; d != NULL && f <= PPD_FORMAT_HTML; f++) {
        struct ppd_render_options o = {.format = (enum ppd_format)f};
        struct ppd_flame *fl = NULL, *base_w = NULL;
        CHECK_EQ_INT(st, ppd_flame_new(a, PPD_FLAME_CUR, &fl, &err), PPD_OK);
        CHECK_EQ_INT(st, ppd_flame_new(a, PPD_FLAME_BASE, &base_w, &err),
                     PPD_OK);
        char *own = render(d, &o);
        o.flame = fl;
        char *pre = render(d, &o);
        o.flame = base_w; /* of another width: built afresh */
        char *other = render(d, &o);
        CHECK(st, own != NULL && pre != NULL && other != NULL);
        if (own != NULL && pre != NULL && other != NULL) {
            CHECK(st, strstr(own, "main.leak") != NULL);
            CHECK(st, strcmp(own, pre) == 0);
            CHECK(st, strcmp(own, other) == 0);
        }
        free(own);
        free(pre);
        free(other);
        ppd_flame_free(fl);
        ppd_flame_free(base_w);
    }
    ppd_diff_free(d);
    ppd_accum_free(a);
    ppd_profile_free(base);
    ppd_profile_free(cur);
}

/*
 * A flame graph started on the current side alone (ppd_flame_start)
 * while the base is added, then finished, draws what ppd_flame_new
 * draws: on real pairs both ways round, so that the base has stacks of
 * its own (their frames' values, and the frames too narrow to draw that
 * they would have added, counted in the legend).
 */
static void
test_started_flame(struct check_state *st, const char *root)
{
    static const char *const pairs[][2] = {
        {"goroutine-0", "goroutine-2"}, {"goroutine-2", "goroutine-0"},
        {"heap-0", "heap-2"},           {"heap-2", "heap-0"},
        {"mutex-0", "mutex-2"},         {"allocs-2", "allocs-0"},
    };
    size_t hidden_pairs = 0;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        struct ppd_profile *ps[2] = {leak_fixture(root, pairs[i][0]),
                                     leak_fixture(root, pairs[i][1])};
        struct ppd_error err = {0};
        CHECK(st, ps[0] != NULL && ps[1] != NULL);
        if (ps[0] == NULL || ps[1] == NULL) {
            ppd_profile_free(ps[0]);
            ppd_profile_free(ps[1]);
            continue;
        }
        /* As the CLI adds them: the current side first. */
        const struct ppd_value_type *ty =
            &ps[1]->sample_types[ps[1]->nsample_types - 1];
        struct ppd_accum *a = NULL;
        struct ppd_flame *started = NULL;
        struct ppd_accum_stacks snap;
        CHECK_EQ_INT(st, ppd_accum_new(2, ty, NULL, &a, &err), PPD_OK);
        CHECK_EQ_INT(st, ppd_accum_add(a, 1, ps[1], &err), PPD_OK);
        uint64_t most = 0, frames = ppd_profile_frames(ps[0], &most);
        CHECK(st, frames > 0 && most > 0 && most <= frames);
        CHECK_EQ_INT(st, ppd_accum_reserve_for(a, ps[0], frames, most, &err),
                     PPD_OK);
        ppd_accum_stacks_now(a, &snap);
        CHECK_EQ_INT(st, ppd_flame_start(&snap, &started, &err), PPD_OK);
        CHECK_EQ_INT(st, ppd_accum_add(a, 0, ps[0], &err), PPD_OK);
        /* The base's arrays did not move while it was added. */
        struct ppd_accum_stacks after;
        ppd_accum_stacks_now(a, &after);
        CHECK(st, after.pool == snap.pool && after.vals == snap.vals &&
                      after.off == snap.off && after.depth == snap.depth);
        hidden_pairs += after.n > snap.n;
        CHECK_EQ_INT(st, ppd_flame_finish(started, a, &err), PPD_OK);
        struct ppd_diff *d = NULL;
        CHECK_EQ_INT(st, ppd_diff_compute(a, NULL, &d, &err), PPD_OK);
        struct ppd_render_options o = {.format = PPD_FORMAT_SVG};
        char *own = d ? render(d, &o) : NULL;
        o.flame = started;
        char *pre = d ? render(d, &o) : NULL;
        CHECK(st, own != NULL && pre != NULL);
        if (own != NULL && pre != NULL) {
            CHECK(st, strstr(own, "<g class=\"f\"") != NULL);
            if (strcmp(own, pre) != 0)
                fprintf(stderr, "%s -> %s: started flame graph differs\n",
                        pairs[i][0], pairs[i][1]);
            CHECK(st, strcmp(own, pre) == 0);
        }
        free(own);
        free(pre);
        ppd_diff_free(d);
        ppd_flame_free(started);
        ppd_accum_free(a);
        ppd_profile_free(ps[0]);
        ppd_profile_free(ps[1]);
    }
    /* Some base had stacks the current side lacks. */
    CHECK(st, hidden_pairs > 0);
}

int
main(int argc, char **argv)
{
    struct check_state st = {0};
    test_values(&st);
    test_layouts(&st);
    test_extremes(&st);
    test_value_rounding(&st);
    test_prebuilt_flame(&st);
    test_started_flame(&st, argc > 1 ? argv[1] : ".");
    return check_report("test_render", &st);
}
