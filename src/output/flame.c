/*
 * flame.c - a differential flame graph as one SVG file: every stack of
 * the diff merged into a call tree, a frame's width its cur value (or
 * base, or the larger: --flame-width), its colour the change (red
 * growth, blue shrinkage, intensity the relative change; an ordinary
 * flame graph for one profile), its <title> the full name and numbers.
 * A small inline script zooms on click and searches; nothing is fetched.
 * The URL's fragment can do both on load (#zoom=NAME&search=REGEX), so a
 * link can point at a frame.
 *
 * Frames narrower than 0.1 px are left out with their subtrees, as
 * FlameGraph does, and counted in the legend, so a 500k-stack diff
 * stays a few MB.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/hash.h"
#include "model/sort.h"
#include "output/output.h"

#define SVG_WIDTH 1200.0
#define ROW 16
#define TOP 44 /* title, buttons and legend above the frames */
#define MIN_PX 0.1

struct node {
    uint32_t frame;
    uint32_t parent;
    uint32_t child, next; /* first child, next sibling; 0: none */
    int64_t base, cur;
};

struct tree {
    struct node *v; /* v[0] is the root */
    size_t n, cap;
    /* (parent, frame) -> node: the key beside the node index + 1, so a
     * probe does not touch the nodes. */
    struct slot {
        uint64_t key;
        uint32_t id;
    } *slots;
    size_t nslots;
};

static bool
tree_push(struct tree *t, uint32_t parent, uint32_t frame, uint32_t *out)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 1024;
        struct node *nv = realloc(t->v, nc * sizeof *nv);
        if (nv == NULL)
            return false;
        t->v = nv;
        t->cap = nc;
    }
    if ((t->n + 1) * 2 > t->nslots) {
        size_t ns = t->nslots ? t->nslots * 2 : 2048;
        struct slot *s = calloc(ns, sizeof *s);
        if (s == NULL)
            return false;
        for (size_t i = 0; i < t->nslots; i++) {
            if (t->slots[i].id == 0)
                continue;
            size_t j = ppd__hash_u64(t->slots[i].key) & (ns - 1);
            while (s[j].id != 0)
                j = (j + 1) & (ns - 1);
            s[j] = t->slots[i];
        }
        free(t->slots);
        t->slots = s;
        t->nslots = ns;
    }
    uint64_t key = (uint64_t)parent << 32 | frame;
    size_t j = ppd__hash_u64(key) & (t->nslots - 1);
    while (t->slots[j].id != 0) {
        if (t->slots[j].key == key) {
            *out = t->slots[j].id - 1;
            return true;
        }
        j = (j + 1) & (t->nslots - 1);
    }
    uint32_t id = (uint32_t)t->n++;
    t->v[id] = (struct node){frame, parent, 0, t->v[parent].child, 0, 0};
    t->v[parent].child = id;
    t->slots[j] = (struct slot){key, id + 1};
    *out = id;
    return true;
}

static double
metric(const struct node *x, enum ppd_flame_width w)
{
    double b = (double)(x->base > 0 ? x->base : 0);
    double c = (double)(x->cur > 0 ? x->cur : 0);
    return w == PPD_FLAME_BASE ? b : w == PPD_FLAME_MAX ? (b > c ? b : c) : c;
}

/* Children by their frames' names (ppd__sort's comparison). */
struct by_name_ctx {
    const struct ppd_accum *a;
    const struct node *v;
};

static int
by_name(const void *x, const void *y, void *ctx)
{
    const struct by_name_ctx *c = ctx;
    const struct ppd_frame *a =
        ppd_accum_frame(c->a, c->v[*(const uint32_t *)x].frame);
    const struct ppd_frame *b =
        ppd_accum_frame(c->a, c->v[*(const uint32_t *)y].frame);
    size_t l = a->name.len < b->name.len ? a->name.len : b->name.len;
    int r = memcmp(a->name.ptr, b->name.ptr, l);
    return r != 0 ? r : (a->name.len > b->name.len) - (a->name.len < b->name.len);
}

/* Sums wrap as int64 arithmetic does everywhere in pprofdiff. */
static int64_t
add64(int64_t x, int64_t y)
{
    return (int64_t)((uint64_t)x + (uint64_t)y);
}

/* The fill of a frame: its change, or (one profile) a warm hue. */
static void
fill_of(char *buf, size_t n, const struct ppd_accum *a, const struct node *x,
        bool single)
{
    if (single) {
        struct ppd_str nm = ppd_accum_frame(a, x->frame)->name;
        uint64_t h = ppd__hash_bytes(nm.ptr, nm.len);
        snprintf(buf, n, "rgb(%d,%d,%d)", 205 + (int)(h % 50),
                 90 + (int)((h >> 8) % 110), 40 + (int)((h >> 16) % 40));
        return;
    }
    double b = (double)x->base, c = (double)x->cur;
    double m = fabs(b) > fabs(c) ? fabs(b) : fabs(c);
    double rel = m > 0 ? (c - b) / m : 0;
    int k = (int)(200 * (1 - fabs(rel))) + 30; /* 230: no change */
    if (rel > 0)
        snprintf(buf, n, "rgb(255,%d,%d)", k, k);
    else if (rel < 0)
        snprintf(buf, n, "rgb(%d,%d,255)", k, k);
    else
        snprintf(buf, n, "rgb(225,225,225)");
}

static const char script[] =
    "<script><![CDATA[\n"
    "(function(){\n"
    "var svg=document.currentScript.closest('svg');\n"
    "var W=+svg.getAttribute('data-w'),fs=svg.querySelectorAll('g.f');\n"
    "function txt(g){var t=g.querySelector('text');if(!t){t=document."
    "createElementNS('http://www.w3.org/2000/svg','text');var r=g."
    "querySelector('rect');t.setAttribute('y',+r.getAttribute('y')+12);g."
    "appendChild(t);}return t;}\n"
    "function lab(g,w){var t=txt(g),n=g.getAttribute("
    "'data-n'),c=Math.floor((w-6)/7);t.textContent=c<3?'':(n.length<=c?"
    "n:n.slice(0,c-2)+'..');}\n"
    "function zoom(z){var zx=+z.getAttribute('data-x'),zw=+z.getAttribute("
    "'data-w'),zd=+z.getAttribute('data-d'),k=W/zw;\n"
    " fs.forEach(function(g){var x=+g.getAttribute('data-x'),w=+g."
    "getAttribute('data-w'),d=+g.getAttribute('data-d'),r=g.querySelector("
    "'rect'),t=txt(g);\n"
    "  var nx,nw;if(d<zd&&x<=zx+1e-9&&x+w>=zx+zw-1e-9){nx=0;nw=W;}else if("
    "d>=zd&&x>=zx-1e-9&&x+w<=zx+zw+1e-9){nx=(x-zx)*k;nw=w*k;}else{g.style."
    "display='none';return;}\n"
    "  g.style.display='';r.setAttribute('x',nx);r.setAttribute('width',"
    "nw);t.setAttribute('x',nx+3);lab(g,nw);});}\n"
    "function reset(){fs.forEach(function(g){var x=+g.getAttribute("
    "'data-x'),w=+g.getAttribute('data-w'),r=g.querySelector('rect'),t="
    "txt(g);g.style.display='';r.setAttribute('x',x);r."
    "setAttribute('width',w);t.setAttribute('x',x+3);lab(g,w);});}\n"
    "function search(q){var re=q!==undefined?q:window.prompt('Search (a "
    "regular expression)','');if(re===null)return;var m=0,rx;try{rx=new "
    "RegExp(re);}catch(e){return;}\n"
    " fs.forEach(function(g){var r=g.querySelector('rect');if(re!==''&&rx."
    "test(g.getAttribute('data-n'))){r.setAttribute('fill','rgb(230,0,230)"
    "');if(+g.getAttribute('data-top'))m+=+g.getAttribute('data-w');}else "
    "r.setAttribute('fill',r.getAttribute('data-fill'));});\n"
    " svg.querySelector('.matched').textContent=re===''?'':'matched: '+(m*"
    "100/W).toFixed(1)+'%';}\n"
    "fs.forEach(function(g){g.addEventListener('click',function(){zoom(g);}"
    ");});\n"
    "svg.querySelector('.reset').addEventListener('click',reset);\n"
    "svg.querySelector('.search').addEventListener('click',function(){"
    "search();});\n"
    "var h=decodeURIComponent((location.hash||'').slice(1)).split('&');\n"
    "h.forEach(function(kv){var i=kv.indexOf('=');if(i<0)return;var k=kv."
    "slice(0,i),v=kv.slice(i+1);\n"
    " if(k==='search')search(v);\n"
    " if(k==='zoom')for(var j=0;j<fs.length;j++)if(fs[j].getAttribute("
    "'data-n')===v){zoom(fs[j]);break;}});\n"
    "})();\n"
    "]]></script>\n";

bool
ppd__render_flame(FILE *out, const struct ppd_diff *d,
                  const struct ppd_render_options *o)
{
    const struct ppd_accum *a = d->accum;
    size_t last = d->ncolumns - 1;
    bool single = d->ncolumns == 1;
    struct tree t = {0};
    uint32_t *frames = NULL, *order = NULL;
    size_t fcap = 0;
    bool ok = false;
    t.cap = 1024;
    if ((t.v = malloc(t.cap * sizeof *t.v)) == NULL)
        goto out;
    t.v[0] = (struct node){UINT32_MAX, 0, 0, 0, 0, 0}; /* the root */
    t.n = 1;
    /* The previous stack's path (root first): stacks that follow each
     * other often share their root side, which then needs no lookup. */
    uint32_t *pframes = NULL, *pnodes = NULL;
    size_t pdepth = 0;
    for (size_t s = 0; s < ppd_accum_nstacks(a); s++) {
        const int64_t *v = ppd_accum_values(a, s);
        size_t depth = ppd_accum_depth(a, s);
        if (depth > fcap) {
            uint32_t *nf = realloc(frames, depth * sizeof *nf);
            uint32_t *npf = nf ? realloc(pframes, depth * sizeof *npf) : NULL;
            uint32_t *npn = npf ? realloc(pnodes, depth * sizeof *npn) : NULL;
            if (nf != NULL)
                frames = nf;
            if (npf != NULL)
                pframes = npf;
            if (npn == NULL) {
                free(pframes);
                free(pnodes);
                goto out;
            }
            pnodes = npn;
            fcap = depth;
        }
        ppd_accum_stack(a, s, frames, fcap);
        int64_t b = single ? 0 : v[0], c = v[last];
        t.v[0].base = add64(t.v[0].base, b);
        t.v[0].cur = add64(t.v[0].cur, c);
        uint32_t at = 0;
        bool same = true;
        for (size_t i = 0; i < depth; i++) { /* root first */
            uint32_t fr = frames[depth - 1 - i], id;
            same = same && i < pdepth && pframes[i] == fr;
            if (same) {
                id = pnodes[i];
            } else {
                if (!tree_push(&t, at, fr, &id)) {
                    free(pframes);
                    free(pnodes);
                    goto out;
                }
                pframes[i] = fr;
                pnodes[i] = id;
            }
            t.v[id].base = add64(t.v[id].base, b);
            t.v[id].cur = add64(t.v[id].cur, c);
            at = id;
        }
        pdepth = depth;
    }
    free(pframes);
    free(pnodes);
    double total = metric(&t.v[0], o->flame_width);
    if (single)
        total = (double)(t.v[0].cur > 0 ? t.v[0].cur : 0);
    double scale = total > 0 ? SVG_WIDTH / total : 0;
    /* Lay out depth-first, children by name: positions into x[],
     * widths into wd[]. Children never overflow their parent: with
     * --flame-width max the larger of base and cur of each child can add
     * up to more than the parent's, and then they are scaled down. */
    double *x = calloc(t.n, sizeof *x);
    double *wd = calloc(t.n, sizeof *wd);
    uint32_t *depthv = calloc(t.n, sizeof *depthv);
    order = malloc(t.n * sizeof *order);
    uint32_t *stack = malloc(t.n * sizeof *stack);
    uint32_t *kids = malloc(t.n * sizeof *kids);
    if (x == NULL || wd == NULL || depthv == NULL || order == NULL ||
        stack == NULL || kids == NULL) {
        free(x);
        free(wd);
        free(depthv);
        free(stack);
        free(kids);
        goto out;
    }
    size_t norder = 0, nstack = 0, hidden = 0, maxdepth = 0;
    wd[0] = total * scale;
    stack[nstack++] = 0;
    struct by_name_ctx bctx = {a, t.v};
    while (nstack > 0) {
        uint32_t p = stack[--nstack];
        order[norder++] = p;
        size_t nk = 0;
        double sum = 0;
        for (uint32_t c = t.v[p].child; c != 0; c = t.v[c].next) {
            kids[nk++] = c;
            sum += metric(&t.v[c], o->flame_width) * scale;
        }
        /* By name, so the picture does not depend on input order. */
        if (nk > 1 && !ppd__sort(kids, nk, sizeof *kids, by_name, &bctx)) {
            free(x);
            free(wd);
            free(depthv);
            free(stack);
            free(kids);
            goto out;
        }
        double fit = sum > wd[p] && sum > 0 ? wd[p] / sum : 1;
        double cx = x[p];
        size_t first = nstack;
        for (size_t i = 0; i < nk; i++) {
            uint32_t c = kids[i];
            double w = metric(&t.v[c], o->flame_width) * scale * fit;
            if (w < MIN_PX) {
                hidden++;
                continue;
            }
            x[c] = cx;
            wd[c] = w;
            depthv[c] = depthv[p] + 1;
            if (depthv[c] > maxdepth)
                maxdepth = depthv[c];
            cx += w;
            stack[nstack++] = c;
        }
        /* Popped in name order: reverse what was pushed. */
        for (size_t i = first, j = nstack; i + 1 < j; i++, j--) {
            uint32_t tmp = stack[i];
            stack[i] = stack[j - 1];
            stack[j - 1] = tmp;
        }
    }
    free(stack);
    free(kids);
    int height = TOP + (int)(maxdepth + 1) * ROW + 20;
    const struct ppd_value_type *ty = ppd_accum_type(a);
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "data-w=\"%.0f\" class=\"ppd-flame\">\n"
            "<style>.f text{font:11px monospace;pointer-events:none}"
            ".f:hover rect{stroke:#000;stroke-width:.5}"
            ".btn{font:12px sans-serif;cursor:pointer;fill:#225}"
            ".hd{font:13px sans-serif}</style>\n",
            (int)SVG_WIDTH, height, (int)SVG_WIDTH, height, SVG_WIDTH);
    fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n"
                 "<text class=\"hd\" x=\"4\" y=\"16\">");
    const char *kind = ppd_accum_column(a, last)->kind;
    ppd__xml_text(out, kind, strlen(kind));
    fputs(single ? " flame graph, " : " differential flame graph, ", out);
    ppd__xml_text(out, ty->type, strlen(ty->type));
    fprintf(out, " (%s); width: %s%s</text>\n",
            ty->unit,
            single                                  ? "value"
            : o->flame_width == PPD_FLAME_BASE      ? "base"
            : o->flame_width == PPD_FLAME_MAX       ? "the larger of base and cur"
                                                    : "cur",
            single ? "" : "; red grew, blue shrank");
    fprintf(out, "<text class=\"btn reset\" x=\"4\" y=\"34\">[reset zoom]"
                 "</text><text class=\"btn search\" x=\"100\" y=\"34\">"
                 "[search]</text><text class=\"btn matched\" x=\"170\" "
                 "y=\"34\"></text>\n");
    if (hidden > 0)
        fprintf(out, "<text class=\"hd\" x=\"%d\" y=\"34\" text-anchor=\"end\""
                     ">%zu frame%s narrower than 0.1 px left out</text>\n",
                (int)SVG_WIDTH - 4, hidden, hidden == 1 ? "" : "s");
    char fill[40], vb[64], vc[64], vd[64];
    for (size_t i = 1; i < norder; i++) {
        const struct node *n = &t.v[order[i]];
        double w = wd[order[i]];
        int dep = (int)depthv[order[i]];
        int y = o->icicle ? TOP + (dep - 1) * ROW
                          : height - 20 - dep * ROW;
        struct ppd_str nm = ppd_accum_frame(a, n->frame)->name;
        fill_of(fill, sizeof fill, a, n, single);
        fprintf(out, "<g class=\"f\" data-x=\"%.2f\" data-w=\"%.2f\" "
                     "data-d=\"%d\" data-top=\"%d\" data-n=\"",
                x[order[i]], w, dep, dep == 1 ? 1 : 0);
        ppd__xml_text(out, nm.ptr, nm.len);
        fputs("\"><title>", out);
        ppd__xml_text(out, nm.ptr, nm.len);
        ppd_render_value(vc, sizeof vc, n->cur, ty->unit, false);
        if (single) {
            fprintf(out, "\n%s (%.2f%%)", vc,
                    total > 0 ? 100.0 * (double)n->cur / total : 0);
        } else {
            ppd_render_value(vb, sizeof vb, n->base, ty->unit, false);
            ppd_render_value(vd, sizeof vd, n->cur - n->base, ty->unit, true);
            fprintf(out, "\nbase %s, cur %s, delta %s", vb, vc, vd);
        }
        fprintf(out, "</title><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
                     "height=\"%d\" fill=\"%s\" data-fill=\"%s\"/>",
                x[order[i]], y, w, ROW - 1, fill, fill);
        int chars = (int)((w - 6) / 7);
        if (chars >= 3) {
            /* Only frames wide enough for a label carry one; the script
             * adds it to the others when a zoom makes room. */
            fprintf(out, "<text x=\"%.2f\" y=\"%d\">", x[order[i]] + 3,
                    y + ROW - 4);
            size_t cut = nm.len <= (size_t)chars ? nm.len : (size_t)chars - 2;
            while (cut > 0 && cut < nm.len &&
                   ((unsigned char)nm.ptr[cut] & 0xC0) == 0x80)
                cut--;
            ppd__xml_text(out, nm.ptr, cut);
            if (cut < nm.len)
                fputs("..", out);
            fputs("</text>", out);
        }
        fputs("</g>\n", out);
    }
    fputs(script, out);
    fputs("</svg>\n", out);
    free(x);
    free(wd);
    free(depthv);
    ok = true;
out:
    free(order);
    free(frames);
    free(t.v);
    free(t.slots);
    return ok;
}
