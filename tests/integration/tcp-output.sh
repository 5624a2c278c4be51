# tcp-output.sh - unsent TCP answers are bounded in sum, not only per
# connection. 100 connections each pipeline 600 queries for big.example.com
# TXT (734-octet answers, 440 KB a connection) and read nothing for 1.5 s;
# server.tcp_output_buffer_total is 1 MiB (512 KiB for each of 2 workers).
# While they wait:
#   - the server's RSS grows by less than 6 MiB over the idle baseline. The
#     bound: 1 MiB of queued answers, one answer more per connection (73 KB),
#     the queries read but not yet answered (at most one read of 16 KiB, and
#     here at most 22 KB, per connection: 2.2 MB) and allocator overhead.
#     Before the total bound each connection could queue 256 KiB: +22 MB;
#   - other clients are answered (one query, and 100 pipelined ones);
#   - the holds are counted in geodnsd_limit_hits_total{limit="tcp_output_total"}.
# Then the clients read: every one of the 60,000 queries is answered exactly
# once (pipelined queries wait, none is lost), and once the connections
# are closed the RSS comes back to within 2 MiB of the baseline (freed heap
# pages are returned with malloc_trim; glibc kept them before).
# RSS is only meaningful without AddressSanitizer: the optimized build runs.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
GEODNSD=${PLAIN_GEODNSD:-$GEODNSD}

# the key is checked like the others: a value out of range is a file:line error
sed -e 's/@BUDGET@/1000/' -e 's/@PORT@/5300/' -e 's/@HTTPPORT@/5301/' -e "s|@ROOT@|$ROOT|g" \
	tests/data/tcp-output.conf >"$TMP/bad.conf"
check_cmd "tcp_output_buffer_total out of range: file:line error" sh -c "
	'$GEODNSD' -t -c '$TMP/bad.conf' >'$TMP/bad.out' 2>&1; rc=\$?
	sed 's|^$TMP/||' '$TMP/bad.out'; echo \"exit status \$rc\"" <<'EOF'
bad.conf:3:67: server.tcp_output_buffer_total: 1000 is out of range 65536..1073741824
geodnsd: 1 error
exit status 1
EOF

sed -e 's/@BUDGET@/1048576/' tests/data/tcp-output.conf >"$TMP/tcp-output.conf"
start_server "$TMP/tcp-output.conf" || exit 1
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }
SA='id=1 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80'
BIG='opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=3 ns=0 ar=0 q=big.example.com./IN/TXT first=TXT:"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"'

# warm up (threads' caches, the TCP path, a scrape), then the baseline
tcq --pipeline --summary --repeat 50 big.example.com TXT >/dev/null
metric geodnsd_queries_total >/dev/null
base=$(rss)

"$TCPCLIENT" -p "$PORT" -w 3000 --flood 100 --hold-ms 1500 --repeat 600 big.example.com TXT \
	>"$TMP/flood.out" 2>&1 &
flooder=$!
wait_file 'flood: written' "$TMP/flood.out"
# the highest RSS while the answers are unread (10 samples over 1 s)
peak=$base
i=0
while [ $i -lt 10 ]; do
	r=$(rss)
	[ "$r" -gt "$peak" ] && peak=$r
	sleep 0.1
	i=$((i + 1))
done
one=$(tcq -w 2000 static.example.com A)
many=$(tcq -w 2000 --pipeline --summary --repeat 100 big.example.com TXT)
wait $flooder
grown=$((peak - base))
if [ "$grown" -lt 6144 ]; then
	pass "100 connections not reading: RSS grew ${grown} KiB (< 6144 KiB)"
else
	fail "100 connections not reading: RSS grew ${grown} KiB (want < 6144 KiB)"
fi
check_cmd "another client answered meanwhile" echo "$one" <<EOF
$SA
EOF
check_cmd "another client's 100 pipelined queries answered meanwhile" echo "$many" <<EOF
100 queries, 100 answers, every ID answered once: yes
100x $BIG
EOF
check_cmd "then every pipelined query of the 100 connections answered once" cat "$TMP/flood.out" <<'EOF'
flood: 100 connections, 100 wrote 600 queries
flood: written
flood: 60000 answers read, 100 of 100 connections answered every query once
EOF
hits=$(metric 'geodnsd_limit_hits_total{limit="tcp_output_total"}')
if [ "$hits" -gt 0 ]; then
	pass "holds counted: limit_hits_total{limit=tcp_output_total} $hits"
else
	fail "holds counted: limit_hits_total{limit=tcp_output_total} $hits"
fi
# the connections are closed: memory goes back (trimmed at most a second
# after the last release; wait at most 3 s)
i=0
while [ $i -lt 60 ]; do
	[ "$(metric geodnsd_tcp_connections_open)" = 0 ] && [ "$(rss)" -le $((base + 2048)) ] && break
	sleep 0.05
	i=$((i + 1))
done
after=$(rss)
if [ "$after" -le $((base + 2048)) ]; then
	pass "after the connections closed: RSS $((after - base)) KiB over the baseline (<= 2048)"
else
	fail "after the connections closed: RSS $((after - base)) KiB over the baseline (want <= 2048; peak was +$grown)"
fi
server_alive "server still running"
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
