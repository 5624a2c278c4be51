# xdp.sh - the AF_XDP path (server.xdp, issue 21): a network namespace and
# a veth pair made here (and deleted at the end), geodnsd with XDP on the
# host's side, and from the namespace: a static answer, a geo answer with
# ECS (the region and the SCOPE), EDNS (the OPT record, BADVERS), TC for
# an answer too large for the client's buffer and the same over TCP
# through the kernel, IPv6, RRL, and traffic that is not DNS passing to the
# kernel (TCP, and UDP to another port). geodnsd_xdp_packets_total counts
# every UDP query over the veth as answered from the XDP socket. At stop
# the program is detached; after a kill -9 the interface passes DNS to the
# kernel (port unreachable, not silence), and the next start removes the
# program left behind. Also: another XDP program holding the interface (a
# one-line error, that program kept), coalescing (none for queries one at
# a time, waits under load), and a veth pair with two queues (a socket and
# a worker each). It skips, saying why, only where the kernel or the
# driver refuses XDP.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

NS=gdxdp$$
HIF=gx$$h
NIF=gx$$n
H4=10.77.$(($$ % 200)).1
N4=10.77.$(($$ % 200)).2
H6=fd00:77:$(($$ % 9000))::1
N6=fd00:77:$(($$ % 9000))::2
# a second pair with two queues each way (one XDP worker a queue)
MIF=gm$$h
MNIF=gm$$n
M4=10.76.$(($$ % 200)).1
MN4=10.76.$(($$ % 200)).2
ECHO_PID=
teardown() {
	cleanup
	[ -n "$ECHO_PID" ] && kill "$ECHO_PID" 2>/dev/null
	ip link del "$HIF" 2>/dev/null
	ip link del "$MIF" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap teardown EXIT

if ! ip netns add "$NS" 2>"$TMP/netns.err"; then
	fail "a network namespace for the test: $(cat "$TMP/netns.err") (root and iproute2 needed)"
	exit 1
fi
ip link add "$HIF" type veth peer name "$NIF" &&
	ip link set "$NIF" netns "$NS" &&
	ip addr add "$H4/24" dev "$HIF" && ip addr add "$H6/64" dev "$HIF" nodad &&
	ip link set "$HIF" up &&
	ip -n "$NS" addr add "$N4/24" dev "$NIF" && ip -n "$NS" addr add "$N6/64" dev "$NIF" nodad &&
	ip -n "$NS" link set "$NIF" up && ip -n "$NS" link set lo up ||
	{ fail "the veth pair $HIF/$NIF"; exit 1; }

cat >"$TMP/xdp.tmpl" <<EOF
{
  "server": { "listen": ["$H4:@PORT@", "[$H6]:@PORT@", "127.0.0.1:@PORT@"],
              "workers": 1, "xdp": ["$HIF"] },
  "http": { "listen": "127.0.0.1:@HTTPPORT@" },
  "geoip": { "database": "@ROOT@/tests/tmp/geo/city.mmdb" },
  "regions": {
    "us-east":  { "location": [38.9, -77.0] },
    "eu-west":  { "location": [53.3, -6.3] },
    "ap-south": { "location": [1.35, 103.8] }
  },
  "ecs": { "enabled": true, "trusted": ["0.0.0.0/0", "::/0"] },
  "rrl": { "responses_per_second": 50, "slip": 2, "window": 5 },
  "zones": [
    { "origin": "example.com", "file": "@ROOT@/zones/example.com.zone",
      "services": "@ROOT@/zones/example.com.services.json" },
    { "origin": "example.net", "file": "@ROOT@/zones/example.net.zone" }
  ]
}
EOF
# an interface that does not exist: an error of the configuration
sed -e "s|\"xdp\": \[\"$HIF\"\]|\"xdp\": [\"$HIF\", \"nosuch0\"]|" -e "s|@PORT@|5353|g" \
	-e "s|@HTTPPORT@|5354|g" -e "s|@ROOT@|$ROOT|g" "$TMP/xdp.tmpl" >"$TMP/nosuch.conf"
check_cmd "geodnsd -t: an interface that does not exist" sh -c "
	'$GEODNSD' -t -c '$TMP/nosuch.conf' >'$TMP/nosuch.out' 2>&1; echo \"exit \$?\"
	grep -o 'server.xdp\\[1\\]: no network interface .*' '$TMP/nosuch.out'" <<'OUT'
exit 1
server.xdp[1]: no network interface "nosuch0" on this host
OUT

# without the privileges XDP needs: one line naming the interface and the
# cause, exit 1, nothing left on the interface, nothing leaked
sed -e "s|@PORT@|5353|g" -e "s|@HTTPPORT@|5354|g" -e "s|@ROOT@|$ROOT|g" "$TMP/xdp.tmpl" \
	>"$TMP/nopriv.conf"
capsh --drop=cap_net_admin,cap_bpf,cap_sys_admin,cap_net_raw,cap_perfmon -- -c \
	"exec '$GEODNSD' -f -c '$TMP/nopriv.conf'" >"$TMP/nopriv.log" 2>&1
echo "exit $?" >>"$TMP/nopriv.log"
check_cmd "no privileges: the cause named, not started, nothing attached" sh -c "
	grep -o 'event=xdp_failed interface=$HIF error=\"attaching the XDP program: not permitted' '$TMP/nopriv.log'
	tail -1 '$TMP/nopriv.log'
	ip link show $HIF | grep -c 'prog/xdp'
	grep -c 'Sanitizer' '$TMP/nopriv.log'" <<OUT
event=xdp_failed interface=$HIF error="attaching the XDP program: not permitted
exit 1
0
0
OUT

# another XDP program on the interface, attached without libxdp's
# dispatcher (as here: the dispatcher needs program extensions, which
# this machine refuses): geodnsd says so in one line and exits, and the
# other program is left as it was
cat >"$TMP/other.bpf.c" <<'EOF'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("xdp") int other_prog(struct xdp_md *ctx) { return XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
EOF
if ! clang -O2 -target bpf -I/usr/include/"$(cc -dumpmachine)" -c -o "$TMP/other.bpf.o" \
	"$TMP/other.bpf.c" 2>"$TMP/other.err" ||
	! ip link set dev "$HIF" xdpdrv obj "$TMP/other.bpf.o" sec xdp 2>>"$TMP/other.err"; then
	fail "another XDP program for the test: $(cat "$TMP/other.err")"
	exit 1
fi
xdp_prog_id() { ip -d link show "$HIF" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }
id0=$(xdp_prog_id)
"$GEODNSD" -f -c "$TMP/nopriv.conf" >"$TMP/other.log" 2>&1
echo "exit $?" >>"$TMP/other.log"
other_kept() {
	grep -o "event=xdp_failed interface=$HIF error=.*" "$TMP/other.log"
	tail -1 "$TMP/other.log"
	[ -n "$id0" ] && [ "$(xdp_prog_id)" = "$id0" ] && echo "the same program attached"
}
check_cmd "another program holds the interface: the cause named, that program kept" other_kept <<OUT
event=xdp_failed interface=$HIF error="attaching the XDP program: another XDP program holds the interface without libxdp's dispatcher"
exit 1
the same program attached
OUT
ip link set dev "$HIF" xdpdrv off

if ! start_server "$TMP/xdp.tmpl"; then
	if grep -q "does not support XDP" "$TMP/server.log"; then
		echo "SKIP xdp.sh: the kernel or the veth driver refuses XDP here:"
		grep "event=xdp_failed" "$TMP/server.log"
		exit 0
	fi
	exit 1
fi

# nq ARGS...: dig from the namespace, normalized as dq
nq() {
	ip netns exec "$NS" dig -p "$PORT" +nocmd +nostats +time=2 +tries=1 +nocookie "$@" 2>&1 |
		sed -e 's/, id: [0-9]*$//' -e '/^;; Got answer:/d' -e '/^$/d' \
		    -e '/^;; Query time/d' -e '/^;; SERVER:/d' -e '/^;; WHEN:/d'
}
# ncheck NAME ARGS...: nq against stdin
ncheck() {
	_name=$1
	shift
	check_cmd "$_name" nq "$@"
}
xdp_count() {
	curl -s "http://127.0.0.1:$HTTPPORT/metrics" |
		awk -v r="$1" '$1 == "geodnsd_xdp_packets_total{result=\"" r "\"}" { print $2 }'
}

check_cmd "attached in native mode, one queue" sh -c \
	"grep -o 'event=xdp_attached interface=$HIF mode=[a-z]* dispatcher=[a-z]* queues=1 addresses=2' '$TMP/server.log' | sed 's/dispatcher=[a-z]* //'" <<OUT
event=xdp_attached interface=$HIF mode=native queues=1 addresses=2
OUT

ncheck "a static name over XDP" @"$H4" +norec ns1.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;ns1.example.com.		IN	A
;; ANSWER SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
OUT

ncheck "a geo answer with ECS: the region and its SCOPE" @"$H4" +norec +short \
	www.example.com A +subnet=198.51.100.0/24 <<'OUT'
198.51.100.10
198.51.100.11
OUT
check_cmd "the ECS option of that answer" sh -c \
	"ip netns exec $NS dig -p $PORT @$H4 +norec +nocookie www.example.com A +subnet=198.51.100.0/24 | grep CLIENT-SUBNET" <<'OUT'
; CLIENT-SUBNET: 198.51.100.0/24/26
OUT

ncheck "EDNS version 1: BADVERS" @"$H4" +norec +edns=1 +noednsneg ns1.example.com A <<'OUT'
;; ->>HEADER<<- opcode: QUERY, status: BADVERS
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;ns1.example.com.		IN	A
OUT

check_cmd "too large for 512 octets: TC over XDP, whole over TCP through the kernel" sh -c "
	ip netns exec $NS dig -p $PORT @$H4 +norec +nocookie +noedns +ignore big.example.com TXT | grep -o 'flags: qr aa tc'
	ip netns exec $NS dig -p $PORT @$H4 +norec +nocookie +tcp +short big.example.com TXT | wc -l" <<'OUT'
flags: qr aa tc
3
OUT

ncheck "IPv6 over XDP" @"$H6" +norec +short ns1.example.com A <<'OUT'
192.0.2.1
OUT

# UDP to another port of the host's address: an echo server, not geodnsd
EPORT=$((PORT + 3))
python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$H4', $EPORT))
while True:
    d, a = s.recvfrom(512)
    s.sendto(b'echo ' + d, a)
" &
ECHO_PID=$!
sleep 0.3
check_cmd "UDP to another port passes to the kernel" ip netns exec "$NS" python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(b'ping', ('$H4', $EPORT))
print(s.recvfrom(512)[0].decode())" <<'OUT'
echo ping
OUT
kill "$ECHO_PID"
wait "$ECHO_PID" 2>/dev/null
ECHO_PID=

check_cmd "every UDP query over the veth answered from the XDP socket" xdp_count answered <<'OUT'
6
OUT
# queries one at a time find the worker idle: answered at once, no wait
# for more (server.coalesce_us)
check_cmd "queries one at a time over XDP: no coalescing wait" sh -c \
	"curl -s http://127.0.0.1:$HTTPPORT/metrics | grep '^geodnsd_coalesce_waits_total '" <<'OUT'
geodnsd_coalesce_waits_total 0
OUT

# RRL on the XDP path: 200 queries a second for 2 s from one address, for
# a name not asked before (a new account: 50, and 50 a second), at 50 a
# second: limited, and the rest answered (within 10%). -q 1000: the
# limited queries that get no answer stay outstanding for the 1 s timeout,
# and dnsperf's default of 100 outstanding would hold its sending back
# (then the queries span fewer seconds, and fewer are answered)
printf 'static.example.com A\n' >"$TMP/q.txt"
# RRL's seconds are CLOCK_MONOTONIC's: start half-way through one, so
# that the 2 s run crosses two boundaries and holds 100 queries after the
# last (a start just after a boundary leaves too few to take its 50)
python3 -c '
import time
while not 0.45 <= time.clock_gettime(time.CLOCK_MONOTONIC) % 1 <= 0.55:
    time.sleep(0.01)'
ip netns exec "$NS" dnsperf -s "$H4" -p "$PORT" -d "$TMP/q.txt" -l 2 -Q 200 -q 1000 -t 1 \
	>"$TMP/dnsperf.out" 2>&1
sent=$(awk '/Queries sent:/ {print $3}' "$TMP/dnsperf.out")
limited=$(curl -s "http://127.0.0.1:$HTTPPORT/metrics" |
	awk '$1 == "geodnsd_rrl_responses_total{action=\"limited\"}" { print $2 }')
answered=$((sent - limited))
ms=$(awk '/Run time \(s\):/ {printf "%d", $4 * 1000}' "$TMP/dnsperf.out")
expected=$((50 + 50 * ms / 1000))
if [ "$limited" -gt 0 ] && [ "$answered" -ge $((expected * 9 / 10)) ] &&
	[ "$answered" -le $((expected * 11 / 10)) ]; then
	pass "RRL over XDP: $answered of $sent answered, expected $expected +-10%"
else
	fail "RRL over XDP: sent=$sent limited=$limited answered=$answered expected=$expected"
fi

stop_server
check_cmd "stopped: the program is detached" sh -c "ip link show $HIF | grep -c 'prog/xdp'" <<'OUT'
0
OUT

# killed: the program stays, but DNS passes to the kernel (nothing listens:
# port unreachable), and the next start takes the interface over
start_server "$TMP/xdp.tmpl" || exit 1
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
check_cmd "killed: the program stays on the interface" sh -c \
	"ip link show $HIF | grep -o 'prog/xdp id [0-9]* name geodnsd_xdp' | sed 's/id [0-9]*/id N/'" <<'OUT'
prog/xdp id N name geodnsd_xdp
OUT
check_cmd "killed: DNS to the interface is refused by the kernel, not swallowed" sh -c \
	"ip netns exec $NS dig -p $PORT @$H4 +tries=1 +time=2 ns1.example.com A | grep -o 'connection refused'" <<'OUT'
connection refused
OUT
# the restart without RRL, for the burst below
grep -v '"rrl"' "$TMP/xdp.tmpl" >"$TMP/xdp-norrl.tmpl"
start_server "$TMP/xdp-norrl.tmpl" || exit 1
check_cmd "restarted: the program left behind is replaced" sh -c "
	grep -c 'event=xdp_leftover interface=$HIF action=removed' '$TMP/server.log'
	ip netns exec $NS dig -p $PORT @$H4 +short ns1.example.com A" <<'OUT'
1
192.0.2.1
OUT

# a burst of 256 queries at once: every answer within 300 ms (the worker
# kicks the TX ring until it is empty before it sleeps; on this machine
# the burst also passed before that, its batches staying small)
check_cmd "a burst of 256: every answer within 300 ms" ip netns exec "$NS" python3 -c "
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
q = b'\\x03ns1\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01'
t0 = time.monotonic()
for i in range(256):
    s.sendto(struct.pack('>HHHHHH', i, 0, 1, 0, 0, 0) + q, ('$H4', $PORT))
seen = set()
fast = 0
s.settimeout(0.05)
while time.monotonic() - t0 < 1.5 and len(seen) < 256:
    try:
        d = s.recv(512)
    except socket.timeout:
        continue
    seen.add(struct.unpack('>H', d[:2])[0])
    if time.monotonic() - t0 <= 0.3:
        fast += 1
print(len(seen), fast)" <<'OUT'
256 256
OUT

# under load (8 clients, 100 queries outstanding, 1 s): every query
# answered over XDP, and the worker waited for more to send together
ip netns exec "$NS" dnsperf -s "$H4" -p "$PORT" -d "$TMP/q.txt" -l 1 -c 8 -q 100 -t 2 \
	>"$TMP/load.out" 2>&1
check_cmd "under load over XDP: every query answered" awk '
	/Queries sent:/ { s = $3 } /Queries completed:/ { c = $3 }
	END { print (s > 0 && s == c) ? "every query answered" : "sent " s " completed " c }' \
	"$TMP/load.out" <<'OUT'
every query answered
OUT
waits=$(metric geodnsd_coalesce_waits_total)
if [ "$waits" -gt 0 ]; then
	pass "under load over XDP: the worker waited for more queries ($waits waits)"
else
	fail "under load over XDP: no coalescing wait counted"
fi
stop_server

# two receive queues: one AF_XDP socket and worker each. In the namespace
# the sending CPU picks the queue (XPS: CPU 0 sends on queue 0, CPU 1 on
# queue 1, and veth hands a frame to the peer's queue of the same
# number), so queries from each CPU reach each queue's socket; a queue
# without one would pass them to the kernel's socket (still answered, but
# not counted as XDP)
ip link add "$MIF" numtxqueues 2 numrxqueues 2 type veth peer name "$MNIF" \
	numtxqueues 2 numrxqueues 2 &&
	ip link set "$MNIF" netns "$NS" &&
	ip addr add "$M4/24" dev "$MIF" && ip link set "$MIF" up &&
	ip -n "$NS" addr add "$MN4/24" dev "$MNIF" && ip -n "$NS" link set "$MNIF" up &&
	ip netns exec "$NS" sh -c "echo 1 >/sys/class/net/$MNIF/queues/tx-0/xps_cpus &&
		echo 2 >/sys/class/net/$MNIF/queues/tx-1/xps_cpus" ||
	{ fail "the two-queue veth pair $MIF/$MNIF"; exit 1; }
sed -e "s|\"xdp\": \[\"$HIF\"\]|\"xdp\": [\"$MIF\"]|" -e "s|\"$H4:@PORT@\"|\"$M4:@PORT@\"|" \
	"$TMP/xdp-norrl.tmpl" >"$TMP/xdp-mq.tmpl"
start_server "$TMP/xdp-mq.tmpl" || exit 1
check_cmd "two queues: a socket and a worker for each" sh -c \
	"grep -o 'event=xdp_attached interface=$MIF mode=[a-z]* dispatcher=[a-z]* queues=[0-9]*' '$TMP/server.log' | sed 's/dispatcher=[a-z]* //'" <<OUT
event=xdp_attached interface=$MIF mode=native queues=2
OUT
for cpu in 0 1 0 1 0 1 0 1 0 1; do
	ip netns exec "$NS" taskset -c "$cpu" dig +short +tries=1 +time=2 -p "$PORT" @"$M4" \
		ns1.example.com A
done >"$TMP/mq.out"
check_cmd "two queues: queries sent from each CPU answered over XDP" sh -c "
	sort '$TMP/mq.out' | uniq -c | sed 's/^ *//'
	curl -s http://127.0.0.1:$HTTPPORT/metrics | grep '^geodnsd_xdp_packets_total{result=\"answered\"}'" <<'OUT'
10 192.0.2.1
geodnsd_xdp_packets_total{result="answered"} 10
OUT
stop_server
