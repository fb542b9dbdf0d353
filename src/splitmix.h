/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom
   number generators", OOPSLA 2014), internal to the library: the next 64
   bits of the stream whose state is *s.  Small, fast, and the same on
   every platform, so that a seed fixes a run everywhere. */
#ifndef CPWL_SPLITMIX_H
#define CPWL_SPLITMIX_H

#include <stdint.h>

static inline uint64_t _cpwl_splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

#endif
