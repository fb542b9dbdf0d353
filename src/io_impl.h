/* The network reader on an already parsed JSON value (internal to
   libcpwl): files that embed a network (cpwl-gauss) keep the file's
   line:col and JSON path in messages. */
#ifndef CPWL_IO_IMPL_H
#define CPWL_IO_IMPL_H

#include "cpwl/io.h"
#include "json.h"

/* Read the network object top of a file `where` of len bytes (the
   budget for the numbers' bit sizes); path is top's JSON path ("" at
   the top level).  net is replaced and prepared; w may be NULL. */
int io_net_read_json(cpwl_net_t net, cpwl_io_warn_struct *w,
                     const json_value *top, size_t len, const char *where,
                     const char *path, cpwl_err_t e);

#endif
