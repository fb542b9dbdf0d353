/* cpwl: exact computation on continuous piecewise-linear neural functions. */
#ifndef CPWL_H
#define CPWL_H

#include "cpwl/err.h"
#include "cpwl/num.h"
#include "cpwl/pred.h"
#include "cpwl/net.h"
#include "cpwl/io.h"

#endif
