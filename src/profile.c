/*
 * profile.c - queries on a decoded profile.
 *
 * The sample-type default follows pprof: default_sample_type when the
 * profile names one, else the last sample type (inuse_space for heap).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
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
ppd_sample_locations(const struct ppd_sample *s, uint32_t *out, size_t cap)
{
    const unsigned char *p = s->stack, *end = s->stack + s->stack_len;
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

static bool
has_type(const struct ppd_profile *p, const char *name)
{
    for (size_t i = 0; i < p->nsample_types; i++)
        if (strcmp(p->sample_types[i].type, name) == 0)
            return true;
    return false;
}

/* Does every sample's leaf frame release a lock ("...Unlock", "unlock")? */
static bool
all_leaves_unlock(const struct ppd_profile *p)
{
    size_t seen = 0;
    for (size_t i = 0; i < p->nsamples; i++) {
        uint32_t loc;
        if (ppd_sample_locations(&p->samples[i], &loc, 1) == 0)
            continue;
        const struct ppd_location *l = &p->locations[loc];
        if (l->nlines == 0)
            return false;
        const char *name = l->lines[0].function->name;
        if (strstr(name, "Unlock") == NULL && strstr(name, "unlock") == NULL)
            return false;
        seen++;
    }
    return seen > 0;
}

const char *
ppd_profile_kind(const struct ppd_profile *p)
{
    if (has_type(p, "goroutine"))
        return "goroutine";
    if (has_type(p, "threadcreate"))
        return "threadcreate";
    if (has_type(p, "inuse_space") || has_type(p, "alloc_space")) {
        if (strcmp(p->default_sample_type, "alloc_space") == 0 ||
            strcmp(p->default_sample_type, "alloc_objects") == 0)
            return "allocs";
        return "heap";
    }
    if (has_type(p, "cpu") ||
        (has_type(p, "samples") && p->nsample_types == 2 &&
         strcmp(p->sample_types[1].unit, "nanoseconds") == 0))
        return "cpu";
    if (has_type(p, "contentions") && has_type(p, "delay")) {
        /* Go writes the same sample types and period for both; what
         * differs is where stacks end: a mutex profile records the unlock
         * that woke a waiter, a block profile the wait itself. */
        return all_leaves_unlock(p) ? "mutex" : "block";
    }
    if (p->nsample_types > 0)
        return p->sample_types[0].type;
    return "profile";
}

int64_t
ppd_profile_total(const struct ppd_profile *p, size_t idx)
{
    uint64_t t = 0;
    if (idx >= p->nsample_types)
        return 0;
    for (size_t i = 0; i < p->nsamples; i++)
        t += (uint64_t)p->samples[i].values[idx];
    return (int64_t)t;
}
