/*
 * snapshot.h - the names `pprofdiff capture` gives its files, and the
 * listing of one type's snapshots in a directory, oldest first.
 *
 * A snapshot is DIR/TYPE-YYYYMMDDTHHMMSSZ.EXT: TYPE is the profile type
 * as fetched ("heap", "goroutine", or a text form such as
 * "goroutine.debug2"), the stamp is the UTC start of the capture run,
 * EXT is "pb.gz" for profiles and "txt" for text forms. Names of any
 * other form are never listed, so a directory may hold other files.
 * Lists are arrays of malloc'd strings the caller frees with
 * ppd_snapshot_list_free().
 */
#ifndef PPROFDIFF_SNAPSHOT_H
#define PPROFDIFF_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pprofdiff/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The length of the stamp, YYYYMMDDTHHMMSSZ. */
#define PPD_SNAPSHOT_STAMP_LEN 16

/*
 * ppd_snapshot_parse - does the base name of path read
 * TYPE-YYYYMMDDTHHMMSSZ.pb.gz or .txt? On true, *type and *typelen (may
 * be NULL) locate TYPE in path and *time_ns (may be NULL) holds the
 * stamp as nanoseconds since the epoch.
 */
bool ppd_snapshot_parse(const char *path, const char **type, size_t *typelen,
                        int64_t *time_ns);

/*
 * ppd_snapshot_list - the paths "dir/NAME" of the snapshots of type in
 * dir, oldest first, into *paths (n in *npaths; 0 is not an error).
 * PPD_EIO naming dir when it cannot be listed.
 */
PPD_NODISCARD enum ppd_status
ppd_snapshot_list(const char *dir, const char *type, char ***paths,
                  size_t *npaths, struct ppd_error *err);

/*
 * ppd_snapshot_types - the distinct types of the snapshots in dir, in
 * name order, into *types (n in *ntypes).
 */
PPD_NODISCARD enum ppd_status
ppd_snapshot_types(const char *dir, char ***types, size_t *ntypes,
                   struct ppd_error *err);

/* ppd_snapshot_list_free - free a list of either kind. */
void ppd_snapshot_list_free(char **list, size_t n);

#ifdef __cplusplus
}
#endif

#endif
