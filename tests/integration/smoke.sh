# smoke.sh - the demo zones answer over UDP and TCP, on IPv4 and IPv6; -t
# accepts the demo config; the daemon stops cleanly on TERM.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
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

# regression: a SIGHUP that arrives while geodnsd is still starting must not
# kill it (the signal waits for its handler, then reloads). A zone of 50000
# records keeps start-up busy long enough to send the signal into it.
{
	printf '$ORIGIN big.test.\n$TTL 300\n@ SOA ns hm 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n'
	awk 'BEGIN { for (i = 0; i < 50000; i++) printf "h%d A 10.%d.%d.%d\n", i, i / 65536, i / 256 % 256, i % 256 }'
} >"$TMP/big.zone"
cat >"$TMP/early.conf" <<EOF2
{ "server": { "listen": ["127.0.0.1:0"], "workers": 1 },
  "zones": [ { "origin": "big.test", "file": "$TMP/big.zone" } ] }
EOF2
"$GEODNSD" -f -c "$TMP/early.conf" >"$TMP/early.log" 2>&1 &
EARLY=$!
sleep 0.1 # running main, loading the zone, no handler yet
started_before=$(grep -c 'event=started' "$TMP/early.log")
kill -HUP $EARLY
i=0
while [ $i -lt 200 ] && ! grep -q 'event=reload result=ok' "$TMP/early.log"; do sleep 0.05; i=$((i + 1)); done
if [ "$started_before" -eq 0 ] && kill -0 $EARLY 2>/dev/null &&
   grep -q 'event=reload result=ok' "$TMP/early.log"; then
	pass "SIGHUP during start-up: held, then reloaded; still running"
else
	fail "SIGHUP during start-up (started before: $started_before)"
	cat "$TMP/early.log"
fi
kill -TERM $EARLY 2>/dev/null
wait $EARLY
