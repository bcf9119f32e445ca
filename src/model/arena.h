/*
 * arena.h - a bump allocator that owns everything of one parsed profile
 * (or one diff). Allocation is a pointer increment; freeing is one call.
 * Not thread-safe: one arena per owner.
 */
#ifndef PPD_ARENA_H
#define PPD_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct ppd_arena;

/* ppd__arena_new - an empty arena; NULL when out of memory. */
struct ppd_arena *ppd__arena_new(void);

/*
 * ppd__arena_alloc - n bytes aligned for any scalar type, uninitialised;
 * NULL when out of memory. n == 0 returns a valid unique pointer.
 */
void *ppd__arena_alloc(struct ppd_arena *a, size_t n);

/* ppd__arena_calloc - count * size zeroed bytes, overflow-checked. */
void *ppd__arena_calloc(struct ppd_arena *a, size_t count, size_t size);

/* ppd__arena_strndup - a NUL-terminated copy of s[0..n). */
char *ppd__arena_strndup(struct ppd_arena *a, const char *s, size_t n);

/*
 * ppd__arena_reset - forget every allocation but keep the first block, so a
 * scratch arena reused per record stops calling malloc once warm.
 */
void ppd__arena_reset(struct ppd_arena *a);

/*
 * ppd__arena_adopt - make the arena free() the malloc'd block ptr when it
 * is freed itself. Returns false (and frees nothing) when out of memory.
 */
bool ppd__arena_adopt(struct ppd_arena *a, void *ptr);

/* ppd__arena_used - bytes handed out so far (for statistics). */
size_t ppd__arena_used(const struct ppd_arena *a);

/* ppd__arena_free - release the arena and all it allocated. Accepts NULL. */
void ppd__arena_free(struct ppd_arena *a);

#endif
