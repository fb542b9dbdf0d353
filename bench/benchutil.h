/* Shared by the benchmarks: a time cap (SIGALRM sets the interrupt flag
   the algorithms poll), a monotonic clock, and splitmix64 (as in
   tests/testutil.h) for seeded data. */
#ifndef CPWL_BENCHUTIL_H
#define CPWL_BENCHUTIL_H

#include <signal.h>
#include <stdint.h>
#include <time.h>

static volatile sig_atomic_t stop_flag;

static void on_alarm(int sig)
{
    (void) sig;
    stop_flag = 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static uint64_t next64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
