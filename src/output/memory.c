/*
 * memory.c - the memory account: runtime.MemStats of both inputs (heap
 * ?debug=1 pages carry them), field by field, and the line that says
 * whether the heap or goroutine stacks explain the growth. A heap
 * profile shows only the heap; goroutine stacks (StackInuse) grow with
 * leaked goroutines and show up nowhere else.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/json.h"
#include "output/output.h"

/* What the text shows, in this order; the rest is in json. */
static const struct {
    const char *name;
    bool bytes;
} shown[] = {
    {"Sys", true},         {"HeapSys", true},     {"HeapAlloc", true},
    {"HeapInuse", true},   {"HeapIdle", true},    {"HeapReleased", true},
    {"HeapObjects", false}, {"StackInuse", true}, {"StackSys", true},
    {"MSpanInuse", true},  {"MCacheInuse", true}, {"BuckHashSys", true},
    {"GCSys", true},       {"OtherSys", true},    {"NextGC", true},
    {"NumGC", false},
};

/* The integer value of field name in column c; false when absent. */
static bool
field(const struct ppd_column *c, const char *name, size_t nl, int64_t *v)
{
    for (size_t i = 0; i < c->nmemstats; i++) {
        const char *s = c->memstats[i];
        if (strncmp(s, name, nl) != 0 || s[nl] != '=')
            continue;
        char *end;
        long long x = strtoll(s + nl + 1, &end, 10);
        if (end == s + nl + 1 || *end != '\0')
            return false;
        *v = (int64_t)x;
        return true;
    }
    return false;
}

static bool
both(const struct ppd_accum *a, const char *name, int64_t *b, int64_t *c)
{
    size_t n = ppd_accum_ncolumns(a);
    size_t nl = strlen(name);
    return n > 1 && field(ppd_accum_column(a, 0), name, nl, b) &&
           field(ppd_accum_column(a, n - 1), name, nl, c);
}

void
ppd__put_memory_text(FILE *out, const struct ppd_accum *a)
{
    int64_t b, c;
    if (!both(a, "HeapInuse", &b, &c))
        return;
    fputs("\nmemory (runtime.MemStats)\n", out);
    fprintf(out, "%-14s %12s %12s %12s\n", "field", "base", "cur", "delta");
    for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        if (!both(a, shown[i].name, &b, &c))
            continue;
        const char *unit = shown[i].bytes ? "bytes" : "count";
        char vb[64], vc[64], vd[64];
        ppd_render_value(vb, sizeof vb, b, unit, false);
        ppd_render_value(vc, sizeof vc, c, unit, false);
        ppd_render_value(vd, sizeof vd, c - b, unit, true);
        fprintf(out, "%-14s %12s %12s %12s\n", shown[i].name, vb, vc, vd);
    }
    int64_t hb, hc, sb, sc;
    if (!both(a, "HeapInuse", &hb, &hc) || !both(a, "StackInuse", &sb, &sc))
        return;
    int64_t heap = hc - hb, stack = sc - sb;
    char h[64], s[64], p[64];
    ppd_render_value(h, sizeof h, heap, "bytes", true);
    ppd_render_value(s, sizeof s, stack, "bytes", true);
    fputs("account: ", out);
    const struct ppd_value_type *t = ppd_accum_type(a);
    if (strcmp(t->type, "inuse_space") == 0) {
        size_t n = ppd_accum_ncolumns(a);
        ppd_render_value(p, sizeof p,
                         ppd_accum_column(a, n - 1)->total -
                             ppd_accum_column(a, 0)->total,
                         "bytes", true);
        fprintf(out, "the profile's inuse_space %s, ", p);
    }
    fprintf(out, "HeapInuse %s, goroutine stacks (StackInuse) %s: ", h, s);
    if (stack > 0 && stack >= heap)
        fputs("stacks, not the heap, explain most of the growth; "
              "goroutines are piling up: compare goroutine profiles\n",
              out);
    else if (heap > 0)
        fputs("the heap explains most of the growth\n", out);
    else
        fputs("neither grew\n", out);
}

void
ppd__put_memory_json(FILE *out, const struct ppd_accum *a)
{
    size_t n = ppd_accum_ncolumns(a);
    if (n < 2)
        return;
    const struct ppd_column *c0 = ppd_accum_column(a, 0);
    const struct ppd_column *c1 = ppd_accum_column(a, n - 1);
    bool first = true;
    for (size_t i = 0; i < c0->nmemstats; i++) {
        const char *s = c0->memstats[i];
        const char *eq = strchr(s, '=');
        int64_t b, c;
        if (eq == NULL || !field(c0, s, (size_t)(eq - s), &b) ||
            !field(c1, s, (size_t)(eq - s), &c))
            continue;
        fputs(first ? "  \"memstats\": {" : ", ", out);
        first = false;
        ppd__json_string(out, s, (size_t)(eq - s));
        fprintf(out,
                ": {\"base\": %" PRId64 ", \"cur\": %" PRId64
                ", \"delta\": %" PRId64 "}",
                b, c, c - b);
    }
    if (!first)
        fputs("},\n", out);
}
