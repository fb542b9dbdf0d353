/* Constants of the proven double error bounds (docs/numerics.md), shared
   by every double filter. */
#ifndef CPWL_FPBOUND_H
#define CPWL_FPBOUND_H

#define U_D 0x1p-53             /* unit roundoff of binary64 */
#define ETA_D 0x1p-1074         /* smallest subnormal: absolute underflow */
#define SLACK_D (1.0 + 0x1p-30) /* absorbs every (1 + O(n u)) factor */
#define MAX_N_D ((slong) 1 << 20) /* wider layers decline the filter */

#endif
