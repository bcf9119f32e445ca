/*
 * main.c - process setup, and the subcommand table.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "cli/common.h"

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
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("pprofdiff: cannot initialise libcurl\n", stderr);
        return PPD_EXIT_ERROR;
    }
    int rc = -1;
    for (size_t i = 0; argc > 1 && i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            rc = cmds[i].run(argc - 1, argv + 1);
    if (rc < 0)
        rc = ppd__cli_diff_main(argc, argv);
    curl_global_cleanup();
    return rc;
}
