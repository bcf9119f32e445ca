/*
 * profile.c - queries on a decoded profile.
 *
 * The sample-type default follows pprof: default_sample_type when the
 * profile names one, else the last sample type (inuse_space for heap).
 */
#include <stdlib.h>
#include <string.h>

#include "model/arena.h"
#include "pprofdiff/profile.h"

void
ppd_profile_free(struct ppd_profile *p)
{
    if (p == NULL)
        return;
    /* The profile struct itself lives in its arena. */
    ppd__arena_free(p->arena);
}

size_t
ppd_sample_locations(const struct ppd_profile *prof,
                     const struct ppd_sample *s, uint32_t *out, size_t cap)
{
    const unsigned char *p = ppd_sample_stack(prof, s);
    const unsigned char *end = p + s->stack_len;
    size_t n = 0;
    uint32_t loc;
    while (ppd_stack_next(&p, end, &loc)) {
        if (n < cap)
            out[n] = loc;
        n++;
    }
    return n;
}

long
ppd_profile_sample_index(const struct ppd_profile *p, const char *spec)
{
    if (p->nsample_types == 0)
        return -1;
    if (spec == NULL || spec[0] == '\0') {
        /* As pprof: the default type when the profile names one of its
         * types exactly, else the last type. */
        for (size_t i = 0; i < p->nsample_types; i++)
            if (p->default_sample_type[0] != '\0' &&
                strcmp(p->sample_types[i].type, p->default_sample_type) == 0)
                return (long)i;
        return (long)p->nsample_types - 1;
    }
    for (size_t i = 0; i < p->nsample_types; i++)
        if (strcmp(p->sample_types[i].type, spec) == 0)
            return (long)i;
    char *end;
    long idx = strtol(spec, &end, 10);
    if (*end == '\0' && end != spec && idx >= 0 &&
        (size_t)idx < p->nsample_types)
        return idx;
    return -1;
}

int64_t
ppd_profile_total(const struct ppd_profile *p, size_t idx)
{
    uint64_t t = 0;
    if (idx >= p->nsample_types)
        return 0;
    for (size_t i = 0; i < p->nsamples; i++)
        t += (uint64_t)ppd_sample_values(p, i)[idx];
    return (int64_t)t;
}

uint64_t
ppd_profile_frames(const struct ppd_profile *p, uint64_t *most)
{
    uint64_t total = 0, top = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        const struct ppd_sample *x = &p->samples[i];
        const unsigned char *q = ppd_sample_stack(p, x);
        const unsigned char *end = q + x->stack_len;
        uint64_t n = 0;
        uint32_t loc;
        while (ppd_stack_next(&q, end, &loc))
            n += p->locations[loc].nlines ? p->locations[loc].nlines : 1;
        total += n;
        if (n > top)
            top = n;
    }
    if (most != NULL)
        *most = top;
    return total;
}
