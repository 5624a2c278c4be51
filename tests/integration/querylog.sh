# querylog.sh - the optional sampled query log: one key=value line per
# logged query (client network, never the full address; qname, qtype,
# region chosen, rcode), at most query_log_rate lines a second.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
start_server tests/data/querylog.conf || exit 1

dig @127.0.0.1 -p "$PORT" +norec +tries=1 www.example.com +subnet=198.51.100.7/32 >/dev/null
wait_log 'event=query ' 1
check_cmd "the first query's line" sh -c "grep -o 'event=query .*' '$TMP/server.log' | head -1" <<'EOF2'
event=query proto=udp client=198.51.100.7/32 ecs=yes qname=www.example.com. qtype=A region=eu-west rcode=NOERROR
EOF2
dig @127.0.0.1 -p "$PORT" +norec +tries=1 nothere.example.com AAAA >/dev/null
wait_log 'event=query ' 2
check_cmd "without ECS: the source cut to /24, no region" sh -c "grep -o 'event=query .*' '$TMP/server.log' | sed -n 2p" <<'EOF2'
event=query proto=udp client=127.0.0.0/24 ecs=no qname=nothere.example.com. qtype=AAAA region=- rcode=NXDOMAIN
EOF2

# a burst of 200 queries: the bound holds (4 a second for all threads; the
# burst may straddle a second boundary: at most 8 lines)
sleep 1.1
before=$(grep -c 'event=query ' "$TMP/server.log")
printf 'static.example.com A\n%.0s' $(seq 1 200) >"$TMP/burst.txt"
dig @127.0.0.1 -p "$PORT" +norec +tries=1 -f "$TMP/burst.txt" >/dev/null
after=$(grep -c 'event=query ' "$TMP/server.log")
n=$((after - before))
if [ $n -ge 1 ] && [ $n -le 8 ]; then pass "200 queries: $n lines (bound 4/s)"; else
	fail "200 queries: $n lines (bound 4/s)"; fi
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
