/*
 * pprof_pb.h - the reader of profile.proto messages (pprof's format).
 */
#ifndef PPD_INPUT_PPROF_PB_H
#define PPD_INPUT_PPROF_PB_H

#include <stdint.h>

#include "input/source.h"
#include "model/builder.h"

/*
 * ppd__pprof_read - walk the protobuf Profile message in s to its end,
 * handing every record to b. budget is b's, quoted in the error when the
 * decoded tables outgrow it. Returns PPD_OK, or the error (also in s->err,
 * naming the field and byte offset).
 */
PPD_NODISCARD enum ppd_status
ppd__pprof_read(struct ppd__source *s, struct ppd__builder *b,
                uint64_t budget);

#endif
