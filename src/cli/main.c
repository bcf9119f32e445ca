/*
 * main.c - process setup, and the subcommand table.
 */
#include <stdio.h>
#include <string.h>

#include "cli/common.h"
#include "net/libcurl.h"

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {
        {"fetch", ppd__cli_fetch_main},
        {"capture", ppd__cli_capture_main},
        {"trend", ppd__cli_trend_main},
    };
    int rc = -1;
    for (size_t i = 0; argc > 1 && i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            rc = cmds[i].run(argc - 1, argv + 1);
    if (rc < 0)
        rc = ppd__cli_diff_main(argc, argv);
    ppd__libcurl_unload();
    return rc;
}
