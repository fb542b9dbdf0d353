/* Cells of a region list as work-unit payloads (cpwl/sched.h): what a
   unit computed on one process reaches the collector on another, or a
   checkpoint file, and comes back the same cell.  Not installed. */
#ifndef CPWL_REGIONS_CELLS_IO_H
#define CPWL_REGIONS_CELLS_IO_H

#include "cpwl/regions.h"
#include "cpwl/sched.h"

/* Free what a cell holds (its d-dimensional points, m outputs; in
   regions.c, which clears lists of them). */
void regions_cell_clear(cpwl_regions_cell_struct *c, slong d, slong m);

/* Append cell c of a list with domain dimension d, m outputs and nstates
   states: a flags token, then the fields present (state as hex, point,
   grad and offset, vertices and rays, bounded, linear). */
void regions_cell_put(cpwl_sched_buf *b, const cpwl_regions_cell_struct *c,
                      slong d, slong m, slong nstates);

/* Read one cell written by regions_cell_put into c, a fresh cell of
   cpwl_regions_add_cell (its fields are replaced).  0, or -1 when the
   payload does not parse (c is then still safe to clear). */
int regions_cell_get(cpwl_regions_cell_struct *c, cpwl_sched_rd *r,
                     slong d, slong m, slong nstates);

/* Cells [from, to) of R: their count, then each cell. */
void regions_cells_put(cpwl_sched_buf *b, const cpwl_regions_struct *R,
                       slong from, slong to);

/* Append the cells written by regions_cells_put to R.  0, or -1 when the
   payload does not parse. */
int regions_cells_get(cpwl_regions_struct *R, cpwl_sched_rd *r);

#endif
