/*
 * opts.c - getopt_long tables and --help text from one option list.
 */
#include <stdbool.h>
#include <string.h>

#include "cli/opts.h"

#define HELP_COLUMN 27

size_t
ppd__opts_count(const struct ppd__opt *table)
{
    size_t n = 0;
    while (table[n].name != NULL)
        n++;
    return n;
}

void
ppd__opts_getopt(const struct ppd__opt *const *tables,
                 struct option *longopts, char *shortopts)
{
    size_t n = 0, s = 0;
    shortopts[s++] = ':';
    for (size_t t = 0; tables[t] != NULL; t++)
        for (const struct ppd__opt *o = tables[t];
             o->name != NULL && n < PPD_OPTS_MAX; o++) {
            /* An option of an earlier table shadows a later one. */
            bool seen = false;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(longopts[k].name, o->name) == 0;
            if (seen)
                continue;
            longopts[n].name = o->name;
            longopts[n].has_arg = o->arg ? required_argument : no_argument;
            longopts[n].flag = NULL;
            longopts[n].val = o->code;
            n++;
            if (o->letter != 0) {
                shortopts[s++] = (char)o->letter;
                if (o->arg != NULL)
                    shortopts[s++] = ':';
            }
        }
    memset(&longopts[n], 0, sizeof longopts[n]);
    shortopts[s] = '\0';
}

void
ppd__opts_help(FILE *out, const struct ppd__opt *table)
{
    for (const struct ppd__opt *o = table; o->name != NULL; o++) {
        int w;
        if (o->letter != 0)
            w = fprintf(out, "  -%c, --%s", o->letter, o->name);
        else
            w = fprintf(out, "      --%s", o->name);
        if (o->arg != NULL)
            w += fprintf(out, " %s", o->arg);
        /* A long left side keeps two spaces before the help. */
        int pad = w < HELP_COLUMN - 1 ? HELP_COLUMN - w : 2;
        fprintf(out, "%*s", pad, "");
        for (const char *h = o->help; *h != '\0';) {
            const char *nl = strchr(h, '\n');
            size_t len = nl ? (size_t)(nl - h) : strlen(h);
            fwrite(h, 1, len, out);
            fputc('\n', out);
            if (nl == NULL)
                break;
            h = nl + 1;
            fprintf(out, "%*s", HELP_COLUMN, "");
        }
    }
}
