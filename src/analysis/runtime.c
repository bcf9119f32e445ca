/*
 * runtime.c - which frames are runtime code: the one place that knows.
 *
 * A goroutine parked in a channel receive ends in runtime.gopark under
 * runtime.selectgo; neither says who started it. The culprit of a stack
 * is its first frame, from the leaf, that is not one of these.
 */
#include <string.h>

#include "pprofdiff/diff.h"

static bool
has_prefix(const char *name, size_t len, const char *pre)
{
    size_t n = strlen(pre);
    return n > 0 && n <= len && memcmp(name, pre, n) == 0;
}

bool
ppd_is_runtime_frame(const char *name, size_t len,
                     const struct ppd_diff_options *opt)
{
    static const char *const builtin[] = {"runtime.", "runtime/", "internal/",
                                          "sync.", "time.Sleep"};
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (has_prefix(name, len, builtin[i]))
            return true;
    if (opt != NULL)
        for (size_t i = 0; i < opt->nruntime_prefixes; i++)
            if (has_prefix(name, len, opt->runtime_prefixes[i]))
                return true;
    return false;
}

uint32_t
ppd_stack_culprit(const struct ppd_accum *a, const uint32_t *frames,
                  size_t n, const struct ppd_diff_options *opt)
{
    for (size_t k = 0; k < n; k++) {
        const struct ppd_frame *f = ppd_accum_frame(a, frames[k]);
        if (!ppd_is_runtime_frame(f->name.ptr, f->name.len, opt))
            return frames[k];
    }
    return frames[0];
}
