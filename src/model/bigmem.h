/*
 * bigmem.h - allocation of the few big, randomly accessed tables.
 */
#ifndef PPD_BIGMEM_H
#define PPD_BIGMEM_H

#include <stddef.h>

/*
 * ppd__big_zalloc - n zeroed bytes, free()-able. At 2 MiB and above the
 * block is 2 MiB-aligned and the kernel is asked for transparent huge
 * pages; it is zeroed with memset rather than calloc so that probing
 * does not fault every page twice (zero page, then copy on write).
 * NULL when out of memory.
 */
void *ppd__big_zalloc(size_t n);

/*
 * ppd__big_advise - ask for huge pages on the 2 MiB-aligned part of
 * [p, p + n); a hint, silently ignored where unsupported.
 */
void ppd__big_advise(void *p, size_t n);

/*
 * ppd__big_release - give the whole pages inside [p, p + n) back to the
 * system: the block stays allocated (free() it as usual) but those bytes
 * read as zeros after. For a big block read once, front to back, whose
 * head is done with while its tail is still read.
 */
void ppd__big_release(const void *p, size_t n);

#endif
