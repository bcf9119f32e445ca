/*
 * json.h - JSON text: the one place that knows how strings are quoted.
 */
#ifndef PPD_OUTPUT_JSON_H
#define PPD_OUTPUT_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * ppd__json_string - write s[0..n) as a JSON string, quotes included:
 * '"', '\\' and control bytes escaped, and bytes that are not valid UTF-8
 * written as U+FFFD, so the document always parses.
 */
void ppd__json_string(FILE *out, const char *s, size_t n);

/*
 * ppd__json_quote_some - the inside of that string (no quotes) for as
 * many whole characters of s[0..n) as fit in dst[0..room) (room >= 6
 * takes at least one): returns the bytes written, *used the bytes of s
 * read. 6 x n bytes of room always take all of s.
 */
size_t ppd__json_quote_some(char *dst, size_t room, const char *s, size_t n,
                            size_t *used);

#endif
