/* Shared by the fuzz harnesses: the libFuzzer entry point and the checks
   every harness makes on an error report. */
#ifndef CPWL_FUZZ_H
#define CPWL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flint/flint.h>
#include "cpwl/err.h"
#include "cpwl/io.h"

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

/* A network that was read must write back canonically, and that text must
   read again to the same text (what: the source, named in the report). */
static inline void fuzz_check_canonical(const cpwl_net_t net, const char *what)
{
    char *s = cpwl_io_net_write_str(net), *t;
    cpwl_net_t again;
    cpwl_err_t e;
    cpwl_net_init(again, 0);
    cpwl_err_init(e);
    if (cpwl_io_net_read_str(again, s, strlen(s), "canonical.json", e)
        != CPWL_OK)
    {
        fprintf(stderr, "fuzz: the canonical text of %s does not read: "
                "%s\n%s\n", what, e->msg, s);
        abort();
    }
    t = cpwl_io_net_write_str(again);
    if (strcmp(s, t) != 0)
    {
        fprintf(stderr, "fuzz: the canonical text of %s is not a fixed "
                "point\n%s\n%s\n", what, s, t);
        abort();
    }
    flint_free(t);
    flint_free(s);
    cpwl_err_clear(e);
    cpwl_net_clear(again);
}

#endif
