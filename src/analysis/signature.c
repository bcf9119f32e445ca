/*
 * signature.c - the built-in leak signatures, and the reader of
 * signature files. The one place that knows what a leak looks like.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/filter.h"
#include "pprofdiff/signature.h"

struct builtin {
    const char *kinds; /* NULL: any */
    const char *pattern;
    bool user; /* the stack must also hold user code */
    int64_t min_delta; /* and grow by at least this much */
    const char *hint;
};

/* Specific patterns first: the first match gives the hint. */
static const struct builtin builtins[] = {
    {NULL, "^database/sql\\.\\(\\*DB\\)\\.connectionOpener$", false, 0,
     "an *sql.DB opened per use and never closed (each starts this "
     "goroutine): open one per database at start-up and share it, or "
     "Close() every one"},
    {NULL, "\\.\\(\\*ConnPool\\)\\.reaper$", false, 0,
     "a client with a connection pool created per job and never "
     "closed (each pool starts a reaper goroutine): share one client, "
     "or Close() it when the job ends"},
    {NULL, "^net/http\\.\\(\\*persistConn\\)\\.(readLoop|writeLoop)$",
     false, 0,
     "HTTP connections held open: close every response body (read or "
     "not), and reuse one http.Client and Transport rather than one per "
     "request"},
    {"goroutine", "^context\\.(\\(\\*cancelCtx\\)\\.)?propagateCancel",
     false, 0,
     "a goroutine per context derived from a custom parent, until one "
     "side is cancelled: call the cancel func of every WithCancel or "
     "WithTimeout (defer cancel())"},
    {"heap", "^context\\.With(Cancel|Timeout|Deadline)", false, 0,
     "contexts kept after use: call the cancel func of every "
     "WithCancel, WithTimeout or WithDeadline (defer cancel())"},
    {"heap", "^runtime\\.malg$", false, 0,
     "goroutine stacks allocated and kept: goroutines are leaking; "
     "compare goroutine profiles to see which"},
    {"heap", "^time\\.(NewTicker|NewTimer|AfterFunc|Tick)$", false, 0,
     "timers created and kept: Stop() every time.NewTicker and "
     "NewTimer, or start one ticker rather than one per request"},
    {"goroutine", "^time\\.Sleep$", true, 10,
     "goroutines looping on time.Sleep, more each time: a polling loop "
     "started per request or job; start it once, and end it with a "
     "context"},
    {"goroutine",
     "^runtime\\.(chansend1?|chanrecv[12]?|selectgo|block)$", true, 10,
     "goroutines blocked on a channel with no peer: give every send a "
     "receiver (or a buffer) and every wait a ctx.Done() or close() "
     "way out"},
};

struct sig {
    char *kinds; /* NULL: any; else ",a,b," */
    struct ppd__regex *re;
    bool user;
    int64_t min_delta;
    char *hint; /* owned for file entries, else points into builtins */
    bool owned;
};

struct ppd_signatures {
    struct sig *v;
    size_t n, nfile; /* nfile: entries from files, at the front */
    const struct ppd_diff_options *dopt;
    /* What was answered of one accumulator's frames, so a frame is
     * matched once however many rows hold it: per frame, whether it is
     * user code (user[f]) and, per signature i, whether its pattern
     * matches (hit[i * nmemo + f]); 0 not asked yet, 1 no, 2 yes. Not
     * part of the value: filled while matching. */
    uint64_t memo_of; /* ppd_accum_serial(); 0: none */
    size_t nmemo;
    unsigned char *user, *hit;
};

static char *
kinds_list(const char *kinds, size_t len)
{
    if (kinds == NULL || (len == 1 && kinds[0] == '*'))
        return NULL;
    char *s = malloc(len + 3);
    if (s != NULL) {
        s[0] = ',';
        memcpy(s + 1, kinds, len);
        s[len + 1] = ',';
        s[len + 2] = '\0';
    }
    return s;
}

static void
memo_drop(struct ppd_signatures *s)
{
    free(s->user);
    free(s->hit);
    s->user = s->hit = NULL;
    s->memo_of = 0;
    s->nmemo = 0;
}

void
ppd_signatures_free(struct ppd_signatures *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].kinds);
        ppd__regex_free(s->v[i].re);
        if (s->v[i].owned)
            free(s->v[i].hint);
    }
    free(s->v);
    memo_drop(s);
    free(s);
}

enum ppd_status
ppd_signatures_new(const struct ppd_diff_options *dopt,
                   struct ppd_signatures **out, struct ppd_error *err)
{
    size_t n = sizeof builtins / sizeof builtins[0];
    struct ppd_signatures *s = calloc(1, sizeof *s);
    *out = NULL;
    if (s == NULL || (s->v = calloc(n, sizeof *s->v)) == NULL) {
        free(s);
        return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
    }
    s->dopt = dopt;
    for (size_t i = 0; i < n; i++) {
        const struct builtin *b = &builtins[i];
        struct sig *g = &s->v[s->n];
        enum ppd_status st =
            ppd__regex_new(b->pattern, "signature", &g->re, err);
        if (st == PPD_OK && b->kinds != NULL &&
            (g->kinds = kinds_list(b->kinds, strlen(b->kinds))) == NULL)
            st = ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
        if (st != PPD_OK) {
            ppd__regex_free(g->re);
            ppd_signatures_free(s);
            return st;
        }
        g->user = b->user;
        g->min_delta = b->min_delta;
        g->hint = (char *)b->hint;
        s->n++;
    }
    *out = s;
    return PPD_OK;
}

enum ppd_status
ppd_signatures_load(struct ppd_signatures *s, const char *path,
                    struct ppd_error *err)
{
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        return ppd_error_set(err, PPD_EIO, path, "cannot open: %s",
                             strerror(errno));
    enum ppd_status st = ppd_signatures_load_stream(s, fp, path, err);
    fclose(fp);
    return st;
}

enum ppd_status
ppd_signatures_load_stream(struct ppd_signatures *s, FILE *fp,
                           const char *path, struct ppd_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long lineno = 0;
    enum ppd_status st = PPD_OK;
    char where[PPD_ERROR_INPUT_MAX];
    while (st == PPD_OK && (len = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        snprintf(where, sizeof where, "%s:%lu", path, lineno);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (t2 == NULL || t1 == line || t2 == t1 + 1 || t2[1] == '\0') {
            st = ppd_error_set(err, PPD_EINVAL, where,
                               "want KINDS<TAB>PATTERN<TAB>HINT");
            break;
        }
        *t2 = '\0';
        struct sig g = {0};
        g.owned = true;
        g.hint = strdup(t2 + 1);
        g.kinds = kinds_list(line, (size_t)(t1 - line));
        bool any = t1 - line == 1 && line[0] == '*';
        if (g.hint == NULL || (!any && g.kinds == NULL))
            st = ppd_error_set(err, PPD_ENOMEM, where, "out of memory");
        if (st == PPD_OK) {
            st = ppd__regex_new(t1 + 1, "signature", &g.re, err);
            if (st != PPD_OK && err != NULL)
                snprintf(err->input, sizeof err->input, "%s", where);
        }
        struct sig *nv = st == PPD_OK
                             ? realloc(s->v, (s->n + 1) * sizeof *nv)
                             : NULL;
        if (st == PPD_OK && nv == NULL)
            st = ppd_error_set(err, PPD_ENOMEM, where, "out of memory");
        if (st != PPD_OK) {
            free(g.hint);
            free(g.kinds);
            ppd__regex_free(g.re);
            break;
        }
        s->v = nv;
        /* After earlier file entries, before the built-in ones. */
        memmove(&s->v[s->nfile + 1], &s->v[s->nfile],
                (s->n - s->nfile) * sizeof *s->v);
        s->v[s->nfile++] = g;
        s->n++;
        memo_drop(s); /* its answers were for the entries before */
    }
    if (st == PPD_OK && ferror(fp))
        st = ppd_error_set(err, PPD_EIO, path, "read error");
    free(line);
    return st;
}

static bool
kind_ok(const struct sig *g, const char *kind)
{
    if (g->kinds == NULL)
        return true;
    size_t kl = strlen(kind);
    /* g->kinds reads ",a,b,": compare each name between commas. */
    for (const char *p = g->kinds + 1; *p != '\0';) {
        const char *end = strchr(p, ',');
        if ((size_t)(end - p) == kl && memcmp(p, kind, kl) == 0)
            return true;
        p = end + 1;
    }
    return false;
}

/* Room to remember the answers for a's frames; false: ask each time. */
/* Memos bigger than this are not kept: each row asks afresh. */
#define MEMO_MAX ((size_t)64 << 20)

static bool
memo_ready(struct ppd_signatures *s, const struct ppd_accum *a)
{
    size_t nf = ppd_accum_nframes(a);
    if (s->memo_of == ppd_accum_serial(a) && s->nmemo == nf)
        return true;
    memo_drop(s);
    if (s->n > 0 && nf > MEMO_MAX / s->n)
        return false;
    s->user = calloc(nf ? nf : 1, 1);
    s->hit = s->n > 0 && nf <= SIZE_MAX / s->n ? calloc(s->n * nf, 1) : NULL;
    if (s->user == NULL || (s->n > 0 && s->hit == NULL)) {
        free(s->user);
        free(s->hit);
        s->user = s->hit = NULL;
        return false;
    }
    s->memo_of = ppd_accum_serial(a);
    s->nmemo = nf;
    return true;
}

static bool
is_user(struct ppd_signatures *s, bool memo, const struct ppd_accum *a,
        uint32_t f)
{
    if (memo && s->user[f] != 0)
        return s->user[f] == 2;
    const struct ppd_frame *fr = ppd_accum_frame(a, f);
    bool r = !ppd_is_runtime_frame(fr->name.ptr, fr->name.len, s->dopt);
    if (memo)
        s->user[f] = r ? 2 : 1;
    return r;
}

static bool
hits(struct ppd_signatures *s, bool memo, size_t i, const struct ppd_accum *a,
     uint32_t f)
{
    unsigned char *m = memo ? &s->hit[i * s->nmemo + f] : NULL;
    if (m != NULL && *m != 0)
        return *m == 2;
    bool r = ppd__regex_match(s->v[i].re, ppd_accum_frame(a, f)->name);
    if (m != NULL)
        *m = r ? 2 : 1;
    return r;
}

const char *
ppd_signatures_match(const struct ppd_signatures *cs, const char *kind,
                     const struct ppd_accum *a, const uint32_t *frames,
                     size_t n, int64_t delta)
{
    if (cs == NULL || n == 0)
        return NULL;
    /* The memo is not part of the value (see struct ppd_signatures). */
    struct ppd_signatures *s = (struct ppd_signatures *)cs;
    bool memo = memo_ready(s, a);
    bool user = false;
    for (size_t k = 0; k < n && !user; k++)
        user = is_user(s, memo, a, frames[k]);
    for (size_t i = 0; i < s->n; i++) {
        const struct sig *g = &s->v[i];
        if (!kind_ok(g, kind) || (g->user && !user) ||
            delta < g->min_delta)
            continue;
        for (size_t k = 0; k < n; k++)
            if (hits(s, memo, i, a, frames[k]))
                return g->hint;
    }
    return NULL;
}
