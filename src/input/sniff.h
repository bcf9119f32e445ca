/*
 * sniff.h - what an input is, from its first bytes. The one place that
 * knows what "looks like text" means (an error page, JSON, a text
 * profile), for files and network bodies alike.
 */
#ifndef PPD_INPUT_SNIFF_H
#define PPD_INPUT_SNIFF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * ppd__sniff_is_text - true when s[0..n) (the start of an input, at most
 * 64 bytes are looked at) is printable text: a protobuf profile starts
 * with a field tag and a small length, which almost never are.
 */
bool ppd__sniff_is_text(const unsigned char *s, size_t n);

/*
 * ppd__sniff_describe - for text: write its kind ("HTML", "JSON" or
 * "text") to *kind and a printable quote of up to 43 characters to quote
 * (room for 48 bytes), with "..." appended when more follows (more is
 * true when the input goes on past s[0..n)).
 */
void ppd__sniff_describe(const unsigned char *s, size_t n, bool more,
                         const char **kind, char quote[48]);

#endif
