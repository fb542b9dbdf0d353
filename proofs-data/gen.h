/* The table writer of proofs-data/gen (gen.c), the chapter-5 tables
   (gen_conv.c), the chapter-3 ones (gen_tron.c) and chapter 4's
   support-recovery ones (gen_ae_support.c) and expected-gradient one
   (gen_ae_grad.c). */
#ifndef CPWL_PROOFS_GEN_H
#define CPWL_PROOFS_GEN_H

#include <stdio.h>
#include "outfile.h"

/* A table being written: the same rows to DIR/NAME.csv and DIR/NAME.md,
   each atomically (an interrupted run leaves the old tables whole). */
typedef struct
{
    FILE *csv, *md;
    outfile_t csv_out, md_out;
}
table;

#define NTABLES 17

/* Open DIR/NAME.csv and .md with their headers (title, columns: a CSV
   line); table_open says the values are exact, table_open_as says
   csv_note / md_note instead. */
int table_open(table *T, const char *dir, const char *name,
               const char *title, const char *cols);
int table_open_as(table *T, const char *dir, const char *name,
                  const char *title, const char *cols, const char *csv_note,
                  const char *md_note);
void table_row(table *T, const char *fields);
void table_close(table *T);

void gen_rmsprop_t(const char *dir);
void gen_departure(const char *dir);
void gen_reddi(const char *dir);

/* Chapter 3 (gen_tron.c). */
void gen_tron_traj(const char *dir);
void gen_tron_rho(const char *dir);
void gen_tron_poison(const char *dir);

/* Chapter 4, support recovery (gen_ae_support.c). */
void gen_ae_recovery(const char *dir);
void gen_ae_counter(const char *dir);
/* Chapter 4 (gen_ae_grad.c): the expected gradient near the dictionary. */
void gen_ae_grad(const char *dir);
/* Chapter 6 (gen_pacbayes.c): PAC-Bayes bounds and the float methods. */
void gen_pb_bounds(const char *dir);
void gen_pb_float(const char *dir);
void gen_pb_kl_float(const char *dir);
void gen_pb_kl_dr(const char *dir);

#endif
