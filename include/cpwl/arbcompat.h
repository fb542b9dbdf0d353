/* Where Arb lives: inside FLINT >= 3 (<flint/arb.h>), or as the separate
   Arb 2.x library that Debian 12 ships (<arb.h>, -lflint-arb). */
#ifndef CPWL_ARBCOMPAT_H
#define CPWL_ARBCOMPAT_H

#include <flint/flint.h>
#if __FLINT_RELEASE >= 30000
#include <flint/arb.h>
#else
#include <arb.h>
#endif

#endif
