/* EVE JSON events: one object per line, Suricata's field names where a field exists
 * there, plus schema_version, event_id and sensor{id, org} (docs/events.md lists every
 * field).
 *
 * A worker builds each event in its own buffer (struct eve) and pushes the line onto its
 * event ring, which the output thread drains. When the ring is full, a worker reading a
 * file waits (nothing is lost); a worker on a live interface never waits: the event is
 * counted as dropped (the Redis issue adds the disk spool behind this). */
#ifndef CANH_OUTPUT_EVE_H
#define CANH_OUTPUT_EVE_H

#include <stdbool.h>
#include <stdint.h>

#include "applayer/applayer-ndpi.h"
#include "conf.h"
#include "decode/decode.h"
#include "flow/flow.h"
#include "util/util-json.h"

#define EVE_EVENT_MAX (64 * 1024) /* bytes of one event line; strings are cut well before */
#define EVE_RECORD_EVENT 1        /* ring record type of an event line */
#define EVE_SCRATCH_SIZE (16 * 1024) /* base64 of an alert's payload (8 KiB) fits */

struct ring;

struct eve_stats {
    uint64_t events;     /* events pushed to the output thread */
    uint64_t dropped;    /* not pushed: the queue was full and waiting is not allowed */
    uint64_t too_large;  /* not pushed: larger than EVE_EVENT_MAX */
    uint64_t by_type[16]; /* per enum eve_type bit */
};

#define EVE_CID_CACHE 256 /* Community IDs remembered per worker (direct-mapped) */

struct eve_cid {
    const struct flow *f; /* with first_us and hash: the flow it was computed for */
    uint64_t first_us;
    uint32_t hash;
    uint8_t client;
    char cid[COMMUNITY_ID_LEN];
};

struct eve {
    /* Identity, fixed at start. */
    const char *sensor_id;
    const char *org;
    const char *boot_id;
    unsigned worker;
    uint64_t types;   /* enum eve_type bits to write */
    bool may_wait;    /* wait for queue space (files) or drop (live) */

    struct ring *ring;
    uint64_t seq;
    struct json j;
    char *buf;
    struct eve_stats stats;
    int cur_type_bit; /* of the event being built */

    /* "<sensor>:<boot>:<worker>:" for event ids, built by eve_init. */
    char id_prefix[CONF_STR_MAX + 64];
    size_t id_prefix_len;
    /* Community IDs of recent flows: a flow's events (DNS query and answer, app-layer
     * events, the flow event) would otherwise hash the same 5-tuple each time. */
    struct eve_cid *cid_cache;
    /* Scratch for encoding payloads (alerts), EVE_SCRATCH_SIZE bytes. */
    char *scratch;
    /* "schema_version":1,"sensor":{...}: the same in every event, built by eve_init. */
    char constant[8 * CONF_STR_MAX]; /* an org of 255 control characters escapes to 1530 */
    size_t constant_len;
};

/* Allocates the event buffer; the identity fields must be set. Returns CANH_ENOMEM on
 * failure. */
int eve_init(struct eve *e);
void eve_destroy(struct eve *e);

/* True if events of this type are written. */
static inline bool eve_enabled(const struct eve *e, uint64_t type)
{
    return (e->types & type) != 0;
}

/* Starts an event: timestamp, event_type, event_id, schema_version, sensor. */
void eve_begin(struct eve *e, uint64_t type, const char *type_name, uint64_t ts_us);
/* Flow identity: flow_id, addresses and ports (client to server), proto, vlan,
 * app_proto, community_id. */
void eve_flow_fields(struct eve *e, const struct flow *f, const struct dpi_thread *dpi);
/* Packet identity when the packet has no flow: addresses, ports, proto from the packet. */
void eve_packet_fields(struct eve *e, const struct packet *p);
/* Ends the event and pushes it onto 'ring'; with no ring, the line is left in 'buf'
 * ('j.len' bytes, unless 'j.overflow'). */
void eve_end(struct eve *e);

/* Whole events. */
void eve_flow(struct eve *e, const struct flow *f, enum flow_end_reason reason,
              const struct dpi_thread *dpi);
void eve_app(struct eve *e, const struct flow *f, const struct dpi_meta *m,
             const struct dpi_thread *dpi, uint64_t ts_us);
void eve_anomaly(struct eve *e, const struct packet *p, const struct flow *f,
                 const struct dpi_thread *dpi);

/* An application-layer event ('layer' "dns", 'event' "dns.pointer_loop") on a packet of
 * flow 'f', with the first bytes of the packet's payload. */
void eve_applayer_anomaly(struct eve *e, const struct packet *p, const struct flow *f,
                          const struct dpi_thread *dpi, const char *layer, const char *event,
                          uint32_t sid);

/* The Community ID of flow 'f' (cached per worker). */
const char *eve_flow_community_id(struct eve *e, const struct flow *f);

/* Text helpers shared with the stats writer. */
void eve_format_ts(uint64_t ts_us, char out[40]);
const char *eve_proto_name(uint8_t proto, char buf[8]);
void eve_addr(const struct canh_addr *a, uint8_t ipver, char out[46]);

#endif
