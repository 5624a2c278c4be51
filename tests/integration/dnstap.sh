# dnstap.sh - dnstap (issue 20 item 6): AUTH_QUERY and AUTH_RESPONSE for
# every query, from the UDP threads (IPv4 and IPv6) and the TCP loop,
# written to fstrm_capture (fstrm-bin) on a Unix socket and on TCP, and
# decoded by dnstap-ldns: exactly the queries sent, with their protocol,
# addresses and answers; dnstap.sample 1 in N; the client cut to /24 and
# /56; a collector that is away at start: messages dropped and counted
# (geodnsd_dnstap_dropped_total), a warning naming the socket, and the
# messages flowing once the collector comes up (reconnect_interval).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
CAP_PID=
stop_capture() {
	[ -n "$CAP_PID" ] || return 0
	kill -TERM "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}
trap 'stop_capture; cleanup' EXIT

for tool in fstrm_capture dnstap-ldns; do
	command -v $tool >/dev/null 2>&1 || { fail "$tool is not installed (tools/install-deps)"; exit 1; }
done

SOCK=$TMP/tap.sock
# capture_unix FILE: fstrm_capture on $SOCK writing FILE, ready when the
# socket exists
capture_unix() {
	rm -f "$SOCK" "$1"
	fstrm_capture -t protobuf:dnstap.Dnstap -u "$SOCK" -w "$1" >"$TMP/capture.log" 2>&1 &
	CAP_PID=$!
	_i=0
	while [ ! -S "$SOCK" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
}

# conf DNSTAP-OBJECT LISTEN...: a template with that dnstap section
conf() {
	_tap=$1
	shift
	_listen=$(printf '"%s",' "$@" | sed 's/,$//')
	cat >"$TMP/dnstap.tmpl" <<EOF
{
  "server": { "listen": [$_listen], "workers": 1 },
  "http": { "listen": "127.0.0.1:@HTTPPORT@" },
  "geoip": { "database": "@ROOT@/tests/tmp/geo/city.mmdb" },
  "regions": {
    "us-east":  { "location": [38.9, -77.0] },
    "eu-west":  { "location": [53.3, -6.3] },
    "ap-south": { "location": [1.35, 103.8] }
  },
  "ecs": { "enabled": true, "trusted": ["0.0.0.0/0", "::/0"] },
  "dnstap": $_tap,
  "zones": [
    { "origin": "example.com", "file": "@ROOT@/zones/example.com.zone",
      "services": "@ROOT@/zones/example.com.services.json" },
    { "origin": "example.net", "file": "@ROOT@/zones/example.net.zone" }
  ]
}
EOF
}

# decoded FILE: one line a message without its time and sizes:
# TYPE ADDRESS PROTOCOL "QNAME" CLASS TYPE, sorted
decoded() {
	dnstap-ldns -r "$1" 2>&1 | awk '{ $1 = $2 = ""; $6 = ""; sub(/^ +/, ""); print }' |
		sed 's/  */ /g' | sort
}

metric() {
	curl -s "http://127.0.0.1:$HTTPPORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'
}

# ---- every query, both protocols and families, on a Unix socket ----
capture_unix "$TMP/all.tap"
conf "{ \"socket\": \"@TMP@/tap.sock\", \"identity\": \"pop-test\", \"reconnect_interval\": 1 }" \
	"127.0.0.1:@PORT@" "[::1]:@PORT@"
start_server "$TMP/dnstap.tmpl" || exit 1
dq +short www.example.com A +subnet=198.51.100.0/24 >/dev/null
dq +short +tcp example.com SOA >/dev/null
SERVER=::1 dq +short nope.example.com AAAA >/dev/null
dq +short example.org A >/dev/null
check_cmd "eight messages queued, none dropped" sh -c \
	"echo \$(curl -s http://127.0.0.1:$HTTPPORT/metrics | awk '/^geodnsd_dnstap_(sent|dropped)_total / { print \$2 }')" <<'OUT'
8 0
OUT
stop_server
stop_capture
check_cmd "each query and its response, decoded by dnstap-ldns" decoded "$TMP/all.tap" <<'OUT'
AQ 127.0.0.1 TCP "example.com." IN SOA
AQ 127.0.0.1 UDP "example.org." IN A
AQ 127.0.0.1 UDP "www.example.com." IN A
AQ ::1 UDP "nope.example.com." IN AAAA
AR 127.0.0.1 TCP "example.com." IN SOA
AR 127.0.0.1 UDP "example.org." IN A
AR 127.0.0.1 UDP "www.example.com." IN A
AR ::1 UDP "nope.example.com." IN AAAA
OUT
dnstap-ldns -y -r "$TMP/all.tap" >"$TMP/all.yaml" 2>&1
# the geo answer of the ECS query (its region's addresses, the ECS option
# with SCOPE 26 after the query's with SCOPE 0), NXDOMAIN, REFUSED, the
# identity, and the server's port on each message
check_cmd "the messages as sent and answered" sh -c "
	grep -c 'identity: \"pop-test\"' '$TMP/all.yaml'
	grep -c '^    www.example.com.	30	IN	A	198.51.100.1[01]\$' '$TMP/all.yaml'
	grep -c 'Data: .# 11 0008000700011800c63364\$' '$TMP/all.yaml'
	grep -c 'Data: .# 11 000800070001181ac63364\$' '$TMP/all.yaml'
	grep -c 'rcode: NXDOMAIN' '$TMP/all.yaml'
	grep -c 'rcode: REFUSED' '$TMP/all.yaml'
	grep -c 'response_port: $PORT\$' '$TMP/all.yaml'" <<'OUT'
8
2
1
1
1
1
8
OUT

# ---- 1 in 3, the client truncated, over TCP to the collector ----
CPORT=$((PORT + 2))
rm -f "$TMP/sample.tap"
fstrm_capture -t protobuf:dnstap.Dnstap -a 127.0.0.1 -p "$CPORT" -w "$TMP/sample.tap" \
	>"$TMP/capture.log" 2>&1 &
CAP_PID=$!
sleep 0.3
conf "{ \"tcp\": \"127.0.0.1:$CPORT\", \"sample\": 3, \"truncate_client\": true }" \
	"127.0.0.1:@PORT@"
start_server "$TMP/dnstap.tmpl" || exit 1
for i in 1 2 3 4 5 6 7 8 9; do
	dq +short "q$i.example.com" TXT >/dev/null
done
stop_server
stop_capture
check_cmd "sample 3: queries 3, 6 and 9; client 127.0.0.0" decoded "$TMP/sample.tap" <<'OUT'
AQ 127.0.0.0 UDP "q3.example.com." IN TXT
AQ 127.0.0.0 UDP "q6.example.com." IN TXT
AQ 127.0.0.0 UDP "q9.example.com." IN TXT
AR 127.0.0.0 UDP "q3.example.com." IN TXT
AR 127.0.0.0 UDP "q6.example.com." IN TXT
AR 127.0.0.0 UDP "q9.example.com." IN TXT
OUT

# ---- the collector away at start, then up ----
rm -f "$SOCK"
conf "{ \"socket\": \"@TMP@/tap.sock\", \"reconnect_interval\": 1, \"queue_size\": 4, \"log_queries\": false }" \
	"127.0.0.1:@PORT@"
start_server "$TMP/dnstap.tmpl" || exit 1
check_cmd "a warning names the collector that is away" sh -c \
	"grep -c 'event=dnstap_collector_unreachable socket=$SOCK ' '$TMP/server.log'" <<'OUT'
1
OUT
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	dq +short "before$i.example.com" TXT >/dev/null
done
sleep 0.2
check_cmd "away: every response counted as queued or dropped, some dropped" sh -c "
	s=\$(curl -s http://127.0.0.1:$HTTPPORT/metrics | awk '\$1 == \"geodnsd_dnstap_sent_total\" { print \$2 }')
	d=\$(curl -s http://127.0.0.1:$HTTPPORT/metrics | awk '\$1 == \"geodnsd_dnstap_dropped_total\" { print \$2 }')
	echo \$((s + d)) \$((d > 0))" <<'OUT'
20 1
OUT
capture_unix "$TMP/late.tap"
# fstrm tries again every second: wait for it to connect
sleep 2.5
for i in 1 2 3; do
	dq +short "after$i.example.com" TXT >/dev/null
done
stop_server
stop_capture
late() { decoded "$TMP/late.tap" | grep after; }
check_cmd "up again: the responses after it came up reach it" late <<'OUT'
AR 127.0.0.1 UDP "after1.example.com." IN TXT
AR 127.0.0.1 UDP "after2.example.com." IN TXT
AR 127.0.0.1 UDP "after3.example.com." IN TXT
OUT
