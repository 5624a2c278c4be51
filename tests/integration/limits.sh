# limits.sh - each TCP limit triggered and visible in /metrics: the
# per-client connection cap refuses the fourth connection of one address,
# the total lifetime closes a busy connection, the idle timeout an idle one.
. tests/integration/lib.sh
start_server tests/data/limits.conf || exit 1
URL=http://127.0.0.1:$HTTPPORT
metric() {
	curl -s "$URL/metrics" | awk -v m="$1" 'index($0, m " ") == 1 { v = $NF } END { print v + 0 }'
}

# five connections from 127.0.0.1 at once, each held for 1.2 s: 3 served
i=0
while [ $i -lt 5 ]; do
	"$TCPCLIENT" -p "$PORT" -w 3000 --gap 1200 static.example.com A static.example.com A \
		>"$TMP/c$i.out" 2>&1 &
	eval "P$i=\$!"
	i=$((i + 1))
done
wait $P0 $P1 $P2 $P3 $P4
served=$(grep -l 'first=A:192.0.2.80' "$TMP"/c[0-4].out | wc -l)
check_cmd "tcp_max_per_client 3: 3 of 5 simultaneous connections served" echo "$served" <<'EOF2'
3
EOF2
check_cmd "refusals counted" metric 'geodnsd_limit_hits_total{limit="tcp_per_client"}' <<'EOF2'
2
EOF2

# one busy connection: a query every 0.5 s for 4 s; closed at 2 s
"$TCPCLIENT" -p "$PORT" -w 2000 --gap 500 --repeat 8 static.example.com A >"$TMP/life.out" 2>&1
n=$(grep -c 'first=A:192.0.2.80' "$TMP/life.out")
if [ "$n" -ge 3 ] && [ "$n" -le 5 ] && grep -q 'closed by server' "$TMP/life.out"; then
	pass "tcp_max_lifetime 2: $n answers, then closed by the server"
else
	fail "tcp_max_lifetime 2: $n answers"; cat "$TMP/life.out"
fi
check_cmd "lifetime closes counted" metric 'geodnsd_limit_hits_total{limit="tcp_lifetime"}' <<'EOF2'
1
EOF2
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
