/* Unit tests for rule addresses and ports (sensor/detect/detect-address.c and
 * detect-port.c):
 *  - every syntax form, negation form and error, with the sets written out by
 *    addr_set_format / port_set_format and the error messages;
 *  - variables: plain, negated, nested, undefined, empty, loops, runaway expansion;
 *  - IPv4-mapped IPv6 addresses and the IP version in matching;
 *  - tables recorded from Suricata 7.0.10: each spec in a rule of Suricata's over a
 *    capture of packets from the addresses (to the ports) listed below, and what it
 *    alerted on (NULL: Suricata refused the rule). Canh must match the same addresses;
 *  - random specs against a bitmap model of the same semantics, for the interval
 *    arithmetic. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "detect/detect-address.h"
#include "detect/detect-port.h"
#include "test.h"

/* ---------------------------------------------------------------------------------- */
/* Helpers                                                                            */
/* ---------------------------------------------------------------------------------- */

struct var {
    const char *name, *value;
};

/* Variables of the tests; a NULL-terminated table is the callback's context. */
static const struct var test_vars[] = {
    { "HOME_NET", "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]" }, /* Suricata's default */
    { "EXTERNAL_NET", "!$HOME_NET" },                            /* Suricata's default */
    { "HTTP_SERVERS", "$HOME_NET" },
    { "MIXED", "[10.0.0.0/8,2001:db8::/32]" },
    { "NEGV", "!1.2.3.4" },
    { "V6NET", "[2001:db8::/32,fe80::/10]" },
    { "NESTED", "[$MIXED,!$NEGV]" },
    { "EMPTY", "" },
    { "LOOPA", "$LOOPB" },
    { "LOOPB", "[1.2.3.4,$LOOPA]" },
    { "SELF", "[1.2.3.4,!$SELF]" },
    { "SPACED", " [ 10.0.0.0/8,  ! 10.1.0.0/16]" },
    /* ports */
    { "HTTP_PORTS", "80" },          /* Suricata's defaults */
    { "SHELLCODE_PORTS", "!80" },
    { "ORACLE_PORTS", "1521" },
    { "FILE_DATA_PORTS", "[$HTTP_PORTS,110,143]" },
    { "NEST", "[$HTTP_PORTS,!81]" },
    { "LIST", "80,!443" },
    { "PLOOP", "[80,$PLOOP]" },
    { NULL, NULL },
};

static const char *var_lookup(void *ctx, const char *name)
{
    for (const struct var *v = ctx; v->name != NULL; v++)
        if (strcmp(v->name, name) == 0)
            return v->value;
    return NULL;
}

static char out_buf[8192];

/* The set as text, or "ERR: message". */
static const char *addr(const char *spec)
{
    char err[CANH_ERRBUF_SIZE];
    struct addr_set *s = addr_set_parse(spec, var_lookup, (void *)test_vars, err);
    if (s == NULL) {
        snprintf(out_buf, sizeof(out_buf), "ERR: %s", err);
        return out_buf;
    }
    addr_set_format(s, out_buf, sizeof(out_buf));
    addr_set_free(s);
    return out_buf;
}

static const char *port(const char *spec)
{
    char err[CANH_ERRBUF_SIZE];
    struct port_set *s = port_set_parse(spec, var_lookup, (void *)test_vars, err);
    if (s == NULL) {
        snprintf(out_buf, sizeof(out_buf), "ERR: %s", err);
        return out_buf;
    }
    port_set_format(s, out_buf, sizeof(out_buf));
    port_set_free(s);
    return out_buf;
}

/* Checks that 'got' starts with 'prefix' (error messages are checked by their start). */
#define CHECK_PREFIX(got, prefix)                                                            \
    do {                                                                                     \
        const char *_g = (got), *_p = (prefix);                                              \
        test_checks++;                                                                       \
        if (strncmp(_g, _p, strlen(_p)) != 0) {                                              \
            test_failures++;                                                                 \
            fprintf(stderr, "%s:%d: \"%s\" does not start with \"%s\"\n", __FILE__, __LINE__, \
                    _g, _p);                                                                 \
        }                                                                                    \
    } while (0)

static struct canh_addr mk_addr(int ver, const char *text)
{
    struct canh_addr a;
    memset(&a, 0, sizeof(a));
    if (inet_pton(ver == 4 ? AF_INET : AF_INET6, text, a.b) != 1) {
        fprintf(stderr, "bad test address %s\n", text);
        abort();
    }
    return a;
}

static bool amatch(const struct addr_set *s, const char *text)
{
    int ver = strchr(text, ':') != NULL ? 6 : 4;
    struct canh_addr a = mk_addr(ver, text);
    return addr_set_match_ip(s, (uint8_t)ver, &a);
}

/* ---------------------------------------------------------------------------------- */
/* Addresses: syntax                                                                  */
/* ---------------------------------------------------------------------------------- */

static void test_addr_forms(void)
{
    CHECK_STR(addr("any"), "0.0.0.0/0,::/0");
    CHECK_STR(addr("ANY"), "0.0.0.0/0,::/0");
    CHECK_STR(addr("1.2.3.4"), "1.2.3.4");
    CHECK_STR(addr("0.0.0.0"), "0.0.0.0");
    CHECK_STR(addr("255.255.255.255"), "255.255.255.255");
    CHECK_STR(addr("2001:db8::1"), "2001:db8::1");
    CHECK_STR(addr("2001:DB8::1"), "2001:db8::1");
    CHECK_STR(addr("::"), "::");
    CHECK_STR(addr("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
    /* CIDR, host bits cleared */
    CHECK_STR(addr("10.0.0.0/8"), "10.0.0.0/8");
    CHECK_STR(addr("10.1.2.3/8"), "10.0.0.0/8");
    CHECK_STR(addr("1.2.3.4/32"), "1.2.3.4");
    CHECK_STR(addr("1.2.3.4/31"), "1.2.3.4/31");
    CHECK_STR(addr("0.0.0.0/0"), "0.0.0.0/0");
    CHECK_STR(addr("255.255.255.255/0"), "0.0.0.0/0");
    CHECK_STR(addr("2001:db8::/32"), "2001:db8::/32");
    CHECK_STR(addr("2001:db8:ffff::1/32"), "2001:db8::/32");
    CHECK_STR(addr("2001:db8::1/128"), "2001:db8::1");
    CHECK_STR(addr("2001:db8::/64"), "2001:db8::/64");
    CHECK_STR(addr("2001:db8::/65"), "2001:db8::/65");
    CHECK_STR(addr("2001:db8::/63"), "2001:db8::/63");
    CHECK_STR(addr("::/0"), "::/0");
    CHECK_STR(addr("::ffff:0:0/96"), "::ffff:0.0.0.0/96");
    /* netmask form: contiguous masks only */
    CHECK_STR(addr("10.0.0.0/255.0.0.0"), "10.0.0.0/8");
    CHECK_STR(addr("192.168.1.77/255.255.255.0"), "192.168.1.0/24");
    CHECK_STR(addr("1.2.3.4/255.255.255.255"), "1.2.3.4");
    CHECK_STR(addr("1.2.3.4/0.0.0.0"), "0.0.0.0/0");
    CHECK_PREFIX(addr("10.0.0.0/255.0.255.0"), "ERR: netmask \"255.0.255.0\" is not usable");
    CHECK_PREFIX(addr("10.0.0.0/0.0.0.255"), "ERR: netmask \"0.0.0.255\" is not usable");
    CHECK_PREFIX(addr("10.0.0.0/255.0.0"), "ERR: failed to parse address \"10.0.0.0/255.0.0\"");
    /* ranges */
    CHECK_STR(addr("1.2.3.4-1.2.3.10"), "1.2.3.4-1.2.3.10");
    CHECK_STR(addr("1.2.3.4-1.2.3.7"), "1.2.3.4/30");
    CHECK_STR(addr("1.2.3.4-1.2.3.4"), "1.2.3.4");
    CHECK_STR(addr("0.0.0.0-255.255.255.255"), "0.0.0.0/0");
    CHECK_STR(addr("2001:db8::1-2001:db8::5"), "2001:db8::1-2001:db8::5");
    CHECK_STR(addr("::ffff:1.2.3.0-::ffff:1.2.3.10"), "::ffff:1.2.3.0-::ffff:1.2.3.10");
    CHECK_PREFIX(addr("1.2.3.10-1.2.3.4"),
                 "ERR: failed to parse address \"1.2.3.10-1.2.3.4\": range start after end");
    CHECK_PREFIX(addr("2001:db8::5-2001:db8::1"), "ERR: failed to parse address");
    CHECK_PREFIX(addr("1.2.3.4-2001:db8::1"), "ERR: failed to parse address");
    /* lists */
    CHECK_STR(addr("[1.2.3.4,5.6.7.8]"), "1.2.3.4,5.6.7.8");
    CHECK_STR(addr("[5.6.7.8,1.2.3.4,1.2.3.4]"), "1.2.3.4,5.6.7.8");
    CHECK_STR(addr("[1.2.3.4,1.2.3.5]"), "1.2.3.4/31");
    CHECK_STR(addr("[1.2.3.4,[1.2.3.5,[10.0.0.0/8]]]"), "1.2.3.4/31,10.0.0.0/8");
    CHECK_STR(addr("[10.0.0.0/8,10.1.0.0/16]"), "10.0.0.0/8");
    CHECK_STR(addr("[2001:db8::1,1.2.3.4]"), "1.2.3.4,2001:db8::1");
    CHECK_STR(addr("[0.0.0.0/1,128.0.0.0/1]"), "0.0.0.0/0");
    CHECK_STR(addr("1.2.3.4,5.6.7.8"), "1.2.3.4,5.6.7.8"); /* a list without brackets */
    CHECK_STR(addr("[any,1.2.3.4]"), "0.0.0.0/0,::/0");
    CHECK_STR(addr("[[[[1.2.3.4]]]]"), "1.2.3.4");
}

static void test_addr_whitespace(void)
{
    CHECK_STR(addr("[1.2.3.4, 5.6.7.8]"), "1.2.3.4,5.6.7.8");
    CHECK_STR(addr("[  1.2.3.4,\t5.6.7.8]"), "1.2.3.4,5.6.7.8");
    CHECK_STR(addr(" 1.2.3.4"), "1.2.3.4");
    CHECK_STR(addr("[1.2.3.4,! 5.6.7.8]"), "1.2.3.4");
    CHECK_STR(addr("[1.2.3.4, ! [5.6.7.8]]"), "1.2.3.4");
    CHECK_STR(addr("[[1.2.3.4] ,5.6.7.8]"), "1.2.3.4,5.6.7.8"); /* after ']', before ',' */
    CHECK_STR(addr(" [1.2.3.4]"), "1.2.3.4");
    CHECK_STR(addr("$SPACED"), "10.0.0.0/16,10.2.0.0-10.255.255.255");
    /* Suricata refuses whitespace after an element */
    CHECK_STR(addr("[1.2.3.4 ,5.6.7.8]"), "ERR: failed to parse address \"1.2.3.4 \"");
    CHECK_STR(addr("1.2.3.4 "), "ERR: failed to parse address \"1.2.3.4 \"");
    CHECK_STR(addr("any "), "ERR: failed to parse address \"any \"");
    CHECK_STR(addr("[ ]"), "ERR: failed to parse address \"\"");
    CHECK_STR(addr("[1.2.3.4] "), "1.2.3.4"); /* Suricata refuses this one (lenient here) */
}

static void test_addr_negation(void)
{
    CHECK_STR(addr("!1.2.3.4"), "0.0.0.0-1.2.3.3,1.2.3.5-255.255.255.255");
    CHECK_STR(addr("!!1.2.3.4"), "0.0.0.0-1.2.3.3,1.2.3.5-255.255.255.255"); /* Suricata */
    CHECK_STR(addr("[!1.2.3.4]"), "0.0.0.0-1.2.3.3,1.2.3.5-255.255.255.255");
    CHECK_STR(addr("!0.0.0.0"), "0.0.0.1-255.255.255.255");
    CHECK_STR(addr("!255.255.255.255"), "0.0.0.0-255.255.255.254");
    CHECK_STR(addr("!10.0.0.0/8"), "0.0.0.0-9.255.255.255,11.0.0.0-255.255.255.255");
    CHECK_STR(addr("[10.0.0.0/8,!10.1.0.0/16]"), "10.0.0.0/16,10.2.0.0-10.255.255.255");
    CHECK_STR(addr("[!10.1.0.0/16,10.0.0.0/8]"), "10.0.0.0/16,10.2.0.0-10.255.255.255");
    CHECK_STR(addr("[10.0.0.0/8,!10.1.0.0/16,!10.2.0.0/16]"),
              "10.0.0.0/16,10.3.0.0-10.255.255.255");
    CHECK_STR(addr("[10.0.0.0/8,!10.0.0.0/9]"), "10.128.0.0/9");
    CHECK_STR(addr("[10.0.0.0/8,!10.128.0.0/9]"), "10.0.0.0/9");
    CHECK_STR(addr("[1.2.3.0/24,!5.6.7.8]"), "1.2.3.0/24"); /* a negation outside: no effect */
    CHECK_STR(addr("[1.2.3.0/24,!1.2.3.0/25,!1.2.3.128/25,1.2.4.0]"), "1.2.4.0");
    CHECK_STR(addr("[!1.2.3.4,!1.2.3.5]"), "0.0.0.0-1.2.3.3,1.2.3.6-255.255.255.255");
    /* a negated list */
    CHECK_STR(addr("![10.0.0.0/8,1.2.3.4]"),
              "0.0.0.0-1.2.3.3,1.2.3.5-9.255.255.255,11.0.0.0-255.255.255.255");
    CHECK_STR(addr("![!10.0.0.0/8]"), "10.0.0.0/8");
    /* a negated list is evaluated on its own: [1.2.3.4,!1.2.3.5] is 1.2.3.4 */
    CHECK_STR(addr("![1.2.3.4,!1.2.3.5]"), "0.0.0.0-1.2.3.3,1.2.3.5-255.255.255.255");
    /* a plain sub-list is flattened: [!10.1.0.0/16] is not "all but 10.1/16" here */
    CHECK_STR(addr("[10.0.0.0/8,[!10.1.0.0/16]]"), "10.0.0.0/16,10.2.0.0-10.255.255.255");
    CHECK_STR(addr("[1.2.3.4,[!1.2.3.4]]"),
              "ERR: no addresses left after merging addresses and negated addresses");
    /* per family: a family with only negations is the whole family minus them; a family
     * with nothing is empty */
    CHECK_STR(addr("!2001:db8::/32"),
              "::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff,2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK_STR(addr("[1.2.3.4,!2001:db8::1]"),
              "1.2.3.4,::-2001:db8::,2001:db8::2-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK_STR(addr("[any,!1.2.3.4]"), "0.0.0.0-1.2.3.3,1.2.3.5-255.255.255.255,::/0");
    CHECK_STR(addr("[1.2.3.4,!::/0]"), "1.2.3.4");
    CHECK_STR(addr("[::ffff:0:0/96,!::ffff:1.2.3.4]"),
              "::ffff:0.0.0.0-::ffff:1.2.3.3,::ffff:1.2.3.5-::ffff:255.255.255.255");
    /* errors */
    CHECK_PREFIX(addr("!any"), "ERR: complete IP space negated");
    CHECK_PREFIX(addr("!0.0.0.0/0"), "ERR: complete IP space negated");
    CHECK_PREFIX(addr("[1.2.3.4,!0.0.0.0/0]"), "ERR: complete IP space negated");
    CHECK_PREFIX(addr("[!0.0.0.0/1,!128.0.0.0/1]"), "ERR: complete IP space negated");
    CHECK_PREFIX(addr("![any]"), "ERR: complete IP space negated");
    CHECK_STR(addr("!::/0"), "ERR: no addresses left after merging addresses and negated addresses");
    CHECK_STR(addr("[1.2.3.4,!1.2.3.4]"),
              "ERR: no addresses left after merging addresses and negated addresses");
    CHECK_STR(addr("[10.0.0.0/8,!10.0.0.0/7]"),
              "ERR: no addresses left after merging addresses and negated addresses");
    CHECK_STR(addr("[1.2.3.4,![1.2.3.4]]"),
              "ERR: no addresses left after merging addresses and negated addresses");
    CHECK_STR(addr("[]"), "ERR: no addresses left after merging addresses and negated addresses");
    CHECK_STR(addr(""), "ERR: no addresses left after merging addresses and negated addresses");
    /* the error inside a negated list is the list's own */
    CHECK_STR(addr("[1.2.3.4,![]]"),
              "ERR: no addresses left after merging addresses and negated addresses");
}

static void test_addr_errors(void)
{
    CHECK_STR(addr("1.2.3"), "ERR: failed to parse address \"1.2.3\"");
    CHECK_STR(addr("1.2.3.4.5"), "ERR: failed to parse address \"1.2.3.4.5\"");
    CHECK_STR(addr("01.2.3.4"), "ERR: failed to parse address \"01.2.3.4\"");
    CHECK_STR(addr("256.1.1.1"), "ERR: failed to parse address \"256.1.1.1\"");
    CHECK_STR(addr("2001:db8::g"), "ERR: failed to parse address \"2001:db8::g\"");
    CHECK_STR(addr("fe80::1%eth0"), "ERR: failed to parse address \"fe80::1%eth0\"");
    CHECK_STR(addr("example.com"), "ERR: failed to parse address \"example.com\"");
    CHECK_PREFIX(addr("1.2.3.4/33"), "ERR: failed to parse address \"1.2.3.4/33\": bad prefix");
    CHECK_PREFIX(addr("1.2.3.4/"), "ERR: failed to parse address \"1.2.3.4/\": bad prefix");
    CHECK_PREFIX(addr("1.2.3.4/-1"), "ERR: failed to parse address \"1.2.3.4/-1\"");
    CHECK_PREFIX(addr("2001:db8::1/129"), "ERR: failed to parse address \"2001:db8::1/129\"");
    CHECK_PREFIX(addr("/24"), "ERR: failed to parse address \"/24\"");
    CHECK_STR(addr("[,1.2.3.4]"), "ERR: failed to parse address \"\"");
    CHECK_STR(addr("[1.2.3.4,,5.6.7.8]"), "ERR: failed to parse address \"\"");
    CHECK_STR(addr("!"), "ERR: failed to parse address \"\"");
    CHECK_STR(addr("[1.2.3.4,]"), "1.2.3.4"); /* a trailing comma, as Suricata */
    CHECK_STR(addr("1.2.!3.4"), "ERR: failed to parse address \"1.2.!3.4\"");
    CHECK_PREFIX(addr("[1.2.3.4"), "ERR: not every address block was properly closed in "
                                   "\"[1.2.3.4\", 1 missing closing brackets (])");
    CHECK_PREFIX(addr("[[1.2.3.4]"), "ERR: not every address block was properly closed");
    CHECK_PREFIX(addr("1.2.3.4]"), "ERR: not every address block was properly opened");
    CHECK_PREFIX(addr("[1.2.3.4]]"), "ERR: not every address block was properly opened");
    CHECK_PREFIX(addr("]1.2.3.4["), "ERR: not every address block was properly opened");
    CHECK_PREFIX(addr("[1.2.3.4]5.6.7.8"), "ERR: unexpected \"5.6.7.8\" after ']'");
    CHECK_PREFIX(addr("[1.2.3.4][5.6.7.8]"), "ERR: unexpected");

    char err[CANH_ERRBUF_SIZE];
    CHECK(addr_set_parse(NULL, NULL, NULL, err) == NULL);

    /* one element longer than Suricata's buffer */
    char big[400];
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    CHECK_PREFIX(addr(big), "ERR: failed to parse address \"1111");

    /* nesting: 64 levels are Suricata's limit */
    char deep[300];
    size_t k = 0;
    for (int i = 0; i < 60; i++)
        deep[k++] = '[';
    k += (size_t)sprintf(deep + k, "1.2.3.4");
    for (int i = 0; i < 60; i++)
        deep[k++] = ']';
    deep[k] = '\0';
    CHECK_STR(addr(deep), "1.2.3.4");
    k = 0;
    for (int i = 0; i < 70; i++)
        deep[k++] = '[';
    k += (size_t)sprintf(deep + k, "1.2.3.4");
    for (int i = 0; i < 70; i++)
        deep[k++] = ']';
    deep[k] = '\0';
    CHECK_STR(addr(deep), "ERR: address block recursion limit reached (max 64)");
}

/* ---------------------------------------------------------------------------------- */
/* Addresses: variables                                                               */
/* ---------------------------------------------------------------------------------- */

static void test_addr_vars(void)
{
    CHECK_STR(addr("$HOME_NET"), "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");
    CHECK_STR(addr("$HTTP_SERVERS"), "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");
    /* Suricata's default EXTERNAL_NET: IPv4 outside HOME_NET, and no IPv6 at all */
    const char *ext = "0.0.0.0-9.255.255.255,11.0.0.0-172.15.255.255,172.32.0.0-192.167.255.255,"
                      "192.169.0.0-255.255.255.255";
    CHECK_STR(addr("$EXTERNAL_NET"), ext);
    CHECK_STR(addr("!$HOME_NET"), ext);
    CHECK_STR(addr("![$HOME_NET]"), ext);
    /* EXTERNAL_NET flattens into the list as "!$HOME_NET": nothing is left (Suricata
     * refuses the rule too) */
    CHECK_STR(addr("[$HOME_NET,$EXTERNAL_NET]"),
              "ERR: no addresses left after merging addresses and negated addresses");
    CHECK_STR(addr("[$HOME_NET,!10.1.0.0/16]"),
              "10.0.0.0/16,10.2.0.0-10.255.255.255,172.16.0.0/12,192.168.0.0/16");
    CHECK_STR(addr("[$HOME_NET, $HTTP_SERVERS]"), "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");
    CHECK_STR(addr("$MIXED"), "10.0.0.0/8,2001:db8::/32");
    CHECK_STR(addr("$NEGV"), "0.0.0.0-1.2.3.3,1.2.3.5-255.255.255.255");
    CHECK_STR(addr("!$NEGV"), "1.2.3.4");
    CHECK_STR(addr("[$NEGV,1.2.3.0/24]"), "1.2.3.0/30,1.2.3.5-1.2.3.255"); /* flattened */
    CHECK_STR(addr("$NESTED"), "2001:db8::/32"); /* [$MIXED,!$NEGV]: 10/8 minus all-but-1.2.3.4 */
    CHECK_STR(addr("[!$V6NET,!$HOME_NET]"),
              "0.0.0.0-9.255.255.255,11.0.0.0-172.15.255.255,172.32.0.0-192.167.255.255,"
              "192.169.0.0-255.255.255.255,::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff,"
              "2001:db9::-fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff,"
              "fec0::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    /* errors */
    CHECK_STR(addr("$UNDEF"), "ERR: variable \"$UNDEF\" is not defined");
    CHECK_STR(addr("[1.2.3.4,$UNDEF]"), "ERR: variable \"$UNDEF\" is not defined");
    CHECK_STR(addr("!$UNDEF"), "ERR: variable \"$UNDEF\" is not defined");
    CHECK_STR(addr("$HOME_NET "), "ERR: variable \"$HOME_NET \" is not defined");
    CHECK_PREFIX(addr("$EMPTY"), "ERR: variable \"$EMPTY\" resolved to nothing");
    CHECK_STR(addr("$"), "ERR: '$' without a variable name");
    CHECK_STR(addr("$LOOPA"),
              "ERR: found a loop in address group variables: $LOOPA -> $LOOPB -> $LOOPA");
    CHECK_STR(addr("[10.0.0.0/8,$LOOPB]"),
              "ERR: found a loop in address group variables: $LOOPB -> $LOOPA -> $LOOPB");
    CHECK_STR(addr("$SELF"), "ERR: found a loop in address group variables: $SELF -> $SELF");
    /* the same variable twice side by side is no loop */
    CHECK_STR(addr("[$HOME_NET,[$HOME_NET,$HOME_NET]]"), "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");

    char err[CANH_ERRBUF_SIZE];
    CHECK(addr_set_parse("$HOME_NET", NULL, NULL, err) == NULL);
    CHECK_STR(err, "variable \"$HOME_NET\" is not defined");

    /* a chain of 70 distinct variables runs into the recursion limit */
    static char names[80][16], values[80][32];
    struct var chain[81];
    for (int i = 0; i < 80; i++) {
        snprintf(names[i], sizeof(names[i]), "V%u", (unsigned)i);
        if (i < 79)
            snprintf(values[i], sizeof(values[i]), "$V%u", (unsigned)i + 1);
        else
            snprintf(values[i], sizeof(values[i]), "1.2.3.4");
        chain[i].name = names[i];
        chain[i].value = values[i];
    }
    chain[80].name = NULL;
    struct addr_set *s = addr_set_parse("$V75", var_lookup, chain, err);
    CHECK(s != NULL);
    addr_set_free(s);
    s = addr_set_parse("$V0", var_lookup, chain, err);
    CHECK(s == NULL);
    CHECK_STR(err, "address block recursion limit reached (max 64)");

    /* variables that double at each level: 2^20 expansions would be too many */
    static char vnames[21][16], vvalues[21][48];
    struct var dbl[22];
    for (int i = 0; i < 21; i++) {
        snprintf(vnames[i], sizeof(vnames[i]), "D%u", (unsigned)i);
        if (i < 20)
            snprintf(vvalues[i], sizeof(vvalues[i]), "[$D%u,$D%u]", (unsigned)i + 1, (unsigned)i + 1);
        else
            snprintf(vvalues[i], sizeof(vvalues[i]), "1.2.3.4");
        dbl[i].name = vnames[i];
        dbl[i].value = vvalues[i];
    }
    dbl[21].name = NULL;
    s = addr_set_parse("$D12", var_lookup, dbl, err); /* 2^8 expansions: fine */
    CHECK(s != NULL);
    addr_set_free(s);
    s = addr_set_parse("$D0", var_lookup, dbl, err);
    CHECK(s == NULL);
    CHECK_PREFIX(err, "address spec too large");
}

/* ---------------------------------------------------------------------------------- */
/* Addresses: matching, IP versions, exports                                          */
/* ---------------------------------------------------------------------------------- */

static void test_addr_match(void)
{
    char err[CANH_ERRBUF_SIZE];
    struct addr_set *s = addr_set_parse("[10.0.0.0/8,!10.1.0.0/16,192.168.1.1,2001:db8::/32]",
                                        NULL, NULL, err);
    CHECK(s != NULL);
    if (s == NULL)
        return;
    CHECK(amatch(s, "10.0.0.0"));
    CHECK(amatch(s, "10.0.255.255"));
    CHECK(!amatch(s, "10.1.0.0"));
    CHECK(!amatch(s, "10.1.255.255"));
    CHECK(amatch(s, "10.2.0.0"));
    CHECK(amatch(s, "10.255.255.255"));
    CHECK(!amatch(s, "11.0.0.0"));
    CHECK(!amatch(s, "9.255.255.255"));
    CHECK(amatch(s, "192.168.1.1"));
    CHECK(!amatch(s, "192.168.1.2"));
    CHECK(!amatch(s, "0.0.0.0"));
    CHECK(!amatch(s, "255.255.255.255"));
    CHECK(amatch(s, "2001:db8::"));
    CHECK(amatch(s, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
    CHECK(!amatch(s, "2001:db9::"));
    CHECK(!amatch(s, "::"));
    CHECK(!amatch(s, "::ffff:10.0.0.1"));  /* IPv4-mapped is IPv6 */
    CHECK(!addr_set_is_any(s));

    uint32_t n4, n6;
    const struct addr_range4 *r4 = addr_set_ipv4(s, &n4);
    const struct addr_range6 *r6 = addr_set_ipv6(s, &n6);
    CHECK_EQ(n4, 3);
    CHECK_EQ(n6, 1);
    if (n4 == 3) {
        CHECK_EQ(r4[0].lo, 0x0a000000u);
        CHECK_EQ(r4[0].hi, 0x0a00ffffu);
        CHECK_EQ(r4[1].lo, 0x0a020000u);
        CHECK_EQ(r4[1].hi, 0x0affffffu);
        CHECK_EQ(r4[2].lo, 0xc0a80101u);
        CHECK_EQ(r4[2].hi, 0xc0a80101u);
    }
    if (n6 == 1) {
        CHECK(r6[0].lo.hi == 0x20010db800000000ull && r6[0].lo.lo == 0);
        CHECK(r6[0].hi.hi == 0x20010db8ffffffffull && r6[0].hi.lo == UINT64_MAX);
    }

    /* the version decides the family: 2001:db8:: has bytes 4..15 zero, so without the
     * version it is taken for the IPv4 address 32.1.13.184 */
    struct canh_addr a = mk_addr(6, "2001:db8::");
    CHECK(addr_set_match_ip(s, 6, &a));
    CHECK(!addr_set_match_ip(s, 4, &a));
    CHECK(!addr_set_match(s, &a));
    a = mk_addr(6, "2001:db8::1");
    CHECK(addr_set_match(s, &a));
    a = mk_addr(4, "10.0.0.1");
    CHECK(addr_set_match(s, &a));
    CHECK(!addr_set_match_ip(s, 0, &a));
    CHECK(!addr_set_match_ip(s, 5, &a));
    addr_set_free(s);

    /* IPv4-mapped: a rule's IPv4 address does not match the mapped IPv6 form, nor the
     * reverse (Suricata 7.0.10 alike) */
    s = addr_set_parse("1.2.3.4", NULL, NULL, err);
    CHECK(amatch(s, "1.2.3.4"));
    CHECK(!amatch(s, "::ffff:1.2.3.4"));
    CHECK(!amatch(s, "::1.2.3.4"));
    addr_set_free(s);
    s = addr_set_parse("::ffff:1.2.3.4", NULL, NULL, err);
    CHECK(!amatch(s, "1.2.3.4"));
    CHECK(amatch(s, "::ffff:1.2.3.4"));
    addr_set_free(s);
    s = addr_set_parse("::ffff:0:0/96", NULL, NULL, err);
    CHECK(amatch(s, "::ffff:10.0.0.1"));
    CHECK(!amatch(s, "10.0.0.1"));
    CHECK(!amatch(s, "::1"));
    addr_set_free(s);

    /* any */
    s = addr_set_parse("any", NULL, NULL, err);
    CHECK(addr_set_is_any(s));
    CHECK(amatch(s, "0.0.0.0") && amatch(s, "255.255.255.255") && amatch(s, "::") &&
          amatch(s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    addr_set_free(s);
    s = addr_set_parse("[0.0.0.0/1,128.0.0.0/1,::/1,8000::/1]", NULL, NULL, err);
    CHECK(addr_set_is_any(s));
    addr_set_free(s);
    s = addr_set_parse("0.0.0.0/0", NULL, NULL, err);
    CHECK(!addr_set_is_any(s));
    CHECK(!amatch(s, "::1"));
    addr_set_free(s);
    s = addr_set_parse("[any,!::1]", NULL, NULL, err);
    CHECK(!addr_set_is_any(s));
    addr_set_free(s);
    addr_set_free(NULL);

    /* format: cut to fit */
    s = addr_set_parse("[1.2.3.4,5.6.7.8]", NULL, NULL, err);
    char small[10];
    CHECK_EQ(addr_set_format(s, small, sizeof(small)), CANH_ELIMIT);
    CHECK_STR(small, "1.2.3.4");
    CHECK_EQ(addr_set_format(s, small, 0), CANH_ELIMIT);
    addr_set_free(s);
}

/* A long list, as IP lists in rules: parsed in O(n log n), matched by binary search. */
static void test_addr_large(void)
{
    enum { N = 20000 };
    char *spec = malloc((size_t)N * 17 + 3);
    uint32_t *ips = malloc(N * sizeof(*ips));
    if (spec == NULL || ips == NULL)
        abort();
    uint64_t x = 0x12345678;
    size_t k = 0;
    spec[k++] = '[';
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        ips[i] = (uint32_t)(x >> 32);
        k += (size_t)sprintf(spec + k, "%s%u.%u.%u.%u", i ? "," : "", ips[i] >> 24,
                             (ips[i] >> 16) & 255, (ips[i] >> 8) & 255, ips[i] & 255);
    }
    spec[k++] = ']';
    spec[k] = '\0';
    char err[CANH_ERRBUF_SIZE];
    clock_t t0 = clock();
    struct addr_set *s = addr_set_parse(spec, NULL, NULL, err);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(s != NULL);
    CHECK(secs < 2.0);
    if (s != NULL) {
        uint32_t n4;
        addr_set_ipv4(s, &n4);
        CHECK(n4 > 0 && n4 <= N);
        for (int i = 0; i < N; i++) {
            struct canh_addr a;
            memset(&a, 0, sizeof(a));
            a.b[0] = (uint8_t)(ips[i] >> 24);
            a.b[1] = (uint8_t)(ips[i] >> 16);
            a.b[2] = (uint8_t)(ips[i] >> 8);
            a.b[3] = (uint8_t)ips[i];
            if (!addr_set_match_ip(s, 4, &a)) {
                CHECK(!"listed address not matched");
                break;
            }
        }
        addr_set_free(s);
    }
    free(spec);
    free(ips);
}

/* ---------------------------------------------------------------------------------- */
/* Ports                                                                              */
/* ---------------------------------------------------------------------------------- */

static void test_port_forms(void)
{
    CHECK_STR(port("any"), "0:65535");
    CHECK_STR(port("ANY"), "0:65535");
    CHECK_STR(port("80"), "80");
    CHECK_STR(port("0"), "0");
    CHECK_STR(port("65535"), "65535");
    CHECK_STR(port("00080"), "80");
    CHECK_STR(port("+80"), "80");
    CHECK_STR(port("[80,443]"), "80,443");
    CHECK_STR(port("[443,80,80]"), "80,443");
    CHECK_STR(port("[80,81,82]"), "80:82");
    CHECK_STR(port("1024:"), "1024:65535");
    CHECK_STR(port(":1023"), "0:1023");
    CHECK_STR(port(":"), "0:65535");
    CHECK_STR(port("1000:2000"), "1000:2000");
    CHECK_STR(port("80:80"), "80");
    CHECK_STR(port("[1:10,5:20]"), "1:20");
    CHECK_STR(port("[1:10,11:20]"), "1:20");
    CHECK_STR(port("[1024:5000,49152:]"), "1024:5000,49152:65535");
    CHECK_STR(port("[[80,[443]],[8080:8081]]"), "80,443,8080:8081");
    CHECK_STR(port("80,443"), "80,443");
    CHECK_STR(port("[80,]"), "80");
    /* whitespace */
    CHECK_STR(port("[80, 443]"), "80,443");
    CHECK_STR(port("[ 80:90]"), "80:90");
    CHECK_STR(port("[80: 90]"), "80:90"); /* Suricata's strtoull skips it */
    CHECK_STR(port("[80,! 443]"), "80");
    CHECK_STR(port("[80 ,443]"), "ERR: failed to parse port \"80 \": not a port number (0 to 65535)");
    CHECK_STR(port("[80:90 ]"), "ERR: failed to parse port \"80:90 \": not a port number (0 to 65535)");
}

static void test_port_negation(void)
{
    CHECK_STR(port("!80"), "0:79,81:65535");
    CHECK_STR(port("[!80]"), "0:79,81:65535");
    CHECK_STR(port("!0"), "1:65535");
    CHECK_STR(port("!65535"), "0:65534");
    CHECK_STR(port("!80:90"), "0:79,91:65535");
    CHECK_STR(port("![80,443]"), "0:79,81:442,444:65535");
    CHECK_STR(port("[!80,!81]"), "0:79,82:65535");
    CHECK_STR(port("[1:100,!50]"), "1:49,51:100");
    CHECK_STR(port("[1:100,[!50]]"), "1:49,51:100");
    CHECK_STR(port("[80,![81,82]]"), "80");
    CHECK_STR(port("[1024:,!49152:]"), "1024:49151");
    CHECK_STR(port("[!1:1023,!1024:65535]"), "0");
    CHECK_STR(port("[any,!80]"), "0:79,81:65535");
    CHECK_STR(port("![[80,443],22]"), "0:21,23:79,81:442,444:65535");
    CHECK_STR(port("[[!80],[!443]]"), "0:79,81:442,444:65535");
    /* Suricata's rule for '!' inside a negated list (see detect-port.h) */
    CHECK_STR(port("![80,!443]"), "443");
    CHECK_STR(port("![!443,80]"), "0:79,81:442,444:65535");
    CHECK_STR(port("![![80]]"), "0:79,81:65535");
    CHECK_STR(port("![!80]"), "80");
    /* errors */
    CHECK_STR(port("!any"), "ERR: complete port space is negated");
    CHECK_STR(port("![0:65535]"), "ERR: complete port space is negated");
    CHECK_STR(port("[!0:1000,!1001:]"), "ERR: complete port space is negated");
    CHECK_STR(port("!:"), "ERR: complete port space is negated");
    CHECK_STR(port("[80,!80]"), "ERR: no ports left after merging ports with negated ports");
    CHECK_STR(port("[80,[!80]]"), "ERR: no ports left after merging ports with negated ports");
    CHECK_STR(port("![1:100,!50]"), "ERR: no ports left after merging ports with negated ports");
    CHECK_STR(port("[]"), "ERR: no ports left after merging ports with negated ports");
    CHECK_STR(port(""), "ERR: no ports left after merging ports with negated ports");
}

static void test_port_errors(void)
{
    CHECK_STR(port("65536"), "ERR: failed to parse port \"65536\": not a port number (0 to 65535)");
    CHECK_STR(port("99999999999999"), "ERR: failed to parse port \"99999999999999\": not a port number (0 to 65535)");
    CHECK_STR(port("-1"), "ERR: failed to parse port \"-1\": not a port number (0 to 65535)");
    CHECK_STR(port("http"), "ERR: failed to parse port \"http\": not a port number (0 to 65535)");
    CHECK_STR(port("0x50"), "ERR: failed to parse port \"0x50\": not a port number (0 to 65535)");
    CHECK_STR(port("100:50"), "ERR: failed to parse port \"100:50\": range start after end");
    CHECK_STR(port("1:65536"), "ERR: failed to parse port \"1:65536\": not a port number (0 to 65535)");
    CHECK_STR(port("1:2:3"), "ERR: failed to parse port \"1:2:3\": not a port number (0 to 65535)");
    CHECK_STR(port("any:"), "ERR: failed to parse port \"any:\": not a port number (0 to 65535)");
    CHECK_STR(port("80:!90"), "ERR: can't have a negated value in a range: \"80:!90\"");
    CHECK_STR(port("[,80]"), "ERR: failed to parse port \"\"");
    CHECK_STR(port("[80,,443]"), "ERR: failed to parse port \"\"");
    CHECK_STR(port("8!0"), "ERR: failed to parse port \"8!0\"");
    CHECK_PREFIX(port("1234567890123456"), "ERR: failed to parse port \"1234567890123456\": longer than 15");
    CHECK_PREFIX(port("[80,81]]"), "ERR: not every port block was properly opened");
    CHECK_STR(port("[[80,81]"), "ERR: not every port block was properly closed in \"[[80,81]\", 1 missing closing brackets (])");
    CHECK_PREFIX(port("[80]443"), "ERR: unexpected \"443\" after ']'");

    char deep[300];
    size_t k = 0;
    for (int i = 0; i < 70; i++)
        deep[k++] = '[';
    deep[k++] = '8';
    deep[k++] = '0';
    for (int i = 0; i < 70; i++)
        deep[k++] = ']';
    deep[k] = '\0';
    CHECK_STR(port(deep), "ERR: port block recursion limit reached (max 64)");

    char err[CANH_ERRBUF_SIZE];
    CHECK(port_set_parse(NULL, NULL, NULL, err) == NULL);
}

static void test_port_vars(void)
{
    CHECK_STR(port("$HTTP_PORTS"), "80");
    CHECK_STR(port("!$HTTP_PORTS"), "0:79,81:65535");
    CHECK_STR(port("[$HTTP_PORTS,443]"), "80,443");
    CHECK_STR(port("$SHELLCODE_PORTS"), "0:79,81:65535");
    CHECK_STR(port("!$SHELLCODE_PORTS"), "80");
    CHECK_STR(port("$FILE_DATA_PORTS"), "80,110,143");
    CHECK_STR(port("[$HTTP_PORTS,$ORACLE_PORTS]"), "80,1521");
    CHECK_STR(port("$NEST"), "80");
    CHECK_STR(port("!$NEST"), "81");
    CHECK_STR(port("!$LIST"), "443");
    CHECK_STR(port("$UNDEF"), "ERR: variable \"$UNDEF\" is not defined");
    CHECK_PREFIX(port("$EMPTY"), "ERR: variable \"$EMPTY\" resolved to nothing");
    CHECK_STR(port("$"), "ERR: '$' without a variable name");
    CHECK_STR(port("$PLOOP"), "ERR: found a loop in port group variables: $PLOOP -> $PLOOP");
    char err[CANH_ERRBUF_SIZE];
    CHECK(port_set_parse("$HTTP_PORTS", NULL, NULL, err) == NULL);
    CHECK_STR(err, "variable \"$HTTP_PORTS\" is not defined");
}

static void test_port_match(void)
{
    char err[CANH_ERRBUF_SIZE];
    struct port_set *s = port_set_parse("[1:10,80,443,1024:2048,!1500]", NULL, NULL, err);
    CHECK(s != NULL);
    if (s == NULL)
        return;
    static const uint16_t yes[] = { 1, 5, 10, 80, 443, 1024, 1499, 1501, 2048 };
    static const uint16_t no[] = { 0, 11, 79, 81, 442, 444, 1023, 1500, 2049, 65535 };
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
        CHECK(port_set_match(s, yes[i]));
    for (size_t i = 0; i < ARRAY_SIZE(no); i++)
        CHECK(!port_set_match(s, no[i]));
    CHECK(!port_set_is_any(s));
    uint32_t n;
    const struct port_range *r = port_set_ranges(s, &n);
    CHECK_EQ(n, 5);
    if (n == 5) {
        CHECK(r[0].lo == 1 && r[0].hi == 10);
        CHECK(r[3].lo == 1024 && r[3].hi == 1499);
        CHECK(r[4].lo == 1501 && r[4].hi == 2048);
    }
    char small[6];
    CHECK_EQ(port_set_format(s, small, sizeof(small)), CANH_ELIMIT);
    CHECK_STR(small, "1:10");
    port_set_free(s);

    s = port_set_parse("any", NULL, NULL, err);
    CHECK(port_set_is_any(s) && port_set_match(s, 0) && port_set_match(s, 65535));
    port_set_free(s);
    s = port_set_parse("[0:1023,1024:]", NULL, NULL, err);
    CHECK(port_set_is_any(s));
    port_set_free(s);
    s = port_set_parse("65535", NULL, NULL, err);
    CHECK(port_set_match(s, 65535) && !port_set_match(s, 65534) && !port_set_match(s, 0));
    port_set_free(s);
    port_set_free(NULL);

    /* every port listed one by one */
    char *all = malloc(65536 * 7 + 3);
    if (all == NULL)
        abort();
    size_t k = 0;
    all[k++] = '[';
    for (unsigned p = 0; p <= 65535; p++)
        k += (size_t)sprintf(all + k, "%s%u", p ? "," : "", 65535 - p);
    all[k++] = ']';
    all[k] = '\0';
    s = port_set_parse(all, NULL, NULL, err);
    CHECK(s != NULL && port_set_is_any(s));
    port_set_free(s);
    free(all);
}

/* ---------------------------------------------------------------------------------- */
/* Recorded from Suricata 7.0.10                                                      */
/* ---------------------------------------------------------------------------------- */

/* The packets' source addresses (IPv4 then IPv6) and destination ports. */
static const char *const oracle_addrs[] = {
    "10.0.0.1", "10.1.0.1", "10.2.3.4", "1.2.3.4", "1.2.3.5", "1.2.3.10", "1.2.3.11",
    "192.168.1.1", "255.255.255.255", "0.0.0.0", "172.16.5.5", "8.8.8.8",
    "2001:db8::1", "2001:db8:1::1", "::ffff:1.2.3.4", "::ffff:10.0.0.1", "fe80::1", "::1",
    "2001:db8::", "::", "2002::5", "102:304::",
};
static const uint16_t oracle_ports[] = { 0, 1, 21, 22, 50, 79, 80, 81, 82, 110, 143, 443,
                                         444, 1023, 1024, 1521, 5000, 49152, 65535 };

struct oracle_case {
    const char *spec;
    const char *hits; /* addresses (ports) alerted on, in the order above; NULL: refused */
};

/* "alert ip SPEC any -> any any" and "alert udp SPEC any -> any any (content:"x")", the
 * variables of test_vars (Suricata's defaults for HOME_NET and EXTERNAL_NET). The two
 * rules agreed except where noted: Suricata's IP-only engine (the first form) matches
 * only 0.0.0.0 for "10.0.0.0/255.0.0.0" and refuses IPv6 ranges; the rows hold what its
 * other engine does, which is also what the IP-only engine does for CIDR. */
static const struct oracle_case oracle_addr_cases[] = {
    { "any", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8,2001:db8::1,2001:db8:1::1,::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,2001:db8::,::,2002::5,102:304::" },
    { "10.0.0.0/8", "10.0.0.1,10.1.0.1,10.2.3.4" },
    { "[10.0.0.0/8,!10.1.0.0/16]", "10.0.0.1,10.2.3.4" },
    { "!10.0.0.0/8", "1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "![10.0.0.0/8,1.2.3.4]", "1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "1.2.3.4-1.2.3.10", "1.2.3.4,1.2.3.5,1.2.3.10" },
    { "10.0.0.0/255.0.0.0", "10.0.0.1,10.1.0.1,10.2.3.4" },
    { "10.0.0.5/8", "10.0.0.1,10.1.0.1,10.2.3.4" },
    { "2001:db8::/32", "2001:db8::1,2001:db8:1::1,2001:db8::" },
    { "!2001:db8::/32", "::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,::,2002::5,102:304::" },
    { "::ffff:1.2.3.4", "::ffff:1.2.3.4" },
    { "::ffff:0:0/96", "::ffff:1.2.3.4,::ffff:10.0.0.1" },
    { "[1.2.3.4,!2001:db8::1]", "1.2.3.4,2001:db8:1::1,::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,2001:db8::,::,2002::5,102:304::" },
    { "[any,!1.2.3.4]", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8,2001:db8::1,2001:db8:1::1,::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,2001:db8::,::,2002::5,102:304::" },
    { "$HOME_NET", "10.0.0.1,10.1.0.1,10.2.3.4,192.168.1.1,172.16.5.5" },
    { "!$HOME_NET", "1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,255.255.255.255,0.0.0.0,8.8.8.8" },
    { "$EXTERNAL_NET", "1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,255.255.255.255,0.0.0.0,8.8.8.8" },
    { "[$HOME_NET,!10.1.0.0/16]", "10.0.0.1,10.2.3.4,192.168.1.1,172.16.5.5" },
    { "[10.0.0.0/8,[!10.1.0.0/16]]", "10.0.0.1,10.2.3.4" },
    { "![!10.0.0.0/8]", "10.0.0.1,10.1.0.1,10.2.3.4" },
    { "[1.2.3.4, 1.2.3.5]", "1.2.3.4,1.2.3.5" },
    { "[1.2.3.4 ,1.2.3.5]", NULL },
    { "[!1.2.3.4]", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "[10.0.0.0/8,!10.1.0.0/16,!10.2.0.0/16]", "10.0.0.1" },
    { "!any", NULL },
    { "[]", NULL },
    { "[1.2.3.4,]", "1.2.3.4" },
    { "[,1.2.3.4]", NULL },
    { "[1.2.3.4,!1.2.3.4]", NULL },
    { "!0.0.0.0/0", NULL },
    { "!::/0", NULL },
    { "[1.2.3.4,!::/0]", "1.2.3.4" },
    { "[!1.2.3.4,!1.2.3.5]", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "1.2.3.10-1.2.3.4", NULL },
    { "10.0.0.0/255.0.255.0", NULL },
    { "[1.2.3.4,[1.2.3.5,[10.0.0.0/8]]]", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.4,1.2.3.5" },
    { "![1.2.3.4,!1.2.3.5]", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "[1.2.3.4,![1.2.3.4]]", NULL },
    { "$MIXED", "10.0.0.1,10.1.0.1,10.2.3.4,2001:db8::1,2001:db8:1::1,2001:db8::" },
    { "!$MIXED", "1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8,::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,::,2002::5,102:304::" },
    { "[$MIXED,!10.1.0.0/16,!2001:db8:1::/48]", "10.0.0.1,10.2.3.4,2001:db8::1,2001:db8::" },
    { "$NEGV", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "[$NEGV,1.2.3.0/24]", "1.2.3.5,1.2.3.10,1.2.3.11" },
    { "![$NEGV]", "1.2.3.4" },
    { "!$NEGV", "1.2.3.4" },
    { "$V6NET", "2001:db8::1,2001:db8:1::1,fe80::1,2001:db8::" },
    { "!$V6NET", "::ffff:1.2.3.4,::ffff:10.0.0.1,::1,::,2002::5,102:304::" },
    { "[$V6NET,$HOME_NET]", "10.0.0.1,10.1.0.1,10.2.3.4,192.168.1.1,172.16.5.5,2001:db8::1,2001:db8:1::1,fe80::1,2001:db8::" },
    { "[!$V6NET,!$HOME_NET]", "1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,255.255.255.255,0.0.0.0,8.8.8.8,::ffff:1.2.3.4,::ffff:10.0.0.1,::1,::,2002::5,102:304::" },
    { "$NESTED", "2001:db8::1,2001:db8:1::1,2001:db8::" },
    { "!$NESTED", "::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,::,2002::5,102:304::" },
    { "[  1.2.3.4,   !1.2.3.5]", "1.2.3.4" },
    { "[1.2.3.4,! 1.2.3.5]", "1.2.3.4" },
    { "[1.2.3.4, ! [1.2.3.5]]", "1.2.3.4" },
    { "[[1.2.3.4],[1.2.3.5] ,1.2.3.10]", "1.2.3.4,1.2.3.5,1.2.3.10" },
    { "[1.2.3.0/24,!1.2.3.4,!1.2.3.5,!1.2.3.10]", "1.2.3.11" },
    { "[10.0.0.0/8,!10.0.0.0/7]", NULL },
    { "[1.2.3.0/24,!5.6.7.8]", "1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11" },
    { "!!1.2.3.4", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "ANY", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8,2001:db8::1,2001:db8:1::1,::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,2001:db8::,::,2002::5,102:304::" },
    { "[any]", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8,2001:db8::1,2001:db8:1::1,::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,2001:db8::,::,2002::5,102:304::" },
    { "[0.0.0.0/0,::/0]", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8,2001:db8::1,2001:db8:1::1,::ffff:1.2.3.4,::ffff:10.0.0.1,fe80::1,::1,2001:db8::,::,2002::5,102:304::" },
    { "1.2.3.4/32", "1.2.3.4" },
    { "1.2.3.4/33", NULL },
    { "1.2.3.4/", NULL },
    { "2001:db8::1/128", "2001:db8::1" },
    { "2001:db8::1/129", NULL },
    { "2001:db8::1-2001:db8::5", "2001:db8::1" },
    { "::ffff:1.2.3.0-::ffff:1.2.3.10", "::ffff:1.2.3.4" },
    { "[::ffff:0:0/96,!::ffff:1.2.3.4]", "::ffff:10.0.0.1" },
    { "1.2.3", NULL },
    { "1.2.3.4.5", NULL },
    { "01.2.3.4", NULL },
    { "0.0.0.0/0", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "255.255.255.255/0", "10.0.0.1,10.1.0.1,10.2.3.4,1.2.3.4,1.2.3.5,1.2.3.10,1.2.3.11,192.168.1.1,255.255.255.255,0.0.0.0,172.16.5.5,8.8.8.8" },
    { "[1.2.3.4,[!1.2.3.4]]", NULL },
    { "$UNDEF", NULL },
    { "[1.2.3.4,$UNDEF]", NULL },
    { "[1.2.3.4", NULL },
    { "1.2.3.4]", NULL },
    { "[1.2.3.4]]", NULL },
    { "[$HOME_NET,$EXTERNAL_NET]", NULL },
    { "[$HOME_NET,!$HOME_NET]", NULL },
    { "[$EXTERNAL_NET,!1.2.3.4]", "1.2.3.5,1.2.3.10,1.2.3.11,255.255.255.255,0.0.0.0,8.8.8.8" },
};

/* "alert udp any any -> any SPEC (content:"x")", the variables of test_vars (Suricata's
 * HTTP_PORTS, SHELLCODE_PORTS, FILE_DATA_PORTS defaults). */
static const struct oracle_case oracle_port_cases[] = {
    { "any", "0,1,21,22,50,79,80,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "80", "80" },
    { "[80,443]", "80,443" },
    { "1024:", "1024,1521,5000,49152,65535" },
    { ":1023", "0,1,21,22,50,79,80,81,82,110,143,443,444,1023" },
    { "1000:2000", "1023,1024,1521" },
    { "!80", "0,1,21,22,50,79,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "[!80]", "0,1,21,22,50,79,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "![80,443]", "0,1,21,22,50,79,81,82,110,143,444,1023,1024,1521,5000,49152,65535" },
    { "[80,![81,82]]", "80" },
    { "[1:100,!50]", "1,21,22,79,80,81,82" },
    { "[!80,!81]", "0,1,21,22,50,79,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "$HTTP_PORTS", "80" },
    { "!$HTTP_PORTS", "0,1,21,22,50,79,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "[$HTTP_PORTS,443]", "80,443" },
    { "$SHELLCODE_PORTS", "0,1,21,22,50,79,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "$FILE_DATA_PORTS", "80,110,143" },
    { "0:65535", "0,1,21,22,50,79,80,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { ":", "0,1,21,22,50,79,80,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "65536", NULL },
    { "100:50", NULL },
    { "80:80", "80" },
    { "[1:10,5:20]", "1" },
    { "!any", NULL },
    { "![0:65535]", NULL },
    { "[80,!80]", NULL },
    { "+80", "80" },
    { "[80, 443]", "80,443" },
    { "[80 ,443]", NULL },
    { "![80,!443]", "443" },
    { "![!443,80]", "0,1,21,22,50,79,81,82,110,143,444,1023,1024,1521,5000,49152,65535" },
    { "![1:100,!50]", NULL },
    { "![![80]]", "0,1,21,22,50,79,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "[80,[!80]]", NULL },
    { "[1:100,[!50]]", "1,21,22,79,80,81,82" },
    { "!80:90", "0,1,21,22,50,79,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "80:!90", NULL },
    { "[80,]", "80" },
    { "[,80]", NULL },
    { "[]", NULL },
    { "any:", NULL },
    { "1:2:3", NULL },
    { "[80,81]]", NULL },
    { "[[80,81]", NULL },
    { "-1", NULL },
    { "0", "0" },
    { "ANY", "0,1,21,22,50,79,80,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "[1:5,!6]", "1" },
    { "[80: 90]", "80,81,82" },
    { "[80:90 ]", NULL },
    { "[ 80:90]", "80,81,82" },
    { "[!$HTTP_PORTS,!443]", "0,1,21,22,50,79,81,82,110,143,444,1023,1024,1521,5000,49152,65535" },
    { "![$HTTP_PORTS,443]", "0,1,21,22,50,79,81,82,110,143,444,1023,1024,1521,5000,49152,65535" },
    { "![443,$HTTP_PORTS]", "0,1,21,22,50,79,81,82,110,143,444,1023,1024,1521,5000,49152,65535" },
    { "![$SHELLCODE_PORTS]", "80" },
    { "!$SHELLCODE_PORTS", "80" },
    { "[$SHELLCODE_PORTS,!443]", "0,1,21,22,50,79,81,82,110,143,444,1023,1024,1521,5000,49152,65535" },
    { "$NEST", "80" },
    { "!$NEST", "81" },
    { "[!$NEST,80]", "81" },
    { "$LIST", "80" },
    { "!$LIST", "443" },
    { "![$LIST]", "443" },
    { "[1024:,!49152:]", "1024,1521,5000" },
    { "[!1:1023,!1024:65535]", "0" },
    { "[0:79,81:65535]", "0,1,21,22,50,79,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
    { "![[80,443],22]", "0,1,21,50,79,81,82,110,143,444,1023,1024,1521,5000,49152,65535" },
    { "[[!80],[!443]]", "0,1,21,22,50,79,81,82,110,143,444,1023,1024,1521,5000,49152,65535" },
    { "00080", "80" },
    { "[ANY,!80]", "0,1,21,22,50,79,81,82,110,143,443,444,1023,1024,1521,5000,49152,65535" },
};

static void test_oracle(void)
{
    char err[CANH_ERRBUF_SIZE], got[1024];
    for (size_t i = 0; i < ARRAY_SIZE(oracle_addr_cases); i++) {
        const struct oracle_case *c = &oracle_addr_cases[i];
        struct addr_set *s = addr_set_parse(c->spec, var_lookup, (void *)test_vars, err);
        got[0] = '\0';
        if (s != NULL) {
            for (size_t j = 0; j < ARRAY_SIZE(oracle_addrs); j++)
                if (amatch(s, oracle_addrs[j]))
                    snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
                             got[0] ? "," : "", oracle_addrs[j]);
            addr_set_free(s);
        }
        test_checks++;
        if ((s == NULL) != (c->hits == NULL) || (s != NULL && strcmp(got, c->hits) != 0)) {
            test_failures++;
            fprintf(stderr, "oracle address \"%s\": Suricata %s, Canh %s\n", c->spec,
                    c->hits ? c->hits : "refused", s ? got : err);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(oracle_port_cases); i++) {
        const struct oracle_case *c = &oracle_port_cases[i];
        struct port_set *s = port_set_parse(c->spec, var_lookup, (void *)test_vars, err);
        got[0] = '\0';
        if (s != NULL) {
            for (size_t j = 0; j < ARRAY_SIZE(oracle_ports); j++)
                if (port_set_match(s, oracle_ports[j]))
                    snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%u",
                             got[0] ? "," : "", oracle_ports[j]);
            port_set_free(s);
        }
        test_checks++;
        if ((s == NULL) != (c->hits == NULL) || (s != NULL && strcmp(got, c->hits) != 0)) {
            test_failures++;
            fprintf(stderr, "oracle port \"%s\": Suricata %s, Canh %s\n", c->spec,
                    c->hits ? c->hits : "refused", s ? got : err);
        }
    }
}

/* ---------------------------------------------------------------------------------- */
/* Random specs against a model                                                       */
/* ---------------------------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)(((rng * 0x2545f4914f6cdd1dull) >> 32) % n);
}

/* A spec as a tree: a list of elements, each a literal range [lo, hi] of the universe
 * or a sub-list, either maybe negated. */
struct node {
    bool list, neg;
    uint32_t lo, hi;
    struct node *kids;
    uint32_t nkids;
};

static void node_free(struct node *n)
{
    for (uint32_t i = 0; i < n->nkids; i++)
        node_free(&n->kids[i]);
    free(n->kids);
}

static void gen_list(struct node *n, int depth, uint32_t universe)
{
    n->list = true;
    n->nkids = 1 + rnd(4);
    n->kids = calloc(n->nkids, sizeof(*n->kids));
    if (n->kids == NULL)
        abort();
    for (uint32_t i = 0; i < n->nkids; i++) {
        struct node *k = &n->kids[i];
        k->neg = rnd(3) == 0;
        if (depth < 3 && rnd(4) == 0) {
            gen_list(k, depth + 1, universe);
        } else if (rnd(2) == 0) {
            /* an aligned block */
            uint32_t bits = rnd(6), size = 1u << bits;
            k->lo = rnd(universe / size) * size;
            k->hi = k->lo + size - 1;
        } else {
            k->lo = rnd(universe);
            k->hi = k->lo + rnd(universe - k->lo);
        }
    }
}

/* The universe of the address model: 10.0.0.0 to 10.0.0.255, and bit 256 standing for
 * every other IPv4 address (elements never touch them, so they go together). */
#define AU 257
#define PU 101 /* ports 0 to 99, and bit 100 for 100 to 65535 */

static void print_addr_node(const struct node *n, char *buf, size_t *k, bool top)
{
    if (n->neg)
        buf[(*k)++] = '!';
    if (!n->list) {
        uint32_t size = n->hi - n->lo + 1;
        bool block = (size & (size - 1)) == 0 && n->lo % size == 0;
        if (n->lo == n->hi)
            *k += (size_t)sprintf(buf + *k, "10.0.0.%u", n->lo);
        else if (block && rnd(2) == 0)
            *k += (size_t)sprintf(buf + *k, "10.0.0.%u/%d", n->lo, 32 - __builtin_ctz(size));
        else if (block)
            *k += (size_t)sprintf(buf + *k, "10.0.0.%u/255.255.255.%u", n->lo, 256 - size);
        else
            *k += (size_t)sprintf(buf + *k, "10.0.0.%u-10.0.0.%u", n->lo, n->hi);
        return;
    }
    bool brackets = !top || n->nkids > 1 || rnd(2) == 0;
    if (brackets)
        buf[(*k)++] = '[';
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (i > 0)
            buf[(*k)++] = ',';
        if (rnd(4) == 0)
            buf[(*k)++] = ' ';
        print_addr_node(&n->kids[i], buf, k, false);
    }
    if (brackets)
        buf[(*k)++] = ']';
}

/* Address semantics: plain lists flatten, negated lists are evaluated on their own. */
static bool addr_model_eval(const struct node *n, bool *out);
static bool addr_model_flatten(const struct node *n, bool *pos, bool *neg)
{
    for (uint32_t i = 0; i < n->nkids; i++) {
        const struct node *k = &n->kids[i];
        if (!k->list) {
            for (uint32_t b = k->lo; b <= k->hi; b++)
                (k->neg ? neg : pos)[b] = true;
        } else if (!k->neg) {
            if (!addr_model_flatten(k, pos, neg))
                return false;
        } else {
            bool r[AU];
            if (!addr_model_eval(k, r))
                return false;
            for (int b = 0; b < AU; b++)
                neg[b] |= r[b];
        }
    }
    return true;
}

static bool model_merge(bool *pos, const bool *neg, bool *out, int u)
{
    bool any_pos = false, any_neg = false, all_neg = true, any_out = false;
    for (int b = 0; b < u; b++) {
        any_pos |= pos[b];
        any_neg |= neg[b];
        all_neg &= neg[b];
    }
    if (all_neg)
        return false;
    for (int b = 0; b < u; b++) {
        out[b] = (any_pos ? pos[b] : any_neg) && !neg[b];
        any_out |= out[b];
    }
    return any_out;
}

static bool addr_model_eval(const struct node *n, bool *out)
{
    bool pos[AU] = { false }, neg[AU] = { false };
    return addr_model_flatten(n, pos, neg) && model_merge(pos, neg, out, AU);
}

static void test_addr_random(void)
{
    static const char *const outside[] = { "0.0.0.0", "9.255.255.255", "10.0.1.0",
                                           "255.255.255.255", "192.168.0.1" };
    char spec[4096], err[CANH_ERRBUF_SIZE];
    int mismatches = 0, errors = 0;
    for (int iter = 0; iter < 3000 && mismatches < 5; iter++) {
        struct node root = { 0 };
        gen_list(&root, 0, 256);
        size_t k = 0;
        print_addr_node(&root, spec, &k, true);
        spec[k] = '\0';
        bool model[AU];
        bool ok = addr_model_eval(&root, model);
        struct addr_set *s = addr_set_parse(spec, NULL, NULL, err);
        bool same = ok == (s != NULL);
        errors += !ok;
        for (uint32_t b = 0; same && s != NULL && b < 256; b++) {
            struct canh_addr a;
            memset(&a, 0, sizeof(a));
            a.b[0] = 10;
            a.b[3] = (uint8_t)b;
            same = addr_set_match_ip(s, 4, &a) == model[b];
        }
        for (size_t j = 0; same && s != NULL && j < ARRAY_SIZE(outside); j++)
            same = amatch(s, outside[j]) == model[256];
        if (same && s != NULL)
            same = !amatch(s, "::") && !amatch(s, "2001:db8::1");
        test_checks++;
        if (!same) {
            test_failures++;
            mismatches++;
            fprintf(stderr, "random address spec \"%s\": model %s, Canh %s\n", spec,
                    ok ? "accepts" : "refuses", s ? "accepts (different set)" : err);
        }
        addr_set_free(s);
        node_free(&root);
    }
    /* the generator makes both outcomes */
    CHECK(errors > 50 && errors < 2950);
}

static void print_port_node(const struct node *n, char *buf, size_t *k, bool top)
{
    if (n->neg)
        buf[(*k)++] = '!';
    if (!n->list) {
        if (n->lo == n->hi)
            *k += (size_t)sprintf(buf + *k, "%u", n->lo);
        else
            *k += (size_t)sprintf(buf + *k, "%u:%u", n->lo, n->hi);
        return;
    }
    bool brackets = !top || n->nkids > 1 || rnd(2) == 0;
    if (brackets)
        buf[(*k)++] = '[';
    for (uint32_t i = 0; i < n->nkids; i++) {
        if (i > 0)
            buf[(*k)++] = ',';
        print_port_node(&n->kids[i], buf, k, false);
    }
    if (brackets)
        buf[(*k)++] = ']';
}

/* Port semantics (Suricata's): everything flattens; a list passes "negate or '!'" down,
 * a plain element is negated by "negate xor '!'" when it is its list's last one, by
 * "negate or '!'" otherwise. */
static void port_model_flatten(const struct node *n, bool negate, bool *pos, bool *neg)
{
    for (uint32_t i = 0; i < n->nkids; i++) {
        const struct node *k = &n->kids[i];
        if (k->list) {
            port_model_flatten(k, negate || k->neg, pos, neg);
            continue;
        }
        bool last = i + 1 == n->nkids;
        bool negated = last ? negate != k->neg : (negate || k->neg);
        for (uint32_t b = k->lo; b <= k->hi; b++)
            (negated ? neg : pos)[b] = true;
    }
}

static void test_port_random(void)
{
    char spec[4096], err[CANH_ERRBUF_SIZE];
    int mismatches = 0, errors = 0;
    for (int iter = 0; iter < 3000 && mismatches < 5; iter++) {
        struct node root = { 0 };
        gen_list(&root, 0, 100);
        size_t k = 0;
        /* a top-level negation of the whole list, sometimes */
        bool topneg = rnd(4) == 0;
        if (topneg) {
            spec[k++] = '!';
            spec[k++] = '[';
        }
        print_port_node(&root, spec, &k, !topneg);
        if (topneg)
            spec[k++] = ']';
        spec[k] = '\0';
        bool pos[PU] = { false }, neg[PU] = { false }, model[PU];
        if (topneg) {
            struct node wrap = { .list = true, .neg = true, .kids = &root, .nkids = 1 };
            struct node top = { .list = true, .kids = &wrap, .nkids = 1 };
            port_model_flatten(&top, false, pos, neg);
        } else {
            port_model_flatten(&root, false, pos, neg);
        }
        bool ok = model_merge(pos, neg, model, PU);
        errors += !ok;
        struct port_set *s = port_set_parse(spec, NULL, NULL, err);
        bool same = ok == (s != NULL);
        for (uint32_t p = 0; same && s != NULL && p < 100; p++)
            same = port_set_match(s, (uint16_t)p) == model[p];
        if (same && s != NULL)
            same = port_set_match(s, 100) == model[100] && port_set_match(s, 65535) == model[100];
        test_checks++;
        if (!same) {
            test_failures++;
            mismatches++;
            fprintf(stderr, "random port spec \"%s\": model %s, Canh %s\n", spec,
                    ok ? "accepts" : "refuses", s ? "accepts (different set)" : err);
        }
        port_set_free(s);
        node_free(&root);
    }
    CHECK(errors > 50 && errors < 2950);
}

int main(void)
{
    test_addr_forms();
    test_addr_whitespace();
    test_addr_negation();
    test_addr_errors();
    test_addr_vars();
    test_addr_match();
    test_addr_large();
    test_port_forms();
    test_port_negation();
    test_port_errors();
    test_port_vars();
    test_port_match();
    test_oracle();
    test_addr_random();
    test_port_random();
    return test_done("test-address");
}
