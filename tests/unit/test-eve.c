/* Event text helpers against the C library: timestamps (against gmtime_r + strftime)
 * and IPv4 addresses (against inet_ntop), both formatted by hand in output-eve.c. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <time.h>

#include "output/output-eve.h"
#include "test.h"

static void ref_ts(uint64_t ts_us, char out[64])
{
    time_t t = (time_t)(ts_us / 1000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(out, 64, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 64 - n, ".%06u+0000", (unsigned)(ts_us % 1000000));
}

static void test_timestamps(void)
{
    static const uint64_t edges[] = {
        0,                      /* 1970-01-01 */
        951782399999999ULL,     /* 2000-02-28T23:59:59.999999 */
        951782400000000ULL,     /* 2000-02-29, a leap day of a century year */
        951868800000001ULL,     /* 2000-03-01 */
        4107542400000000ULL,    /* 2100-03-01 (2100 is not a leap year) */
        2147483647000000ULL,    /* 2038-01-19T03:14:07 */
        4294967295999999ULL,    /* the last second of a pcap timestamp (2106) */
        1700000000123456ULL,
    };
    char got[40], want[64];
    int bad = 0;
    for (size_t i = 0; i < ARRAY_SIZE(edges); i++) {
        eve_format_ts(edges[i], got);
        ref_ts(edges[i], want);
        CHECK_STR(got, want);
    }
    srand(7);
    for (int i = 0; i < 200000; i++) {
        uint64_t sec = ((uint64_t)rand() << 16 ^ (uint64_t)rand()) % 4294967296ULL;
        uint64_t us = sec * 1000000u + (uint64_t)(rand() % 1000000);
        eve_format_ts(us, got);
        ref_ts(us, want);
        if (strcmp(got, want) != 0 && bad++ < 5)
            fprintf(stderr, "%llu: got %s want %s\n", (unsigned long long)us, got, want);
    }
    CHECK_EQ(bad, 0);
}

static void test_ipv4(void)
{
    int bad = 0;
    for (unsigned v = 0; v < 256; v++)
        for (int pos = 0; pos < 4; pos++) {
            struct canh_addr a = { 0 };
            for (int k = 0; k < 4; k++)
                a.b[k] = (uint8_t)(k == pos ? v : 37u * (unsigned)k + 9u);
            char got[46], want[46];
            eve_addr(&a, 4, got);
            inet_ntop(AF_INET, a.b, want, sizeof(want));
            if (strcmp(got, want) != 0 && bad++ < 5)
                fprintf(stderr, "got %s want %s\n", got, want);
        }
    CHECK_EQ(bad, 0);
    struct canh_addr six = { 0 };
    inet_pton(AF_INET6, "2001:db8::1", six.b);
    char out[46];
    eve_addr(&six, 6, out);
    CHECK_STR(out, "2001:db8::1");
}

int main(void)
{
    test_timestamps();
    test_ipv4();
    return test_done("eve");
}
