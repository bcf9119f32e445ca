/*
 * html.c - a report in one HTML file, for a person to open later, in any
 * browser, offline: the header (inputs, times, totals, the memory
 * account), the growing and shrinking stacks as tables (sort by a
 * column, filter by text, hints), and the flame graph. Every name is
 * escaped (output/escape.c), so a hostile profile cannot inject markup.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

static const char style[] =
    "<style>body{font:14px sans-serif;margin:16px;color:#222}"
    "h1{font-size:18px}h2{font-size:15px;margin-top:24px}"
    "table{border-collapse:collapse;font:12px monospace}"
    "th{cursor:pointer;background:#eee;text-align:left;padding:2px 6px}"
    "td{padding:2px 6px;border-top:1px solid #eee;vertical-align:top}"
    "td.n{text-align:right}tr.hint td{color:#555;font:italic 12px sans-"
    "serif;border-top:none}.up{color:#b00}.down{color:#05a}"
    "pre{background:#f7f7f7;padding:8px}#filter{margin:8px 0;width:30em}"
    "</style>\n";

static const char script[] =
    "<script>\n"
    "(function(){\n"
    "document.querySelectorAll('table.rows').forEach(function(tb){\n"
    " tb.querySelectorAll('th').forEach(function(th,i){th.addEventListener("
    "'click',function(){\n"
    "  var body=tb.tBodies[0],groups=[],rows=Array.prototype.slice.call("
    "body.rows);\n"
    "  rows.forEach(function(r){if(r.classList.contains('hint'))groups["
    "groups.length-1].push(r);else groups.push([r]);});\n"
    "  var dir=th.getAttribute('data-dir')==='1'?-1:1;th.setAttribute("
    "'data-dir',dir===1?'1':'-1');\n"
    "  groups.sort(function(a,b){var x=a[0].cells[i],y=b[0].cells[i];"
    "var u=x.getAttribute('data-v'),v=y.getAttribute('data-v');\n"
    "   if(u!==null&&v!==null)return dir*(+u-+v);return dir*x.textContent."
    "localeCompare(y.textContent);});\n"
    "  groups.forEach(function(g){g.forEach(function(r){body.appendChild(r);"
    "});});});});});\n"
    "var f=document.getElementById('filter');if(f)f.addEventListener("
    "'input',function(){var q=f.value.toLowerCase();\n"
    " document.querySelectorAll('table.rows tbody tr').forEach(function(r)"
    "{var main=r.classList.contains('hint')?r.previousElementSibling:r;\n"
    "  while(main&&main.classList.contains('hint'))main=main."
    "previousElementSibling;\n"
    "  r.style.display=!q||main.textContent.toLowerCase().indexOf(q)>=0?'':"
    "'none';});});\n"
    "})();\n"
    "</script>\n";

static void
put_text(FILE *out, const char *s)
{
    ppd__xml_text(out, s, strlen(s));
}

static void
put_cell(FILE *out, const char *cls, int64_t v, const char *text)
{
    fprintf(out, "<td class=\"n%s%s\" data-v=\"%" PRId64 "\">", cls ? " " : "",
            cls ? cls : "", v);
    put_text(out, text);
    fputs("</td>", out);
}

static bool
section(FILE *out, const struct ppd_diff *d, const struct ppd_render_options *o,
        enum ppd_diff_section s, const char *title, struct ppd__frames *f)
{
    size_t at = ppd_diff_section_start(d, s);
    size_t n = ppd__shown(d, s, o->top);
    bool single = d->ncolumns == 1;
    size_t last = d->ncolumns - 1;
    const char *unit = d->sample_type.unit;
    if (d->nsection[s] == 0)
        return true;
    fprintf(out, "<h2>%s (%zu of %zu stacks)</h2>\n", title, n,
            d->nsection[s]);
    fprintf(out, "<table class=\"rows\" id=\"%s\"><thead><tr><th>rank</th>",
            s == PPD_GROWING ? "growing" : s == PPD_SHRINKING ? "shrinking"
                                                              : "unchanged");
    fputs(single ? "<th>value</th>"
                 : "<th>delta</th><th>base</th><th>cur</th><th>growth</th>",
          out);
    fputs("<th>culprit</th><th>stack (leaf &lt; ... &lt; root)</th></tr>"
          "</thead><tbody>\n",
          out);
    char v1[64], v2[64], v3[64], g[32];
    for (size_t i = 0; i < n; i++) {
        const struct ppd_diff_row *r = &d->rows[at + i];
        if (!ppd__row_frames(d, r, f))
            return false;
        const char *cls = single ? NULL : r->delta > 0 ? "up"
                                      : r->delta < 0  ? "down"
                                                      : NULL;
        fprintf(out, "<tr><td class=\"n\" data-v=\"%zu\">%zu</td>", i + 1,
                i + 1);
        if (single) {
            ppd_render_value(v1, sizeof v1, r->values[0], unit, false);
            put_cell(out, NULL, r->values[0], v1);
        } else {
            ppd_render_value(v1, sizeof v1, r->delta, unit, true);
            ppd_render_value(v2, sizeof v2, r->values[0], unit, false);
            ppd_render_value(v3, sizeof v3, r->values[last], unit, false);
            ppd__growth_text(g, sizeof g, r->values[0], r->values[last]);
            put_cell(out, cls, r->delta, v1);
            put_cell(out, NULL, r->values[0], v2);
            put_cell(out, NULL, r->values[last], v3);
            fprintf(out, "<td class=\"n\">");
            put_text(out, g);
            fputs("</td>", out);
        }
        struct ppd_str c = ppd__culprit(d, r);
        fputs("<td><b>", out);
        ppd__xml_text(out, c.ptr, c.len);
        fputs("</b></td><td>", out);
        for (size_t k = 0; k < f->n; k++) {
            struct ppd_str nm = ppd__frame_name(d, f->v[k]);
            if (k > 0)
                fputs(" &lt; ", out);
            ppd__xml_text(out, nm.ptr, nm.len);
        }
        if (f->n == 0)
            fputs("(no stack)", out);
        fputs("</td></tr>\n", out);
        const char *hint = ppd__diff_hint(d, r, f, o);
        if (hint != NULL) {
            fprintf(out, "<tr class=\"hint\"><td></td><td colspan=\"%d\">"
                         "hint: ",
                    single ? 3 : 6);
            put_text(out, hint);
            fputs("</td></tr>\n", out);
        }
    }
    fputs("</tbody></table>\n", out);
    return true;
}

bool
ppd__render_html(FILE *out, const struct ppd_diff *d,
                 const struct ppd_render_options *o, struct ppd__frames *f)
{
    const struct ppd_accum *a = d->accum;
    size_t last = d->ncolumns - 1;
    const struct ppd_column *cur = ppd_accum_column(a, last);
    const struct ppd_value_type *ty = ppd_accum_type(a);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>pprofdiff: ",
          out);
    put_text(out, cur->kind);
    fputs("</title>\n", out);
    fputs(style, out);
    fputs("</head><body>\n<h1>pprofdiff: ", out);
    put_text(out, cur->kind);
    fputs(" profile, ", out);
    put_text(out, ty->type);
    fprintf(out, " (%s)</h1>\n<table class=\"head\">\n", ty->unit);
    char t[64], v1[64], v2[64], v3[64], g[32];
    for (size_t i = 0; i < d->ncolumns; i += last > 0 ? last : 1) {
        const struct ppd_column *c = ppd_accum_column(a, i);
        ppd__time_text(t, sizeof t, c->time_nanos);
        fprintf(out, "<tr><th>%s</th><td>",
                d->ncolumns == 1 ? "input" : i == 0 ? "base" : "cur");
        put_text(out, c->name);
        fputs("</td><td>", out);
        put_text(out, t);
        fputs("</td></tr>\n", out);
        if (last == 0)
            break;
    }
    if (d->ncolumns > 1) {
        int64_t tb = ppd_accum_column(a, 0)->total, tc = cur->total;
        ppd_render_value(v1, sizeof v1, tc - tb, ty->unit, true);
        ppd_render_value(v2, sizeof v2, tb, ty->unit, false);
        ppd_render_value(v3, sizeof v3, tc, ty->unit, false);
        ppd__growth_text(g, sizeof g, tb, tc);
        fprintf(out, "<tr><th>total</th><td>%s (%s &#8594; %s, %s)</td><td>"
                     "</td></tr>\n",
                v1, v2, v3, g);
        fprintf(out, "<tr><th>stacks</th><td>%zu growing, %zu shrinking, "
                     "%zu unchanged</td><td></td></tr>\n",
                d->nsection[PPD_GROWING], d->nsection[PPD_SHRINKING],
                d->nunchanged);
    } else {
        ppd_render_value(v1, sizeof v1, cur->abs_total, ty->unit, false);
        fprintf(out, "<tr><th>total</th><td>%s</td><td></td></tr>\n", v1);
    }
    fputs("</table>\n", out);
    /* The memory account, as the text output says it. */
    char *mem = NULL;
    size_t memlen = 0;
    FILE *ms = open_memstream(&mem, &memlen);
    if (ms == NULL)
        return false;
    ppd__put_memory_text(ms, a);
    if (fclose(ms) != 0) {
        free(mem);
        return false;
    }
    if (memlen > 0) {
        fputs("<pre class=\"memory\">", out);
        ppd__xml_text(out, mem, memlen);
        fputs("</pre>\n", out);
    }
    free(mem);
    fputs("<input id=\"filter\" type=\"search\" placeholder=\"filter the rows "
          "(any text)\">\n",
          out);
    if (!section(out, d, o, PPD_GROWING,
                 d->ncolumns == 1 ? "top stacks" : "growing", f))
        return false;
    if (!o->hide_shrinking &&
        !section(out, d, o, PPD_SHRINKING,
                 d->ncolumns == 1 ? "negative values" : "shrinking", f))
        return false;
    fputs("<h2>flame graph</h2>\n<div class=\"flame\">\n", out);
    if (!ppd__render_flame(out, d, o))
        return false;
    fputs("</div>\n", out);
    fputs(script, out);
    fputs("</body></html>\n", out);
    return true;
}

bool
ppd__render_svg(FILE *out, const struct ppd_diff *d,
                const struct ppd_render_options *o, struct ppd__frames *f)
{
    (void)f;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    return ppd__render_flame(out, d, o);
}
