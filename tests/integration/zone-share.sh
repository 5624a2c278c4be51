# zone-share.sh - a reload builds again only the zones whose inputs changed
# and shares the others with the running snapshot: the reload line says how
# many (zones=3 rebuilt=N kept=M), and the answers of every zone are right,
# including additional-section addresses of NS and MX targets in another
# zone, which follow that zone when it alone is rebuilt.
#
# Three zones in $TMP: a.test has the name server ns1.a.test; b.test is
# served by it and $INCLUDEs b.inc with mail.b.test; c.test is served by it
# and has its mail at mail.b.test. The zones change without new serials:
# serial_policy "increment" gives them one.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

soa() {
	echo "\$TTL 3600"
	echo "@ IN SOA ns1.a.test. hostmaster.$1. ( 1 7200 900 1209600 300 )"
}
c_zone() {
	{ soa c.test; echo "@ IN NS ns1.a.test."; echo "@ IN MX 10 mail.b.test."; } >"$TMP/c.test.zone"
}
{ soa a.test; echo "@ IN NS ns1"; echo "ns1 IN A 192.0.2.1"; echo "www IN A 192.0.2.10"; } \
	>"$TMP/a.test.zone"
{ soa b.test; echo "@ IN NS ns1.a.test."; echo "\$INCLUDE b.inc"; } >"$TMP/b.test.zone"
echo "mail IN A 192.0.2.20" >"$TMP/b.inc"
c_zone

start_server tests/data/zone-share.conf || exit 1

reloads=0
hup() {
	reloads=$((reloads + 1))
	kill -HUP "$SERVER_PID"
	wait_log "event=reload result=" "$reloads"
}

# reload_line NAME COUNTS: the last reload line has these zone counts
reload_line() {
	last=$(grep 'event=reload result=' "$TMP/server.log" | tail -1)
	case "$last" in
	*"event=reload result=ok $2 ms="*) pass "$1" ;;
	*) fail "$1"; echo "  expected: $2"; echo "  got: $last" ;;
	esac
}

mx_c() {
	check "$1" +norec c.test MX <<EOF
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;c.test.				IN	MX
;; ANSWER SECTION:
c.test.			3600	IN	MX	10 mail.b.test.
;; ADDITIONAL SECTION:
mail.b.test.		3600	IN	A	$2
EOF
}

ns_b() {
	check "$1" +norec b.test NS <<EOF
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;b.test.				IN	NS
;; ANSWER SECTION:
b.test.			3600	IN	NS	ns1.a.test.
;; ADDITIONAL SECTION:
ns1.a.test.		3600	IN	A	$2
EOF
}

www_a() {
	check "$1" +norec www.a.test A <<EOF
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.a.test.			IN	A
;; ANSWER SECTION:
www.a.test.		3600	IN	A	$2
EOF
}

mx_c "start: c.test MX with mail.b.test's address from b.test" 192.0.2.20
ns_b "start: b.test NS with ns1.a.test's address from a.test" 192.0.2.1
www_a "start: www.a.test" 192.0.2.10

# ---- nothing changed: every zone kept
if hup; then pass "reload 1 finished"; else fail "reload 1 finished"; fi
reload_line "reload 1: nothing changed, all 3 kept" "zones=3 rebuilt=0 kept=3"
mx_c "reload 1: c.test MX" 192.0.2.20

# ---- only b.test's included file changed: b.test rebuilt, c.test kept and
# its MX target's address is b.test's new one
echo "mail IN A 192.0.2.21" >"$TMP/b.inc"
if hup; then pass "reload 2 finished"; else fail "reload 2 finished"; fi
reload_line "reload 2: the \$INCLUDE of b.test changed, b.test rebuilt" "zones=3 rebuilt=1 kept=2"
mx_c "reload 2: c.test (kept) MX with b.test's new address" 192.0.2.21
ns_b "reload 2: b.test (rebuilt) NS" 192.0.2.1
www_a "reload 2: www.a.test (kept)" 192.0.2.10

# ---- a.test changed: b.test and c.test kept, their NS additional follows a
sed 's/^ns1 IN A 192.0.2.1$/ns1 IN A 192.0.2.2/; s/^www IN A 192.0.2.10$/www IN A 192.0.2.11/' \
	"$TMP/a.test.zone" >"$TMP/a.new"
mv "$TMP/a.new" "$TMP/a.test.zone"
if hup; then pass "reload 3 finished"; else fail "reload 3 finished"; fi
reload_line "reload 3: a.test changed, a.test rebuilt" "zones=3 rebuilt=1 kept=2"
ns_b "reload 3: b.test (kept) NS with ns1.a.test's new address" 192.0.2.2
www_a "reload 3: www.a.test (rebuilt)" 192.0.2.11
mx_c "reload 3: c.test (kept) MX" 192.0.2.21

# ---- the same bytes written again (a new file, a new mtime): kept
cp "$TMP/c.test.zone" "$TMP/c.new"
sleep 1
mv "$TMP/c.new" "$TMP/c.test.zone"
if hup; then pass "reload 4 finished"; else fail "reload 4 finished"; fi
reload_line "reload 4: a zone file rewritten with the same bytes is kept" "zones=3 rebuilt=0 kept=3"

# ---- a broken change keeps the old data, and the next good reload still
# shares what is unchanged
echo "broken IN A not-an-address" >>"$TMP/c.test.zone"
if hup; then pass "reload 5 finished"; else fail "reload 5 finished"; fi
if grep 'event=reload result=' "$TMP/server.log" | tail -1 | grep -q 'result=failed'; then
	pass "reload 5: a broken c.test fails the reload"
else
	fail "reload 5: a broken c.test fails the reload"
fi
mx_c "reload 5: c.test MX still served" 192.0.2.21
c_zone
if hup; then pass "reload 6 finished"; else fail "reload 6 finished"; fi
reload_line "reload 6: c.test back to what is served, all kept" "zones=3 rebuilt=0 kept=3"
mx_c "reload 6: c.test MX" 192.0.2.21

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"
