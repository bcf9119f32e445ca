/*
 * names.h - function names as pprof shows them (enum ppd_names): the one
 * place that knows how pprof demangles and simplifies.
 */
#ifndef PPD_MODEL_NAMES_H
#define PPD_MODEL_NAMES_H

#include "pprofdiff/decode.h"
#include "pprofdiff/error.h"
#include "pprofdiff/profile.h"

/*
 * ppd__names_apply - give every function of p the name mode shows. New
 * names live in p's arena. Fails only when out of memory.
 */
enum ppd_status ppd__names_apply(struct ppd_profile *p, enum ppd_names mode,
                                 struct ppd_error *err);

/*
 * ppd__names_demangle - s[0..n) demangled as mode says (simplified or
 * full), in a new malloc'd string, or NULL when it is not a mangled C++
 * or Rust symbol (or memory ran out). For tests and the fuzzer.
 */
char *ppd__names_demangle(const char *s, size_t n, enum ppd_names mode);

#endif
