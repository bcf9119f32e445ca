/*
 * main.c - process setup around the command line.
 */
#include <curl/curl.h>
#include <stdio.h>

#include "cli.h"

int
main(int argc, char **argv)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fputs("pprofdiff: cannot initialise libcurl\n", stderr);
        return PPD_EXIT_ERROR;
    }
    int rc = ppd_cli_main(argc, argv);
    curl_global_cleanup();
    return rc;
}
