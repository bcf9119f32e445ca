/*
 * test_decode.c - the decoder: every field of the format, merging, gzip
 * (single and multi-member), packed and unpacked repeats, and the errors
 * that name the record at fault. Real captured fixtures are read from the
 * source tree given as argv[1].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synth.h"

#include "pprofdiff/decode.h"
#include "pprofdiff/profile.h"

static const char *srcdir = ".";

/* A goroutine-like profile with an inline location and an empty stack. */
static struct pb
sample_profile(void)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "goroutine", "count");
    uint64_t s1[] = {10, 20};
    int64_t v5[] = {5}, v7[] = {7}, v3[] = {3};
    /* Samples before the tables they reference. */
    synth_sample(&sy, 2, s1, 1, v5);
    synth_sample(&sy, 2, s1, 1, v7); /* same stack: merged */
    synth_sample(&sy, 0, NULL, 1, v3); /* no stack */
    synth_function(&sy, 1, "runtime.gopark");
    synth_function(&sy, 2, "pool.(*ConnPool).reaper");
    synth_function(&sy, 3, "pool.NewConnPool.func1");
    uint64_t f1[] = {1}, f23[] = {2, 3};
    synth_mapping(&sy, 7, 0x400000, 0x800000, 0, "/bin/leakd");
    synth_location(&sy, 10, 7, 0x401000, 1, f1);
    synth_location(&sy, 20, 7, 0x402000, 2, f23); /* 2 inlined into 3 */
    struct pb *b = &sy.body;
    pb_uint(b, 9, 1700000000000000000ull);   /* time_nanos */
    pb_uint(b, 10, 30000000000ull);          /* duration_nanos */
    struct pb pt = {0};
    pb_uint(&pt, 1, (uint64_t)S(&sy, "goroutine"));
    pb_uint(&pt, 2, (uint64_t)S(&sy, "count"));
    pb_msg(b, 11, &pt);                      /* period_type */
    pb_uint(b, 12, 1);                       /* period */
    pb_uint(b, 13, (uint64_t)S(&sy, "first comment"));
    pb_uint(b, 13, (uint64_t)S(&sy, "second comment"));
    pb_uint(b, 14, (uint64_t)S(&sy, "goroutine")); /* default_sample_type */
    pb_uint(b, 15, (uint64_t)S(&sy, "https://example.invalid/doc"));
    pb_uint(b, 7, (uint64_t)S(&sy, "^runtime\\.")); /* drop_frames */
    pb_uint(b, 8, (uint64_t)S(&sy, "^main\\."));    /* keep_frames */
    return synth_finish(&sy);
}

static void
check_sample_profile(struct check_state *st, const struct ppd_profile *p)
{
    CHECK_EQ_INT(st, p->nsample_types, 1);
    CHECK_EQ_STR(st, p->sample_types[0].type, "goroutine");
    CHECK_EQ_STR(st, p->sample_types[0].unit, "count");
    CHECK_EQ_INT(st, p->nsamples_read, 3);
    CHECK_EQ_INT(st, p->nsamples, 2);
    CHECK_EQ_INT(st, ppd_profile_total(p, 0), 15);
    CHECK_EQ_INT(st, p->time_nanos, 1700000000000000000ll);
    CHECK_EQ_INT(st, p->duration_nanos, 30000000000ll);
    CHECK_EQ_STR(st, p->period_type.type, "goroutine");
    CHECK_EQ_INT(st, p->period, 1);
    CHECK_EQ_INT(st, p->ncomments, 2);
    if (p->ncomments == 2) {
        CHECK_EQ_STR(st, p->comments[0], "first comment");
        CHECK_EQ_STR(st, p->comments[1], "second comment");
    }
    CHECK_EQ_STR(st, p->default_sample_type, "goroutine");
    CHECK_EQ_STR(st, p->doc_url, "https://example.invalid/doc");
    CHECK_EQ_STR(st, p->drop_frames, "^runtime\\.");
    CHECK_EQ_STR(st, p->keep_frames, "^main\\.");
    CHECK_EQ_INT(st, p->nmappings, 1);
    CHECK_EQ_STR(st, p->mappings[0].filename.ptr, "/bin/leakd");
    CHECK_EQ_INT(st, p->nlocations, 2);
    CHECK_EQ_INT(st, p->nfunctions, 3);
    for (size_t i = 0; i < p->nsamples; i++) {
        const struct ppd_sample *s = &p->samples[i];
        uint32_t locs[8];
        size_t n = ppd_sample_locations(p, s, locs, 8);
        CHECK_EQ_INT(st, n, ppd_sample_locations(p, s, NULL, 0));
        if (n == 0) {
            CHECK_EQ_INT(st, ppd_sample_values(p, i)[0], 3);
            continue;
        }
        CHECK_EQ_INT(st, ppd_sample_values(p, i)[0], 12);
        CHECK_EQ_INT(st, n, 2);
        const struct ppd_location *leaf = &p->locations[locs[0]];
        const struct ppd_location *caller = &p->locations[locs[1]];
        CHECK_EQ_INT(st, leaf->id, 10);
        CHECK_EQ_INT(st, caller->id, 20);
        CHECK_EQ_INT(st, caller->nlines, 2);
        CHECK_EQ_STR(st, caller->lines[0].function->name.ptr,
                     "pool.(*ConnPool).reaper");
        CHECK_EQ_STR(st, caller->lines[1].function->name.ptr,
                     "pool.NewConnPool.func1");
        CHECK_EQ_INT(st, caller->lines[1].line, 11);
        CHECK(st, caller->mapping == &p->mappings[0]);
    }
}

static void
test_fields_and_merge(struct check_state *st)
{
    struct pb b = sample_profile();
    struct ppd_error err = {0};
    struct ppd_profile *p = synth_decode(&b, "synth.pb", &err);
    CHECK(st, p != NULL);
    if (p != NULL) {
        check_sample_profile(st, p);
        CHECK_EQ_STR(st, p->name, "synth.pb");
        CHECK(st, !p->gzipped);
        CHECK_EQ_INT(st, p->raw_bytes, b.len);
    }
    ppd_profile_free(p);

    /* The same bytes gzipped, then as two gzip members. */
    unsigned char *gz = NULL;
    size_t n = pb_gzip(&b, &gz);
    p = NULL;
    CHECK_EQ_INT(st, ppd_decode_buffer(gz, n, "synth.pb.gz", NULL, &p, &err),
                 PPD_OK);
    if (p != NULL) {
        check_sample_profile(st, p);
        CHECK(st, p->gzipped);
    }
    ppd_profile_free(p);
    free(gz);

    struct pb h1 = {0}, h2 = {0};
    pb_raw(&h1, b.buf, b.len / 2);
    pb_raw(&h2, b.buf + b.len / 2, b.len - b.len / 2);
    unsigned char *g1 = NULL, *g2 = NULL;
    size_t n1 = pb_gzip(&h1, &g1), n2 = pb_gzip(&h2, &g2);
    struct pb both = {0};
    pb_raw(&both, g1, n1);
    pb_raw(&both, g2, n2);
    p = NULL;
    CHECK_EQ_INT(st, ppd_decode_buffer(both.buf, both.len, "multi.pb.gz",
                                       NULL, &p, &err),
                 PPD_OK);
    if (p != NULL)
        check_sample_profile(st, p);
    ppd_profile_free(p);

    /* Streamed from a FILE, gzipped, in small reads. */
    FILE *fp = tmpfile();
    CHECK(st, fp != NULL);
    if (fp != NULL) {
        fwrite(both.buf, 1, both.len, fp);
        rewind(fp);
        p = NULL;
        CHECK_EQ_INT(st, ppd_decode_stream(fp, "stream", NULL, &p, &err),
                     PPD_OK);
        if (p != NULL)
            check_sample_profile(st, p);
        ppd_profile_free(p);
        fclose(fp);
    }
    free(g1);
    free(g2);
    free(h1.buf);
    free(h2.buf);
    free(both.buf);
    free(b.buf);
}

/* Unpacked repeats decode like packed ones; labels keep their units. */
static void
test_unpacked_and_labels(struct check_state *st)
{
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "alloc_objects", "count");
    synth_sample_type(&sy, "alloc_space", "bytes");
    synth_function(&sy, 1, "main.alloc");
    uint64_t f1[] = {1};
    synth_location(&sy, 1, 0, 0x10, 1, f1);
    struct pb m = {0};
    pb_uint(&m, 1, 1); /* location_id, unpacked */
    pb_uint(&m, 2, 2); /* value, unpacked */
    pb_uint(&m, 2, 1024);
    struct pb l = {0};
    pb_uint(&l, 1, (uint64_t)S(&sy, "bytes"));
    pb_uint(&l, 3, 512);
    pb_uint(&l, 4, (uint64_t)S(&sy, "bytes"));
    pb_msg(&m, 3, &l);
    struct pb l2 = {0};
    pb_uint(&l2, 1, (uint64_t)S(&sy, "handler"));
    pb_uint(&l2, 2, (uint64_t)S(&sy, "job"));
    pb_msg(&m, 3, &l2);
    pb_msg(&sy.body, 2, &m);
    /* An empty packed field is valid protobuf: a sample without a stack,
     * its values in two packed runs, one of them empty. */
    struct pb e = {0};
    pb_bytes(&e, 1, "", 0);
    uint64_t one[] = {1};
    pb_packed(&e, 2, one, 1);
    pb_bytes(&e, 2, "", 0);
    uint64_t two[] = {2048};
    pb_packed(&e, 2, two, 1);
    pb_msg(&sy.body, 2, &e);
    struct pb b = synth_finish(&sy);
    struct ppd_error err = {0};
    struct ppd_profile *p = synth_decode(&b, "labels.pb", &err);
    CHECK(st, p != NULL);
    CHECK(st, p != NULL && p->nsamples == 2);
    if (p != NULL && p->nsamples == 2) {
        const struct ppd_sample *e2 = &p->samples[1];
        CHECK_EQ_INT(st, e2->stack_len, 0);
        CHECK_EQ_INT(st, ppd_sample_values(p, 1)[0], 1);
        CHECK_EQ_INT(st, ppd_sample_values(p, 1)[1], 2048);
        CHECK_EQ_INT(st, e2->labelset, PPD_NO_LABELS);
        const struct ppd_sample *s = &p->samples[0];
        CHECK_EQ_INT(st, ppd_sample_locations(p, s, NULL, 0), 1);
        CHECK_EQ_INT(st, ppd_sample_values(p, 0)[0], 2);
        CHECK_EQ_INT(st, ppd_sample_values(p, 0)[1], 1024);
        CHECK_EQ_INT(st, p->nlabelsets, 1);
        CHECK_EQ_INT(st, s->labelset, 0);
        const struct ppd_labelset *ls =
            s->labelset < p->nlabelsets ? &p->labelsets[s->labelset] : NULL;
        CHECK(st, ls != NULL && ls->nlabels == 2);
        if (ls != NULL && ls->nlabels == 2) {
            CHECK_EQ_STR(st, ls->labels[0].key.ptr, "bytes");
            CHECK_EQ_INT(st, ls->labels[0].num, 512);
            CHECK_EQ_STR(st, ls->labels[0].unit.ptr, "bytes");
            CHECK_EQ_STR(st, ls->labels[1].key.ptr, "handler");
            CHECK_EQ_STR(st, ls->labels[1].str.ptr, "job");
        }
        /* pprof's default: the last sample type. */
        CHECK_EQ_INT(st, ppd_profile_sample_index(p, NULL), 1);
        CHECK_EQ_INT(st, ppd_profile_sample_index(p, "alloc_objects"), 0);
        CHECK_EQ_INT(st, ppd_profile_sample_index(p, "0"), 0);
        CHECK_EQ_INT(st, ppd_profile_sample_index(p, "2"), -1);
        CHECK_EQ_INT(st, ppd_profile_sample_index(p, "inuse_space"), -1);
    }
    ppd_profile_free(p);
    free(b.buf);
}

/* Decode bytes expecting failure; check the code and the message. */
static void
expect_error(struct check_state *st, const struct pb *b, const char *name,
             const struct ppd_decode_options *opt, enum ppd_status code,
             const char *msg)
{
    struct ppd_error err = {0};
    struct ppd_profile *p = (struct ppd_profile *)&err; /* must be reset */
    CHECK_EQ_INT(st, ppd_decode_buffer(b->buf, b->len, name, opt, &p, &err),
                 code);
    CHECK(st, p == NULL);
    CHECK_EQ_INT(st, err.code, code);
    CHECK_EQ_STR(st, err.input, name);
    CHECK_EQ_STR(st, err.msg, msg);
}

static void
test_errors(struct check_state *st)
{
    /* A dangling location id, reported for the first sample using it. */
    struct synth sy;
    synth_init(&sy);
    synth_sample_type(&sy, "samples", "count");
    synth_function(&sy, 1, "main.f");
    uint64_t f1[] = {1};
    synth_location(&sy, 1, 0, 0x10, 1, f1);
    uint64_t ok[] = {1}, bad[] = {1, 912};
    int64_t v[] = {1};
    synth_sample(&sy, 1, ok, 1, v);
    synth_sample(&sy, 2, bad, 1, v);
    struct pb b = synth_finish(&sy);
    expect_error(st, &b, "cur.pb", NULL, PPD_ECORRUPT,
                 "sample 1: location id 912 not defined");
    free(b.buf);

    /* One value for two sample types. */
    synth_init(&sy);
    synth_sample_type(&sy, "alloc_objects", "count");
    synth_sample_type(&sy, "alloc_space", "bytes");
    synth_sample(&sy, 0, NULL, 1, v);
    b = synth_finish(&sy);
    expect_error(st, &b, "x.pb", NULL, PPD_ECORRUPT,
                 "sample 0: 1 value, but the profile has 2 sample types");
    free(b.buf);

    /* A function name past the string table. */
    synth_init(&sy);
    synth_sample_type(&sy, "samples", "count");
    struct pb m = {0};
    pb_uint(&m, 1, 1);
    pb_uint(&m, 2, 99);
    pb_msg(&sy.body, 5, &m);
    b = synth_finish(&sy);
    char msg[128];
    snprintf(msg, sizeof msg,
             "function 0 (id 1): name string index 99 out of range (string "
             "table has %d entries)",
             sy.nstr);
    expect_error(st, &b, "x.pb", NULL, PPD_ECORRUPT, msg);
    free(b.buf);

    /* A location line naming an undefined function. */
    synth_init(&sy);
    synth_sample_type(&sy, "samples", "count");
    uint64_t f7[] = {7};
    synth_location(&sy, 3, 0, 0x10, 1, f7);
    b = synth_finish(&sy);
    expect_error(st, &b, "x.pb", NULL, PPD_ECORRUPT,
                 "location 0 (id 3): line 0: function id 7 not defined");
    free(b.buf);

    /* Length past the end, and an 11-byte varint. */
    struct pb t = {0};
    unsigned char trunc[] = {0x0a, 0x20, 0x08, 0x01};
    pb_raw(&t, trunc, sizeof trunc);
    expect_error(st, &t, "t.pb", NULL, PPD_EPROTO,
                 "sample_type at byte 0: length 32 is past the end of the "
                 "input (4 bytes)");
    free(t.buf);
    struct pb w = {0};
    unsigned char longv[] = {0x48, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                             0xff, 0xff, 0xff, 0xff, 0x01};
    pb_raw(&w, longv, sizeof longv);
    expect_error(st, &w, "v.pb", NULL, PPD_EPROTO,
                 "time_nanos at byte 1: varint longer than 10 bytes");
    free(w.buf);

    /* Text is not a profile, and an empty input is not either. */
    struct pb html = {0};
    const char *page = "<!DOCTYPE html><html><body>502 Bad Gateway</body>";
    pb_raw(&html, page, strlen(page));
    expect_error(st, &html, "page", NULL, PPD_ENOTPROF,
                 "not a pprof profile: input is HTML: \"<!DOCTYPE "
                 "html><html><body>502 Bad Gateway<...\"");
    free(html.buf);
    struct pb empty = {0};
    expect_error(st, &empty, "empty", NULL, PPD_ENOTPROF,
                 "empty input: not a profile");

    /* The inflated-size cap holds for gzip and raw input alike. */
    struct pb big = {0};
    unsigned char zeros[4096] = {0};
    for (int i = 0; i < 64; i++)
        pb_raw(&big, zeros, sizeof zeros);
    unsigned char *gz = NULL;
    struct pb gzb = {0};
    gzb.len = pb_gzip(&big, &gz);
    gzb.buf = gz;
    struct ppd_decode_options small = {.max_bytes = 10000};
    expect_error(st, &gzb, "bomb.gz", &small, PPD_ETOOBIG,
                 "inflated size exceeds the limit of 10000 bytes (raise it "
                 "with --max-bytes)");
    expect_error(st, &big, "big.pb", &small, PPD_ETOOBIG,
                 "size exceeds the limit of 10000 bytes (raise it with "
                 "--max-bytes)");
    free(gz);
    free(big.buf);
}

/* Every captured fixture decodes, and its kind reads as its endpoint. */
static void
test_fixtures(struct check_state *st)
{
    static const struct {
        const char *file, *kind, *default_type;
        size_t ntypes;
    } cases[] = {
        {"goroutine-0.pb.gz", "goroutine", "goroutine", 1},
        {"heap-2.pb.gz", "heap", "inuse_space", 4},
        {"allocs-1.pb.gz", "allocs", "alloc_space", 4},
        {"cpu.pb.gz", "cpu", "cpu", 2},
        {"block-1.pb.gz", "block", "delay", 2},
        {"mutex-1.pb.gz", "mutex", "delay", 2},
        {"threadcreate-0.pb.gz", "threadcreate", "threadcreate", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/testdata/leak/%s", srcdir,
                 cases[i].file);
        struct ppd_profile *p = NULL;
        struct ppd_error err = {0};
        enum ppd_status rc = ppd_decode_file(path, NULL, &p, &err);
        CHECK_EQ_INT(st, rc, PPD_OK);
        if (rc != PPD_OK) {
            fprintf(stderr, "  %s: %s\n", path, err.msg);
            continue;
        }
        CHECK_EQ_STR(st, ppd_profile_kind(p), cases[i].kind);
        CHECK_EQ_INT(st, p->nsample_types, cases[i].ntypes);
        long idx = ppd_profile_sample_index(p, NULL);
        CHECK(st, idx >= 0);
        if (idx >= 0)
            CHECK_EQ_STR(st, p->sample_types[idx].type,
                         cases[i].default_type);
        CHECK(st, p->nsamples > 0);
        CHECK(st, p->time_nanos > 0);
        CHECK(st, p->gzipped);
        ppd_profile_free(p);
    }
    /* A missing file names itself. */
    struct ppd_profile *p = NULL;
    struct ppd_error err = {0};
    CHECK_EQ_INT(st, ppd_decode_file("no/such.pb.gz", NULL, &p, &err),
                 PPD_EIO);
    CHECK_EQ_STR(st, err.input, "no/such.pb.gz");
    CHECK_EQ_STR(st, err.msg, "cannot open: No such file or directory");
}

int
main(int argc, char **argv)
{
    struct check_state st = {0};
    if (argc > 1)
        srcdir = argv[1];
    test_fields_and_merge(&st);
    test_unpacked_and_labels(&st);
    test_errors(&st);
    test_fixtures(&st);
    return check_report("test_decode", &st);
}
