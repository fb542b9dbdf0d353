/* Internal: a picture drawn with Cairo written as SVG or PNG to an open
   stream, shared by the region pictures of module draw and the plots of
   modules trace and experiment. */
#ifndef CPWL_CAIRO_OUT_H
#define CPWL_CAIRO_OUT_H

#include <stdio.h>
#include <cairo.h>
#include "cpwl/err.h"

/* Draws the picture on cr, a surface of width x height pixels. */
typedef void (*_cpwl_cairo_draw_fn)(cairo_t *cr, int width, int height,
                                    void *data);

/* Draw with draw(data) on an SVG (svg = 1) or PNG surface of width x
   height and write it to f (path for messages only).  Returns CPWL_OK,
   or CPWL_ERR_INTERNAL with a message in e when writing or Cairo fails. */
int _cpwl_cairo_write(FILE *f, const char *path, int svg, int width,
                      int height, _cpwl_cairo_draw_fn draw, void *data,
                      cpwl_err_t e);

#endif
