/*
 * cli_fetch.c - network flags, `pprofdiff fetch` and `pprofdiff capture`.
 *
 * The flag table and its handler are shared with the diff command (see
 * cli_fetch.h), so a flag means the same in all three commands. The
 * subcommands print only here: one "pprofdiff: INPUT: message" line per
 * failure on stderr, nothing on success unless asked (cron mails any
 * output).
 *
 * The non-obvious decision: --retries 0 and --max-redirects 0 mean "none"
 * on the command line, while a zero in struct ppd_fetch_options means
 * "default"; the handler translates 0 into the library's "none" (-1).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_fetch.h"
#include "pprofdiff/fetch.h"

#define DATA_FILE_MAX ((size_t)64 << 20)

static int flag_error(const char *fmt, ...) PPD_PRINTF(1, 2);

/* A bad value of a network flag: print the usage error, return -1. */
static int
flag_error(const char *fmt, ...)
{
    char msg[PPD_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ppd__cli_usage_error(NULL, "%s", msg);
    return -1;
}

static bool
parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v > 0) || v > 1e6)
        return false;
    *out = v;
    return true;
}

bool
ppd__cli_parse_bytes(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-' || s[0] == '\0')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s)
        return false;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    else if (*end == 'G' || *end == 'g')
        shift = 30;
    if (shift != 0) {
        end++;
        if (*end == 'i' && end[1] == 'B')
            end += 2;
        else if (*end == 'B')
            end++;
    }
    if (*end != '\0' || v == 0 || v > (UINT64_MAX >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

int
ppd__cli_fetch_flag(struct ppd__cli_net *n, int code, const char *arg)
{
    struct ppd_fetch_options *o = &n->opt;
    long v;
    switch (code) {
    case 't':
        o->type = arg;
        return 1;
    case 'q':
        n->quiet = true;
        return 1;
    case 'H': {
        const char *colon = strchr(arg, ':');
        if (colon == NULL || colon == arg || strpbrk(arg, "\r\n") != NULL)
            return flag_error("invalid --header: expected "
                                   "'Name: value'");
        const char **nh = realloc(n->headers,
                                  (o->nheaders + 1) * sizeof *nh);
        if (nh == NULL) {
            fputs("pprofdiff: out of memory\n", stderr);
            return -1;
        }
        nh[o->nheaders++] = arg;
        n->headers = nh;
        o->headers = nh;
        return 1;
    }
    case PPD_CLI_OPT_SECONDS:
        if (!ppd__cli_parse_long(arg, 1, 86400 * 7, &o->seconds))
            return flag_error("invalid --seconds value '%s'",
                                   arg);
        return 1;
    case PPD_CLI_OPT_TIMEOUT:
        if (!parse_seconds(arg, &o->timeout))
            return flag_error("invalid --timeout value '%s' "
                                   "(seconds > 0)", arg);
        return 1;
    case PPD_CLI_OPT_CONNECT_TIMEOUT:
        if (!parse_seconds(arg, &o->connect_timeout))
            return flag_error("invalid --connect-timeout value "
                                   "'%s' (seconds > 0)", arg);
        return 1;
    case PPD_CLI_OPT_RETRIES:
        if (!ppd__cli_parse_long(arg, 0, 100, &v))
            return flag_error("invalid --retries value '%s' "
                                   "(0-100)", arg);
        o->retries = v == 0 ? -1 : (int)v;
        return 1;
    case PPD_CLI_OPT_MAX_REDIRECTS:
        if (!ppd__cli_parse_long(arg, 0, 1000, &v))
            return flag_error("invalid --max-redirects value "
                                   "'%s' (0-1000)", arg);
        o->max_redirects = v == 0 ? -1 : v;
        return 1;
    case PPD_CLI_OPT_MAX_DOWNLOAD:
        if (!ppd__cli_parse_bytes(arg, &o->max_download))
            return flag_error("invalid --max-download value '%s'",
                                   arg);
        return 1;
    case PPD_CLI_OPT_BEARER_TOKEN_FILE:
        o->bearer_token_file = arg;
        return 1;
    case PPD_CLI_OPT_DATA:
        n->data_arg = arg;
        return 1;
    case PPD_CLI_OPT_POST:
        o->post = true;
        return 1;
    case PPD_CLI_OPT_CACERT:
        o->cacert = arg;
        return 1;
    case PPD_CLI_OPT_CERT:
        o->cert = arg;
        return 1;
    case PPD_CLI_OPT_KEY:
        o->key = arg;
        return 1;
    case PPD_CLI_OPT_INSECURE:
        o->insecure = true;
        return 1;
    default:
        return 0;
    }
}

/* Read all of path ("-" is stdin) into a malloc'd buffer. */
static int
read_data_file(const char *path, char **out, size_t *len)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    size_t cap = 0;
    int rc = PPD_EXIT_ERROR;
    if (fp == NULL) {
        fprintf(stderr, "pprofdiff: %s: cannot open --data file: %s\n", path,
                strerror(errno));
        return PPD_EXIT_ERROR;
    }
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            char *nb = realloc(buf, cap + 1);
            if (nb == NULL) {
                fputs("pprofdiff: out of memory\n", stderr);
                goto out;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (n > DATA_FILE_MAX) {
            fprintf(stderr, "pprofdiff: %s: --data file larger than %zu "
                    "bytes\n", path, DATA_FILE_MAX);
            goto out;
        }
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        fprintf(stderr, "pprofdiff: %s: cannot read --data file\n", path);
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
    rc = PPD_EXIT_OK;
out:
    free(buf);
    if (fp != stdin)
        fclose(fp);
    return rc;
}

int
ppd__cli_net_finish(struct ppd__cli_net *n)
{
    struct ppd_fetch_options *o = &n->opt;
    if (n->data_arg != NULL) {
        if (n->data_arg[0] == '@') {
            int rc = read_data_file(n->data_arg + 1, &n->data_buf,
                                    &o->data_len);
            if (rc != PPD_EXIT_OK)
                return rc;
            o->data = n->data_buf;
        } else {
            o->data = n->data_arg;
            o->data_len = strlen(n->data_arg);
        }
    }
    o->quiet = n->quiet;
    o->progress = !n->quiet && isatty(STDERR_FILENO);
    o->progress_out = o->progress ? stderr : NULL;
    return PPD_EXIT_OK;
}

void
ppd__cli_net_free(struct ppd__cli_net *n)
{
    if (n == NULL)
        return;
    free(n->headers);
    free(n->data_buf);
    n->headers = NULL;
    n->data_buf = NULL;
    n->opt.headers = NULL;
    n->opt.nheaders = 0;
    n->opt.data = NULL;
}

void
ppd__cli_fetch_usage(FILE *out)
{
    fputs(
        "Remote profiles (an input, a fetch URL or a capture TARGET may be\n"
        "an http:// or https:// URL, or HOST:PORT meaning\n"
        "http://HOST:PORT/debug/pprof/TYPE):\n"
        "  -t, --type TYPE          heap, allocs, goroutine, block, mutex,\n"
        "                           threadcreate, profile (CPU) or a custom\n"
        "                           profile name; default: the kind of the\n"
        "                           other (file) input, else profile\n"
        "      --seconds N          add ?seconds=N: CPU profile length, or a\n"
        "                           delta profile over N seconds\n"
        "      --timeout S          limit for the whole transfer, seconds\n"
        "                           (default 60 plus --seconds)\n"
        "      --connect-timeout S  limit for connecting (default 10)\n"
        "      --retries N          retry connection errors, 5xx, 408 and 429\n"
        "                           with backoff, obeying Retry-After up to\n"
        "                           60 s (default 2; 0 = never)\n"
        "      --max-redirects N    redirects to follow (default 10;\n"
        "                           0 = none)\n"
        "      --max-download N     refuse bodies larger than N bytes\n"
        "                           (default 256M; K/M/G suffix)\n"
        "  -H, --header 'NAME: VALUE'  add a request header (repeatable)\n"
        "      --bearer-token-file F  send 'Authorization: Bearer' with the\n"
        "                           token in file F\n"
        "      --data DATA|@FILE    POST DATA, or the contents of FILE (@- is\n"
        "                           stdin), as the request body\n"
        "      --post               use POST even without --data\n"
        "      --cacert FILE        trust the CA certificates in FILE (PEM)\n"
        "      --cert FILE          client certificate (PEM)\n"
        "      --key FILE           private key of --cert (PEM)\n"
        "      --insecure           do not verify the server's certificate\n"
        "  -q, --quiet              no progress line on stderr (it is shown\n"
        "                           only when stderr is a terminal)\n"
        "Proxies come from the environment (http_proxy, https_proxy,\n"
        "no_proxy) as libcurl reads them. Credentials (Authorization and\n"
        "other secret-looking header values, the token, URL user:password)\n"
        "are shown as *** in every message.\n",
        out);
}

enum ppd_status
ppd__cli_fetch_input(const struct ppd__cli_net *n, const char *spec,
                     const struct ppd_profile *other,
                     const struct ppd_decode_options *dopt,
                     struct ppd_profile **out, struct ppd_error *err)
{
    struct ppd_fetch_options o = n->opt;
    if ((o.type == NULL || o.type[0] == '\0') && other != NULL) {
        /* A heap base fetches the heap profile, and so on. */
        o.type = ppd_fetch_type_for_kind(ppd_profile_kind(other));
    }
    return ppd_fetch_profile(spec, &o, dopt, out, err);
}

/*
 * The getopt cases fetch and capture share: a missing value, an unknown
 * option, and the network flags. Returns -1 to go on parsing, else the
 * exit status to return (the error already printed).
 */
static int
common_opt(const char *cmd, struct ppd__cli_net *net, int c, char **argv)
{
    if (c == ':')
        return ppd__cli_usage_error(cmd, "option '%s' needs a value",
                                    argv[optind - 1]);
    if (c != '?') {
        int r = ppd__cli_fetch_flag(net, c, optarg);
        if (r < 0)
            return PPD_EXIT_USAGE;
        if (r > 0)
            return -1;
    }
    return ppd__cli_usage_error(cmd, "unknown option '%s'", argv[optind - 1]);
}

/* ---- pprofdiff fetch ---- */

static void
fetch_usage(FILE *out)
{
    fputs(
        "Usage: pprofdiff fetch [OPTIONS] URL|HOST:PORT -o FILE\n"
        "\n"
        "Download one profile, check that it decodes, and save it to FILE\n"
        "atomically (a temporary file in the same directory, fsync'd and\n"
        "renamed): FILE is either untouched or complete.\n"
        "\n"
        "Options:\n"
        "  -o, --output FILE        where to save the profile; - for stdout\n"
        "      --max-bytes N        refuse profiles larger than N bytes after\n"
        "                           decompression (default 256M)\n"
        "  -h, --help               show this help and exit\n"
        "\n",
        out);
    ppd__cli_fetch_usage(out);
    fputs("\nExit status: 0 success, 1 fetch or write error, 2 usage "
          "error.\n", out);
}

enum { OPT_MAX_BYTES = 900 };

int
ppd__cli_fetch_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
        {"help", no_argument, NULL, 'h'},
        PPD_CLI_FETCH_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    struct ppd__cli_net net = {0};
    struct ppd_decode_options dopt = {0};
    const char *output = NULL;
    char *url = NULL;
    struct ppd_buffer body = {0};
    struct ppd_error err = {0};
    int rc = PPD_EXIT_USAGE;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:h" PPD_CLI_FETCH_SHORTOPTS,
                            longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case OPT_MAX_BYTES:
            if (!ppd__cli_parse_bytes(optarg, &dopt.max_bytes)) {
                rc = ppd__cli_usage_error("fetch", "invalid --max-bytes value "
                                     "'%s'", optarg);
                goto out;
            }
            break;
        case 'h':
            fetch_usage(stdout);
            rc = PPD_EXIT_OK;
            goto out;
        default:
            rc = common_opt("fetch", &net, c, argv);
            if (rc >= 0)
                goto out;
            break;
        }
    }
    if (argc - optind != 1) {
        rc = ppd__cli_usage_error("fetch", argc - optind == 0
                                          ? "no URL or HOST:PORT given"
                                          : "fetch takes one URL");
        goto out;
    }
    if (output == NULL) {
        rc = ppd__cli_usage_error("fetch", "no output file: use -o FILE");
        goto out;
    }
    const char *spec = argv[optind];
    if (!ppd_fetch_is_remote(spec)) {
        rc = ppd__cli_usage_error("fetch", "'%s' is not a URL or HOST:PORT",
                             spec);
        goto out;
    }
    rc = ppd__cli_net_finish(&net);
    if (rc != PPD_EXIT_OK)
        goto out;

    rc = PPD_EXIT_ERROR;
    if (ppd_fetch_target_url(spec, net.opt.type, net.opt.seconds, &url,
                             &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        goto out;
    }
    struct ppd_fetch_info info;
    if (ppd_fetch_url(url, &net.opt, &body, &info, &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        goto out;
    }
    char name[PPD_ERROR_INPUT_MAX];
    ppd_fetch_mask_url(url, name, sizeof name);
    if (ppd_fetch_check_profile(name, &info, body.data, body.len, &dopt,
                                NULL, &err) != PPD_OK) {
        ppd__cli_print_error(&err);
        goto out;
    }
    if (strcmp(output, "-") == 0) {
        if (fwrite(body.data, 1, body.len, stdout) != body.len ||
            fflush(stdout) != 0) {
            fprintf(stderr, "pprofdiff: -: write error: %s\n",
                    strerror(errno));
            goto out;
        }
    } else if (ppd_fetch_save_atomic(output, body.data, body.len, &err) !=
               PPD_OK) {
        ppd__cli_print_error(&err);
        goto out;
    }
    rc = PPD_EXIT_OK;
out:
    free(body.data);
    free(url);
    ppd__cli_net_free(&net);
    return rc;
}

/* ---- pprofdiff capture ---- */

static void
capture_usage(FILE *out)
{
    fputs(
        "Usage: pprofdiff capture [OPTIONS] TARGET...\n"
        "\n"
        "Fetch every profile type from every TARGET at once and save each\n"
        "as DIR/NAME/TYPE-YYYYMMDDTHHMMSSZ.pb.gz (UTC start time of the run,\n"
        "so names sort by time). TARGET is HOST:PORT or a URL, optionally\n"
        "NAME=TARGET to choose its directory (default: host_port). A URL\n"
        "that names one profile (not a /debug/pprof/ base) is saved once,\n"
        "under its last path segment. Every file is checked to decode, and\n"
        "written to a temporary file, fsync'd and renamed: a failed or\n"
        "killed run never leaves a partial file under a final name, and the\n"
        "next run removes its leftovers.\n"
        "\n"
        "Options:\n"
        "  -t, --type LIST          comma-separated profile types\n"
        "                           (default heap,goroutine; repeatable)\n"
        "  -o, --output DIR         base directory (default .)\n"
        "      --parallel N         transfers at once (default 8)\n"
        "      --keep N             keep the newest N snapshots per target\n"
        "                           and type, delete older ones (default:\n"
        "                           keep all)\n"
        "      --max-bytes N        refuse profiles larger than N bytes after\n"
        "                           decompression (default 256M)\n"
        "  -v, --verbose            print each saved file on stdout\n"
        "  -h, --help               show this help and exit\n"
        "\n",
        out);
    ppd__cli_fetch_usage(out);
    fputs("\nA failing target is reported on stderr and the others go on.\n"
          "Exit status: 0 every capture saved, 1 some capture failed, 2\n"
          "usage error.\n", out);
}

struct capture_cli {
    bool verbose;
};

static void
capture_report(void *ctx, const struct ppd_capture_result *r)
{
    const struct capture_cli *c = ctx;
    if (r->err != NULL) {
        ppd__cli_print_error(r->err);
        return;
    }
    if (c->verbose)
        printf("%s\n", r->path);
}

enum { OPT_PARALLEL = 901, OPT_KEEP };

/* Append the comma-separated names in list to *types (pointing into buf). */
static int
add_types(char *list, const char ***types, size_t *ntypes)
{
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t != NULL;
         t = strtok_r(NULL, ",", &save)) {
        const char **nt = realloc(*types, (*ntypes + 1) * sizeof *nt);
        if (nt == NULL)
            return -1;
        nt[(*ntypes)++] = t;
        *types = nt;
    }
    return 0;
}

int
ppd__cli_capture_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"parallel", required_argument, NULL, OPT_PARALLEL},
        {"keep", required_argument, NULL, OPT_KEEP},
        {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        PPD_CLI_FETCH_LONGOPTS,
        {NULL, 0, NULL, 0},
    };
    struct ppd__cli_net net = {0};
    struct ppd_decode_options dopt = {0};
    struct ppd_capture_options copt = {0};
    struct capture_cli cc = {false};
    const char **types = NULL;
    size_t ntypes = 0;
    char **typebufs = NULL;
    size_t ntypebufs = 0;
    struct ppd_error err = {0};
    int rc = PPD_EXIT_USAGE;
    long v;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:vh" PPD_CLI_FETCH_SHORTOPTS,
                            longopts, NULL)) != -1) {
        switch (c) {
        case 't': {
            char **nb = realloc(typebufs, (ntypebufs + 1) * sizeof *nb);
            char *copy = nb ? strdup(optarg) : NULL;
            if (nb != NULL)
                typebufs = nb;
            if (copy == NULL) {
                fputs("pprofdiff: out of memory\n", stderr);
                rc = PPD_EXIT_ERROR;
                goto out;
            }
            typebufs[ntypebufs++] = copy;
            if (add_types(copy, &types, &ntypes) != 0) {
                fputs("pprofdiff: out of memory\n", stderr);
                rc = PPD_EXIT_ERROR;
                goto out;
            }
            break;
        }
        case 'o':
            copt.outdir = optarg;
            break;
        case OPT_PARALLEL:
            if (!ppd__cli_parse_long(optarg, 1, 1000, &v)) {
                rc = ppd__cli_usage_error("capture", "invalid --parallel value "
                                     "'%s' (1-1000)", optarg);
                goto out;
            }
            copt.parallel = (size_t)v;
            break;
        case OPT_KEEP:
            if (!ppd__cli_parse_long(optarg, 1, 1000000000L, &v)) {
                rc = ppd__cli_usage_error("capture",
                                          "invalid --keep value '%s' (at "
                                          "least 1)",
                                          optarg);
                goto out;
            }
            copt.keep = (size_t)v;
            break;
        case OPT_MAX_BYTES:
            if (!ppd__cli_parse_bytes(optarg, &dopt.max_bytes)) {
                rc = ppd__cli_usage_error("capture",
                                          "invalid --max-bytes value '%s'",
                                          optarg);
                goto out;
            }
            break;
        case 'v':
            cc.verbose = true;
            break;
        case 'h':
            capture_usage(stdout);
            rc = PPD_EXIT_OK;
            goto out;
        default:
            rc = common_opt("capture", &net, c, argv);
            if (rc >= 0)
                goto out;
            break;
        }
    }
    if (optind >= argc) {
        rc = ppd__cli_usage_error("capture", "no TARGET given");
        goto out;
    }
    if (typebufs != NULL && ntypes == 0) {
        rc = ppd__cli_usage_error("capture", "empty --type list");
        goto out;
    }
    for (int i = optind; i < argc; i++) {
        const char *t = strchr(argv[i], '=');
        const char *spec = argv[i];
        if (t != NULL && !ppd_fetch_is_remote(spec))
            spec = t + 1;
        if (!ppd_fetch_is_remote(spec)) {
            rc = ppd__cli_usage_error("capture", "'%s' is not a URL, HOST:PORT "
                                 "or NAME=TARGET", argv[i]);
            goto out;
        }
    }
    rc = ppd__cli_net_finish(&net);
    if (rc != PPD_EXIT_OK)
        goto out;

    copt.fetch = net.opt;
    copt.types = types;
    copt.ntypes = ntypes;
    copt.decode = &dopt;
    copt.report = capture_report;
    copt.report_ctx = &cc;
    size_t nfailed = 0;
    enum ppd_status st = ppd_capture_run((const char *const *)argv + optind,
                                         (size_t)(argc - optind), &copt,
                                         &nfailed, &err);
    rc = PPD_EXIT_OK;
    if (st != PPD_OK) {
        /* Failed captures were reported one by one; add the summary. */
        ppd__cli_print_error(&err);
        /* Before any transfer, a bad target is a command-line mistake. */
        rc = nfailed == 0 && st == PPD_EINVAL ? PPD_EXIT_USAGE
                                              : PPD_EXIT_ERROR;
    }
out:
    for (size_t i = 0; i < ntypebufs; i++)
        free(typebufs[i]);
    free(typebufs);
    free(types);
    ppd__cli_net_free(&net);
    return rc;
}
