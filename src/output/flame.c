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
#include "model/vec.h"
#include "output/obuf.h"
#include "output/output.h"

#define SVG_WIDTH 1200.0
#define ROW 16
#define TOP 44 /* title, buttons and legend above the frames */
#define MIN_PX 0.1

struct node {
    uint32_t frame;
    uint32_t parent;
    int64_t base, cur;
};

/*
 * The call tree, built one depth at a time (build()): a stack takes part
 * in depth k only while its frame at depth k-1 is wide enough to draw,
 * so the stacks under narrow frames drop out early and a 500k-stack diff
 * never builds its whole tree. Node ids grow with depth.
 */
struct tree {
    PPD_VEC(struct node) v; /* v[0] is the root */
    double *w;              /* per node: width in px; < 0: not drawn */
    uint32_t *depth;        /* per node drawn */
    size_t wcap;
    size_t hidden;   /* drawn frames' children narrower than MIN_PX */
    size_t maxdepth;
    double total;    /* the root's metric, what SVG_WIDTH stands for */
};

/* (parent, frame) -> node id + 1, for the depth being built. */
struct slots {
    struct slot {
        uint64_t key;
        uint32_t id;
    } *v;
    size_t n, size;
};

static bool
slots_reset(struct slots *t)
{
    if (t->size == 0) {
        t->size = 1024;
        if ((t->v = malloc(t->size * sizeof *t->v)) == NULL)
            return false;
    }
    memset(t->v, 0, t->size * sizeof *t->v);
    t->n = 0;
    return true;
}

static bool
slots_grow(struct slots *t)
{
    size_t ns = t->size * 2;
    struct slot *v = calloc(ns, sizeof *v);
    if (v == NULL)
        return false;
    for (size_t i = 0; i < t->size; i++) {
        if (t->v[i].id == 0)
            continue;
        size_t j = ppd__hash_u64(t->v[i].key) & (ns - 1);
        while (v[j].id != 0)
            j = (j + 1) & (ns - 1);
        v[j] = t->v[i];
    }
    free(t->v);
    t->v = v;
    t->size = ns;
    return true;
}

/*
 * The id of (parent, frame) in sl: the one it has, or when new, id (then
 * *added). UINT32_MAX when out of memory.
 */
static uint32_t
pair_put(struct slots *sl, uint32_t parent, uint32_t frame, uint32_t id,
         bool *added)
{
    *added = false;
    if ((sl->n + 1) * 2 > sl->size && !slots_grow(sl))
        return UINT32_MAX;
    uint64_t key = (uint64_t)parent << 32 | frame;
    size_t j = ppd__hash_u64(key) & (sl->size - 1);
    while (sl->v[j].id != 0) {
        if (sl->v[j].key == key)
            return sl->v[j].id - 1;
        j = (j + 1) & (sl->size - 1);
    }
    sl->v[j] = (struct slot){key, id + 1};
    sl->n++;
    *added = true;
    return id;
}

/* The id of (parent, frame) in sl, or UINT32_MAX. */
static uint32_t
pair_get(const struct slots *sl, uint32_t parent, uint32_t frame)
{
    uint64_t key = (uint64_t)parent << 32 | frame;
    size_t j = ppd__hash_u64(key) & (sl->size - 1);
    for (; sl->v[j].id != 0; j = (j + 1) & (sl->size - 1))
        if (sl->v[j].key == key)
            return sl->v[j].id - 1;
    return UINT32_MAX;
}

/* The child of parent for frame, made when new; UINT32_MAX: no memory. */
static uint32_t
child_of(struct tree *t, struct slots *sl, uint32_t parent, uint32_t frame)
{
    bool added;
    if (t->v.n >= UINT32_MAX - 1)
        return UINT32_MAX;
    uint32_t id = pair_put(sl, parent, frame, (uint32_t)t->v.n, &added);
    if (added &&
        !PPD_VEC_PUSH(t->v, ((struct node){frame, parent, 0, 0}), NULL))
        return UINT32_MAX;
    return id;
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

/* Room for per-node widths and depths up to t->v.n. */
static bool
reserve_widths(struct tree *t)
{
    if (t->v.n <= t->wcap)
        return true;
    size_t nc = t->wcap ? t->wcap : 1024;
    while (nc < t->v.n)
        nc *= 2;
    double *w = realloc(t->w, nc * sizeof *w);
    if (w != NULL)
        t->w = w;
    uint32_t *d = w ? realloc(t->depth, nc * sizeof *d) : NULL;
    if (d == NULL)
        return false;
    t->depth = d;
    t->wcap = nc;
    return true;
}

/* A stack in play while the tree is built: 16 bytes, as each depth
 * reads and writes every one (its values are read where the accumulator
 * keeps them). */
struct play {
    uint32_t at;    /* its next frame id, as an offset from stack 0's */
    uint32_t left;  /* its frames not read yet */
    uint32_t node;  /* its node so far */
    uint32_t stack;
};

/*
 * Build the drawn part of the call tree, depth by depth, from the stacks
 * in play (struct play): one pass over them per depth. A frame's width
 * is its metric scaled to SVG_WIDTH; siblings whose widths add up to
 * more than their parent's (--flame-width max) are scaled down together.
 * A frame narrower than MIN_PX is counted in t->hidden and its stacks
 * leave play. Without base, base values are left at 0 and deepest[s]
 * gets the last node stack s reached, for ppd_flame_finish().
 */
static bool
build(const struct ppd_accum_stacks *st, bool single, size_t last,
      enum ppd_flame_width fw, bool base, uint32_t *deepest, struct tree *t)
{
    size_t ns = st->n;
    bool nobase = single || !base;
    struct play *pl = malloc((ns ? ns : 1) * sizeof *pl);
    double *csum = NULL; /* per parent: its children's metric summed */
    size_t ccap = 0, nkids = 0;
    struct kid {
        uint32_t frame, id;
    } *kids = NULL; /* per node: its last two children looked up */
    struct slots sl = {0};
    bool ok = false;
    if (pl == NULL ||
        !PPD_VEC_PUSH(t->v, ((struct node){UINT32_MAX, 0, 0, 0}), NULL))
        goto out;
    size_t n = 0, ncols = last + 1;
    const unsigned char *pool = st->pool;
    const int64_t *vals = st->vals;
    for (size_t s = 0; s < ns; s++) {
        const int64_t *v = vals + s * ncols;
        t->v.v[0].base = add64(t->v.v[0].base, nobase ? 0 : v[0]);
        t->v.v[0].cur = add64(t->v.v[0].cur, v[last]);
        uint32_t depth = st->depth[s];
        if (deepest != NULL)
            deepest[s] = 0;
        if (depth > 0)
            pl[n++] = (struct play){st->off[s], depth, 0, (uint32_t)s};
    }
    t->total = single ? (double)(t->v.v[0].cur > 0 ? t->v.v[0].cur : 0)
                      : metric(&t->v.v[0], fw);
    double scale = t->total > 0 ? SVG_WIDTH / t->total : 0;
    if (!reserve_widths(t))
        goto out;
    t->w[0] = t->total * scale;
    t->depth[0] = 0;
    for (uint32_t level = 1; n > 0; level++) {
        size_t first = t->v.n, keep = 0;
        if (!slots_reset(&sl))
            goto out;
        if (first > nkids) { /* room for the parents of this depth */
            size_t nk = nkids ? nkids : 1024;
            while (nk < first)
                nk *= 2;
            struct kid *k = realloc(kids, 2 * nk * sizeof *k);
            if (k == NULL)
                goto out;
            kids = k;
            for (size_t i = 2 * nkids; i < 2 * nk; i++)
                kids[i] = (struct kid){UINT32_MAX, 0};
            nkids = nk;
        }
        /* Stacks of one parent often follow each other: the last
         * lookup answers again without the table. */
        uint32_t lp = UINT32_MAX, lf = UINT32_MAX, lid = 0;
        for (size_t i = 0; i < n; i++) {
            struct play q = pl[i];
            uint32_t f;
            /* Out of play: ended at its parent, or its parent is too
             * narrow to draw. */
            if (q.left == 0 || t->w[q.node] < 0) {
                if (deepest != NULL)
                    deepest[q.stack] = q.node;
                continue;
            }
            q.left--;
            /* One frame id is left at q.at: a varint of at most 5 bytes. */
            const unsigned char *at = pool + q.at;
            ppd_uvarint32_next(&at, at + 5, &f);
            q.at = (uint32_t)(at - pool);
            if (q.node != lp || f != lf) {
                /* The parent's last two children answer most lookups
                 * (a tree of calls branches little), the table the
                 * rest. */
                struct kid *c = &kids[2 * (size_t)q.node];
                if (c[0].frame == f) {
                    lid = c[0].id;
                } else if (c[1].frame == f) {
                    lid = c[1].id;
                } else {
                    lid = child_of(t, &sl, q.node, f);
                    if (lid == UINT32_MAX)
                        goto out;
                    c[1] = c[0];
                    c[0] = (struct kid){f, lid};
                }
                lp = q.node;
                lf = f;
            }
            const int64_t *v = vals + (size_t)q.stack * ncols;
            struct node *x = &t->v.v[lid];
            x->base = add64(x->base, nobase ? 0 : v[0]);
            x->cur = add64(x->cur, v[last]);
            q.node = lid;
            pl[keep++] = q;
        }
        n = keep;
        if (!reserve_widths(t))
            goto out;
        if (first > ccap) {
            size_t nc = ccap ? ccap : 1024;
            while (nc < first)
                nc *= 2;
            double *c = realloc(csum, nc * sizeof *c);
            if (c == NULL)
                goto out;
            csum = c;
            ccap = nc;
        }
        for (size_t id = first; id < t->v.n; id++)
            csum[t->v.v[id].parent] = 0;
        for (size_t id = first; id < t->v.n; id++)
            csum[t->v.v[id].parent] += metric(&t->v.v[id], fw) * scale;
        for (size_t id = first; id < t->v.n; id++) {
            uint32_t p = t->v.v[id].parent;
            double fit = csum[p] > t->w[p] && csum[p] > 0
                             ? t->w[p] / csum[p]
                             : 1;
            double w = metric(&t->v.v[id], fw) * scale * fit;
            if (w < MIN_PX) {
                t->w[id] = -1;
                t->hidden++;
                continue;
            }
            t->w[id] = w;
            t->depth[id] = level;
            t->maxdepth = level;
        }
    }
    ok = true;
out:
    free(pl);
    free(csum);
    free(kids);
    free(sl.v);
    return ok;
}

/* "rgb(R,G,B)" */
static void
put_rgb(struct ppd__obuf *b, int r, int g, int bl)
{
    PPD__OBUF_LIT(b, "rgb(");
    ppd__obuf_int(b, r);
    PPD__OBUF_LIT(b, ",");
    ppd__obuf_int(b, g);
    PPD__OBUF_LIT(b, ",");
    ppd__obuf_int(b, bl);
    PPD__OBUF_LIT(b, ")");
}

/* The fill of a frame: its change, or (one profile) a warm hue. */
static void
put_fill(struct ppd__obuf *out, const struct ppd_accum *a,
         const struct node *x, bool single)
{
    if (single) {
        struct ppd_str nm = ppd_accum_frame(a, x->frame)->name;
        uint64_t h = ppd__hash_bytes(nm.ptr, nm.len);
        put_rgb(out, 205 + (int)(h % 50), 90 + (int)((h >> 8) % 110),
                40 + (int)((h >> 16) % 40));
        return;
    }
    double b = (double)x->base, c = (double)x->cur;
    double m = fabs(b) > fabs(c) ? fabs(b) : fabs(c);
    double rel = m > 0 ? (c - b) / m : 0;
    int k = (int)(200 * (1 - fabs(rel))) + 30; /* 230: no change */
    if (rel > 0)
        put_rgb(out, 255, k, k);
    else if (rel < 0)
        put_rgb(out, k, k, 255);
    else
        put_rgb(out, 225, 225, 225);
}

static const char script[] =
    "<script><![CDATA[\n"
    "(function(){\n"
    "var svg=document.currentScript.closest('svg');\n"
    "var W=+svg.getAttribute('data-w'),fs=svg.querySelectorAll('g.f');\n"
    "fs.forEach(function(g){var r=g.querySelector('rect');g._x=+r."
    "getAttribute('x');g._w=+r.getAttribute('width');g._d=+g.getAttribute("
    "'data-d');g._f=r.getAttribute('fill');g._n=g.querySelector('title')."
    "textContent.split('\\n')[0];});\n"
    "function txt(g){var t=g.querySelector('text');if(!t){t=document."
    "createElementNS('http://www.w3.org/2000/svg','text');var r=g."
    "querySelector('rect');t.setAttribute('y',+r.getAttribute('y')+12);g."
    "appendChild(t);}return t;}\n"
    "function lab(g,w){var t=txt(g),n=g._n,c=Math.floor((w-6)/7);t."
    "textContent=c<3?'':(n.length<=c?n:n.slice(0,c-2)+'..');}\n"
    "function zoom(z){var zx=z._x,zw=z._w,zd=z._d,k=W/zw;\n"
    " fs.forEach(function(g){var x=g._x,w=g._w,d=g._d,r=g.querySelector("
    "'rect'),t=txt(g);\n"
    "  var nx,nw;if(d<zd&&x<=zx+1e-9&&x+w>=zx+zw-1e-9){nx=0;nw=W;}else if("
    "d>=zd&&x>=zx-1e-9&&x+w<=zx+zw+1e-9){nx=(x-zx)*k;nw=w*k;}else{g.style."
    "display='none';return;}\n"
    "  g.style.display='';r.setAttribute('x',nx);r.setAttribute('width',"
    "nw);t.setAttribute('x',nx+3);lab(g,nw);});}\n"
    "function reset(){fs.forEach(function(g){var r=g.querySelector('rect'),"
    "t=txt(g);g.style.display='';r.setAttribute('x',g._x);r.setAttribute("
    "'width',g._w);t.setAttribute('x',g._x+3);lab(g,g._w);});}\n"
    "function search(q){var re=q!==undefined?q:window.prompt('Search (a "
    "regular expression)','');if(re===null)return;var m=0,rx;try{rx=new "
    "RegExp(re);}catch(e){return;}\n"
    /* The share: the widths of matches not inside an earlier match
     * (frames come parents first, so a match's subtree follows it). */
    " var cs=0,ce=-1,cd=0;\n"
    " fs.forEach(function(g){var r=g.querySelector('rect');if(re!==''&&rx."
    "test(g._n)){r.setAttribute('fill','rgb(230,0,230)');if(!(g._d>cd&&g._x"
    ">=cs-1e-9&&g._x+g._w<=ce+1e-9)){m+=g._w;cs=g._x;ce=g._x+g._w;cd=g._d;"
    "}}else r.setAttribute('fill',g._f);});\n"
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
    " if(k==='zoom')for(var j=0;j<fs.length;j++)if(fs[j]._n===v){zoom(fs[j]"
    ");break;}});\n"
    "})();\n"
    "]]></script>\n";

/* A flame graph built, laid out, not yet written. */
struct ppd_flame {
    const struct ppd_accum *a;
    bool single;
    enum ppd_flame_width fw;
    struct tree t;
    uint32_t *order; /* the drawn frames, depth-first, children by name */
    size_t norder;
    double *x; /* per node: its left edge */
    /* Started without the base (ppd_flame_start): per stack of the
     * first nstacks, the last node it reached. */
    uint32_t *deepest;
    size_t nstacks;
    uint64_t serial; /* of the accumulator it was started on */
};

void
ppd_flame_free(struct ppd_flame *f)
{
    if (f == NULL)
        return;
    free(f->t.v.v);
    free(f->t.w);
    free(f->t.depth);
    free(f->order);
    free(f->x);
    free(f->deepest);
    free(f);
}

/*
 * Lay out the drawn frames depth-first, children by name (so the picture
 * does not depend on input order), each parent's children side by side
 * from its left edge. False when out of memory.
 */
static bool
lay_out(struct ppd_flame *fl)
{
    struct tree *t = &fl->t;
    size_t nn = t->v.n;
    uint32_t *child = NULL, *next = NULL, *stack = NULL, *kids = NULL;
    bool ok = false;
    fl->order = malloc(nn * sizeof *fl->order);
    child = calloc(nn, sizeof *child); /* first child + 1; 0: none */
    next = calloc(nn, sizeof *next);
    stack = malloc(nn * sizeof *stack);
    kids = malloc(nn * sizeof *kids);
    fl->x = calloc(nn, sizeof *fl->x);
    if (fl->order == NULL || child == NULL || next == NULL ||
        stack == NULL || kids == NULL || fl->x == NULL)
        goto out;
    for (size_t id = nn; id-- > 1;) {
        if (t->w[id] < 0)
            continue;
        uint32_t p = t->v.v[id].parent;
        next[id] = child[p];
        child[p] = (uint32_t)id + 1;
    }
    size_t nstack = 0;
    double *x = fl->x;
    stack[nstack++] = 0;
    fl->norder = 0;
    struct by_name_ctx bctx = {fl->a, t->v.v};
    while (nstack > 0) {
        uint32_t p = stack[--nstack];
        fl->order[fl->norder++] = p;
        size_t nk = 0;
        for (uint32_t c = child[p]; c != 0; c = next[c - 1])
            kids[nk++] = c - 1;
        if (nk > 1 && !ppd__sort(kids, nk, sizeof *kids, by_name, &bctx))
            goto out;
        double cx = x[p];
        for (size_t i = 0; i < nk; i++) {
            x[kids[i]] = cx;
            cx += t->w[kids[i]];
        }
        /* Popped in name order: pushed in reverse. */
        for (size_t i = nk; i-- > 0;)
            stack[nstack++] = kids[i];
    }
    ok = true;
out:
    free(child);
    free(next);
    free(stack);
    free(kids);
    return ok;
}

enum ppd_status
ppd_flame_new(const struct ppd_accum *a, enum ppd_flame_width fw,
              struct ppd_flame **out, struct ppd_error *err)
{
    size_t ncols = ppd_accum_ncolumns(a);
    struct ppd_flame *fl = calloc(1, sizeof *fl);
    struct ppd_accum_stacks st;
    *out = NULL;
    if (fl == NULL)
        goto oom;
    fl->a = a;
    fl->single = ncols == 1;
    fl->fw = fw;
    ppd_accum_stacks_now(a, &st);
    if (!build(&st, fl->single, ncols - 1, fw, true, NULL, &fl->t) ||
        !lay_out(fl))
        goto oom;
    *out = fl;
    return PPD_OK;
oom:
    ppd_flame_free(fl);
    return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
}

enum ppd_status
ppd_flame_start(const struct ppd_accum_stacks *st, struct ppd_flame **out,
                struct ppd_error *err)
{
    struct ppd_flame *fl = calloc(1, sizeof *fl);
    *out = NULL;
    if (fl == NULL || st->ncols != 2)
        goto fail;
    fl->fw = PPD_FLAME_CUR;
    fl->nstacks = st->n;
    fl->serial = st->serial;
    fl->deepest = malloc((st->n ? st->n : 1) * sizeof *fl->deepest);
    if (fl->deepest == NULL ||
        !build(st, false, 1, PPD_FLAME_CUR, false, fl->deepest, &fl->t))
        goto fail;
    *out = fl;
    return PPD_OK;
fail:
    ppd_flame_free(fl);
    if (st->ncols != 2)
        return ppd_error_set(err, PPD_EINVAL, NULL,
                             "a flame graph is started on two columns");
    return ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
}

enum ppd_status
ppd_flame_finish(struct ppd_flame *fl, const struct ppd_accum *a,
                 struct ppd_error *err)
{
    struct tree *t = &fl->t;
    struct slots nodes = {0}, missing = {0};
    size_t ns = ppd_accum_nstacks(a), nn = t->v.n;
    const int64_t *vals = ns > 0 ? ppd_accum_values(a, 0) : NULL;
    bool ok = false;
    if (fl->deepest == NULL || ppd_accum_serial(a) != fl->serial ||
        ppd_accum_ncolumns(a) != 2 || ns < fl->nstacks)
        return ppd_error_set(err, PPD_EINVAL, NULL,
                             "the flame graph was not started on these "
                             "stacks");
    fl->a = a;
    /* The stacks the tree was built from: each one's base at the last
     * node it reached, summed up the tree below. */
    for (size_t s = 0; s < fl->nstacks; s++) {
        struct node *x = &t->v.v[fl->deepest[s]];
        x->base = add64(x->base, vals[s * 2]);
    }
    /* The base's own stacks (no current value, so no width): down the
     * tree while it has their frames and is drawn. Where a drawn frame
     * lacks their next one, the whole build would have made a child
     * too narrow to draw: counted once per (parent, frame). */
    if (ns > fl->nstacks) {
        bool added;
        if (!slots_reset(&nodes) || !slots_reset(&missing))
            goto out;
        for (size_t id = 1; id < nn; id++)
            if (pair_put(&nodes, t->v.v[id].parent, t->v.v[id].frame,
                         (uint32_t)id, &added) == UINT32_MAX)
                goto out;
        for (size_t s = fl->nstacks; s < ns; s++) {
            const unsigned char *p, *end;
            uint32_t node = 0, f;
            ppd_accum_stack_bytes(a, s, &p, &end);
            while (t->w[node] >= 0 && ppd_uvarint32_next(&p, end, &f)) {
                uint32_t c = pair_get(&nodes, node, f);
                if (c == UINT32_MAX) {
                    if (pair_put(&missing, node, f, 0, &added) == UINT32_MAX)
                        goto out;
                    t->hidden += added;
                    break;
                }
                node = c;
            }
            struct node *x = &t->v.v[node];
            x->base = add64(x->base, vals[s * 2]);
        }
    }
    /* Node ids grow with depth: children before their parents. */
    for (size_t id = nn; id-- > 1;) {
        struct node *x = &t->v.v[id];
        t->v.v[x->parent].base = add64(t->v.v[x->parent].base, x->base);
    }
    free(fl->deepest);
    fl->deepest = NULL;
    ok = lay_out(fl);
out:
    free(nodes.v);
    free(missing.v);
    return ok ? PPD_OK
              : ppd_error_set(err, PPD_ENOMEM, NULL, "out of memory");
}

bool
ppd__render_flame(FILE *out, const struct ppd_diff *d,
                  const struct ppd_render_options *o)
{
    const struct ppd_accum *a = d->accum;
    const struct ppd_flame *fl = o->flame;
    struct ppd_flame *own = NULL;
    bool ok = false;
    /* Built beforehand when the caller could (on another thread). */
    if (fl == NULL || fl->a != a || fl->fw != o->flame_width) {
        if (ppd_flame_new(a, o->flame_width, &own, NULL) != PPD_OK)
            return false;
        fl = own;
    }
    bool single = fl->single;
    size_t last = d->ncolumns - 1;
    const struct tree *tr = &fl->t;
    double total = tr->total;
    const uint32_t *order = fl->order;
    const double *x = fl->x, *wd = tr->w;
    const uint32_t *depthv = tr->depth;
    size_t norder = fl->norder, maxdepth = tr->maxdepth, hidden = tr->hidden;
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
    char vb[64], vc[64], vd[64], px[32];
    /* Tens of thousands of frames, a dozen pieces each: through a
     * buffer of our own rather than stdio's calls. */
    char *ob = malloc(1 << 16);
    if (ob == NULL)
        goto out;
    struct ppd__obuf b = {out, ob, 0, 1 << 16};
    for (size_t i = 1; i < norder; i++) {
        const struct node *n = &tr->v.v[order[i]];
        double w = wd[order[i]];
        int dep = (int)depthv[order[i]];
        int y = o->icicle ? TOP + (dep - 1) * ROW
                          : height - 20 - dep * ROW;
        struct ppd_str nm = ppd_accum_frame(a, n->frame)->name;
        /* The script reads a frame's place, width, fill and name from
         * its rect and title: they are written once. */
        PPD__OBUF_LIT(&b, "<g class=\"f\" data-d=\"");
        ppd__obuf_int(&b, dep);
        PPD__OBUF_LIT(&b, "\"><title>");
        ppd__obuf_xml(&b, nm.ptr, nm.len);
        ppd_render_value(vc, sizeof vc, n->cur, ty->unit, false);
        if (single) {
            PPD__OBUF_LIT(&b, "\n");
            ppd__obuf_str(&b, vc);
            PPD__OBUF_LIT(&b, " (");
            ppd__fixed(px, sizeof px,
                       total > 0 ? 100.0 * (double)n->cur / total : 0, 2);
            ppd__obuf_str(&b, px);
            PPD__OBUF_LIT(&b, "%)");
        } else {
            ppd_render_value(vb, sizeof vb, n->base, ty->unit, false);
            ppd_render_value(vd, sizeof vd, n->cur - n->base, ty->unit, true);
            PPD__OBUF_LIT(&b, "\nbase ");
            ppd__obuf_str(&b, vb);
            PPD__OBUF_LIT(&b, ", cur ");
            ppd__obuf_str(&b, vc);
            PPD__OBUF_LIT(&b, ", delta ");
            ppd__obuf_str(&b, vd);
        }
        PPD__OBUF_LIT(&b, "</title><rect x=\"");
        ppd__fixed(px, sizeof px, x[order[i]], 2);
        ppd__obuf_str(&b, px);
        PPD__OBUF_LIT(&b, "\" y=\"");
        ppd__obuf_int(&b, y);
        PPD__OBUF_LIT(&b, "\" width=\"");
        ppd__fixed(px, sizeof px, w, 2);
        ppd__obuf_str(&b, px);
        PPD__OBUF_LIT(&b, "\" height=\"");
        ppd__obuf_int(&b, ROW - 1);
        PPD__OBUF_LIT(&b, "\" fill=\"");
        put_fill(&b, a, n, single);
        PPD__OBUF_LIT(&b, "\"/>");
        int chars = (int)((w - 6) / 7);
        if (chars >= 3) {
            /* Only frames wide enough for a label carry one; the script
             * adds it to the others when a zoom makes room. */
            PPD__OBUF_LIT(&b, "<text x=\"");
            ppd__fixed(px, sizeof px, x[order[i]] + 3, 2);
            ppd__obuf_str(&b, px);
            PPD__OBUF_LIT(&b, "\" y=\"");
            ppd__obuf_int(&b, y + ROW - 4);
            PPD__OBUF_LIT(&b, "\">");
            size_t cut = nm.len <= (size_t)chars ? nm.len : (size_t)chars - 2;
            while (cut > 0 && cut < nm.len &&
                   ((unsigned char)nm.ptr[cut] & 0xC0) == 0x80)
                cut--;
            ppd__obuf_xml(&b, nm.ptr, cut);
            if (cut < nm.len)
                PPD__OBUF_LIT(&b, "..");
            PPD__OBUF_LIT(&b, "</text>");
        }
        PPD__OBUF_LIT(&b, "</g>\n");
    }
    ppd__obuf_flush(&b);
    free(ob);
    fputs(script, out);
    fputs("</svg>\n", out);
    ok = true;
out:
    ppd_flame_free(own);
    return ok;
}
