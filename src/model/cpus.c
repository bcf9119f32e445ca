/*
 * cpus.c - the CPUs this process may run on, counted once.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "model/cpus.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static bool two;

static void
count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        two = CPU_COUNT(&set) > 1;
    else
        two = sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

bool
ppd__two_cpus(void)
{
    pthread_once(&once, count);
    return two;
}
