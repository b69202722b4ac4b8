# Helpers for the golden checks (tests/golden/*.checks; see tests/golden/README.md).
# The input of every check is the array of all events of one run of the sensor.

def events($type): map(select(.event_type == $type));
def flows: events("flow");
def anomalies: events("anomaly");
def stats: events("stats") | last | .stats;

# A counter object without its zero members (stats.decoder | nonzero).
def nonzero: with_entries(select(.value != 0 and .value != {}));

# "192.0.2.1:40001", "[2001:db8::1]:40002", or the bare address without a port.
def endpoint($ip; $port):
  if $port == null then $ip
  elif ($ip | contains(":")) then "[\($ip)]:\($port)"
  else "\($ip):\($port)" end;

# The flow identity of an event in one line:
#   "UDP 192.0.2.1:40001 > 192.0.2.53:53", then " vlan 10,20" when tagged and
#   " icmp 8/0" (type/code of the first packet) for ICMP and ICMPv6 flows.
def tuple:
  "\(.proto) \(endpoint(.src_ip; .src_port)) > \(endpoint(.dest_ip; .dest_port))"
  + (if .vlan then " vlan " + (.vlan | map(tostring) | join(",")) else "" end)
  + (if .icmp_type != null then " icmp \(.icmp_type)/\(.icmp_code)" else "" end);

# A flow event in one line: identity, packets and bytes (to server/to client), state and
# the reason it ended.
def flowline:
  "\(tuple) pkts \(.flow.pkts_toserver)/\(.flow.pkts_toclient)"
  + " bytes \(.flow.bytes_toserver)/\(.flow.bytes_toclient) \(.flow.state) \(.flow.reason)";
def flowlines: [flows[] | flowline] | sort;

# The same without bytes to the server (flows whose client sent fragmented datagrams:
# how a reassembled datagram's bytes are counted is an open question, see README.md).
def flowline_reasm:
  "\(tuple) pkts \(.flow.pkts_toserver)/\(.flow.pkts_toclient)"
  + " bytes -/\(.flow.bytes_toclient) \(.flow.state) \(.flow.reason)";

# TCP flows: identity, flags seen to server / to client (hex), TCP state.
def tcpline: "\(tuple) flags \(.tcp.tcp_flags_ts)/\(.tcp.tcp_flags_tc) \(.tcp.state)";
def tcplines: [flows[] | select(.proto == "TCP") | tcpline] | sort;

# An anomaly event in one line: the decoder event, the identity of the packet (as far as
# it was decoded) or of its flow, "(flow)" when the packet was tied to a flow, and the
# tunnel it was found in.
def anomalyline:
  .anomaly.event
  + (if .src_ip then " " + tuple else "" end)
  + (if .flow_id != null then " (flow)" else "" end)
  + (if .tunnel then " tunnel \(.tunnel.type) \(.tunnel.src_ip) > \(.tunnel.dest_ip)" else "" end);
def anomalylines: [anomalies[] | anomalyline] | sort;

# DNS events: identity, type, name, query type, and for answers the rcode and first answer.
def dnsline:
  "\(tuple) \(.dns.type) \(.dns.rrname) \(.dns.rrtype)"
  + (if .dns.type == "answer" then " \(.dns.rcode) \(.dns.answers[0].rdata // "-")" else "" end);
def dnslines: [events("dns")[] | dnsline] | sort;
# One line per DNS answer event: with Canh's own DNS parser every message is an event, so
# an exchange is a query event and an answer event; checks that count exchanges count
# answers (common.checks pairs every answer with its query).
def dnsanswers: [events("dns")[] | select(.dns.type == "answer") | dnsline] | sort;

# The one flow with this identity (an error unless there is exactly one).
def flow($t):
  [flows[] | select(tuple == $t)]
  | if length == 1 then .[0] else error("\(length) flows \"\($t)\"") end;
