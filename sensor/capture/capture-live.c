/* Live capture on a Linux interface through libpcap (TPACKET_V3 memory-mapped ring).
 *
 * With several workers, each opens its own handle on the interface and joins one
 * PACKET_FANOUT group in hash mode with the defrag flag: the kernel sends all packets
 * of a flow (and all fragments of a datagram, reassembled for hashing) to the same
 * socket. libpcap has no fanout call, so the socket option is set on its descriptor.
 * An interface that goes away is reopened every few seconds; meanwhile the source
 * reports no packets. */
#include "capture.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "decode/decode.h"
#include "util/util-log.h"

#define CAPTURE_LIVE_TIMEOUT_MS 100 /* block retirement: bounds latency on a quiet link */
#define CAPTURE_LIVE_REOPEN_S 5

struct capture_live {
    struct capture base;
    char *ifname;
    struct capture_live_opts opts;
    char *bpf;
    pcap_t *pcap;
    int linktype;
    time_t next_reopen;
    /* Counters of handles closed after an error, so totals do not go backwards. */
    uint64_t old_recv, old_drop, old_ifdrop;
};

static int capture_live_activate(struct capture_live *cl, char *errbuf)
{
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_create(cl->ifname, err);
    if (p == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s", cl->ifname, err);
        return CANH_ERR;
    }
    pcap_set_snaplen(p, cl->opts.snaplen);
    pcap_set_promisc(p, cl->opts.promisc);
    pcap_set_buffer_size(p, cl->opts.buffer_size);
    pcap_set_timeout(p, CAPTURE_LIVE_TIMEOUT_MS);
    int rc = pcap_activate(p);
    if (rc < 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s%s%s", cl->ifname, pcap_statustostr(rc),
                 rc == PCAP_ERROR ? ": " : "", rc == PCAP_ERROR ? pcap_geterr(p) : "");
        pcap_close(p);
        return CANH_ERR;
    }
    if (rc > 0)
        log_warning("%s: %s: %s", cl->ifname, pcap_statustostr(rc), pcap_geterr(p));
    int dlt = pcap_datalink(p);
    if (!decode_linktype_supported(dlt)) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: link type %d (%s) is not supported", cl->ifname,
                 dlt, pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "unknown");
        pcap_close(p);
        return CANH_ERR;
    }
    if (cl->bpf[0] != '\0') {
        struct bpf_program prog;
        if (pcap_compile(p, &prog, cl->bpf, 1, PCAP_NETMASK_UNKNOWN) != 0 ||
            pcap_setfilter(p, &prog) != 0) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: BPF filter '%s': %s", cl->ifname, cl->bpf,
                     pcap_geterr(p));
            pcap_close(p);
            return CANH_ERR;
        }
        pcap_freecode(&prog);
    }
    if (cl->opts.fanout_group >= 0) {
        /* Group id in the low 16 bits, mode and flags (FLAG_DEFRAG is 0x8000) above. */
        unsigned int val = ((unsigned int)cl->opts.fanout_group & 0xffffu) |
                           ((unsigned int)(PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);
        if (setsockopt(pcap_fileno(p), SOL_PACKET, PACKET_FANOUT, &val, sizeof(val)) != 0) {
            snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: cannot join fanout group %d: %s", cl->ifname,
                     cl->opts.fanout_group, strerror(errno));
            pcap_close(p);
            return CANH_ERR;
        }
    }
    if (pcap_setnonblock(p, 1, err) != 0) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "%s: %s", cl->ifname, err);
        pcap_close(p);
        return CANH_ERR;
    }
    cl->pcap = p;
    cl->linktype = dlt;
    return CANH_OK;
}

static void capture_live_refresh(struct capture *c)
{
    struct capture_live *cl = (struct capture_live *)c;
    struct pcap_stat ps;
    if (cl->pcap == NULL || pcap_stats(cl->pcap, &ps) != 0)
        return;
    STAT_SET(c->stats.kernel_packets, cl->old_recv + ps.ps_recv);
    STAT_SET(c->stats.kernel_drops, cl->old_drop + ps.ps_drop);
    STAT_SET(c->stats.kernel_ifdrops, cl->old_ifdrop + ps.ps_ifdrop);
}

static int capture_live_next(struct capture *c, struct capture_packet *pkt)
{
    struct capture_live *cl = (struct capture_live *)c;
    if (cl->pcap == NULL) {
        time_t now = time(NULL);
        if (now < cl->next_reopen)
            return CANH_AGAIN;
        char err[CANH_ERRBUF_SIZE];
        if (capture_live_activate(cl, err) != CANH_OK) {
            cl->next_reopen = now + CAPTURE_LIVE_REOPEN_S;
            return CANH_AGAIN;
        }
        log_notice("%s: capture resumed", cl->ifname);
    }
    struct pcap_pkthdr *h;
    const u_char *data;
    int rc = pcap_next_ex(cl->pcap, &h, &data);
    if (rc == 1) {
        pkt->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
        pkt->caplen = h->caplen;
        pkt->wirelen = h->len < h->caplen ? h->caplen : h->len;
        pkt->linktype = cl->linktype;
        pkt->data = data;
        STAT_INC(c->stats.packets);
        STAT_ADD(c->stats.bytes, pkt->wirelen);
        return CANH_OK;
    }
    if (rc == 0)
        return CANH_AGAIN;
    /* The interface went away or the socket failed: keep the counters, retry later. */
    log_warning("%s: capture failed: %s (retrying every %d s)", cl->ifname, pcap_geterr(cl->pcap),
                CAPTURE_LIVE_REOPEN_S);
    capture_live_refresh(c);
    cl->old_recv = c->stats.kernel_packets;
    cl->old_drop = c->stats.kernel_drops;
    cl->old_ifdrop = c->stats.kernel_ifdrops;
    pcap_close(cl->pcap);
    cl->pcap = NULL;
    cl->next_reopen = time(NULL) + CAPTURE_LIVE_REOPEN_S;
    return CANH_AGAIN;
}

static int capture_live_fd(const struct capture *c)
{
    const struct capture_live *cl = (const struct capture_live *)c;
    return cl->pcap != NULL ? pcap_get_selectable_fd(cl->pcap) : -1;
}

static void capture_live_close(struct capture *c)
{
    struct capture_live *cl = (struct capture_live *)c;
    if (cl->pcap != NULL)
        pcap_close(cl->pcap);
    free(cl->ifname);
    free(cl->bpf);
    free(cl);
}

static const struct capture_ops capture_live_ops = {
    .name = "pcap-live",
    .next = capture_live_next,
    .refresh_stats = capture_live_refresh,
    .fd = capture_live_fd,
    .close = capture_live_close,
};

struct capture *capture_open_live(const char *ifname, const struct capture_live_opts *opts,
                                  char errbuf[CANH_ERRBUF_SIZE])
{
    struct capture_live *cl = calloc(1, sizeof(*cl));
    if (cl == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        return NULL;
    }
    cl->base.ops = &capture_live_ops;
    cl->opts = *opts;
    cl->ifname = strdup(ifname);
    cl->bpf = strdup(opts->bpf != NULL ? opts->bpf : "");
    cl->opts.bpf = NULL;
    if (cl->ifname == NULL || cl->bpf == NULL) {
        snprintf(errbuf, CANH_ERRBUF_SIZE, "out of memory");
        capture_live_close(&cl->base);
        return NULL;
    }
    if (capture_live_activate(cl, errbuf) != CANH_OK) {
        capture_live_close(&cl->base);
        return NULL;
    }
    return &cl->base;
}
