# cookies.sh - DNS cookies (RFC 7873, RFC 9018) with dig: a client cookie
# alone gets a server cookie; a valid one comes back unchanged; a bad one is
# answered with a fresh one; a malformed option is FORMERR; a client with a
# valid server cookie passes rate limiting, one without does not.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
start_server tests/data/cookies.conf || exit 1

check "client cookie only: answered with client + server cookie" +norec +cookie static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; COOKIE: <24 octets> (good)
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF2

cookie() { dig @127.0.0.1 -p "$PORT" +norec "$@" static.example.com | awk '/^; COOKIE:/ {print $3}'; }
C=$(cookie +cookie=0102030405060708)
case $C in
0102030405060708????????????????????????????????) pass "server cookie for our client cookie: $C" ;;
*) fail "server cookie for our client cookie: $C" ;;
esac
check_cmd "a valid server cookie comes back unchanged" cookie +cookie="$C" <<EOF2
$C
EOF2
BAD=0102030405060708$(echo "$C" | cut -c17-32)0000000000000000 # hash zeroed
N=$(cookie +cookie="$BAD")
if [ "${N%????????????????????????????????}" = 0102030405060708 ] && [ "$N" != "$BAD" ] &&
   [ ${#N} -eq 48 ]; then
	pass "a bad server cookie: answered, with a fresh one"
else
	fail "a bad server cookie: answered, with a fresh one ($N)"
fi
check "malformed COOKIE option (2 octets): FORMERR" +norec +ednsopt=10:0102 static.example.com A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
EOF2

# rate limit 5/s, slip 0: without a valid cookie most of 30 quick queries
# are dropped; with one, all 30 are answered
sleep 1.1
n=0; i=0
while [ $i -lt 30 ]; do
	a=$(dig @127.0.0.1 -p "$PORT" +norec +tries=1 +time=1 +short +cookie="$C" mail.example.com)
	[ "$a" = 192.0.2.25 ] && n=$((n + 1))
	i=$((i + 1))
done
check_cmd "valid cookie: 30 of 30 answered past a 5/s limit" echo $n <<'EOF2'
30
EOF2
n=0; i=0
while [ $i -lt 30 ]; do
	a=$(dig @127.0.0.1 -p "$PORT" +norec +tries=1 +time=1 +short +nocookie sip.example.com)
	[ "$a" = 192.0.2.60 ] && n=$((n + 1))
	i=$((i + 1))
done
if [ $n -lt 30 ] && [ $n -ge 5 ]; then pass "no cookie: limited ($n of 30)"; else
	fail "no cookie: limited ($n of 30)"; fi
grep -q '^geodnsd_cookie_queries_total{cookie="valid"} [1-9]' "$(curl -s "http://127.0.0.1:$HTTPPORT/metrics" >"$TMP/m"; echo "$TMP/m")" &&
	pass "cookie counters in /metrics" || fail "cookie counters in /metrics"
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
