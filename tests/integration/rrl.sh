# rrl.sh - response rate limiting: a bounded burst from one loopback address
# (dnsperf, 200 queries a second for 10 s, the same name) is answered at the
# configured 50 a second, and the limited responses alternate truncated and
# dropped (slip 2), each within 10%; an exempt address and TCP are never
# limited; the counters are in /metrics.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
start_server tests/data/rrl.conf || exit 1

printf 'static.example.com A\n' >"$TMP/q.txt"
# RRL's seconds are CLOCK_MONOTONIC's: start half-way through one, so that
# the run holds enough queries after its last boundary to take that
# second's 50, and keep 1000 outstanding, so that the limited queries left
# unanswered (1 s timeout) never hold dnsperf's sending back
python3 -c '
import time
while not 0.45 <= time.clock_gettime(time.CLOCK_MONOTONIC) % 1 <= 0.55:
    time.sleep(0.01)'
dnsperf -s 127.0.0.1 -p "$PORT" -d "$TMP/q.txt" -l 10 -Q 200 -q 1000 -t 1 >"$TMP/dnsperf.out" 2>&1
sent=$(awk '/Queries sent:/ {print $3}' "$TMP/dnsperf.out")
lost=$(awk '/Queries lost:/ {print $3}' "$TMP/dnsperf.out")
limited=$(metric 'geodnsd_rrl_responses_total{action="limited"}')
slipped=$(metric 'geodnsd_rrl_responses_total{action="slipped"}')
dropped=$(metric 'geodnsd_rrl_responses_total{action="dropped"}')
# dnsperf's run time covers the sending (not the wait for the last replies)
ms=$(awk '/Run time \(s\):/ {printf "%d", $4 * 1000}' "$TMP/dnsperf.out")
# answered in full: the sent ones that were not limited. Expected: the 50
# a new account holds plus 50 for each second of the run.
answered=$((sent - limited))
expected=$(( 50 + 50 * ms / 1000 ))
echo "sent=$sent answered=$answered expected=$expected limited=$limited slipped=$slipped dropped=$dropped lost=$lost ms=$ms"
if [ "$answered" -ge $((expected * 9 / 10)) ] && [ "$answered" -le $((expected * 11 / 10)) ]; then
	pass "answered at the configured rate: $answered, expected $expected +-10%"
else
	fail "answered at the configured rate: $answered, expected $expected +-10%"
fi
half=$((limited / 2))
if [ "$slipped" -ge $((half * 9 / 10)) ] && [ "$slipped" -le $((half * 11 / 10)) ] &&
   [ $((slipped + dropped)) -eq "$limited" ]; then
	pass "slip 2: $slipped of $limited limited sent truncated"
else
	fail "slip 2: slipped=$slipped dropped=$dropped limited=$limited"
fi
# dnsperf saw the dropped ones as lost (the truncated ones are answers)
if [ "$lost" -eq "$dropped" ]; then pass "dropped = lost at the client ($lost)"; else
	fail "dropped $dropped, client lost $lost"; fi

# an exempt address: 30 queries right away, all answered in full
ok=0; i=0
while [ $i -lt 30 ]; do
	a=$(dig @127.0.0.1 -b 127.0.0.2 -p "$PORT" +norec +tries=1 +time=1 +ignore +short static.example.com)
	[ "$a" = 192.0.2.80 ] && ok=$((ok + 1))
	i=$((i + 1))
done
check_cmd "exempt 127.0.0.2: 30 of 30 answered" echo "$ok" <<'EOF2'
30
EOF2
# the limited address itself over TCP: answered (TCP is never limited)
check_cmd "TCP from the limited address: 200 pipelined, all answered" \
	"$TCPCLIENT" -p "$PORT" --pipeline --summary --repeat 200 static.example.com A <<'EOF2'
200 queries, 200 answers, every ID answered once: yes
200x opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80
EOF2
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
