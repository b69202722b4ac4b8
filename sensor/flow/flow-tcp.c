/* TCP connection state, as far as flows need it: handshake, FIN each way, RST.
 * Spec: RFC 9293 section 3.3.2 (state machine). Sequence numbers are not checked here;
 * that is the stream stage's job. A flow picked up mid-connection stays in "none" and
 * counts as established once both directions have been seen. */
#include "flow.h"

void flow_tcp_update(struct flow *f, const struct packet *p, int dir)
{
    uint8_t flags = p->tcp_flags;
    f->tcp_flags[dir] |= flags;
    if (flags & TH_RST) {
        f->tcp_state = FLOW_TCP_CLOSED;
        return;
    }
    switch (f->tcp_state) {
    case FLOW_TCP_NONE:
        if ((flags & (TH_SYN | TH_ACK)) == TH_SYN && dir == FLOW_TO_SERVER)
            f->tcp_state = FLOW_TCP_SYN_SENT;
        else if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) && dir == FLOW_TO_CLIENT)
            f->tcp_state = FLOW_TCP_SYN_RECV;
        break;
    case FLOW_TCP_SYN_SENT:
        if ((flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) && dir == FLOW_TO_CLIENT)
            f->tcp_state = FLOW_TCP_SYN_RECV;
        break;
    case FLOW_TCP_SYN_RECV:
        if ((flags & (TH_SYN | TH_ACK)) == TH_ACK && dir == FLOW_TO_SERVER)
            f->tcp_state = FLOW_TCP_ESTABLISHED;
        break;
    default:
        break;
    }
    if (flags & TH_FIN) {
        bool both = (f->tcp_flags[FLOW_TO_SERVER] & TH_FIN) && (f->tcp_flags[FLOW_TO_CLIENT] & TH_FIN);
        if (both)
            f->tcp_state = FLOW_TCP_CLOSED;
        else if (f->tcp_state == FLOW_TCP_ESTABLISHED || f->tcp_state == FLOW_TCP_NONE ||
                 f->tcp_state == FLOW_TCP_SYN_RECV)
            f->tcp_state = FLOW_TCP_FIN_WAIT;
    }
}
