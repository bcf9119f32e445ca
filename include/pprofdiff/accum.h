/*
 * accum.h - aggregate any number of profiles by symbolized stack.
 *
 * An accumulator has one value column per input. Profiles are added one
 * at a time, in any order; each stack's frames are matched by their
 * symbolized names (function names, leaf to root, inline frames
 * expanded), never by ids or addresses, so profiles of different
 * processes or builds line up. A location without symbols reads
 * "<mapping file>+0x<file offset>" ("0x<address>" without a mapping).
 *
 * The accumulator owns everything it keeps (frame names, stacks, values,
 * what it needs of each input's header): a profile may be freed as soon
 * as it has been added, so memory follows the distinct stacks times the
 * columns, not the size of the inputs. Every stack is kept, unchanged
 * ones included. Not thread-safe: add from one thread at a time.
 */
#ifndef PPROFDIFF_ACCUM_H
#define PPROFDIFF_ACCUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/error.h"
#include "pprofdiff/filter.h"
#include "pprofdiff/profile.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ppd_accum;

/*
 * What a frame is, as pprof's granularities say: PPD_GRAIN_STACK (the
 * default) matches stacks by function name; PPD_GRAIN_FUNCTION, _LINE
 * and _FILE are the function, the function, file and line, and the
 * file; these three also keep whether the frame was called inline, so
 * that a view can tell inlined calls as pprof does.
 */
enum ppd_grain {
    PPD_GRAIN_STACK = 0,
    PPD_GRAIN_FUNCTION,
    PPD_GRAIN_LINE,
    PPD_GRAIN_FILE
};

/* An interned frame; the fields its grain does not use are ""/0. */
struct ppd_frame {
    struct ppd_str name; /* function name (file name for FILE) */
    struct ppd_str file;
    int64_t line;
    bool inlined; /* called inline (not the location's outermost line) */
};

/* What the accumulator keeps of one input. Strings are its own. */
struct ppd_column {
    const char *name;    /* the input's name (inputs', when merged) */
    const char *kind;    /* ppd_profile_kind() of the input */
    int64_t time_nanos;  /* 0 when unset */
    int64_t duration_nanos;
    int64_t total;       /* of the chosen sample type, over all samples */
    int64_t abs_total;   /* the sum of absolute values: pprof's total,
                            the same as total without negative values */
    bool added;
    size_t ninputs; /* profiles merged into the column */
    /* The input's runtime.MemStats ("NAME=VALUE", from a heap ?debug=1
     * page); none for a merged column. */
    const char *const *memstats;
    size_t nmemstats;
};

/*
 * ppd_accum_new - an accumulator of ncolumns >= 1 columns for the sample
 * type *type (copied; it names the type to find in every profile added,
 * by name and unit). default_of, when not NULL, names the input whose
 * default type this is, for the error when another input lacks it.
 * NULL in *out and an error when out of memory.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_new(size_t ncolumns, const struct ppd_value_type *type,
              const char *default_of, struct ppd_accum **out,
              struct ppd_error *err);

/*
 * ppd_accum_set_scale - multiply the values of every profile added to
 * column col from now on by ratio (>= 0), each sample's rounded half
 * away from zero, as pprof's -normalize scales a profile. Set it before
 * the column's first profile.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_set_scale(struct ppd_accum *a, size_t col, double ratio,
                    struct ppd_error *err);

/*
 * ppd_accum_profile_total - the sum of p's values of the accumulator's
 * sample type, every sample, unscaled: what -normalize compares.
 * PPD_ESAMPLE when p lacks the type.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_profile_total(const struct ppd_accum *a,
                        const struct ppd_profile *p, int64_t *total,
                        struct ppd_error *err);

/*
 * ppd_accum_add - add p's values of the accumulator's sample type to
 * column col. A column given several profiles holds their merge, as
 * pprof merges several sources: values and totals add, the name lists
 * the inputs ("A + B", "A + B + C + 2 more"), the time is the earliest,
 * the durations add. p is only read during the call.
 * Fails with PPD_ESAMPLE when p lacks the type; the message lists what
 * every column added so far and p offer. On failure the accumulator may
 * have taken part of p: free it.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_add(struct ppd_accum *a, size_t col, const struct ppd_profile *p,
              struct ppd_error *err);

/*
 * Adding a profile in three steps, so that the part that reads only the
 * profile runs on another thread while a profile before it is added:
 *
 *   ppd_accum_prepare()          on the accumulator's thread, in the
 *                                order the profiles are to be added:
 *                                takes the column's facts and the
 *                                profile's frame names (what makes the
 *                                order of frames);
 *   ppd_accum_prepared_expand()  on any thread, at any time: every
 *                                sample's frames and hash, after which
 *                                the profile may be freed;
 *   ppd_accum_add_prepared()     on the accumulator's thread, in the
 *                                order prepared: the stacks and values.
 *
 * The result is the same as ppd_accum_add()'s. Only a plain add can be
 * prepared: no filter, no label frames, no goroutine identities (a
 * "goid" label, as in debug=2 dumps) (ppd_accum_can_prepare()).
 */
struct ppd_accum_prep;

/* ppd_accum_can_prepare - may p be added to a in three steps? */
bool ppd_accum_can_prepare(const struct ppd_accum *a,
                           const struct ppd_profile *p);

/*
 * ppd_accum_prepare - the first step for p into column col: errors as
 * ppd_accum_add's (PPD_ESAMPLE when p lacks the type). *out (free with
 * ppd_accum_prep_free) keeps reading p until it is expanded.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_prepare(struct ppd_accum *a, size_t col, const struct ppd_profile *p,
                  struct ppd_accum_prep **out, struct ppd_error *err);

/*
 * ppd_accum_prepared_expand - the second step; p is no longer read after
 * it. With consume, the memory of p's samples is given back to the
 * system as they are read (so that p and its expansion never take room
 * together): p may then only be freed. Out of memory is reported by
 * ppd_accum_add_prepared.
 */
void ppd_accum_prepared_expand(struct ppd_accum_prep *pr, bool consume);

/* ppd_accum_add_prepared - the last step; when the second was not
 * taken, each sample is expanded as it is added (as ppd_accum_add does).
 * On failure the accumulator may have taken part of it. */
PPD_NODISCARD enum ppd_status
ppd_accum_add_prepared(struct ppd_accum *a, struct ppd_accum_prep *pr,
                       struct ppd_error *err);

/*
 * ppd_accum_reserve_prepared - as ppd_accum_reserve_for, for an expanded
 * pr: room for every stack it could add, so that adding it leaves the
 * arrays a ppd_accum_stacks names in place. PPD_EINVAL when pr is not
 * expanded, PPD_ENOMEM when out of memory.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_reserve_prepared(struct ppd_accum *a,
                           const struct ppd_accum_prep *pr);

/*
 * ppd_accum_reserve_pair - before the first of prepared cur and base is
 * added: room at once for about what both will add, so that the
 * accumulator's arrays are not grown (and copied) between the two. A
 * hint: false only when out of memory.
 */
bool ppd_accum_reserve_pair(struct ppd_accum *a,
                            const struct ppd_accum_prep *cur,
                            const struct ppd_accum_prep *base);

/* ppd_accum_prep_free - release pr. Accepts NULL. */
void ppd_accum_prep_free(struct ppd_accum_prep *pr);

/*
 * ppd_accum_profiles - an accumulator of n >= 1 profiles, column i from
 * ps[i], for the sample type spec (name or index) as pprof chooses it:
 * on the last profile, its default when spec is NULL or "", then found
 * by name and unit in the others. The last profile is added first. The
 * profiles are only read. On failure *out is NULL and err lists what
 * every profile offers when the type is missing.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_profiles(const struct ppd_profile *const *ps, size_t n,
                   const char *spec, struct ppd_accum **out,
                   struct ppd_error *err);

/*
 * ppd_accum_take_profiles - as ppd_accum_profiles, freeing each profile
 * as soon as it has been added (and setting ps[i] to NULL), so that at
 * most one decoded profile and the accumulator are held at once. On
 * failure the profiles not yet freed are still the caller's.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_take_profiles(struct ppd_profile **ps, size_t n, const char *spec,
                        struct ppd_accum **out, struct ppd_error *err);

/*
 * ppd_accum_set_grain - what a frame is (see enum ppd_grain). Only
 * before the first profile is added: PPD_EINVAL after.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_set_grain(struct ppd_accum *a, enum ppd_grain grain,
                    struct ppd_error *err);

/*
 * ppd_accum_set_filter - apply f (borrowed: it must outlive the adds;
 * NULL: none) to every profile added. Only before the first profile is
 * added: PPD_EINVAL after. Totals still count every sample, as pprof's.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_set_filter(struct ppd_accum *a, const struct ppd_filter *f,
                     struct ppd_error *err);

/*
 * ppd_accum_set_label_frames - add label values as pseudo-frames to every
 * stack, as pprof's -tagroot/-tagleaf: for each key a frame named by the
 * sample's values of that key (strings, then numbers scaled as pprof
 * does, joined by ','; "<unknown>" without one), with the key as its
 * file. Root keys go above the stack, the first key root-most; leaf keys
 * below it, the last key leaf-most. Keys are copied. Only before the
 * first profile is added.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_set_label_frames(struct ppd_accum *a, const char *const *root_keys,
                           size_t nroot, const char *const *leaf_keys,
                           size_t nleaf, struct ppd_error *err);

/*
 * ppd_accum_set_labels_only - stacks of the label frames alone (set with
 * ppd_accum_set_label_frames), the samples' own frames left out: one
 * row per combination of label values, as goroutines grouped by creator
 * and state. Only before the first profile is added.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_set_labels_only(struct ppd_accum *a, struct ppd_error *err);

/* ppd_accum_filtered - does a filter decide what is kept? */
bool ppd_accum_filtered(const struct ppd_accum *a);

/* ppd_accum_grain - the accumulator's grain. */
enum ppd_grain ppd_accum_grain(const struct ppd_accum *a);

/* Sizes and the kept facts. */
size_t ppd_accum_ncolumns(const struct ppd_accum *a);
const struct ppd_column *ppd_accum_column(const struct ppd_accum *a,
                                          size_t col);
const struct ppd_value_type *ppd_accum_type(const struct ppd_accum *a);
size_t ppd_accum_nstacks(const struct ppd_accum *a);
size_t ppd_accum_nframes(const struct ppd_accum *a);

/*
 * ppd_accum_serial - a number no other accumulator of this process has
 * had, even at the same address after a free: what a cache of a's frames
 * keys on.
 */
uint64_t ppd_accum_serial(const struct ppd_accum *a);
const struct ppd_frame *ppd_accum_frame(const struct ppd_accum *a,
                                        uint32_t id);

/* ppd_accum_values - stack s's values, one per column. */
const int64_t *ppd_accum_values(const struct ppd_accum *a, size_t s);

/* ppd_accum_depth - the number of frames of stack s (0: no stack). */
uint32_t ppd_accum_depth(const struct ppd_accum *a, size_t s);

/*
 * ppd_accum_prefetch - a hint that stack s will be read soon: with
 * bytes false, its place in the tables; with bytes true (later, once
 * that is in the cache), its frames. For walks over stacks in an order
 * of their own, such as ranked rows; does nothing else.
 */
void ppd_accum_prefetch(const struct ppd_accum *a, size_t s, bool bytes);

/*
 * ppd_accum_stack - write up to cap frame ids of stack s, leaf first,
 * into out. Returns the stack's depth.
 */
size_t ppd_accum_stack(const struct ppd_accum *a, size_t s, uint32_t *out,
                       size_t cap);

/*
 * ppd_accum_stack_bytes - stack s's frame ids as the accumulator keeps
 * them: varints (read them with ppd_uvarint32_next), root first, in
 * [*p, *end). All stacks lie in one block, each after the one before,
 * so *p minus stack 0's *p is an offset into it. Valid until the next
 * ppd_accum_add.
 */
void ppd_accum_stack_bytes(const struct ppd_accum *a, size_t s,
                           const unsigned char **p, const unsigned char **end);

/*
 * The stacks an accumulator holds at one moment, as plain arrays, for a
 * reader on another thread while one more profile is added: after
 * ppd_accum_reserve_for(a, p), adding p moves none of them, only writes
 * p's column of the stacks already there and new stacks past n.
 */
struct ppd_accum_stacks {
    const unsigned char *pool; /* stack s: varints from pool + off[s], */
    const uint32_t *off;       /* depth[s] of them, root first */
    const uint32_t *depth;
    const int64_t *vals;       /* ncols per stack */
    size_t n, ncols;
    uint64_t serial; /* ppd_accum_serial() of the accumulator */
};

/* ppd_accum_stacks_now - the stacks a holds now. */
void ppd_accum_stacks_now(const struct ppd_accum *a,
                          struct ppd_accum_stacks *out);

/*
 * ppd_accum_reserve_for - room for every stack p could add, so that
 * adding it leaves the arrays a ppd_accum_stacks names in place. frames
 * and most are ppd_profile_frames(p)'s. PPD_EINVAL with a filter, label
 * frames or labels alone set; PPD_ENOMEM when out of memory.
 */
PPD_NODISCARD enum ppd_status
ppd_accum_reserve_for(struct ppd_accum *a, const struct ppd_profile *p,
                      uint64_t frames, uint64_t most, struct ppd_error *err);

/*
 * ppd_accum_stack_cmp - compare stacks x and y by their text, root first
 * (frame names compared as bytes), as sort order. rank is the frame
 * order from ppd_accum_name_order().
 */
int ppd_accum_stack_cmp(const struct ppd_accum *a, const uint32_t *rank,
                        size_t x, size_t y);

/*
 * ppd_accum_name_order - a new array (free with free()) giving each
 * frame id its position in name order; NULL when out of memory.
 */
uint32_t *ppd_accum_name_order(const struct ppd_accum *a);

/*
 * Goroutine identity. Profiles whose samples carry a numeric "goid"
 * label (goroutine dumps, ?debug=2) identify each goroutine: the
 * survivors of stack s are the last column's goroutines on s whose goid
 * was on the same stack in the first column. Leaked goroutines survive;
 * churn does not. ppd_accum_has_survivors - does the first column carry
 * goids (and are there two columns at least)?
 */
bool ppd_accum_has_survivors(const struct ppd_accum *a);

/* ppd_accum_survivors - the value of stack s's survivors. */
int64_t ppd_accum_survivors(const struct ppd_accum *a, size_t s);

/* ppd_accum_free - release an accumulator. Accepts NULL. */
void ppd_accum_free(struct ppd_accum *a);

#ifdef __cplusplus
}
#endif

#endif
