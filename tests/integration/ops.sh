# ops.sh - the HTTP operations endpoint against the real daemon: metrics move
# by exactly the queries sent, promtool accepts them, /status follows a feed
# change, the admin API's authentication and errors, a drain through the
# API that moves answers and survives SIGHUP, endpoint overrides, a failed
# reload that keeps old answers and is counted, POST /v1/reload, overrides
# kept in the state file across a restart.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

# the zone is a copy so the test can break it
cp zones/example.com.zone zones/example.com.include "$TMP/"
printf '{ "regions": { "us-east": { "healthy": true, "weight": 100 } } }\n' >"$TMP/us-east.json"
printf 'test-token-0123456789abcdef\n' >"$TMP/admin.token"
rm -f "$TMP/state.json"
chmod 600 "$TMP/admin.token"
TOKEN=test-token-0123456789abcdef
start_server tests/data/ops.conf || exit 1
URL=http://127.0.0.1:$HTTPPORT

scrape() { curl -s "$URL/metrics"; }
# metric NAME-WITH-LABELS: its value in a fresh scrape (0 when absent)
metric() {
	scrape | awk -v m="$1" 'index($0, m " ") == 1 { v = $NF } END { print v + 0 }'
}
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
NA=192.0.2.0/24
ans() { dig @127.0.0.1 -p "$PORT" +norec +short www.example.com +subnet="$1" | sort | tr '\n' ' '; echo; }

# --- metrics move by the exact number of queries
udp='geodnsd_queries_total{protocol="udp"}'
www='geodnsd_service_answers_total{zone="example.com.",service="www.example.com.",region="us-east"}'
noerr='geodnsd_responses_total{rcode="NOERROR"}'
a0=$(metric "$udp"); w0=$(metric "$www"); n0=$(metric "$noerr")
i=0
while [ $i -lt 25 ]; do
	dig @127.0.0.1 -p "$PORT" +norec +tries=1 +time=2 www.example.com +subnet=$NA >/dev/null
	i=$((i + 1))
done
a1=$(metric "$udp"); w1=$(metric "$www"); n1=$(metric "$noerr")
check_cmd "25 queries: every counter moved by 25" echo "$((a1 - a0)) $((w1 - w0)) $((n1 - n0))" <<'EOF2'
25 25 25
EOF2

# --- the answer cache: 25 static questions, all answered right; every
# one is a replay but the first on each of the two UDP threads
hits='geodnsd_answer_cache_hits_total'
h0=$(metric "$hits")
i=0
while [ $i -lt 25 ]; do
	dig @127.0.0.1 -p "$PORT" +norec +tries=1 +time=2 +short static.example.com A
	i=$((i + 1))
done >"$TMP/static.out"
h1=$(metric "$hits")
check_cmd "25 static answers" sh -c "sort '$TMP/static.out' | uniq -c | sed 's/^ *//'" <<'EOF2'
25 192.0.2.80
EOF2
d=$((h1 - h0))
if [ $d -ge 23 ] && [ $d -le 25 ]; then
	pass "answer cache replayed $d of 25"
else
	fail "answer cache replayed $d of 25, expected 23..25"
fi

scrape >"$TMP/metrics.txt"
check_cmd "promtool check metrics accepts the exposition" sh -c "promtool check metrics <'$TMP/metrics.txt'" </dev/null
grep -q '^geodnsd_build_info{version="[0-9.]*"} 1$' "$TMP/metrics.txt" &&
	pass "build info" || fail "build info"
grep -q '^geodnsd_zone_serial{zone="example.com."} 2026112701$' "$TMP/metrics.txt" &&
	pass "zone serial" || fail "zone serial"
grep -q '^geodnsd_region_up{region="us-east"} 1$' "$TMP/metrics.txt" &&
	pass "region gauge" || fail "region gauge"
grep -q '^geodnsd_feed_polls_total{feed="file:.*us-east.json",result="ok"} [1-9]' "$TMP/metrics.txt" &&
	pass "feed polls counted" || fail "feed polls counted"
# names that say what they count: a time of the last success, evictions
# as evictions, RRL in its own family only
names_check() {
	now=$(date +%s)
	awk -v now="$now" '/^geodnsd_feed_last_success_timestamp_seconds\{feed="file:.*us-east.json"\}/ {
		print "feed success within a minute:", ($2 <= now && now - $2 < 60) }' "$TMP/metrics.txt"
	grep -c '^geodnsd_tcp_connections_evicted_total [0-9]' "$TMP/metrics.txt"
	grep -c 'seconds_since\|limit="rrl"\|tcp_connections_refused' "$TMP/metrics.txt"
}
check_cmd "metric names: last success time, evicted, no rrl limit" names_check <<'EOF2'
feed success within a minute: 1
1
0
EOF2
# the GeoIP database's build time, as its metadata says (mmdblookup)
epoch=$(mmdblookup --file zones/demo-city.mmdb --ip 127.0.0.1 --verbose 2>&1 |
	sed -n 's/^ *Build epoch: *\([0-9]*\).*/\1/p')
check_cmd "geoip_database_build_timestamp_seconds: the database's build epoch" \
	grep '^geodnsd_geoip_database_build_timestamp_seconds' "$TMP/metrics.txt" <<EOF2
geodnsd_geoip_database_build_timestamp_seconds{database="$ROOT/zones/demo-city.mmdb"} $epoch
EOF2
# process_*: this server's own figures (its pid's /proc)
proc_check() {
	start=$(awk '/^process_start_time_seconds/ { printf "%d", $2 }' "$TMP/metrics.txt")
	fds=$(awk '/^process_open_fds/ { print $2 }' "$TMP/metrics.txt")
	rss=$(awk '/^process_resident_memory_bytes/ { printf "%d", $2 }' "$TMP/metrics.txt")
	now=$(date +%s)
	real_fds=$(ls /proc/"$SERVER_PID"/fd | wc -l)
	echo "started within the last hour: $(( start <= now && now - start < 3600 ))"
	echo "open fds within 3 of /proc: $(( fds - real_fds <= 3 && real_fds - fds <= 3 ))"
	echo "resident over 1 MB: $(( rss > 1048576 ))"
	grep -c '^process_\(cpu_seconds_total\|virtual_memory_bytes\|max_fds\) [0-9]' "$TMP/metrics.txt"
}
check_cmd "process metrics: start time, fds, memory, CPU" proc_check <<'EOF2'
started within the last hour: 1
open fds within 3 of /proc: 1
resident over 1 MB: 1
3
EOF2

check_cmd "/healthz" curl -s -w ' %{http_code}\n' "$URL/healthz" <<'EOF2'
ok
 200
EOF2

# --- /status follows a feed change
printf '{ "regions": { "us-east": { "healthy": true, "weight": 40 } } }\n' >"$TMP/us-east.json"
sleep 2.2
curl -s "$URL/status" >"$TMP/status.json"
grep -q '"us-east": { "state": "up", "effective_weight": 40, "feed_weight": 40, "drained": false' \
	"$TMP/status.json" && pass "/status reflects the feed's weight" ||
	{ fail "/status reflects the feed's weight"; cat "$TMP/status.json"; }
grep -q '"zone": "example.com.", "serial": 2026112701' "$TMP/status.json" &&
	pass "/status lists zones with serials" || fail "/status lists zones with serials"
printf '{ "regions": { "us-east": { "healthy": true, "weight": 100 } } }\n' >"$TMP/us-east.json"
sleep 2.2

# --- authentication and errors
D=$URL/v1/regions/us-east/drain
check_cmd "admin: no token 401, wrong token 401, right token 200" sh -c "
	curl -s -o /dev/null -w '%{http_code} ' -X POST '$D'
	curl -s -o /dev/null -w '%{http_code} ' -X POST -H 'Authorization: Bearer nope' '$D'
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H 'Authorization: Bearer $TOKEN' '$URL/v1/regions/us-east/undrain'" <<'EOF2'
401 401 200
EOF2
check_cmd "401 carries no detail" sh -c "curl -s -X POST -H 'Authorization: Bearer nope' '$D' | wc -c" <<'EOF2'
0
EOF2
AUTH="Authorization: Bearer $TOKEN"
check_cmd "unknown region 404, unknown path 404, GET on admin 405, POST on /metrics 405" sh -c "
	curl -s -o /dev/null -w '%{http_code} ' -X POST -H '$AUTH' '$URL/v1/regions/nowhere/drain'
	curl -s -o /dev/null -w '%{http_code} ' -H '$AUTH' '$URL/v1/nothing'
	curl -s -o /dev/null -w '%{http_code} ' -H '$AUTH' '$URL/v1/reload'
	curl -s -o /dev/null -w '%{http_code}\n' -X POST '$URL/metrics'" <<'EOF2'
404 404 405 405
EOF2
head -c 10000 /dev/zero | tr '\0' 'x' >"$TMP/big.body"
check_cmd "request body over the limit refused" sh -c "
	curl -s -o /dev/null -w '%{http_code}\n' -X POST -H '$AUTH' --data-binary @'$TMP/big.body' \
		'$URL/v1/endpoints/192.0.2.10/state'" <<'EOF2'
413
EOF2

# --- drain through the API moves answers, and survives SIGHUP
check_cmd "before the drain: us-east" ans $NA <<'EOF2'
192.0.2.10 192.0.2.11 
EOF2
check_cmd "drain us-east" curl -s -X POST -H "$AUTH" "$URL/v1/regions/us-east/drain" <<'EOF2'
{"drained": true}
EOF2
sleep 0.3
check_cmd "drained: North America spills to eu-west" ans $NA <<'EOF2'
198.51.100.10 198.51.100.11 
EOF2
grep -q 'event=admin action=drain region=us-east from=127.0.0.1 result=ok' "$TMP/server.log" &&
	pass "drain audited" || fail "drain audited"
kill -HUP "$SERVER_PID"
wait_log 'event=reload result=ok' 1
check_cmd "the drain survives SIGHUP" ans $NA <<'EOF2'
198.51.100.10 198.51.100.11 
EOF2
check_cmd "endpoint forced down" curl -s -X POST -H "$AUTH" -d down "$URL/v1/endpoints/198.51.100.10/state" <<'EOF2'
{"ok": true}
EOF2
sleep 0.3
check_cmd "the forced-down endpoint leaves the answer" ans $NA <<'EOF2'
198.51.100.11 
EOF2
grep -q '^geodnsd_endpoint_override{endpoint="198.51.100.10"} 0$' "$(scrape >"$TMP/m2.txt"; echo "$TMP/m2.txt")" &&
	pass "override in /metrics" || fail "override in /metrics"
curl -s -X POST -H "$AUTH" -d '{"state": "auto"}' "$URL/v1/endpoints/198.51.100.10/state" >/dev/null
curl -s -X POST -H "$AUTH" "$URL/v1/regions/us-east/undrain" >/dev/null
sleep 0.3
check_cmd "undrained, override cleared: back to us-east" ans $NA <<'EOF2'
192.0.2.10 192.0.2.11 
EOF2

# --- a broken zone on reload: old answers stay, the failure is counted
f0=$(metric 'geodnsd_reloads_total{result="failed"}')
cp "$TMP/example.com.zone" "$TMP/example.com.zone.good"
printf 'broken IN A 300.1.2.3\n' >>"$TMP/example.com.zone"
check_cmd "POST /v1/reload with a broken zone: 409 and the error" sh -c "
	curl -s -w ' %{http_code}\n' -X POST -H '$AUTH' '$URL/v1/reload' | sed 's/\\\\t/ /g'" <<EOF2
{"reloaded": false, "errors": "$TMP/example.com.zone:50: cannot parse \"broken IN A 300.1.2.3\": Syntax error, could not parse the RR's rdata"}
 409
EOF2
kill -HUP "$SERVER_PID"
wait_log 'event=reload result=failed' 2
check_cmd "failed reloads counted (API and SIGHUP)" sh -c "echo \$(( \$(curl -s '$URL/metrics' | awk '/^geodnsd_reloads_total\\{result=\"failed\"\\}/ {print \$2}') - $f0 ))" <<'EOF2'
2
EOF2
check_cmd "old data still answers" dig @127.0.0.1 -p "$PORT" +norec +short static.example.com <<'EOF2'
192.0.2.80
EOF2
mv "$TMP/example.com.zone.good" "$TMP/example.com.zone"
printf 'added IN A 192.0.2.123\n' >>"$TMP/example.com.zone"
# the same serial: a zone without secondaries (no transfer.allow or
# transfer.notify) is not held to raising it
check_cmd "POST /v1/reload applies a good change" sh -c "
	curl -s -X POST -H '$AUTH' '$URL/v1/reload'
	dig @127.0.0.1 -p $PORT +norec +short added.example.com" <<'EOF2'
{"reloaded": true}
192.0.2.123
EOF2

# --- overrides persist in health.state_file across a restart
curl -s -X POST -H "$AUTH" "$URL/v1/regions/us-east/drain" >/dev/null
curl -s -X POST -H "$AUTH" -d down "$URL/v1/endpoints/198.51.100.10/state" >/dev/null
# written within 0.2 s of the last change (health.state_file): wait at most 2 s
i=0
while [ $i -lt 40 ] && ! grep -q '"198.51.100.10": "down"' "$TMP/state.json"; do
	sleep 0.05
	i=$((i + 1))
done
check_cmd "state file written" cat "$TMP/state.json" <<'EOF2'
{ "drained": ["us-east"],
  "endpoints": { "198.51.100.10": "down" } }
EOF2
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
start_server tests/data/ops.conf || exit 1
check_cmd "after a restart the drain and the override still hold" ans $NA <<'EOF2'
198.51.100.11 
EOF2
if stop_server; then pass "clean exit after restart"; else fail "clean exit after restart"; fi
