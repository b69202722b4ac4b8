/* Packet capture through libpcap. A capture source is an ops table plus its state:
 * offline files (pcap or pcapng; one, several, or every file of a directory, read in
 * name order as one continuous input) and live interfaces (one handle per worker, joined
 * in a PACKET_FANOUT group so each flow reaches one worker).
 *
 * A source is used by one thread at a time. Its counters are written by that thread
 * and may be read by the stats writer (relaxed atomics). */
#ifndef CANH_CAPTURE_H
#define CANH_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/util-common.h"

#define CAPTURE_END 1 /* capture_next(): no more packets will come (end of the files) */

struct capture_packet {
    uint64_t ts_us;
    uint32_t caplen, wirelen;
    int linktype;
    const uint8_t *data; /* valid until the next capture_next() on the same source */
    uint64_t seq;        /* files: position of the packet in the input (1, 2, ...; Suricata's
                            pcap_cnt); 0 on live interfaces */
};

struct capture_stats {
    uint64_t packets, bytes;        /* read by this source */
    uint64_t kernel_packets;        /* live: received by the kernel for this handle */
    uint64_t kernel_drops;          /* live: dropped for lack of buffer space */
    uint64_t kernel_ifdrops;        /* live: dropped by the interface or driver */
    uint64_t files_read, files_failed, read_errors; /* offline */
};

struct capture;

struct capture_ops {
    const char *name;
    /* CANH_OK with a packet, CANH_AGAIN when none is ready (live), CAPTURE_END, or
     * CANH_ERR on a failure that ends this source (logged). */
    int (*next)(struct capture *c, struct capture_packet *pkt);
    /* Refreshes the kernel counters (live); called from the owning thread. */
    void (*refresh_stats)(struct capture *c);
    /* File descriptor to poll for packets, or -1. */
    int (*fd)(const struct capture *c);
    void (*close)(struct capture *c);
};

struct capture {
    const struct capture_ops *ops;
    struct capture_stats stats;
};

/* Offline input. 'paths' are files or directories (every regular file inside, sorted by
 * name, not recursive). Files that cannot be opened or read are reported and skipped.
 * 'bpf' may be empty. Returns NULL with the reason in errbuf when no input is usable. */
struct capture *capture_open_files(char *const *paths, int npaths, const char *bpf,
                                   char errbuf[CANH_ERRBUF_SIZE]);

struct capture_live_opts {
    int snaplen;
    bool promisc;
    int buffer_size;
    const char *bpf;
    int fanout_group;  /* PACKET_FANOUT group id, or -1 for none (a single worker) */
};

/* Live interface. Returns NULL with the reason in errbuf. */
struct capture *capture_open_live(const char *ifname, const struct capture_live_opts *opts,
                                  char errbuf[CANH_ERRBUF_SIZE]);

static inline int capture_next(struct capture *c, struct capture_packet *pkt)
{
    return c->ops->next(c, pkt);
}

/* Closes the source; accepts NULL. */
void capture_close(struct capture *c);

#endif
