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

#endif
