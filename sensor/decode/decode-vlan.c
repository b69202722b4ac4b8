/* 802.1Q VLAN and 802.1ad (QinQ) tag decoder. Spec: IEEE 802.1Q-2018 9.6.
 *
 * Called with the 4 bytes after the tag's TPID: TCI(2) = PCP(3) DEI(1) VID(12), then the
 * encapsulated ethertype(2). The outer two VLAN ids are kept in the packet (and in the
 * flow key); a third tag is an event. */
#include "decode.h"
#include "util/util-cursor.h"

#define VLAN_MAX_TAGS 2 /* QinQ; more is not seen on real taps and is an evasion attempt */

int decode_vlan(struct decode_thread *dt, struct packet *p, const uint8_t *data, uint32_t len)
{
    struct cursor c;
    uint16_t tci, type;
    cursor_init(&c, data, len);
    if (!cursor_be16(&c, &tci) || !cursor_be16(&c, &type))
        return decode_event(dt, p, DECODE_EV_VLAN_HEADER_TOO_SMALL);
    if (p->vlan_count >= VLAN_MAX_TAGS)
        return decode_event(dt, p, DECODE_EV_VLAN_TOO_MANY_LAYERS);
    if (!decode_layer_enter(dt, p))
        return CANH_ERR;
    p->vlan[p->vlan_count++] = tci & 0x0fff;
    if (p->vlan_count == 2)
        STAT_INC(dt->stats.vlan_qinq);
    else
        STAT_INC(dt->stats.vlan);
    return decode_ethertype(dt, p, type, cursor_ptr(&c), cursor_left(&c));
}
