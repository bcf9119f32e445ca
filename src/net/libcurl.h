/*
 * libcurl.h - libcurl, loaded when the first transfer starts.
 *
 * libcurl pulls in some thirty libraries (TLS, Kerberos, LDAP, IDN...);
 * loading them at start-up took 3.5 ms of a 5.6 ms diff of two small
 * local profiles. So pprofdiff is not linked with libcurl: the transfer
 * engine (fetch.c) loads it with dlopen() the first time it runs and
 * calls it through this table. A diff of local files never loads it,
 * and runs where it is not installed.
 */
#ifndef PPD_NET_LIBCURL_H
#define PPD_NET_LIBCURL_H

#include <stdbool.h>

#include <curl/curl.h>

/* The functions pprofdiff calls, each as libcurl declares it. */
struct ppd__libcurl {
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *h, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *h);
    const char *(*easy_strerror)(CURLcode code);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *h);
    CURLMcode (*multi_perform)(CURLM *m, int *running);
    CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd extra[],
                            unsigned int nextra, int timeout_ms, int *ret);
    CURLMsg *(*multi_info_read)(CURLM *m, int *left);
    CURLMcode (*multi_cleanup)(CURLM *m);
    const char *(*multi_strerror)(CURLMcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
    void (*slist_free_all)(struct curl_slist *l);
};

/* Filled by ppd__libcurl_load(); read it only after that succeeded. */
extern struct ppd__libcurl ppd__libcurl;

/*
 * ppd__libcurl_load - load and initialise (curl_global_init) libcurl
 * once for the process; later calls only say how that went. False when
 * it cannot be loaded, with the reason in *why (static text). Thread-
 * safe.
 */
bool ppd__libcurl_load(const char **why);

/* ppd__libcurl_unload - curl_global_cleanup(), if it was loaded. Call
 * once, at exit, with no transfer running. */
void ppd__libcurl_unload(void);

#endif
