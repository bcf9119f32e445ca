/*
 * snapshot.c - capture file names: parsing, and listing one type's
 * snapshots in a directory. The stamp sorts as text in time order, so a
 * sorted list of names is a list oldest first.
 */
#define _DEFAULT_SOURCE /* timegm */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pprofdiff/snapshot.h"

static const char *const exts[] = {".pb.gz", ".txt"};

bool
ppd_snapshot_parse(const char *path, const char **type, size_t *typelen,
                   int64_t *time_ns)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    size_t nl = strlen(name);
    size_t el = 0;
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t l = strlen(exts[i]);
        if (nl > l && strcmp(name + nl - l, exts[i]) == 0)
            el = l;
    }
    /* At least one type byte, '-', the stamp, the extension. */
    if (el == 0 || nl < 1 + 1 + PPD_SNAPSHOT_STAMP_LEN + el)
        return false;
    size_t tl = nl - el - PPD_SNAPSHOT_STAMP_LEN - 1;
    const char *s = name + tl + 1;
    if (name[tl] != '-')
        return false;
    int f[6] = {0};
    static const unsigned char at[6] = {0, 4, 6, 9, 11, 13};
    static const unsigned char len[6] = {4, 2, 2, 2, 2, 2};
    for (size_t i = 0; i < PPD_SNAPSHOT_STAMP_LEN; i++) {
        int c = (unsigned char)s[i];
        bool ok = i == 8 ? c == 'T' : i == 15 ? c == 'Z' : isdigit(c) != 0;
        if (!ok)
            return false;
    }
    for (size_t k = 0; k < 6; k++)
        for (size_t i = 0; i < len[k]; i++)
            f[k] = f[k] * 10 + (s[at[k] + i] - '0');
    /* Years before the epoch or far ahead are no capture's: their
     * nanoseconds would not fit. */
    if (f[0] < 1970 || f[0] > 2200 || f[1] < 1 || f[1] > 12 || f[2] < 1 ||
        f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
        return false;
    if (type != NULL)
        *type = name;
    if (typelen != NULL)
        *typelen = tl;
    if (time_ns != NULL) {
        struct tm tm = {.tm_year = f[0] - 1900, .tm_mon = f[1] - 1,
                        .tm_mday = f[2], .tm_hour = f[3], .tm_min = f[4],
                        .tm_sec = f[5]};
        *time_ns = (int64_t)timegm(&tm) * 1000000000;
    }
    return true;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void
ppd_snapshot_list_free(char **list, size_t n)
{
    for (size_t i = 0; list != NULL && i < n; i++)
        free(list[i]);
    free(list);
}

static bool
push(char ***v, size_t *n, size_t *cap, char *s)
{
    if (s == NULL)
        return false;
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **nv = realloc(*v, ncap * sizeof *nv);
        if (nv == NULL) {
            free(s);
            return false;
        }
        *v = nv;
        *cap = ncap;
    }
    (*v)[(*n)++] = s;
    return true;
}

/* The names in dir of snapshots of type (any type when NULL), sorted. */
static enum ppd_status
scan(const char *dir, const char *type, char ***out, size_t *nout,
     struct ppd_error *err)
{
    *out = NULL;
    *nout = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return ppd_error_set(err, PPD_EIO, dir, "cannot list: %s",
                             strerror(errno));
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        const char *t;
        size_t tl;
        if (!ppd_snapshot_parse(de->d_name, &t, &tl, NULL))
            continue;
        if (type != NULL && (strlen(type) != tl || memcmp(type, t, tl) != 0))
            continue;
        if (!push(&v, &n, &cap, strdup(de->d_name))) {
            closedir(d);
            ppd_snapshot_list_free(v, n);
            return ppd_error_set(err, PPD_ENOMEM, dir, "out of memory");
        }
    }
    closedir(d);
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    *nout = n;
    return PPD_OK;
}

enum ppd_status
ppd_snapshot_list(const char *dir, const char *type, char ***paths,
                  size_t *npaths, struct ppd_error *err)
{
    enum ppd_status st = scan(dir, type, paths, npaths, err);
    if (st != PPD_OK)
        return st;
    for (size_t i = 0; i < *npaths; i++) {
        size_t dl = strlen(dir);
        while (dl > 1 && dir[dl - 1] == '/')
            dl--; /* "DIR/" and "DIR" name the same files */
        size_t len = dl + strlen((*paths)[i]) + 2;
        char *p = malloc(len);
        if (p == NULL) {
            ppd_snapshot_list_free(*paths, *npaths);
            *paths = NULL;
            *npaths = 0;
            return ppd_error_set(err, PPD_ENOMEM, dir, "out of memory");
        }
        snprintf(p, len, "%.*s/%s", (int)dl, dir, (*paths)[i]);
        free((*paths)[i]);
        (*paths)[i] = p;
    }
    return PPD_OK;
}

enum ppd_status
ppd_snapshot_types(const char *dir, char ***types, size_t *ntypes,
                   struct ppd_error *err)
{
    char **names;
    size_t n;
    enum ppd_status st = scan(dir, NULL, &names, &n, err);
    if (st != PPD_OK)
        return st;
    char **v = NULL;
    size_t nv = 0, cap = 0;
    for (size_t i = 0; i < n && st == PPD_OK; i++) {
        const char *t;
        size_t tl;
        (void)ppd_snapshot_parse(names[i], &t, &tl, NULL);
        if (nv > 0 && strlen(v[nv - 1]) == tl &&
            memcmp(v[nv - 1], t, tl) == 0)
            continue;
        if (!push(&v, &nv, &cap, strndup(t, tl)))
            st = ppd_error_set(err, PPD_ENOMEM, dir, "out of memory");
    }
    ppd_snapshot_list_free(names, n);
    if (st != PPD_OK) {
        ppd_snapshot_list_free(v, nv);
        v = NULL;
        nv = 0;
    }
    /* Sorted names put one type's snapshots together, but "a-x" sorts
     * between "a" snapshots and "a.b": dedupe after sorting. */
    if (nv > 1) {
        qsort(v, nv, sizeof *v, cmp_str);
        size_t k = 1;
        for (size_t i = 1; i < nv; i++) {
            if (strcmp(v[i], v[k - 1]) == 0)
                free(v[i]);
            else
                v[k++] = v[i];
        }
        nv = k;
    }
    *types = v;
    *ntypes = nv;
    return st;
}
