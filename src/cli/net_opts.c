/*
 * net_opts.c - the network flags shared by the diff, fetch and capture
 * commands, and the fetch of a diff input.
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

#include "cli/common.h"
#include "cli/net_opts.h"
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
        if (!ppd__cli_parse_seconds(arg, &o->timeout))
            return flag_error("invalid --timeout value '%s' "
                                   "(seconds > 0)", arg);
        return 1;
    case PPD_CLI_OPT_CONNECT_TIMEOUT:
        if (!ppd__cli_parse_seconds(arg, &o->connect_timeout))
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

const struct ppd__opt ppd__cli_net_opts[] = {
    {"type", 't', 't', "TYPE",
     "heap, allocs, goroutine, block, mutex,\n"
     "threadcreate, profile (CPU) or a custom\n"
     "profile name; default: the kind of the\n"
     "other (file) input, else profile"},
    {"seconds", 0, PPD_CLI_OPT_SECONDS, "N",
     "add ?seconds=N: CPU profile length, or a\n"
     "delta profile over N seconds"},
    {"timeout", 0, PPD_CLI_OPT_TIMEOUT, "S",
     "limit for the whole transfer, seconds\n"
     "(default 60 plus --seconds)"},
    {"connect-timeout", 0, PPD_CLI_OPT_CONNECT_TIMEOUT, "S",
     "limit for connecting (default 10)"},
    {"retries", 0, PPD_CLI_OPT_RETRIES, "N",
     "retry connection errors, 5xx, 408 and 429\n"
     "with backoff, obeying Retry-After up to\n"
     "60 s (default 2; 0 = never)"},
    {"max-redirects", 0, PPD_CLI_OPT_MAX_REDIRECTS, "N",
     "redirects to follow (default 10;\n0 = none)"},
    {"max-download", 0, PPD_CLI_OPT_MAX_DOWNLOAD, "N",
     "refuse bodies larger than N bytes\n(default 256M; K/M/G suffix)"},
    {"header", 'H', 'H', "'NAME: VALUE'",
     "add a request header (repeatable)"},
    {"bearer-token-file", 0, PPD_CLI_OPT_BEARER_TOKEN_FILE, "F",
     "send 'Authorization: Bearer' with the\ntoken in file F"},
    {"data", 0, PPD_CLI_OPT_DATA, "DATA|@FILE",
     "POST DATA, or the contents of FILE (@- is\n"
     "stdin), as the request body"},
    {"post", 0, PPD_CLI_OPT_POST, NULL, "use POST even without --data"},
    {"cacert", 0, PPD_CLI_OPT_CACERT, "FILE",
     "trust the CA certificates in FILE (PEM)"},
    {"cert", 0, PPD_CLI_OPT_CERT, "FILE", "client certificate (PEM)"},
    {"key", 0, PPD_CLI_OPT_KEY, "FILE", "private key of --cert (PEM)"},
    {"insecure", 0, PPD_CLI_OPT_INSECURE, NULL,
     "do not verify the server's certificate"},
    {"quiet", 'q', 'q', NULL,
     "no progress line on stderr (it is shown\n"
     "only when stderr is a terminal)"},
    {NULL, 0, 0, NULL, NULL},
};

void
ppd__cli_fetch_usage(FILE *out)
{
    fputs("Remote profiles (an input, a fetch URL or a capture TARGET may be\n"
          "an http:// or https:// URL, or HOST:PORT meaning\n"
          "http://HOST:PORT/debug/pprof/TYPE; or a backend's merged profile,\n"
          "pyroscope+http://HOST:PORT/?query=SELECTOR&type=TYPE&from=T&to=T\n"
          "or parca+http://..., step=D giving trend one input per window):\n",
          out);
    ppd__opts_help(out, ppd__cli_net_opts);
    fputs("Proxies come from the environment (http_proxy, https_proxy,\n"
          "no_proxy) as libcurl reads them. Credentials (Authorization and\n"
          "other secret-looking header values, the token, URL user:password)\n"
          "are shown as *** in every message.\n",
          out);
}

enum ppd_status
ppd__cli_fetch_input(const struct ppd__cli_net *n, const char *spec,
                     const char *type_hint,
                     const struct ppd_decode_options *dopt,
                     struct ppd_profile **out, struct ppd_error *err)
{
    struct ppd_fetch_options o = n->opt;
    /* A heap base fetches the heap profile, and so on. */
    if ((o.type == NULL || o.type[0] == '\0') && type_hint != NULL)
        o.type = type_hint;
    return ppd_fetch_profile(spec, &o, dopt, out, err);
}

/*
 * The getopt cases fetch and capture share: a missing value, an unknown
 * option, and the network flags. Returns -1 to go on parsing, else the
 * exit status to return (the error already printed).
 */
int
ppd__cli_common_opt(const char *cmd, struct ppd__cli_net *net, int c, char **argv)
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
