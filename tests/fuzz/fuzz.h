/* Shared by the fuzz harnesses: the libFuzzer entry point and the checks
   every harness makes on an error report. */
#ifndef CPWL_FUZZ_H
#define CPWL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpwl/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An input error is a finding only if its report breaks the contract:
   one nonempty line; anything but OK or INPUT is a bug (abort so that
   the fuzzer and the replay both stop on it). */
static inline void fuzz_check_err(const cpwl_err_t e, int status)
{
    if (status != e->status)
    {
        fprintf(stderr, "fuzz: returned %d but e->status is %d\n", status,
                e->status);
        abort();
    }
    if (status == CPWL_OK)
        return;
    if (status != CPWL_ERR_INPUT)
    {
        fprintf(stderr, "fuzz: status %d (not an input error): %s\n",
                status, e->msg);
        abort();
    }
    if (e->msg[0] == '\0' || strchr(e->msg, '\n') != NULL)
    {
        fprintf(stderr, "fuzz: input error message empty or not one line: "
                "\"%s\"\n", e->msg);
        abort();
    }
}

#endif
