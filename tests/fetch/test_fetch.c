/*
 * test_fetch.c - unit tests of the network-free parts of fetch.c: remote
 * spec detection, URL building, secret masking and atomic saving.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/fetch_int.h"
#include "pprofdiff/fetch.h"

static int failures;

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__,        \
                    __LINE__, #cond);                                     \
            failures++;                                                   \
        }                                                                 \
    } while (0)

#define CHECK_STR(got, want)                                              \
    do {                                                                  \
        const char *g_ = (got);                                           \
        const char *w_ = (want);                                          \
        if (g_ == NULL || strcmp(g_, w_) != 0) {                          \
            fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, \
                    __LINE__, g_ ? g_ : "(null)", w_);                    \
            failures++;                                                   \
        }                                                                 \
    } while (0)

static void
test_is_remote(void)
{
    CHECK(ppd_fetch_is_remote("http://h/x"));
    CHECK(ppd_fetch_is_remote("HTTPS://h"));
    CHECK(ppd_fetch_is_remote("10.0.0.5:6060"));
    CHECK(ppd_fetch_is_remote("localhost:6060/debug/pprof/heap"));
    CHECK(ppd_fetch_is_remote("[::1]:6060"));
    CHECK(ppd_fetch_is_remote("svc-a.internal:80"));
    CHECK(!ppd_fetch_is_remote(NULL));
    CHECK(!ppd_fetch_is_remote("heap.pb.gz"));
    CHECK(!ppd_fetch_is_remote("-"));
    CHECK(!ppd_fetch_is_remote("./host:6060"));
    CHECK(!ppd_fetch_is_remote("dir/host:6060"));
    CHECK(!ppd_fetch_is_remote("host:0"));
    CHECK(!ppd_fetch_is_remote("host:65536"));
    CHECK(!ppd_fetch_is_remote("host:12x"));
    CHECK(!ppd_fetch_is_remote("file:///etc/passwd"));
    CHECK(!ppd_fetch_is_remote("ftp://h/x"));
}

static void
check_url(const char *spec, const char *type, long secs, const char *want)
{
    char *url = NULL;
    struct ppd_error err = {0};
    enum ppd_status st = ppd_fetch_target_url(spec, type, secs, &url, &err);
    if (want == NULL) {
        CHECK(st == PPD_EINVAL);
        CHECK(url == NULL);
        return;
    }
    CHECK(st == PPD_OK);
    CHECK_STR(url, want);
    free(url);
}

static void
test_target_url(void)
{
    check_url("10.0.0.5:6060", "heap", 0,
              "http://10.0.0.5:6060/debug/pprof/heap");
    check_url("10.0.0.5:6060", NULL, 0,
              "http://10.0.0.5:6060/debug/pprof/profile");
    check_url("10.0.0.5:6060", "profile", 30,
              "http://10.0.0.5:6060/debug/pprof/profile?seconds=30");
    check_url("h:1/", "goroutine", 0, "http://h:1/debug/pprof/goroutine");
    check_url("http://h:1", "mutex", 0, "http://h:1/debug/pprof/mutex");
    check_url("https://h/svc/debug/pprof/", "block", 5,
              "https://h/svc/debug/pprof/block?seconds=5");
    check_url("https://h/svc/debug/pprof", "block", 0,
              "https://h/svc/debug/pprof/block");
    check_url("http://h:1/debug/pprof/heap?gc=1", "goroutine", 10,
              "http://h:1/debug/pprof/heap?gc=1&seconds=10");
    check_url("http://h:1/x#frag", NULL, 0, "http://h:1/x");
    check_url("http://h:1/?a=b", "heap", 0,
              "http://h:1/debug/pprof/heap?a=b");
    check_url("http://h:1", "my.pkg/custom-1", 0,
              "http://h:1/debug/pprof/my.pkg/custom-1");
    check_url("http://h:1", "a b", 0, NULL);
    check_url("http://h:1", "../x", 0, NULL);
    check_url("notremote.pb.gz", "heap", 0, NULL);
    check_url("http://", "heap", 0, NULL);
}

static void
test_mask(void)
{
    char buf[256];
    CHECK_STR(ppd_fetch_mask_url("http://u:p@h:1/x?token=abc&b=1", buf,
                                 sizeof buf),
              "http://***@h:1/x?token=***&b=1");
    CHECK_STR(ppd_fetch_mask_url("https://h/x?API_KEY=1&sig=2&q=3#f", buf,
                                 sizeof buf),
              "https://h/x?API_KEY=***&sig=***&q=3#f");
    CHECK_STR(ppd_fetch_mask_url("http://h/p@q", buf, sizeof buf),
              "http://h/p@q");
    CHECK_STR(ppd_fetch_mask_url("h:1", buf, sizeof buf), "h:1");
    CHECK_STR(ppd_fetch_mask_url("http://a:b@h/", buf, 10), "http://**");
    CHECK_STR(ppd_fetch_mask_url(NULL, buf, sizeof buf), "");
}

static void
test_kind(void)
{
    CHECK_STR(ppd_fetch_type_for_kind("cpu"), "profile");
    CHECK_STR(ppd_fetch_type_for_kind("heap"), "heap");
    CHECK_STR(ppd_fetch_type_for_kind("goroutine"), "goroutine");
    CHECK(ppd_fetch_type_for_kind("samples") == NULL);
    CHECK(ppd_fetch_type_for_kind(NULL) == NULL);
}

static void
test_save(const char *dir)
{
    char path[512];
    char tmp[600];
    struct ppd_error err = {0};
    snprintf(path, sizeof path, "%s/out.bin", dir);
    CHECK(ppd_fetch_save_atomic(path, "hello", 5, &err) == PPD_OK);
    CHECK(ppd_fetch_save_atomic(path, "bye", 3, &err) == PPD_OK);
    FILE *fp = fopen(path, "rb");
    char got[16] = "";
    CHECK(fp != NULL);
    if (fp != NULL) {
        size_t n = fread(got, 1, sizeof got - 1, fp);
        got[n] = '\0';
        fclose(fp);
    }
    CHECK_STR(got, "bye");
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644);

    /* A leftover of a process that cannot exist is removed. */
    snprintf(tmp, sizeof tmp, "%s/.out.bin.tmp-999999999-abcdef", dir);
    fp = fopen(tmp, "wb");
    CHECK(fp != NULL);
    if (fp != NULL)
        fclose(fp);
    CHECK(ppd_fetch_save_atomic(path, "x", 1, &err) == PPD_OK);
    CHECK(access(tmp, F_OK) != 0);

    /* Into a missing directory: an error naming the path, no file. */
    snprintf(path, sizeof path, "%s/missing/out.bin", dir);
    CHECK(ppd_fetch_save_atomic(path, "x", 1, &err) == PPD_EIO);
    CHECK_STR(err.input, path);
}

static void
test_no_targets(void)
{
    struct ppd_capture_options o = {0};
    struct ppd_error err = {0};
    size_t nf = 7;
    const char *bad[] = {"not-a-target"};
    CHECK(ppd_capture_run(NULL, 0, &o, &nf, &err) == PPD_EINVAL);
    CHECK(nf == 0);
    CHECK(ppd_capture_run(bad, 1, &o, &nf, &err) == PPD_EINVAL);
    CHECK_STR(err.input, "not-a-target");

    /* A bad URL never reaches the network. */
    struct ppd_buffer b = {0};
    CHECK(ppd_fetch_url("ftp://h/x", NULL, &b, NULL, &err) == PPD_EINVAL);
    CHECK(b.data == NULL);
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    mkdir(dir, 0755);
    test_is_remote();
    test_target_url();
    test_mask();
    test_kind();
    test_save(dir);
    test_no_targets();
    if (failures != 0) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    puts("ok");
    return 0;
}
