/*
 * gotext.h - the reader of Go's text profiles: the ?debug=1 pages of
 * net/http/pprof (goroutine and threadcreate counts, heap and allocs with
 * runtime.MemStats, mutex and block contentions) and ?debug=2 goroutine
 * dumps (also what a panic or SIGQUIT prints).
 */
#ifndef PPD_INPUT_GOTEXT_H
#define PPD_INPUT_GOTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "input/source.h"
#include "model/builder.h"

/*
 * ppd__gotext_is - does the text starting s[0..n) read as one of Go's
 * text profiles (by its first line)?
 */
bool ppd__gotext_is(const unsigned char *s, size_t n);

/*
 * ppd__gotext_read - read the text profile in s line by line, handing
 * records to b, as the protobuf reader does. Frames come from the text's
 * own symbol lines. Heap records are scaled as pprof scales them; a heap
 * page's runtime.MemStats become comments "runtime.MemStats.NAME=VALUE".
 * A debug=2 goroutine carries the labels goid, state, wait_minutes (when
 * given) and created_by. Errors name the line: "line N: problem".
 */
PPD_NODISCARD enum ppd_status
ppd__gotext_read(struct ppd__source *s, struct ppd__builder *b);

#endif
