# reload-load.sh - no query is lost while the configuration, zones, services
# and GeoIP are reloaded 20 times under load: dnsperf on loopback at a
# bounded rate for a bounded time, SIGHUP every 0.25 s meanwhile.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
start_server tests/data/demo-geo.conf || exit 1

{
	i=0
	while [ $i -lt 50 ]; do
		echo "static.example.com A"
		echo "www.example.com A"
		echo "nothere.example.com AAAA"
		echo "chain.example.com A"
		i=$((i + 1))
	done
} >"$TMP/queries.txt"

# 6 s at 2000 queries/s; the reloads run during seconds 1..6
dnsperf -s 127.0.0.1 -p "$PORT" -d "$TMP/queries.txt" -l 6 -Q 2000 -t 2 \
	>"$TMP/dnsperf.out" 2>&1 &
PERF=$!
sleep 1
n=0
while [ $n -lt 20 ]; do
	kill -HUP "$SERVER_PID"
	sleep 0.25
	n=$((n + 1))
done
wait "$PERF"
check_cmd "20 reloads happened" sh -c "grep -c 'event=reload result=ok' '$TMP/server.log'" <<'EOF2'
20
EOF2
sent=$(awk '/Queries sent:/ {print $3}' "$TMP/dnsperf.out")
lost=$(awk '/Queries lost:/ {print $3}' "$TMP/dnsperf.out")
if [ "${sent:-0}" -ge 10000 ] && [ "$lost" = 0 ]; then
	pass "dnsperf: $sent queries during 20 reloads, 0 lost"
else
	fail "dnsperf: sent=$sent lost=$lost"
	cat "$TMP/dnsperf.out"
fi
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
