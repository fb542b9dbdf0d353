/* Internal to src/optim: what the engine (optim.c) shares with its fast
   path (optim_fast.c) besides the algorithms themselves (optim_rule.h). */
#ifndef CPWL_OPTIM_IMPL_H
#define CPWL_OPTIM_IMPL_H

#include "cpwl/err.h"
#include "cpwl/optim.h"

/* The checks of o that concern the algorithm alone (steps, step size,
   momentum, betas, xi, eps, form, amsgrad): 0, or the status with the
   message in e (CPWL_ERR_INPUT). */
int _cpwl_optim_check_opts(const cpwl_optim_opts_t o, cpwl_err_t e);

#endif
