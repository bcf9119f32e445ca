/*
 * kind.c - what a profile measures, and where Go serves that kind: the
 * one place that knows the profile kinds (heap, allocs, goroutine, cpu,
 * block, mutex, threadcreate) and their /debug/pprof endpoints.
 */
#include <string.h>

#include "pprofdiff/fetch.h"
#include "pprofdiff/profile.h"
#include "pprofdiff/profile.h"

/* Does s contain the NUL-terminated word w? */
static bool
contains(struct ppd_str s, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= s.len; i++)
        if (memcmp(s.ptr + i, w, n) == 0)
            return true;
    return false;
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
        if (ppd_sample_locations(p, &p->samples[i], &loc, 1) == 0)
            continue;
        const struct ppd_location *l = &p->locations[loc];
        if (l->nlines == 0)
            return false;
        struct ppd_str name = l->lines[0].function->name;
        if (!contains(name, "Unlock") && !contains(name, "unlock"))
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

const char *
ppd_fetch_type_for_kind(const char *kind)
{
    static const char *const same[] = {"heap", "allocs", "goroutine",
                                       "block", "mutex", "threadcreate"};
    if (kind == NULL)
        return NULL;
    if (strcmp(kind, "cpu") == 0 || strcmp(kind, "profile") == 0)
        return "profile";
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        if (strcmp(kind, same[i]) == 0)
            return same[i];
    }
    return NULL;
}

