/*
 * gotext.c - Go's text profiles into the model builder.
 *
 * Four shapes, told apart by the first line (the fourth, "--- mutex:"
 * or "--- contention:", is the count one with "CYCLES COUNT @ addrs"
 * records after "cycles/second=N" and "sampling period=N" lines):
 *
 *   goroutine profile: total 7        counts (debug=1): "N @ 0xa 0xb"
 *   7 @ 0x43e1c6 0x44e2f2             lines, each followed by "#\t0xa-1\t
 *   #\t0x43e1c5\tmain.f+0x25\tf.go:9  FUNC+0xOFF\tFILE:LINE" symbol lines
 *
 *   heap profile: 3: 48 [9: 96] @ heap/1024   heap (debug=1): "inuse
 *   1: 16 [3: 48] @ 0x... 0x...                objects: bytes [alloc
 *   #\t0x...\tmain.f+0x..\tf.go:9              objects: bytes] @ addrs",
 *   # runtime.MemStats                         then MemStats lines
 *   # Alloc = 1234
 *
 *   goroutine 1 [chan receive, 5 minutes]:    a goroutine dump (debug=2)
 *   main.f(...)
 *   \tf.go:9 +0x25
 *   created by main.g in goroutine 1
 *   \tg.go:3 +0x4
 *
 * Counts and heap records follow pprof's reading of the same text
 * (addresses less one, heap values scaled by the sampling rate as pprof
 * scales them, header "heap/R" meaning rate R / 2), so totals equal its
 * totals; the frames are the text's own symbol lines, which pprof
 * ignores. A debug=2 goroutine is a sample of one with labels.
 */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/gotext.h"
#include "input/gperf.h"
#include "model/hash.h"
#include "model/vec.h"

#define MAX_LINE ((size_t)1 << 20)
#define MAX_FRAMES 4096

enum shape { COUNTS = 1, HEAP, DUMP, CONTENTION };

/* Interned byte strings: key -> value, keys kept in one buffer. */
struct imap {
    uint64_t *slots; /* value + 1, 0: empty */
    uint32_t *koff, *klen;
    size_t cap, n;
    char *keys;
    size_t keylen, keycap;
    uint64_t *vals;
};

static void
imap_free(struct imap *m)
{
    free(m->slots);
    free(m->koff);
    free(m->klen);
    free(m->keys);
    free(m->vals);
}

static bool
imap_grow(struct imap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 1024;
    uint64_t *ns = calloc(ncap, sizeof *ns);
    if (ns == NULL)
        return false;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->slots[i] == 0)
            continue;
        size_t k = (size_t)m->slots[i] - 1;
        size_t h = (size_t)ppd__hash_bytes(m->keys + m->koff[k], m->klen[k]);
        size_t j = h & (ncap - 1);
        while (ns[j] != 0)
            j = (j + 1) & (ncap - 1);
        ns[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return true;
}

/*
 * Find key; when absent, add it with value *val. *val gets the value
 * found; *added tells which. False when out of memory.
 */
static bool
imap_get(struct imap *m, const void *key, size_t len, uint64_t *val,
         bool *added)
{
    if (m->keys == NULL) { /* never NULL once in use: empty keys point in */
        m->keycap = 4096;
        if ((m->keys = malloc(m->keycap)) == NULL)
            return false;
    }
    if ((m->n + 1) * 2 > m->cap && !imap_grow(m))
        return false;
    size_t h = (size_t)ppd__hash_bytes(key, len);
    size_t j = h & (m->cap - 1);
    while (m->slots[j] != 0) {
        size_t k = (size_t)m->slots[j] - 1;
        if (m->klen[k] == len && memcmp(m->keys + m->koff[k], key, len) == 0) {
            *val = m->vals[k];
            *added = false;
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    if (m->keylen + len > UINT32_MAX)
        return false;
    if (m->keylen + len > m->keycap) {
        size_t nc = (m->keylen + len) * 2 + 4096;
        char *nk = realloc(m->keys, nc);
        if (nk == NULL)
            return false;
        m->keys = nk;
        m->keycap = nc;
    }
    size_t k = m->n;
    if ((k & (k - 1)) == 0 || k == 0) { /* grow arrays at powers of 2 */
        size_t nc = k ? k * 2 : 16;
        uint32_t *o = realloc(m->koff, nc * sizeof *o);
        if (o == NULL)
            return false;
        m->koff = o;
        uint32_t *l = realloc(m->klen, nc * sizeof *l);
        if (l == NULL)
            return false;
        m->klen = l;
        uint64_t *v = realloc(m->vals, nc * sizeof *v);
        if (v == NULL)
            return false;
        m->vals = v;
    }
    if (len > 0)
        memcpy(m->keys + m->keylen, key, len);
    m->koff[k] = (uint32_t)m->keylen;
    m->klen[k] = (uint32_t)len;
    m->vals[k] = *val;
    m->keylen += len;
    m->n++;
    m->slots[j] = k + 1;
    *added = true;
    return true;
}

struct frame {
    uint64_t function; /* id */
    int64_t line;
};

struct reader {
    struct ppd__source *s;
    struct ppd__builder *b;
    enum shape shape;
    unsigned long lineno;
    struct imap strings, functions, locations;
    uint64_t nfunctions, nlocations;
    /* The sample being read. */
    uint64_t addrs[MAX_FRAMES];
    size_t naddrs;
    struct frame frames[MAX_FRAMES]; /* dump: leaf first */
    size_t nframes;
    int64_t vals[4];
    size_t nvals;
    bool pending;
    /* Symbol lines of a count or heap sample: address -> frames. */
    uint64_t sym_addr[MAX_FRAMES];
    struct frame sym[MAX_FRAMES];
    size_t nsym;
    int64_t heap_rate;
    bool heap_alloc;
    int64_t cpu_hz, period; /* contention: cycles/second, sampling period */
    bool in_samples;        /* contention: past the attribute lines */
    /* Dump labels. */
    int64_t goid, wait_minutes;
    char state[128], creator[512];
    char fn[2048]; /* a dump's function line, until its file line */
    size_t fnlen;
    bool in_memstats;
    bool any_sym; /* a symbol line has been seen */
    /* gperftools' heap profile ("@ heapprofile"): its memory map comes
     * last, so its records wait for it. */
    bool deferred;
    struct ppd__maps maps;
    PPD_VEC(int64_t) dvals;   /* 4 per record */
    PPD_VEC(uint64_t) daddrs; /* addresses of every record */
    PPD_VEC(size_t) dcount;   /* addresses per record */
    unsigned char *key; /* scratch for sample keys */
};

static enum ppd_status
fail(struct reader *r, const char *msg)
{
    return ppd_error_set(r->s->err, PPD_ECORRUPT, r->s->name, "line %lu: %s",
                         r->lineno, msg);
}

static enum ppd_status
builder_failed(struct reader *r)
{
    return ppd__builder_status(r->b);
}

/* The string table index of s[0..n), added when new; -1 on failure. */
static int64_t
intern(struct reader *r, const char *s, size_t n)
{
    uint64_t v = r->strings.n;
    bool added;
    if (!imap_get(&r->strings, s, n, &v, &added))
        return -1;
    if (added && !ppd__builder_string(r->b, s, n))
        return -1;
    return (int64_t)v;
}

/* The function id of name in file, added when new; 0 on failure. */
static uint64_t
function_of(struct reader *r, const char *name, size_t nl, const char *file,
            size_t fl)
{
    char key[4096];
    if (nl >= sizeof key / 2)
        nl = sizeof key / 2 - 1; /* names this long are cut, not refused */
    if (fl >= sizeof key / 2)
        fl = sizeof key / 2 - 1;
    memcpy(key, name, nl);
    key[nl] = '\0';
    memcpy(key + nl + 1, file, fl);
    uint64_t id = r->nfunctions + 1;
    bool added;
    if (!imap_get(&r->functions, key, nl + 1 + fl, &id, &added))
        return 0;
    if (added) {
        int64_t ni = intern(r, name, nl), fi = intern(r, file, fl);
        if (ni < 0 || fi < 0)
            return 0;
        struct ppd__function_rec f = {.id = id, .name = ni,
                                      .system_name = ni, .filename = fi};
        if (!ppd__builder_function(r->b, &f))
            return 0;
        r->nfunctions++;
    }
    return id;
}

static void
put_varint(unsigned char *p, size_t *k, uint64_t v)
{
    while (v >= 0x80) {
        p[(*k)++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    p[(*k)++] = (unsigned char)v;
}

/*
 * The location of a count or heap frame: by address, its lines the
 * symbol lines given for that address (innermost first). 0 on failure.
 */
static uint64_t
location_at(struct reader *r, uint64_t addr)
{
    uint64_t id = r->nlocations + 1;
    bool added;
    if (!imap_get(&r->locations, &addr, sizeof addr, &id, &added))
        return 0;
    if (!added)
        return id;
    struct ppd__line_rec lines[64];
    size_t n = 0;
    for (size_t i = 0; i < r->nsym && n < 64; i++)
        if (r->sym_addr[i] == addr)
            lines[n++] = (struct ppd__line_rec){r->sym[i].function,
                                                r->sym[i].line, 0};
    /* Go prints the outermost of inlined frames last. */
    struct ppd__location_rec l = {.id = id, .address = addr, .lines = lines,
                                  .nlines = n,
                                  .mapping_id = ppd__maps_find(&r->maps,
                                                               addr)};
    if (!ppd__builder_location(r->b, &l))
        return 0;
    r->nlocations++;
    return id;
}

/* The location of a dump frame: by function and line. 0 on failure. */
static uint64_t
location_of(struct reader *r, const struct frame *f)
{
    uint64_t key[2] = {f->function, (uint64_t)f->line};
    uint64_t id = r->nlocations + 1;
    bool added;
    if (!imap_get(&r->locations, key, sizeof key, &id, &added))
        return 0;
    if (added) {
        struct ppd__line_rec line = {f->function, f->line, 0};
        struct ppd__location_rec l = {.id = id, .lines = &line, .nlines = 1};
        if (!ppd__builder_location(r->b, &l))
            return 0;
        r->nlocations++;
    }
    return id;
}

/* Hand the sample read so far to the builder. */
static enum ppd_status
flush(struct reader *r)
{
    if (!r->pending)
        return PPD_OK;
    r->pending = false;
    if (r->deferred) {
        if (!PPD_VEC_RESERVE(r->dvals, 4, NULL) ||
            !PPD_VEC_RESERVE(r->daddrs, r->naddrs, NULL) ||
            !PPD_VEC_RESERVE(r->dcount, 1, NULL))
            return ppd_error_set(r->s->err, PPD_ENOMEM, r->s->name,
                                 "out of memory");
        for (size_t i = 0; i < 4; i++)
            r->dvals.v[r->dvals.n++] = i < r->nvals ? r->vals[i] : 0;
        memcpy(r->daddrs.v + r->daddrs.n, r->addrs,
               r->naddrs * sizeof *r->addrs);
        r->daddrs.n += r->naddrs;
        r->dcount.v[r->dcount.n++] = r->naddrs;
        return PPD_OK;
    }
    size_t n = r->shape == DUMP ? r->nframes : r->naddrs;
    size_t k = 0;
    /* Go prints no symbol lines for runtime frames (debug=1 leaves them
     * out): once a text has symbol lines, frames without are left out,
     * and a record of runtime frames alone has no stack. */
    r->any_sym |= r->nsym > 0;
    if (r->shape != DUMP && r->any_sym) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            bool known = false;
            for (size_t j = 0; j < r->nsym && !known; j++)
                known = r->sym_addr[j] == r->addrs[i];
            if (known)
                r->addrs[m++] = r->addrs[i];
        }
        n = m;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t id = r->shape == DUMP ? location_of(r, &r->frames[i])
                                       : location_at(r, r->addrs[i]);
        if (id == 0)
            return builder_failed(r) != PPD_OK
                       ? builder_failed(r)
                       : ppd_error_set(r->s->err, PPD_ENOMEM, r->s->name,
                                       "out of memory");
        put_varint(r->key, &k, id);
    }
    struct ppd__label_rec labels[4];
    size_t nl = 0;
    if (r->shape == DUMP) {
        int64_t kg = intern(r, "goid", 4), ks = intern(r, "state", 5),
                kw = intern(r, "wait_minutes", 12),
                kc = intern(r, "created_by", 10),
                vs = intern(r, r->state, strlen(r->state)),
                vc = intern(r, r->creator, strlen(r->creator)),
                um = intern(r, "minutes", 7);
        if (kg < 0 || ks < 0 || kw < 0 || kc < 0 || vs < 0 || vc < 0 ||
            um < 0)
            return ppd_error_set(r->s->err, PPD_ENOMEM, r->s->name,
                                 "out of memory");
        labels[nl++] = (struct ppd__label_rec){kg, 0, r->goid, 0};
        labels[nl++] = (struct ppd__label_rec){ks, vs, 0, 0};
        if (r->wait_minutes >= 0)
            labels[nl++] = (struct ppd__label_rec){kw, 0, r->wait_minutes,
                                                   um};
        if (r->creator[0] != '\0')
            labels[nl++] = (struct ppd__label_rec){kc, vc, 0, 0};
    }
    struct ppd__sample_rec sr = {.locs = r->key, .locs_len = k, .nlocs = n,
                                 .vals = r->vals, .nvals = r->nvals,
                                 .labels = labels, .nlabels = nl};
    if (!ppd__builder_sample(r->b, &sr))
        return builder_failed(r);
    r->nsym = 0;
    return PPD_OK;
}

static int64_t
intern_cb(void *ctx, const char *s, size_t n)
{
    return intern(ctx, s, n);
}

/* gperftools' heap: the memory map read, hand over the waiting records. */
static enum ppd_status
emit_deferred(struct reader *r)
{
    if (!ppd__maps_emit(&r->maps, r->b, intern_cb, r))
        return builder_failed(r) != PPD_OK
                   ? builder_failed(r)
                   : ppd_error_set(r->s->err, PPD_ENOMEM, r->s->name,
                                   "out of memory");
    r->deferred = false;
    size_t at = 0;
    for (size_t i = 0; i < r->dcount.n; i++) {
        r->naddrs = r->dcount.v[i];
        memcpy(r->addrs, r->daddrs.v + at, r->naddrs * sizeof *r->addrs);
        at += r->naddrs;
        memcpy(r->vals, r->dvals.v + 4 * i, 4 * sizeof *r->vals);
        r->nsym = 0;
        r->pending = true;
        enum ppd_status st = flush(r);
        if (st != PPD_OK)
            return st;
    }
    return PPD_OK;
}

/* Parse "0x1f 0x2e ..." into r->addrs, less one each, as pprof does. */
static enum ppd_status
parse_addrs(struct reader *r, const char *p, const char *end)
{
    r->naddrs = 0;
    while (p < end) {
        while (p < end && *p == ' ')
            p++;
        if (p == end)
            break;
        if (end - p < 3 || p[0] != '0' || p[1] != 'x')
            return fail(r, "want hexadecimal addresses after '@'");
        p += 2;
        uint64_t a = 0;
        int digits = 0;
        while (p < end && isxdigit((unsigned char)*p)) {
            int c = tolower((unsigned char)*p++);
            if (++digits > 16)
                return fail(r, "an address longer than 64 bits");
            a = a << 4 | (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
        }
        if (digits == 0 || (p < end && *p != ' '))
            return fail(r, "want hexadecimal addresses after '@'");
        if (r->naddrs == MAX_FRAMES)
            return fail(r, "more than 4096 frames in one stack");
        r->addrs[r->naddrs++] = a - 1;
    }
    return PPD_OK;
}

/* A decimal integer at *p (< end), advancing; false when none. */
static bool
parse_int(const char **p, const char *end, int64_t *v)
{
    const char *q = *p;
    bool neg = q < end && *q == '-';
    if (neg)
        q++;
    if (q == end || !isdigit((unsigned char)*q))
        return false;
    uint64_t x = 0;
    while (q < end && isdigit((unsigned char)*q)) {
        if (x > (uint64_t)INT64_MAX / 10)
            return false;
        x = x * 10 + (uint64_t)(*q++ - '0');
    }
    if (x > (uint64_t)INT64_MAX)
        return false;
    *v = neg ? -(int64_t)x : (int64_t)x;
    *p = q;
    return true;
}

static const char *
skip_spaces(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* A double as int64, saturating (hostile values go past the range). */
static int64_t
clamp_int64(double d)
{
    if (!(d == d))
        return 0;
    return d >= 0x1p63 ? INT64_MAX : d <= -0x1p63 ? INT64_MIN : (int64_t)d;
}

/* pprof's scaling of a sampled heap record. */
static void
scale_heap(int64_t *count, int64_t *size, int64_t rate)
{
    if (*count == 0 || *size == 0) {
        *count = *size = 0;
        return;
    }
    if (rate <= 1)
        return;
    double avg = (double)*size / (double)*count;
    double scale = 1 / (1 - exp(-avg / (double)rate));
    *count = clamp_int64((double)*count * scale);
    *size = clamp_int64((double)*size * scale);
}

/* "#\t0xADDR\tFUNC+0xOFF\tFILE:LINE": a symbol line of a count or heap
 * sample. Other '#' lines are comments (or MemStats, below). */
static enum ppd_status
symbol_line(struct reader *r, const char *p, const char *end)
{
    const char *q = p + 1;
    if (q >= end || *q != '\t' || end - q < 4 || q[1] != '0' || q[2] != 'x')
        return PPD_OK;
    q += 3;
    uint64_t a = 0;
    while (q < end && isxdigit((unsigned char)*q)) {
        int c = tolower((unsigned char)*q++);
        a = a << 4 | (uint64_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
    }
    if (q >= end || *q != '\t')
        return PPD_OK;
    const char *fn = ++q;
    const char *tab = memchr(fn, '\t', (size_t)(end - fn));
    if (tab == NULL)
        return PPD_OK;
    const char *plus = tab;
    for (const char *x = fn; x < tab; x++)
        if (*x == '+' && x + 2 < tab && x[1] == '0' && x[2] == 'x')
            plus = x;
    const char *file = tab + 1;
    const char *colon = NULL;
    for (const char *x = file; x < end; x++)
        if (*x == ':')
            colon = x;
    int64_t line = 0;
    const char *lp = colon ? colon + 1 : end;
    if (colon == NULL || !parse_int(&lp, end, &line))
        colon = end;
    if (r->nsym == MAX_FRAMES)
        return PPD_OK;
    uint64_t f = function_of(r, fn, (size_t)(plus - fn), file,
                             (size_t)(colon - file));
    if (f == 0)
        return builder_failed(r) != PPD_OK
                   ? builder_failed(r)
                   : ppd_error_set(r->s->err, PPD_ENOMEM, r->s->name,
                                   "out of memory");
    r->sym_addr[r->nsym] = a;
    r->sym[r->nsym].function = f;
    r->sym[r->nsym].line = line;
    r->nsym++;
    return PPD_OK;
}

/* "# Name = value" after "# runtime.MemStats": a comment for the model. */
static enum ppd_status
memstats_line(struct reader *r, const char *p, const char *end)
{
    p = skip_spaces(p + 1, end);
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (eq == NULL)
        return PPD_OK;
    const char *ne = eq;
    while (ne > p && ne[-1] == ' ')
        ne--;
    const char *v = skip_spaces(eq + 1, end);
    if (v < end && *v == '[')
        return PPD_OK; /* PauseNs and PauseEnd: 256 numbers each */
    /* "Stack = INUSE / SYS" is StackInuse and StackSys (MSpan, MCache
     * the same), as the runtime.MemStats fields are named. */
    const char *slash = memchr(v, '/', (size_t)(end - v));
    for (int part = 0; part < (slash ? 2 : 1); part++) {
        const char *a = part ? skip_spaces(slash + 1, end) : v;
        const char *ae = slash && !part ? slash : end;
        while (ae > a && ae[-1] == ' ')
            ae--;
        char c[512];
        int n = snprintf(c, sizeof c, "runtime.MemStats.%.*s%s=%.*s",
                         (int)(ne - p), p,
                         slash ? (part ? "Sys" : "Inuse") : "",
                         (int)(ae - a), a);
        if (n < 0 || (size_t)n >= sizeof c)
            continue;
        int64_t si = intern(r, c, (size_t)n);
        if (si < 0 || !ppd__builder_comment(r->b, si))
            return builder_failed(r) != PPD_OK
                       ? builder_failed(r)
                       : ppd_error_set(r->s->err, PPD_ENOMEM, r->s->name,
                                       "out of memory");
    }
    return PPD_OK;
}

/* "goroutine 7 [chan receive, 12 minutes, locked to thread]:" */
static enum ppd_status
dump_header(struct reader *r, const char *p, const char *end)
{
    enum ppd_status st = flush(r);
    if (st != PPD_OK)
        return st;
    p += 10;
    if (!parse_int(&p, end, &r->goid) || p >= end || *p != ' ' ||
        p + 1 >= end || p[1] != '[' || end[-1] != ':' || end[-2] != ']')
        return fail(r, "want 'goroutine N [STATE]:'");
    const char *s = p + 2, *se = end - 2;
    const char *comma = memchr(s, ',', (size_t)(se - s));
    size_t sl = (size_t)((comma ? comma : se) - s);
    snprintf(r->state, sizeof r->state, "%.*s", (int)sl, s);
    r->wait_minutes = -1;
    for (const char *x = comma; x != NULL && x < se;
         x = memchr(x + 1, ',', (size_t)(se - x - 1))) {
        const char *q = skip_spaces(x + 1, se);
        int64_t m;
        if (parse_int(&q, se, &m) && se - q >= 8 &&
            memcmp(q, " minute", 7) == 0)
            r->wait_minutes = m;
    }
    r->nframes = 0;
    r->creator[0] = '\0';
    r->vals[0] = 1;
    r->nvals = 1;
    r->pending = true;
    return PPD_OK;
}

/* A dump's function line ("main.f(0x1, ...)" or "created by main.g in
 * goroutine 1"); its file line follows. */
static enum ppd_status
dump_line(struct reader *r, const char *p, const char *end, bool *creator,
          bool *want_file)
{
    if (*want_file) {
        /* "\t/path/f.go:12 +0x25" */
        if (p >= end || *p != '\t')
            return fail(r, "want a '\\tFILE:LINE' line after a "
                                 "function");
        const char *f = p + 1;
        const char *sp = memchr(f, ' ', (size_t)(end - f));
        const char *fe = sp ? sp : end;
        const char *colon = NULL;
        for (const char *x = f; x < fe; x++)
            if (*x == ':')
                colon = x;
        int64_t line = 0;
        const char *lp = colon ? colon + 1 : fe;
        if (colon == NULL || !parse_int(&lp, fe, &line))
            return fail(r, "want FILE:LINE");
        *want_file = false;
        if (*creator)
            return PPD_OK; /* the creator is a label, not a frame */
        if (r->nframes == MAX_FRAMES)
            return fail(r, "more than 4096 frames in one goroutine");
        uint64_t fid = function_of(r, r->fn, r->fnlen, f,
                                   (size_t)(colon - f));
        if (fid == 0)
            return builder_failed(r) != PPD_OK
                       ? builder_failed(r)
                       : ppd_error_set(r->s->err, PPD_ENOMEM, r->s->name,
                                       "out of memory");
        r->frames[r->nframes].function = fid;
        r->frames[r->nframes].line = line;
        r->nframes++;
        return PPD_OK;
    }
    if (!r->pending)
        return fail(r, "a frame outside any goroutine");
    if (end - p > 11 && memcmp(p, "created by ", 11) == 0) {
        const char *c = p + 11;
        const char *in = NULL;
        for (const char *x = c; x + 14 <= end; x++)
            if (memcmp(x, " in goroutine ", 14) == 0)
                in = x;
        snprintf(r->creator, sizeof r->creator, "%.*s",
                 (int)((in ? in : end) - c), c);
        *creator = true;
        *want_file = true;
        return PPD_OK;
    }
    if (end - p > 4 && memcmp(p, "...", 3) == 0)
        return PPD_OK; /* "...additional frames elided..." */
    /* "pkg.f(args)", "pkg.(*T).m(args)": the name is up to the last
     * '(' (the arguments hold none). */
    const char *paren = NULL;
    for (const char *x = p; x < end; x++)
        if (*x == '(')
            paren = x;
    if (paren == NULL || paren == p)
        return fail(r, "want 'FUNCTION(ARGS)'");
    r->fnlen = (size_t)(paren - p);
    if (r->fnlen >= sizeof r->fn)
        r->fnlen = sizeof r->fn - 1;
    memcpy(r->fn, p, r->fnlen);
    *creator = false;
    *want_file = true;
    return PPD_OK;
}

/* Read one line into [*p, *e); false at the end (or an error in s). */
static bool
next_line(struct reader *r, const char **p, const char **e, bool *too_long)
{
    struct ppd__source *s = r->s;
    *too_long = false;
    size_t scanned = 0;
    for (;;) {
        const unsigned char *b = s->buf + s->pos;
        size_t avail = s->end - s->pos;
        const unsigned char *nl = scanned < avail
                                      ? memchr(b + scanned, '\n',
                                               avail - scanned)
                                      : NULL;
        if (nl != NULL || (s->eof && avail > 0)) {
            size_t len = nl ? (size_t)(nl - b) : avail;
            *p = (const char *)b;
            *e = (const char *)b + len;
            if (*e > *p && (*e)[-1] == '\r')
                (*e)--;
            s->pos += len + (nl != NULL);
            r->lineno++;
            return true;
        }
        if (s->eof)
            return false;
        if (avail >= MAX_LINE) {
            *too_long = true;
            return false;
        }
        scanned = avail;
        if (!ppd__source_fill(s, avail + 1) && s->st != PPD_OK)
            return false;
    }
}

/* First lines of a crash's output, before its goroutine dump. */
static const char *const preambles[] = {"panic: ", "fatal error: ",
                                        "SIGQUIT: ", "SIGABRT: "};
#define NPREAMBLES (sizeof preambles / sizeof preambles[0])

static bool
is_preamble(const char *p, size_t l)
{
    for (size_t i = 0; i < NPREAMBLES; i++) {
        size_t k = strlen(preambles[i]);
        if (l >= k && memcmp(p, preambles[i], k) == 0)
            return true;
    }
    return false;
}

bool
ppd__gotext_is(const unsigned char *s, size_t n)
{
    const char *p = (const char *)s;
    size_t l = 0;
    while (l < n && s[l] != '\n')
        l++;
    static const char *const starts[] = {"heap profile: ", "goroutine ",
                                         "--- mutex:", "--- contention:"};
    if (is_preamble(p, l))
        return true;
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        size_t k = strlen(starts[i]);
        if (l >= k && memcmp(p, starts[i], k) == 0)
            return true;
    }
    for (size_t i = 0; i + 16 <= l; i++)
        if (memcmp(p + i, " profile: total ", 16) == 0)
            return true;
    return false;
}

enum ppd_status
ppd__gotext_read(struct ppd__source *s, struct ppd__builder *b)
{
    struct reader *r = calloc(1, sizeof *r);
    enum ppd_status st = PPD_OK;
    if (r == NULL || (r->key = malloc(MAX_FRAMES * 10)) == NULL) {
        free(r);
        return ppd_error_set(s->err, PPD_ENOMEM, s->name, "out of memory");
    }
    r->s = s;
    r->b = b;
    const char *p, *e;
    bool too_long = false, creator = false, want_file = false;
    if (intern(r, "", 0) != 0) {
        st = builder_failed(r);
        goto out;
    }
    if (!next_line(r, &p, &e, &too_long))
        goto ended;
    /* A crash's output: its dump starts at the first goroutine line. */
    if (is_preamble(p, (size_t)(e - p))) {
        bool found = false;
        while (!found && next_line(r, &p, &e, &too_long))
            found = e - p > 10 && memcmp(p, "goroutine ", 10) == 0 &&
                    isdigit((unsigned char)p[10]);
        if (!found) {
            if (!too_long && s->st == PPD_OK)
                st = fail(r, "a crash's output without a goroutine "
                                   "dump");
            goto ended;
        }
    }
    /* The first line says which shape this is. */
    size_t l = (size_t)(e - p);
    if (l >= 14 && memcmp(p, "heap profile: ", 14) == 0) {
        r->shape = HEAP;
        const char *q = p + 14;
        int64_t h[4];
        for (int k = 0; k < 4; k++) {
            q = skip_spaces(q, e);
            if (q < e && *q == '[')
                q = skip_spaces(q + 1, e);
            if (!parse_int(&q, e, &h[k]) || q >= e ||
                (*q != ':' && *q != ']' && *q != ' ')) {
                st = fail(r, "want 'heap profile: N: N [N: N] @ "
                                   "heap/RATE'");
                goto out;
            }
            if (*q == ':')
                q++;
        }
        q = skip_spaces(q, e);
        if (q < e && *q == ']')
            q = skip_spaces(q + 1, e);
        if (e - q < 7 || memcmp(q, "@ heap", 6) != 0) {
            st = fail(r, "want '@ heap/RATE' (Go's heap profile)");
            goto out;
        }
        /* The sampler, as pprof reads it: "heap/R" is Go's (R twice the
         * rate), "heap_v2/R" and "heapz_v2/R" the rate itself, and
         * gperftools' "heapprofile" unsampled, with a memory map last. */
        const char *kw = q + 2;
        q = kw;
        while (q < e && (islower((unsigned char)*q) ||
                         isdigit((unsigned char)*q) || *q == '_'))
            q++;
        size_t kl = (size_t)(q - kw);
        int64_t rate = 0;
        if (q < e && *q == '/') {
            q++;
            if (!parse_int(&q, e, &rate) || rate < 0) {
                st = fail(r, "want '@ heap/RATE'");
                goto out;
            }
        }
        if (kl == 4 && memcmp(kw, "heap", 4) == 0) {
            r->heap_rate = rate / 2;
        } else if ((kl == 7 && memcmp(kw, "heap_v2", 7) == 0) ||
                   (kl == 8 && memcmp(kw, "heapz_v2", 8) == 0)) {
            r->heap_rate = rate;
        } else if (kl == 11 && memcmp(kw, "heapprofile", 11) == 0) {
            r->heap_rate = 1;
            r->deferred = true;
        } else {
            st = fail(r, "want '@ heap/RATE' (Go's heap profile)");
            goto out;
        }
        r->heap_alloc = (h[2] != h[0] && h[2] != 0) ||
                        (h[3] != h[1] && h[3] != 0);
        static const char *const types[4][2] = {
            {"alloc_objects", "count"}, {"alloc_space", "bytes"},
            {"inuse_objects", "count"}, {"inuse_space", "bytes"}};
        static const char *const two[2][2] = {{"objects", "count"},
                                              {"space", "bytes"}};
        for (int k = 0; k < (r->heap_alloc ? 4 : 2); k++) {
            const char *const *t = r->heap_alloc ? types[k] : two[k];
            int64_t ti = intern(r, t[0], strlen(t[0])),
                    ui = intern(r, t[1], strlen(t[1]));
            if (ti < 0 || ui < 0 || !ppd__builder_sample_type(b, ti, ui)) {
                st = builder_failed(r);
                goto out;
            }
        }
        int64_t pt = intern(r, "space", 5), pu = intern(r, "bytes", 5);
        if (pt < 0 || pu < 0) {
            st = builder_failed(r);
            goto out;
        }
        ppd__builder_period_type(b, pt, pu);
        ppd__builder_scalar(b, PPD__PERIOD, r->heap_rate);
    } else if ((l >= 10 && memcmp(p, "--- mutex:", 10) == 0) ||
               (l >= 15 && memcmp(p, "--- contention:", 15) == 0)) {
        r->shape = CONTENTION;
        r->period = 1;
        int64_t ct = intern(r, "contentions", 11), cu = intern(r, "count", 5),
                dt = intern(r, "delay", 5), du = intern(r, "nanoseconds", 11);
        if (ct < 0 || cu < 0 || dt < 0 || du < 0 ||
            !ppd__builder_sample_type(b, ct, cu) ||
            !ppd__builder_sample_type(b, dt, du)) {
            st = builder_failed(r);
            goto out;
        }
        ppd__builder_period_type(b, ct, cu);
    } else if (l >= 10 && memcmp(p, "goroutine ", 10) == 0 &&
               isdigit((unsigned char)p[10])) {
        r->shape = DUMP;
        int64_t ti = intern(r, "goroutine", 9), ui = intern(r, "count", 5);
        if (ti < 0 || ui < 0 || !ppd__builder_sample_type(b, ti, ui)) {
            st = builder_failed(r);
            goto out;
        }
        ppd__builder_period_type(b, ti, ui);
        ppd__builder_scalar(b, PPD__PERIOD, 1);
        st = dump_header(r, p, e);
        if (st != PPD_OK)
            goto out;
    } else {
        const char *t = memchr(p, ' ', l);
        if (t == NULL || t == p || e - t < 16 ||
            memcmp(t, " profile: total ", 16) != 0) {
            st = fail(r, "not one of Go's text profiles");
            goto out;
        }
        r->shape = COUNTS;
        int64_t ti = intern(r, p, (size_t)(t - p)), ui = intern(r, "count", 5);
        if (ti < 0 || ui < 0 || !ppd__builder_sample_type(b, ti, ui)) {
            st = builder_failed(r);
            goto out;
        }
        ppd__builder_period_type(b, ti, ui);
        ppd__builder_scalar(b, PPD__PERIOD, 1);
    }
    while (next_line(r, &p, &e, &too_long)) {
        const char *q = skip_spaces(p, e);
        if (r->shape == DUMP) {
            if (q == e) {
                if (want_file) {
                    st = fail(r, "want a '\\tFILE:LINE' line");
                    goto out;
                }
                continue;
            }
            if (!want_file && e - p > 10 && memcmp(p, "goroutine ", 10) == 0)
                st = dump_header(r, p, e);
            else
                st = dump_line(r, p, e, &creator, &want_file);
            if (st != PPD_OK)
                goto out;
            continue;
        }
        if (q == e)
            continue;
        if (*q == '#') {
            if (r->in_memstats)
                st = memstats_line(r, q, e);
            else if (e - q >= 18 && memcmp(q, "# runtime.MemStats", 18) == 0)
                r->in_memstats = true;
            else
                st = symbol_line(r, q, e);
            if (st != PPD_OK)
                goto out;
            continue;
        }
        if (e - q >= 16 && memcmp(q, "MAPPED_LIBRARIES", 16) == 0) {
            /* The memory map, to the end. */
            st = flush(r);
            while (st == PPD_OK && next_line(r, &p, &e, &too_long))
                if (!ppd__maps_line(&r->maps, p, e))
                    st = ppd_error_set(s->err, PPD_ENOMEM, s->name,
                                       "out of memory");
            if (st != PPD_OK)
                goto out;
            break;
        }
        if (r->in_memstats || (e - q >= 3 && memcmp(q, "---", 3) == 0))
            break; /* what pprof reads ends here */
        if (r->shape == CONTENTION && !r->in_samples) {
            /* "cycles/second=N", "sampling period=N": before samples. */
            const char *eq = memchr(q, '=', (size_t)(e - q));
            if (eq != NULL && memchr(q, '@', (size_t)(e - q)) == NULL) {
                const char *ke = eq;
                while (ke > q && ke[-1] == ' ')
                    ke--;
                const char *v = skip_spaces(eq + 1, e);
                int64_t x;
                if (!parse_int(&v, e, &x) || skip_spaces(v, e) != e) {
                    st = fail(r, "want 'NAME=NUMBER'");
                    goto out;
                }
                size_t kl = (size_t)(ke - q);
                if (kl == 13 && memcmp(q, "cycles/second", 13) == 0)
                    r->cpu_hz = x;
                else if (kl == 15 && memcmp(q, "sampling period", 15) == 0)
                    r->period = x;
                else if (kl == 14 && memcmp(q, "ms since reset", 14) == 0 &&
                         x >= 0 && x <= INT64_MAX / 1000000)
                    ppd__builder_scalar(b, PPD__DURATION_NANOS,
                                        x * 1000000);
                continue;
            }
            r->in_samples = true;
            ppd__builder_scalar(b, PPD__PERIOD, r->period);
        }
        st = flush(r);
        if (st != PPD_OK)
            goto out;
        const char *at = memchr(q, '@', (size_t)(e - q));
        if (at == NULL) {
            st = fail(r, "want a record 'VALUES @ ADDRESSES'");
            goto out;
        }
        if (r->shape == COUNTS) {
            if (!parse_int(&q, at, &r->vals[0]) ||
                skip_spaces(q, at) != at) {
                st = fail(r, "want 'COUNT @ ADDRESSES'");
                goto out;
            }
            r->nvals = 1;
        } else if (r->shape == CONTENTION) {
            /* "CYCLES COUNT @ ADDRESSES", unsampled as pprof does. */
            int64_t cycles, count;
            if (!parse_int(&q, at, &cycles) ||
                !parse_int((q = skip_spaces(q, at), &q), at, &count) ||
                skip_spaces(q, at) != at) {
                st = fail(r, "want 'CYCLES COUNT @ ADDRESSES'");
                goto out;
            }
            if (r->period > 0) {
                if (r->cpu_hz > 0)
                    cycles = clamp_int64((double)cycles * (double)r->period /
                                         ((double)r->cpu_hz / 1e9));
                int64_t c0 = count; /* period > 0: the sign is count's */
                if (__builtin_mul_overflow(c0, r->period, &count))
                    count = c0 < 0 ? INT64_MIN : INT64_MAX;
            }
            r->vals[0] = count;
            r->vals[1] = cycles;
            r->nvals = 2;
        } else {
            int64_t v[4];
            for (int k = 0; k < 4; k++) {
                q = skip_spaces(q, at);
                if (q < at && *q == '[')
                    q = skip_spaces(q + 1, at);
                if (!parse_int(&q, at, &v[k])) {
                    st = fail(r, "want 'N: N [N: N] @ ADDRESSES'");
                    goto out;
                }
                q = skip_spaces(q, at);
                if (q < at && (*q == ':' || *q == ']'))
                    q++;
            }
            if (skip_spaces(q, at) != at || (v[0] == 0 && v[1] != 0) ||
                (v[2] == 0 && v[3] != 0)) {
                st = fail(r, "want 'N: N [N: N] @ ADDRESSES' (a "
                                   "count of 0 with bytes)");
                goto out;
            }
            scale_heap(&v[0], &v[1], r->heap_rate);
            scale_heap(&v[2], &v[3], r->heap_rate);
            r->nvals = 0;
            if (r->heap_alloc) {
                r->vals[r->nvals++] = v[2];
                r->vals[r->nvals++] = v[3];
            }
            r->vals[r->nvals++] = v[0];
            r->vals[r->nvals++] = v[1];
        }
        st = parse_addrs(r, at + 1, e);
        if (st != PPD_OK)
            goto out;
        r->nsym = 0;
        r->pending = true;
    }
ended:
    if (too_long) {
        r->lineno++; /* the line that did not end */
        st = fail(r, "a line longer than 1 MiB");
        goto out;
    }
    if (s->st != PPD_OK) {
        st = s->st;
        goto out;
    }
    if (want_file) {
        st = fail(r, "the input ends inside a frame");
        goto out;
    }
    st = flush(r);
    if (st == PPD_OK && r->deferred)
        st = emit_deferred(r);
out:
    ppd__maps_free(&r->maps);
    free(r->dvals.v);
    free(r->daddrs.v);
    free(r->dcount.v);
    imap_free(&r->strings);
    imap_free(&r->functions);
    imap_free(&r->locations);
    free(r->key);
    free(r);
    return st;
}
