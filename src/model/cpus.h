/*
 * cpus.h - may this process use a second CPU? The few passes that split
 * in two halves on two threads ask first.
 */
#ifndef PPD_MODEL_CPUS_H
#define PPD_MODEL_CPUS_H

#include <stdbool.h>

/* ppd__two_cpus - true when the process may run on two CPUs or more (its
 * affinity, which taskset and cgroup cpusets narrow). Thread-safe. */
bool ppd__two_cpus(void);

#endif
