/*
 * fuzz_text.c - fuzz the small text parsers of the command line's
 * inputs: --fail-if conditions and quantities, capture file names, and
 * signature files (read from memory).
 *
 * The input's first line is given to the condition, quantity, file
 * name and backend URL parsers (a backend URL's windows must parse back
 * to the same query); the whole input is read as a signature file. Every
 * failure must keep the error contract (fuzz.h); every success must be
 * self-consistent.
 */
#include <math.h>
#include <stdbool.h>

#include "fuzz.h"

#include "pprofdiff/alert.h"
#include "pprofdiff/backend.h"
#include "pprofdiff/signature.h"
#include "pprofdiff/snapshot.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    const uint8_t *nl = memchr(data, '\n', size);
    size_t len = nl ? (size_t)(nl - data) : size;
    char *line = malloc(len + 1);
    if (line == NULL)
        return 0;
    memcpy(line, data, len);
    line[len] = '\0';

    struct ppd_error err;
    memset(&err, 0, sizeof err);
    struct ppd_alert a;
    enum ppd_status st = ppd_alert_parse(line, &a, &err);
    fuzz_check_error(st, NULL, &err, NULL);
    if (st == PPD_OK) {
        double m;
        if (!isfinite(a.threshold) || a.text != line)
            abort();
        (void)ppd_alert_breached(&a, 1, NAN, 2, &m);
    }
    double v;
    enum ppd_qty_kind kind;
    if (ppd_quantity_parse(line, len, &v, &kind) &&
        (!isfinite(v) || fabs(v) > 9e18))
        abort();
    const char *type;
    size_t tl;
    int64_t ns;
    if (ppd_snapshot_parse(line, &type, &tl, &ns) &&
        (tl == 0 || type < line || type + tl > line + len))
        abort();

    struct ppd_backend_query q, w;
    memset(&err, 0, sizeof err);
    st = ppd_backend_parse(line, 1700000000000, &q, &err);
    fuzz_check_error(st, NULL, &err, NULL);
    if (st == PPD_OK) {
        size_t nw = ppd_backend_nwindows(&q);
        if (nw < 1 || nw > PPD_BACKEND_MAX_WINDOWS)
            abort();
        char *spec = NULL;
        if (ppd_backend_window_spec(&q, nw - 1, &spec, &err) == PPD_OK) {
            if (ppd_backend_parse(spec, 0, &w, &err) != PPD_OK ||
                strcmp(w.selector, q.selector) != 0 ||
                strcmp(w.type_id, q.type_id) != 0 || w.to_ms != q.to_ms ||
                ppd_backend_nwindows(&w) != 1)
                abort();
            ppd_backend_query_free(&w);
        }
        free(spec);
        ppd_backend_query_free(&q);
    }

    struct ppd_signatures *s = NULL;
    if (ppd_signatures_new(NULL, &s, &err) != PPD_OK)
        abort();
    FILE *fp = fmemopen((void *)data, size ? size : 1, "r");
    if (fp != NULL) {
        memset(&err, 0, sizeof err);
        st = ppd_signatures_load_stream(s, fp, "sigs", &err);
        if (st != PPD_OK && (err.code != st || err.msg[0] == '\0' ||
                             fuzz_has_control(err.msg) ||
                             strncmp(err.input, "sigs", 4) != 0))
            abort();
        fclose(fp);
    }
    ppd_signatures_free(s);
    free(line);
    return 0;
}
