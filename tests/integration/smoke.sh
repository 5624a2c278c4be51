# smoke.sh - the demo zones answer over UDP and TCP, on IPv4 and IPv6; -t
# accepts the demo config; the daemon stops cleanly on TERM.
. tests/integration/lib.sh

check_cmd "geodnsd -t accepts the demo config" "$GEODNSD" -t -c zones/geodnsd.conf <<'EOF2'
zone example.com. serial 2026112701: 39 records, 2 services OK
zone example.net. serial 2026112701: 6 records OK
configuration zones/geodnsd.conf OK
EOF2

start_server tests/data/demo.conf || exit 1

for proto in +notcp +tcp; do
check "static A $proto" +norec $proto static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF2
done

SERVER=::1
check "AAAA over IPv6 transport" +norec static.example.com AAAA <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	AAAA
;; ANSWER SECTION:
static.example.com.	3600	IN	AAAA	2001:db8::80
EOF2
SERVER=127.0.0.1

if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
grep -q "event=stopped" "$TMP/server.log" && pass "stop logged" || fail "stop logged"
