/* cpwl: exact computation on continuous piecewise-linear neural functions. */
#ifndef CPWL_H
#define CPWL_H

#include "cpwl/version.h"
#include "cpwl/err.h"
#include "cpwl/num.h"
#include "cpwl/pred.h"
#include "cpwl/net.h"
#include "cpwl/io.h"
#include "cpwl/dom.h"
#include "cpwl/regions.h"
#include "cpwl/draw.h"
#include "cpwl/qp.h"
#include "cpwl/erm.h"
#include "cpwl/train.h"
#include "cpwl/batch.h"
#include "cpwl/sample.h"
#include "cpwl/crosscheck.h"
#include "cpwl/netalg.h"
#include "cpwl/build.h"
#include "cpwl/equiv.h"
#include "cpwl/bounds.h"
#include "cpwl/onnx.h"
#include "cpwl/ieee.h"
#include "cpwl/arith.h"
#include "cpwl/objective.h"
#include "cpwl/optim.h"
#include "cpwl/trace.h"
#include "cpwl/convergence.h"
#include "cpwl/dist.h"
#include "cpwl/tron.h"

#endif
