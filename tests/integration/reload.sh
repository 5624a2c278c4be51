# reload.sh - SIGHUP reloads the zones: a changed copy of example.com (in
# $TMP, see tests/data/reload.conf) is served after HUP; a broken one logs
# each error (file:line) and event=reload result=failed, and the old data keeps
# serving; fixing it and HUP again serves the new data.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

cp zones/example.com.zone zones/example.com.include "$TMP/"
start_server tests/data/reload.conf || exit 1

# hup N: send SIGHUP and wait until the log shows N reloads finished (ok or
# failed); 0 when it does.
reloads=0
hup() {
	reloads=$((reloads + 1))
	kill -HUP "$SERVER_PID"
	wait_log "event=reload result=" "$reloads"
}

soa_short() {
	dig @127.0.0.1 -p "$PORT" +short +norec example.com SOA
}

check "before: static A" +norec static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "before: added.example.com does not exist" +norec added.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;added.example.com.		IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF

# ---- a good change: new serial, a changed address, a new name, a change in
# the included file
sed -e 's/2026112701 ; serial/2026112702 ; serial/' \
    -e 's/^static	IN A	192.0.2.80/static	IN A	192.0.2.81/' \
    "$TMP/example.com.zone" >"$TMP/zone.new"
echo "added	IN A	192.0.2.45" >>"$TMP/zone.new"
mv "$TMP/zone.new" "$TMP/example.com.zone"
sed 's/^included	IN A	192.0.2.44/included	IN A	192.0.2.46/' \
    "$TMP/example.com.include" >"$TMP/include.new"
mv "$TMP/include.new" "$TMP/example.com.include"

if hup; then pass "reload 1 finished"; else fail "reload 1 finished"; fi
if grep -q "event=reload result=ok" "$TMP/server.log"; then
	pass "reload 1 logged result=ok"
else
	fail "reload 1 logged result=ok"
	tail -5 "$TMP/server.log" | sed 's/^/  /'
fi
if grep -q "event=zone_loaded zone=example.com. serial=2026112702 records=40" "$TMP/server.log"; then
	pass "reload 1 logged the new serial and record count"
else
	fail "reload 1 logged the new serial and record count"
	grep zone_loaded "$TMP/server.log" | sed 's/^/  /'
fi

check "after reload: new serial" +norec example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112702 7200 900 1209600 300
EOF
check "after reload: changed address" +norec static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.81
EOF
check "after reload: new name (over TCP)" +norec +tcp added.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;added.example.com.		IN	A
;; ANSWER SECTION:
added.example.com.	3600	IN	A	192.0.2.45
EOF
check "after reload: change in the included file" +norec included.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;included.example.com.		IN	A
;; ANSWER SECTION:
included.example.com.	600	IN	A	192.0.2.46
EOF
check "after reload: the other zone still served" +norec www.example.net A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.example.net.		IN	A
;; ANSWER SECTION:
www.example.net.	3600	IN	A	198.51.100.80
EOF

# ---- a broken change: the old (reloaded) data keeps serving
cp "$TMP/example.com.zone" "$TMP/example.com.zone.good"
sed 's/2026112702 ; serial/2026112703 ; serial/' "$TMP/example.com.zone.good" >"$TMP/zone.new"
lines=$(wc -l <"$TMP/zone.new")
printf 'broken\tIN A\tnot-an-address\nstatic\tIN CNAME\talias\n' >>"$TMP/zone.new"
mv "$TMP/zone.new" "$TMP/example.com.zone"

if hup; then pass "reload 2 finished"; else fail "reload 2 finished"; fi
if grep -q "level=error event=reload result=failed" "$TMP/server.log"; then
	pass "broken reload logged result=failed"
else
	fail "broken reload logged result=failed"
	tail -5 "$TMP/server.log" | sed 's/^/  /'
fi
if grep -q "event=load_error msg=\"$TMP/example.com.zone:$((lines + 1)): " "$TMP/server.log"; then
	pass "broken reload logged the syntax error as file:line"
else
	fail "broken reload logged the syntax error as file:line"
	grep -e load_error -e reload "$TMP/server.log" | sed 's/^/  /'
fi
check "after broken reload: old serial still served" +norec example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112702 7200 900 1209600 300
EOF
check "after broken reload: old data still served" +norec static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.81
EOF

# ---- a missing include file: failed too, old data serving
cp "$TMP/example.com.zone.good" "$TMP/example.com.zone"
mv "$TMP/example.com.include" "$TMP/example.com.include.good"
if hup; then pass "reload 3 finished"; else fail "reload 3 finished"; fi
if [ "$(grep -c 'event=reload result=failed' "$TMP/server.log")" -eq 2 ]; then
	pass "missing include: reload failed"
else
	fail "missing include: reload failed"
	grep -e load_error -e reload "$TMP/server.log" | sed 's/^/  /'
fi
if [ "$(soa_short)" = "ns1.example.com. hostmaster.example.com. 2026112702 7200 900 1209600 300" ]; then
	pass "missing include: old data serving"
else
	fail "missing include: old data serving"
	echo "  got: $(soa_short)"
fi

# ---- fixed: the next HUP serves the new data
mv "$TMP/example.com.include.good" "$TMP/example.com.include"
sed 's/2026112702 ; serial/2026112704 ; serial/' "$TMP/example.com.zone.good" >"$TMP/example.com.zone"
if hup; then pass "reload 4 finished"; else fail "reload 4 finished"; fi
if [ "$(grep -c 'event=reload result=ok' "$TMP/server.log")" -eq 2 ]; then
	pass "fixed zone: reload ok"
else
	fail "fixed zone: reload ok"
	grep -e load_error -e reload "$TMP/server.log" | sed 's/^/  /'
fi
check "after fixed reload: new serial" +norec example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112704 7200 900 1209600 300
EOF

# ---- reloads while queries are in flight: every query answered
"$TCPCLIENT" -p "$PORT" --pipeline --summary --repeat 1000 static.example.com A \
	>"$TMP/inflight.out" 2>&1 &
client=$!
for round in 1 2 3 4 5; do
	hup || break
done
wait $client
check_cmd "1000 pipelined TCP queries across 5 reloads all answered" cat "$TMP/inflight.out" <<'EOF'
1000 queries, 1000 answers, every ID answered once: yes
1000x opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.81
EOF
if [ "$(grep -c 'event=reload result=ok' "$TMP/server.log")" -eq 7 ]; then
	pass "5 more reloads ok"
else
	fail "5 more reloads ok"
	grep -e load_error -e reload "$TMP/server.log" | tail -8 | sed 's/^/  /'
fi

# ---- settings read only at start: the reload keeps them and names them
if grep -q 'changed=' "$TMP/server.log"; then
	fail "no start-only warning while only zones changed"
else
	pass "no start-only warning while only zones changed"
fi
sed -e 's/"tcp_idle_timeout": 3,/"tcp_idle_timeout": 4, "query_log_rate": 5,/' \
	"$TMP/geodnsd.conf" >"$TMP/geodnsd.conf.new" && mv "$TMP/geodnsd.conf.new" "$TMP/geodnsd.conf"
hup
if grep -q 'level=warning event=reload note="these settings change only with a restart" changed=server.tcp_idle_timeout,server.query_log_rate$' "$TMP/server.log"; then
	pass "a reload names the start-only settings that changed"
else
	fail "a reload names the start-only settings that changed"
	grep -e 'event=reload' "$TMP/server.log" | tail -3 | sed 's/^/  /'
fi

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"
