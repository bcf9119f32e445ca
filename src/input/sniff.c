/*
 * sniff.c - tell text from binary at the start of an input.
 */
#include "input/sniff.h"

#define SNIFF_BYTES 64

bool
ppd__sniff_is_text(const unsigned char *s, size_t n)
{
    if (n < 2)
        return false;
    if (n > SNIFF_BYTES)
        n = SNIFF_BYTES;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (!(c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0x7f) ||
              c >= 0x80))
            return false;
    }
    return true;
}

static bool
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void
ppd__sniff_describe(const unsigned char *s, size_t n, bool more,
                    const char **kind, char quote[48])
{
    size_t i = 0;
    while (i < n && is_space(s[i]))
        i++;
    *kind = "text";
    if (i < n && s[i] == '<')
        *kind = "HTML";
    else if (i < n && (s[i] == '{' || s[i] == '['))
        *kind = "JSON";
    /* Trailing white space at the very end of the input reads as
     * nothing. */
    size_t end = n;
    while (!more && end > i && is_space(s[end - 1]))
        end--;
    size_t q = 0;
    for (; i < end && q < 43; i++) {
        unsigned char c = s[i];
        quote[q++] = (c < 0x20 || c >= 0x7f) ? ' ' : (char)c;
    }
    more = more || i < end;
    if (more) {
        quote[q++] = '.';
        quote[q++] = '.';
        quote[q++] = '.';
    }
    quote[q] = '\0';
}
