/*
 * arena.c - chunked bump allocator.
 *
 * Blocks grow geometrically (64 KiB doubling up to 8 MiB) so that a
 * profile with a million records makes only a few dozen malloc calls; an
 * allocation larger than half a block gets a block of its own so it never
 * wastes the tail of the current one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/arena.h"

#define ARENA_ALIGN 16
#define ARENA_FIRST ((size_t)64 << 10)
#define ARENA_MAXBLOCK ((size_t)8 << 20)

struct block {
    struct block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
};

struct adopted {
    struct adopted *next;
    void *ptr;
};

struct ppd_arena {
    struct block *head; /* current block; older ones follow */
    struct adopted *adopted;
    size_t next_size;
    size_t total_used;
};

#define HEADER_SIZE \
    ((sizeof(struct block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static unsigned char *
block_data(struct block *b)
{
    return (unsigned char *)b + HEADER_SIZE;
}

static struct block *
block_new(size_t size)
{
    if (size > SIZE_MAX - HEADER_SIZE)
        return NULL;
    struct block *b = malloc(HEADER_SIZE + size);
    if (b == NULL)
        return NULL;
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

struct ppd_arena *
ppd__arena_new(void)
{
    struct ppd_arena *a = calloc(1, sizeof *a);
    if (a == NULL)
        return NULL;
    a->next_size = ARENA_FIRST;
    return a;
}

void *
ppd__arena_alloc(struct ppd_arena *a, size_t n)
{
    if (n > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
    struct block *b = a->head;
    if (b == NULL || b->size - b->used < need) {
        if (need > a->next_size / 2) {
            /* A big allocation: its own block, kept behind the current
             * one so the current block's free tail stays usable. */
            struct block *big = block_new(need);
            if (big == NULL)
                return NULL;
            big->used = need;
            if (b == NULL) {
                a->head = big;
            } else {
                big->next = b->next;
                b->next = big;
            }
            a->total_used += need;
            return block_data(big);
        }
        b = block_new(a->next_size);
        if (b == NULL)
            return NULL;
        b->next = a->head;
        a->head = b;
        if (a->next_size < ARENA_MAXBLOCK)
            a->next_size *= 2;
    }
    void *p = block_data(b) + b->used;
    b->used += need;
    a->total_used += need;
    return p;
}

void *
ppd__arena_calloc(struct ppd_arena *a, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    void *p = ppd__arena_alloc(a, count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

char *
ppd__arena_strndup(struct ppd_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = ppd__arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    if (n > 0)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void
ppd__arena_reset(struct ppd_arena *a)
{
    /* Adopted blocks go first: their list lives in the blocks recycled
     * below. */
    for (struct adopted *n = a->adopted; n != NULL; n = n->next)
        free(n->ptr);
    a->adopted = NULL;
    struct block *keep = NULL;
    struct block *b = a->head;
    /* Keep the largest block, free the rest. */
    while (b != NULL) {
        struct block *next = b->next;
        if (keep == NULL || b->size > keep->size) {
            if (keep != NULL)
                free(keep);
            keep = b;
        } else {
            free(b);
        }
        b = next;
    }
    if (keep != NULL) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
    a->total_used = 0;
}

bool
ppd__arena_adopt(struct ppd_arena *a, void *ptr)
{
    struct adopted *n = ppd__arena_alloc(a, sizeof *n);
    if (n == NULL)
        return false;
    n->ptr = ptr;
    n->next = a->adopted;
    a->adopted = n;
    return true;
}

size_t
ppd__arena_used(const struct ppd_arena *a)
{
    return a->total_used;
}

void
ppd__arena_free(struct ppd_arena *a)
{
    if (a == NULL)
        return;
    for (struct adopted *n = a->adopted; n != NULL; n = n->next)
        free(n->ptr);
    struct block *b = a->head;
    while (b != NULL) {
        struct block *next = b->next;
        free(b);
        b = next;
    }
    free(a);
}
