/*
 * leakc - a small C program with a leak, for gperftools fixtures: it
 * keeps a buffer per "request" in a list it never frees, allocates and
 * frees scratch space (churn), and hashes a buffer in a loop (CPU). Run
 * under gperftools (gperf.sh): CPUPROFILE= writes a CPU profile,
 * HEAPPROFILE= heap profiles as the heap grows.
 *
 *   leakc REQUESTS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct leaked {
    struct leaked *next;
    char payload[4096];
};

static struct leaked *registry; /* never freed: the leak */

__attribute__((noinline)) static void
remember_request(int i)
{
    struct leaked *l = malloc(sizeof *l);
    if (l == NULL)
        exit(1);
    memset(l->payload, i & 0xff, sizeof l->payload);
    l->next = registry;
    registry = l;
}

__attribute__((noinline)) static uint64_t
scratch_work(int i)
{
    size_t n = 1024 + (size_t)(i % 7) * 512;
    unsigned char *b = malloc(n);
    if (b == NULL)
        exit(1);
    memset(b, i, n);
    uint64_t h = 0;
    for (size_t k = 0; k < n; k++)
        h = h * 31 + b[k];
    free(b);
    return h;
}

__attribute__((noinline)) static uint64_t
hash_block(uint64_t seed)
{
    uint64_t h = seed;
    for (int k = 0; k < 20000; k++)
        h = (h ^ (h >> 13)) * 0x9e3779b97f4a7c15u + (uint64_t)k;
    return h;
}

__attribute__((noinline)) static uint64_t
handle_request(int i)
{
    remember_request(i);
    return scratch_work(i) ^ hash_block((uint64_t)i);
}

int
main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    uint64_t acc = 0;
    for (int i = 0; i < n; i++)
        acc ^= handle_request(i);
    printf("%llu\n", (unsigned long long)acc);
    return 0;
}
