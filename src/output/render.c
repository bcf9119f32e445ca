/*
 * render.c - the table of output formats and the one entry point.
 */
#include <errno.h>
#include <string.h>
#include <stdlib.h>

#include "output/output.h"

static const struct {
    const char *name;
    enum ppd_format format;
    bool (*render)(FILE *, const struct ppd_diff *,
                   const struct ppd_render_options *, struct ppd__frames *);
    bool (*view)(FILE *, const struct ppd_view *,
                 const struct ppd_render_options *);
    bool (*trend)(FILE *, const struct ppd_trend *,
                  const struct ppd_render_options *);
} formats[] = {
    {"text", PPD_FORMAT_TEXT, ppd__render_text, ppd__render_text_view,
     ppd__render_text_trend},
    {"tsv", PPD_FORMAT_TSV, ppd__render_tsv, ppd__render_tsv_view,
     ppd__render_tsv_trend},
    {"csv", PPD_FORMAT_CSV, ppd__render_csv, ppd__render_csv_view,
     ppd__render_csv_trend},
    {"json", PPD_FORMAT_JSON, ppd__render_json, ppd__render_json_view,
     ppd__render_json_trend},
    {"folded", PPD_FORMAT_FOLDED, ppd__render_folded, NULL, NULL},
    {"pprof", PPD_FORMAT_PPROF, ppd__render_pprof, NULL, NULL},
    {"svg", PPD_FORMAT_SVG, ppd__render_svg, NULL, NULL},
    {"html", PPD_FORMAT_HTML, ppd__render_html, NULL,
     ppd__render_html_trend},
};

const char ppd_format_names[] =
    "text, tsv, csv, json, folded, pprof, svg or html";

bool
ppd_format_has_view(enum ppd_format format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].format == format)
            return formats[i].view != NULL;
    return false;
}

bool
ppd_format_has_trend(enum ppd_format format)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].format == format)
            return formats[i].trend != NULL;
    return false;
}

bool
ppd_format_parse(const char *name, enum ppd_format *out)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(formats[i].name, name) == 0) {
            *out = formats[i].format;
            return true;
        }
    return false;
}

/* Every render holds the stream's lock from start to end: once the
 * process has started a thread, each stdio call takes it otherwise, and
 * a big tsv makes millions of them. */

/* The end of every render: flush, and name the stream in an error. */
static enum ppd_status
finish(FILE *out, const char *name, bool ok, struct ppd_error *err)
{
    enum ppd_status st = PPD_OK;
    if (!ok)
        st = ppd_error_set(err, PPD_ENOMEM, name, "out of memory");
    else if (fflush(out) != 0 || ferror(out))
        st = ppd_error_set(err, PPD_EIO, name, "write error: %s",
                           strerror(errno));
    if (st != PPD_OK)
        ppd_error_where(err, PPD_STAGE_OUTPUT, PPD_NO_OFFSET, NULL, 0);
    return st;
}

/* The stream's name in errors. */
static const char *
name_of(const struct ppd_render_options *o)
{
    return o->out_name != NULL ? o->out_name : "<stdout>";
}

enum ppd_status
ppd_render_view(FILE *out, const struct ppd_view *v,
                const struct ppd_render_options *opt, struct ppd_error *err)
{
    struct ppd_render_options o = {0};
    if (opt != NULL)
        o = *opt;
    bool ok = false;
    flockfile(out);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].format == o.format && formats[i].view != NULL)
            ok = formats[i].view(out, v, &o);
    funlockfile(out);
    return finish(out, name_of(&o), ok, err);
}

enum ppd_status
ppd_render(FILE *out, const struct ppd_diff *d,
           const struct ppd_render_options *opt, struct ppd_error *err)
{
    struct ppd_render_options o = {0};
    if (opt != NULL)
        o = *opt;
    struct ppd__frames f = {0};
    bool ok = false;
    flockfile(out);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].format == o.format)
            ok = formats[i].render(out, d, &o, &f);
    funlockfile(out);
    free(f.v);
    return finish(out, name_of(&o), ok, err);
}

enum ppd_status
ppd_render_trend(FILE *out, const struct ppd_trend *t,
                 const struct ppd_render_options *opt, struct ppd_error *err)
{
    struct ppd_render_options o = {0};
    if (opt != NULL)
        o = *opt;
    bool ok = false;
    flockfile(out);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].format == o.format && formats[i].trend != NULL)
            ok = formats[i].trend(out, t, &o);
    funlockfile(out);
    return finish(out, name_of(&o), ok, err);
}
