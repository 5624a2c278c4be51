# limits.sh - each TCP limit triggered and visible in /metrics: the
# per-client connection cap refuses the fourth connection of one address,
# the total lifetime closes a busy connection, the idle timeout an idle one;
# then the HTTP limits: the connection cap (http.max_connections 3) and the
# header and body size limits.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
start_server tests/data/limits.conf || exit 1
URL=http://127.0.0.1:$HTTPPORT

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
# HTTP: three idle connections held 3.5, 4.5 and 5.5 s fill the cap; a
# fourth client waits in the backlog until the first closes (then open is 3
# again: the cap is reached a second time), and is served
for s in 2 3 4; do
	"$TCPCLIENT" -p "$HTTPPORT" -w 1000 --stall --idle-check "$s" static.example.com A \
		>"$TMP/h$s.out" 2>&1 &
	eval "H$s=\$!"
done
sleep 0.5
t0=$(date +%s%N)
code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' "$URL/healthz")
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $H2 $H3 $H4
if [ "$code" = 200 ] && [ "$ms" -ge 2000 ] && [ "$ms" -le 5000 ]; then
	pass "http.max_connections 3: a fourth client waited ${ms} ms for a free slot, then 200"
else
	fail "http.max_connections 3: code $code after $ms ms (want 200 after 2000..5000 ms)"
fi
check_cmd "cap reached twice, counted" metric 'geodnsd_limit_hits_total{limit="http_connections"}' <<'EOF2'
2
EOF2
check_cmd "only this connection open now" metric 'geodnsd_http_connections_open' <<'EOF2'
1
EOF2
head -c 5000 /dev/zero | tr '\0' x >"$TMP/body"
check_cmd "body over 4 KiB: 413" curl -s -o /dev/null -w '%{http_code}\n' -X POST \
	--data-binary @"$TMP/body" "$URL/v1/reload" <<'EOF2'
413
EOF2
check_cmd "headers over 8 KiB: 400" curl -s -o /dev/null -w '%{http_code}\n' \
	-H "X-Pad: $(head -c 9000 /dev/zero | tr '\0' y)" "$URL/healthz" <<'EOF2'
400
EOF2
check_cmd "413 counted" metric 'geodnsd_limit_hits_total{limit="http_request_size"}' <<'EOF2'
1
EOF2
check_cmd "400 counted" metric 'geodnsd_limit_hits_total{limit="http_bad_request"}' <<'EOF2'
1
EOF2
check_cmd "our own error replies are not counted" sh -c "
	curl -s -o /dev/null -w '%{http_code} ' '$URL/nothere'
	curl -s -o /dev/null -w '%{http_code}\n' -X POST '$URL/v1/reload'" <<'EOF2'
404 403
EOF2
check_cmd "counts unchanged" sh -c "
	curl -s '$URL/metrics' | grep -E '^geodnsd_limit_hits_total.limit=.http_(request_size|bad_request)'" <<'EOF2'
geodnsd_limit_hits_total{limit="http_request_size"} 1
geodnsd_limit_hits_total{limit="http_bad_request"} 1
EOF2
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
