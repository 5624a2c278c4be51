# coalesce.sh - server.coalesce_us: a UDP thread that finds queries
# already waiting after a batch (load) and fewer than half a batch of them
# waits for more before answering; a query that finds the thread idle is
# answered at once. geodnsd_coalesce_waits_total counts the waits: none
# for queries one at a time, some under a bounded dnsperf load (every
# query answered), and none under the same load with coalesce_us 0.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

cat >"$TMP/coalesce.tmpl" <<'EOF'
{
  "server": { "listen": ["127.0.0.1:@PORT@"], "workers": 1, "coalesce_us": @US@ },
  "http": { "listen": "127.0.0.1:@HTTPPORT@" },
  "zones": [ { "origin": "example.net", "file": "@ROOT@/zones/example.net.zone" } ]
}
EOF
printf 'www.example.net A\nexample.net SOA\n' >"$TMP/q.txt"
# load: 8 clients keeping 100 queries outstanding for 1 s; prints
# "lost N" and whether every query sent was answered
load() {
	dnsperf -s 127.0.0.1 -p "$PORT" -d "$TMP/q.txt" -l 1 -c 8 -q 100 -t 2 >"$TMP/dnsperf.out" 2>&1
	awk '/Queries sent:/ { s = $3 } /Queries completed:/ { c = $3 } /Queries lost:/ { l = $3 }
		END { print "lost " l; print (s > 0 && s == c) ? "every query answered" : "sent " s " completed " c }' \
		"$TMP/dnsperf.out"
}

# the default (50 us)
sed "s|@US@|50|" "$TMP/coalesce.tmpl" >"$TMP/c50.tmpl"
start_server "$TMP/c50.tmpl" || exit 1
: >"$TMP/one.out"
i=0
while [ $i -lt 20 ]; do
	dig +short +tries=1 +time=2 -p "$PORT" @127.0.0.1 www.example.net A >>"$TMP/one.out"
	i=$((i + 1))
done
one() { sort -u "$TMP/one.out"; grep -c . "$TMP/one.out"; echo "waits $(metric geodnsd_coalesce_waits_total)"; }
check_cmd "queries one at a time: answered, no wait" one <<'OUT'
198.51.100.80
20
waits 0
OUT
check_cmd "under load: every query answered" load <<'OUT'
lost 0
every query answered
OUT
waits=$(metric geodnsd_coalesce_waits_total)
if [ "$waits" -gt 0 ]; then
	pass "under load: the thread waited for more queries ($waits waits)"
else
	fail "under load: no wait counted (geodnsd_coalesce_waits_total $waits)"
fi
stop_server || fail "stop with coalescing"

# coalesce_us 0: never
sed "s|@US@|0|" "$TMP/coalesce.tmpl" >"$TMP/c0.tmpl"
start_server "$TMP/c0.tmpl" || exit 1
check_cmd "coalesce_us 0, under load: every query answered" load <<'OUT'
lost 0
every query answered
OUT
check_cmd "coalesce_us 0: no wait" metric geodnsd_coalesce_waits_total <<'OUT'
0
OUT
stop_server || fail "stop without coalescing"
