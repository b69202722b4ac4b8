/* App-layer table: the SSH identification-line reader (RFC 4253 4.2) and its per-flow
 * state, driven through applayer_packet() with hand-made flows and packets. */
#include <stdlib.h>

#include "applayer/applayer.h"
#include "test.h"

static struct flow flow_on_port(uint16_t sport, uint16_t dport)
{
    struct flow f;
    memset(&f, 0, sizeof(f));
    f.key.proto = 6;
    f.key.ipver = 4;
    f.key.port[0] = sport;
    f.key.port[1] = dport;
    f.client = 0;
    return f;
}

static int64_t feed(struct applayer_thread *a, struct eve *e, struct flow *f, int dir,
                    const char *payload)
{
    struct packet p;
    memset(&p, 0, sizeof(p));
    p.proto = 6;
    p.payload = (const uint8_t *)payload;
    p.payload_len = (uint32_t)strlen(payload);
    return applayer_packet(a, e, f, &p, dir, NULL);
}

int main(void)
{
    char err[CANH_ERRBUF_SIZE];
    struct applayer_thread *a = applayer_thread_new(err);
    CHECK(a != NULL);
    struct eve e = { .sensor_id = "t", .org = "o", .boot_id = "b", .types = 0 };
    CHECK_EQ(eve_init(&e), CANH_OK);
    const char *c, *s;

    /* Server first (as SSH servers speak first), banner and key exchange in one segment. */
    struct flow f = flow_on_port(40000, 22);
    int64_t mem = feed(a, &e, &f, FLOW_TO_CLIENT, "SSH-2.0-dropbear_2022.83\r\n\x00\x00\x02\x1c\x0a\x14kexinit...");
    CHECK(mem > 0);
    applayer_ssh_banners(&f, &c, &s);
    CHECK_STR(s, "SSH-2.0-dropbear_2022.83");
    CHECK_STR(c, "");
    int64_t mem2 = feed(a, &e, &f, FLOW_TO_SERVER, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
    CHECK(mem2 > 0 && mem2 < mem); /* the client's line only, not the flow state again */
    mem += mem2;
    applayer_ssh_banners(&f, &c, &s);
    CHECK_STR(c, "SSH-2.0-OpenSSH_9.2p1 Debian-2");
    /* A later segment starting with "SSH-" does not replace a line already seen. */
    feed(a, &e, &f, FLOW_TO_CLIENT, "SSH-1.99-other\r\n");
    applayer_ssh_banners(&f, &c, &s);
    CHECK_STR(s, "SSH-2.0-dropbear_2022.83");
    CHECK_EQ(applayer_flow_free(&f), mem);
    CHECK(f.app == NULL);
    CHECK_EQ(applayer_flow_free(&f), 0);

    /* A server may send other lines first; a client may not. LF alone ends a line. */
    f = flow_on_port(40001, 22);
    feed(a, &e, &f, FLOW_TO_CLIENT, "Welcome to the agency\r\nAuthorised use only\nSSH-2.0-Cisco-1.25\n");
    feed(a, &e, &f, FLOW_TO_SERVER, "GET / HTTP/1.0\r\nSSH-2.0-sneaky\r\n");
    applayer_ssh_banners(&f, &c, &s);
    CHECK_STR(s, "SSH-2.0-Cisco-1.25");
    CHECK_STR(c, "");
    applayer_flow_free(&f);

    /* A line longer than the limit is cut to SSH_BANNER_MAX characters. */
    f = flow_on_port(40002, 22);
    char longline[600] = "SSH-2.0-";
    memset(longline + 8, 'x', 500);
    longline[508] = '\0';
    feed(a, &e, &f, FLOW_TO_CLIENT, longline);
    applayer_ssh_banners(&f, &c, &s);
    CHECK_EQ(strlen(s), SSH_BANNER_MAX);
    applayer_flow_free(&f);

    /* Not port 22 and no nDPI verdict: not read. Payload that is no identification: no
     * state allocated. */
    f = flow_on_port(40003, 2222);
    CHECK_EQ(feed(a, &e, &f, FLOW_TO_CLIENT, "SSH-2.0-x\r\n"), 0);
    CHECK(f.app == NULL);
    f = flow_on_port(40004, 22);
    CHECK_EQ(feed(a, &e, &f, FLOW_TO_CLIENT, "HTTP/1.1 400 Bad Request\r\n"), 0);
    CHECK_EQ(feed(a, &e, &f, FLOW_TO_CLIENT, "SSH"), 0);
    CHECK(f.app == NULL);

    const struct applayer_stats *st = applayer_thread_stats(a);
    CHECK_EQ(st->ssh_banners, 4);
    eve_destroy(&e);
    applayer_thread_free(a);
    return test_done("applayer");
}
