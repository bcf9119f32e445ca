/*
 * libcurl.c - load libcurl on first use (see libcurl.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "net/libcurl.h"

struct ppd__libcurl ppd__libcurl;

/* dlsym() hands functions over as data pointers (POSIX makes them the
 * same size). */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
               "function pointers the size of data pointers");

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *failure; /* NULL once loaded */
static bool loaded;

/* The names the library goes by: the OpenSSL build Debian's
 * libcurl4-openssl-dev links against, then the other flavours of the
 * same ABI. */
static const char *const sonames[] = {"libcurl.so.4", "libcurl-gnutls.so.4",
                                      "libcurl-nss.so.4"};

static void
load(void)
{
    static char msg[256];
    void *lib = NULL;
    for (size_t i = 0; lib == NULL && i < sizeof sonames / sizeof *sonames;
         i++) {
        lib = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
        const char *e = lib == NULL ? dlerror() : NULL;
        if (i == 0 && e != NULL) /* what went wrong with the usual one */
            snprintf(msg, sizeof msg, "libcurl is not installed (%s)", e);
    }
    if (lib == NULL) {
        failure = msg;
        return;
    }
    /* Each symbol into its slot. */
    static const struct {
        const char *name;
        size_t offset;
    } syms[] = {
#define SYM(f) {"curl_" #f, offsetof(struct ppd__libcurl, f)}
        SYM(global_init),     SYM(global_cleanup),
        SYM(easy_init),       SYM(easy_setopt),
        SYM(easy_getinfo),    SYM(easy_cleanup),
        SYM(easy_strerror),   SYM(multi_init),
        SYM(multi_add_handle), SYM(multi_remove_handle),
        SYM(multi_perform),   SYM(multi_poll),
        SYM(multi_info_read), SYM(multi_cleanup),
        SYM(multi_strerror),  SYM(slist_append),
        SYM(slist_free_all),
#undef SYM
    };
    struct ppd__libcurl t = {0};
    for (size_t i = 0; i < sizeof syms / sizeof *syms; i++) {
        void *p = dlsym(lib, syms[i].name);
        if (p == NULL) {
            snprintf(msg, sizeof msg,
                     "the installed libcurl lacks %s (7.66 or later is "
                     "needed)",
                     syms[i].name);
            failure = msg;
            dlclose(lib);
            return;
        }
        /* POSIX gives a function's address as a data pointer: its bytes
         * go into the slot, whose type is the function's own. */
        memcpy((char *)&t + syms[i].offset, &p, sizeof p);
    }
    if (t.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        failure = "libcurl cannot be initialised";
        dlclose(lib);
        return;
    }
    ppd__libcurl = t;
    loaded = true;
    /* lib stays open for the life of the process. */
}

bool
ppd__libcurl_load(const char **why)
{
    pthread_once(&once, load);
    if (!loaded && why != NULL)
        *why = failure;
    return loaded;
}

void
ppd__libcurl_unload(void)
{
    if (loaded)
        ppd__libcurl.global_cleanup();
}
