/* A Cairo picture written to an open stream (cairo_out.h). */
#include <errno.h>
#include <string.h>
#include <cairo-svg.h>
#include "cairo_out.h"

typedef struct
{
    FILE *f;
    int err;                    /* errno of the first failed write */
}
cairo_out_stream;

static cairo_status_t cairo_out_write(void *closure, const unsigned char *data,
                                      unsigned int length)
{
    cairo_out_stream *st = closure;

    errno = 0;
    if (fwrite(data, 1, length, st->f) != length)
    {
        st->err = errno != 0 ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

int _cpwl_cairo_write(FILE *f, const char *path, int svg, int width,
                      int height, _cpwl_cairo_draw_fn draw, void *data,
                      cpwl_err_t e)
{
    cairo_out_stream st;
    cairo_surface_t *surf;
    cairo_t *cr;
    cairo_status_t status;
    char q[CPWL_ERR_QUOTE_SIZE];

    st.f = f;
    st.err = 0;
    if (svg)
    {
        surf = cairo_svg_surface_create_for_stream(cairo_out_write, &st,
                                                   width, height);
#if CAIRO_VERSION >= CAIRO_VERSION_ENCODE(1, 16, 0)
        cairo_svg_surface_set_document_unit(surf, CAIRO_SVG_UNIT_PX);
#endif
    }
    else
        surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
    cr = cairo_create(surf);
    draw(cr, width, height, data);
    status = cairo_status(cr);
    cairo_destroy(cr);
    if (status == CAIRO_STATUS_SUCCESS && !svg)
        status = cairo_surface_write_to_png_stream(surf, cairo_out_write, &st);
    cairo_surface_finish(surf);
    if (status == CAIRO_STATUS_SUCCESS)
        status = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (status == CAIRO_STATUS_SUCCESS)
        return CPWL_OK;
    cpwl_err_quote(q, sizeof(q), path, strlen(path));
    if (status == CAIRO_STATUS_WRITE_ERROR)
        return cpwl_err_set(e, CPWL_ERR_INTERNAL, "cannot write %s: %s", q,
                            strerror(st.err != 0 ? st.err : EIO));
    return cpwl_err_set(e, CPWL_ERR_INTERNAL, "drawing %s: cairo: %s", q,
                        cairo_status_to_string(status));
}
