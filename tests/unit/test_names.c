/*
 * test_names.c - function names as pprof shows them (model/names.c):
 * demangling, pprof's simplification, brackets that do not match, and
 * names built to make a demangler or the simplification slow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#include "model/arena.h"
#include "model/names.h"

/* demangled(s, mode) as a string ("(null)" when not demangled). */
static void
check_demangle(struct check_state *st, const char *in, enum ppd_names mode,
               const char *want)
{
    char *d = ppd__names_demangle(in, strlen(in), mode);
    if (want == NULL) {
        CHECK(st, d == NULL);
        if (d != NULL)
            fprintf(stderr, "  %s: \"%s\", expected none\n", in, d);
    } else {
        CHECK_EQ_STR(st, d, want);
    }
    free(d);
}

static void
test_demangle(struct check_state *st)
{
    /* From testdata/names: a const method, a template class method, the
     * anonymous namespace, a lambda in a function. */
    check_demangle(st, "_ZNK4shop4cart4Cart5totalEi", PPD_NAMES_SIMPLIFIED,
                   "shop::cart::Cart::total");
    check_demangle(st, "_ZNK4shop4cart4Cart5totalEi", PPD_NAMES_FULL,
                   "shop::cart::Cart::total(int) const");
    check_demangle(st, "_ZN4shop4cart4RingIiLi3EE4pushERKi",
                   PPD_NAMES_SIMPLIFIED, "shop::cart::Ring::push");
    check_demangle(st, "_ZN12_GLOBAL__N_14spinEmm", PPD_NAMES_SIMPLIFIED,
                   "(anonymous namespace)::spin");
    /* Clone suffixes go in both modes. */
    check_demangle(st, "_Z3fooi.isra.0", PPD_NAMES_SIMPLIFIED, "foo");
    check_demangle(st, "_Z3fooi.constprop.0.isra.0", PPD_NAMES_FULL,
                   "foo(int)");
    /* Operators whose brackets are not template brackets, with and
     * without template arguments after them (as pprof prints them). */
    check_demangle(st, "_ZStlsISt11char_traitsIcEERSt13basic_ostreamIcT_ES5_PKc",
                   PPD_NAMES_SIMPLIFIED, "std::operator<<");
    check_demangle(st, "_ZrsIiEvT_", PPD_NAMES_SIMPLIFIED, "operator>>");
    check_demangle(st, "_ZN1AptIiEEvv", PPD_NAMES_SIMPLIFIED,
                   "A::operator->");
    check_demangle(st, "_ZN1AgtIiEEvv", PPD_NAMES_SIMPLIFIED,
                   "A::operator>");
    check_demangle(st, "_ZN1AltERKS_", PPD_NAMES_SIMPLIFIED, "A::operator<");
    /* Rust, old and v0 manglings; generic arguments kept. */
    check_demangle(st, "_ZN4core3ptr13drop_in_place17h0123456789abcdefE",
                   PPD_NAMES_SIMPLIFIED, "core::ptr::drop_in_place");
    check_demangle(st, "_RNvCs1234_5names3run", PPD_NAMES_SIMPLIFIED,
                   "names::run");
    /* Not mangled, or only a prefix. */
    check_demangle(st, "main.main", PPD_NAMES_SIMPLIFIED, NULL);
    check_demangle(st, "_Z", PPD_NAMES_SIMPLIFIED, NULL);
    check_demangle(st, "_R", PPD_NAMES_FULL, NULL);
    check_demangle(st, "_ZN", PPD_NAMES_SIMPLIFIED, NULL);
    check_demangle(st, "_Z3foo", PPD_NAMES_RAW, NULL);
    /* Substitutions that refer to each other double the text at every
     * level: this one would demangle to gigabytes. It is given up. */
    char big[4096];
    size_t n = (size_t)snprintf(big, sizeof big, "_Z1fI1A1BIS_S_E");
    for (unsigned l = 1; l < 70; l++) {
        char id[8], t[8];
        int k = 0, j = 0;
        unsigned v = l;
        do { /* l in base 36, as substitutions are numbered */
            unsigned d = v % 36;
            t[k++] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
            v /= 36;
        } while (v > 0);
        while (k > 0)
            id[j++] = t[--k];
        id[j] = '\0';
        n += (size_t)snprintf(big + n, sizeof big - n, "S0_IS%s_S%s_E", id,
                              id);
    }
    n += (size_t)snprintf(big + n, sizeof big - n, "EvT_");
    for (int mode = PPD_NAMES_SIMPLIFIED; mode <= PPD_NAMES_FULL; mode++) {
        char *d = ppd__names_demangle(big, n, (enum ppd_names)mode);
        CHECK(st, d == NULL || strlen(d) <= 65536);
        free(d);
    }
}

/* The name ppd__names_apply gives a function named name (= its system
 * name, as profilers that leave names alone write them). */
static void
check_apply(struct check_state *st, const char *name, enum ppd_names mode,
            const char *want)
{
    struct ppd_profile p;
    memset(&p, 0, sizeof p);
    struct ppd_function f;
    memset(&f, 0, sizeof f);
    f.name = (struct ppd_str){name, strlen(name)};
    f.system_name = f.name;
    p.functions = &f;
    p.nfunctions = 1;
    p.name = "test";
    p.arena = ppd__arena_new();
    struct ppd_error err;
    memset(&err, 0, sizeof err);
    CHECK(st, p.arena != NULL && ppd__names_apply(&p, mode, &err) == PPD_OK);
    char *got = strndup(f.name.ptr, f.name.len);
    CHECK_EQ_STR(st, got, want);
    free(got);
    ppd__arena_free(p.arena);
}

static void
test_apply(struct check_state *st)
{
    /* Already demangled C++: parentheses, then angle brackets, as pprof's
     * heuristic; mismatched brackets stop it where they are found. */
    check_apply(st, "std::vector<int>::push_back(int const&)",
                PPD_NAMES_SIMPLIFIED, "std::vector::push_back");
    check_apply(st, "ns::f(a)(b", PPD_NAMES_SIMPLIFIED, "ns::f(b");
    check_apply(st, "ns::a)b(c)", PPD_NAMES_SIMPLIFIED, "ns::a)b(c)");
    check_apply(st, "ns::x(a))y(z)", PPD_NAMES_SIMPLIFIED, "ns::x)y(z)");
    check_apply(st, "ns::x<a<b>c>d<e", PPD_NAMES_SIMPLIFIED, "ns::xd<e");
    /* Go and Java names keep their brackets. */
    check_apply(st, "main.(*Stack[...]).Push", PPD_NAMES_SIMPLIFIED,
                "main.(*Stack[...]).Push");
    check_apply(st, "java/lang/Thread.<init>", PPD_NAMES_SIMPLIFIED,
                "java/lang/Thread.<init>");
    check_apply(st, "main.MapSlice[...]", PPD_NAMES_SIMPLIFIED,
                "main.MapSlice[...]");
    /* Modes. */
    check_apply(st, "_ZNK4shop4cart4Cart5totalEi", PPD_NAMES_RAW,
                "_ZNK4shop4cart4Cart5totalEi");
    check_apply(st, "_ZNK4shop4cart4Cart5totalEi", PPD_NAMES_FULL,
                "shop::cart::Cart::total(int) const");
    /* A long name of brackets: one pass over it, not one per pair. */
    size_t n = (size_t)1 << 22;
    char *s = malloc(n + 4);
    CHECK(st, s != NULL);
    if (s != NULL) {
        memcpy(s, "a::", 3);
        for (size_t i = 0; i < n; i += 2)
            memcpy(s + 3 + i, "<>", 2);
        s[n + 3] = '\0';
        check_apply(st, s, PPD_NAMES_SIMPLIFIED, "a::");
        free(s);
    }
}

int
main(void)
{
    struct check_state st = {0};
    test_demangle(&st);
    test_apply(&st);
    return check_report("test_names", &st);
}
