/* Minimal unit-test support: each test file is one program; CHECK records a failure
 * with file and line and carries on; main returns the number of failures. */
#ifndef CANH_TEST_H
#define CANH_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        test_checks++;                                                                       \
        if (!(cond)) {                                                                       \
            test_failures++;                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);         \
        }                                                                                    \
    } while (0)

#define CHECK_EQ(a, b)                                                                       \
    do {                                                                                     \
        long long _a = (long long)(a), _b = (long long)(b);                                  \
        test_checks++;                                                                       \
        if (_a != _b) {                                                                      \
            test_failures++;                                                                 \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__,    \
                    #a, #b, _a, _b);                                                         \
        }                                                                                    \
    } while (0)

#define CHECK_STR(a, b)                                                                      \
    do {                                                                                     \
        const char *_a = (a), *_b = (b);                                                     \
        test_checks++;                                                                       \
        if (_a == NULL || _b == NULL || strcmp(_a, _b) != 0) {                               \
            test_failures++;                                                                 \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
                    #a, #b, _a ? _a : "(null)", _b ? _b : "(null)");                         \
        }                                                                                    \
    } while (0)

/* Prints the summary line and returns the exit status for main. */
static inline int test_done(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
    return test_failures != 0;
}

#endif
