# tcp-slots.sh - the per-client TCP cap cannot be turned against a client
# by addresses that share its count slot. tests/data/tcp-collide.txt holds
# 64 loopback addresses whose slot under the old, unkeyed hash was the one
# of 127.0.0.1 (computed offline, as an attacker would: the first 64 of
# 127.0.0.2 upwards with svc_client_hash(address, /32) % 4096 equal to
# 127.0.0.1's). Each opens tcp_max_per_client (3) connections and holds
# them; 127.0.0.1 must still be served. With the old hash the 64 shared one
# slot with it: 3 of the 192 connections were served and 127.0.0.1 refused.
#
# The server's key is random, so an address of the set may land in
# 127.0.0.1's slot by chance (about 64 in 4096); only then is the victim
# refused, and a fresh server (a new key) is tried, at most 3 in all. The
# old hash refuses it every time.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
SA='id=1 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80'
round=0
victim=
while [ $round -lt 3 ]; do
	round=$((round + 1))
	start_server tests/data/tcp-slots.conf || exit 1
	"$TCPCLIENT" -p "$PORT" -w 3000 --hold tests/data/tcp-collide.txt --per-source 3 \
		--hold-ms 2000 static.example.com A >"$TMP/hold.out" 2>&1 &
	holder=$!
	wait_file 'hold: holding' "$TMP/hold.out"
	victim=$(tcq -w 2000 static.example.com A)
	refused=$(metric 'geodnsd_limit_hits_total{limit="tcp_per_client"}')
	wait $holder
	if [ "$victim" = "$SA" ]; then
		break
	fi
	echo "# attempt $round: 127.0.0.1 refused ($(head -1 "$TMP/hold.out"))"
	[ $round -lt 3 ] && stop_server
done
summary=$(head -1 "$TMP/hold.out")
answered=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) answered, \([0-9]*\) closed by server, \([0-9]*\) other$/\1/p')
closed=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) answered, \([0-9]*\) closed by server, \([0-9]*\) other$/\2/p')
if [ "$victim" = "$SA" ]; then
	pass "127.0.0.1 served while 64 crafted addresses hold 3 connections each ($summary)"
else
	fail "127.0.0.1 refused while 64 crafted addresses hold connections, $round servers: $victim"
	echo "  $summary"
fi
# every connection of the set was either served or refused by the cap, and
# each refusal was counted; keyed, far more than the 3 of a shared slot
# are served (only chance collisions inside the set share a slot)
if [ "$((answered + closed))" = 192 ] && [ "$closed" = "$refused" ] && [ "$answered" -gt 96 ]; then
	pass "the set: $answered served, $closed refused, $refused refusals counted"
else
	fail "the set: answered=$answered closed=$closed counted=$refused ($summary)"
fi
server_alive "server still running"
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
sanitizer_clean "no sanitizer report"
