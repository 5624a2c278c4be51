# health.sh - answers follow health feeds served by tools/feedserver over
# HTTP on loopback and a file feed: weight changes move clients within one
# interval; an unreachable feed takes its regions down after down_after
# polls; a garbage file feed with on_feed_loss "keep" changes nothing; every
# region down fails open; a drained share spills; unhealthy endpoints leave
# the answer; TTLs are capped at the poll interval (cap_ttl).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

FEEDS=$TMP/feeds
rm -rf "$FEEDS"
mkdir -p "$FEEDS"
FEEDPID=
stop_feeds() {
	if [ -n "$FEEDPID" ]; then
		kill -TERM "$FEEDPID" 2>/dev/null
		wait "$FEEDPID" 2>/dev/null
		FEEDPID=
	fi
}
trap 'stop_feeds; cleanup' EXIT INT TERM

# feed DOCNAME US_HEALTHY US_WEIGHT AP_HEALTHY [ENDPOINTS-JSON]
feed_http() {
	cat >"$FEEDS/americas-asia.json.tmp" <<EOF2
{ "generated_at": "2000-01-01T00:00:00Z",
  "regions": { "us-east": { "healthy": $1, "weight": $2 $4 },
               "ap-south": { "healthy": $3 } } }
EOF2
	mv "$FEEDS/americas-asia.json.tmp" "$FEEDS/americas-asia.json"
}
feed_eu() {
	printf '%s\n' "$1" >"$FEEDS/eu-west.json.tmp"
	mv "$FEEDS/eu-west.json.tmp" "$FEEDS/eu-west.json"
}

feed_http true 100 true ""
feed_eu '{ "regions": { "eu-west": { "healthy": true } } }'
start_listener feedserver "$FEEDSERVER" -l 127.0.0.1:0 -d "$FEEDS" --fresh
FEEDPID=$LISTENER_PID
FEEDPORT=$LISTENER_PORT
sed "s|@FEEDPORT@|$FEEDPORT|g" tests/data/health.conf >"$TMP/health.conf.in"
start_server "$TMP/health.conf.in" || exit 1

NA=192.0.2.0/24
ans() {
	dq +norec +short svc.example.com +subnet="$1" | grep -v '^;' | sort | tr '\n' ' '
	echo
}

# wait_for NAME SUBNET EXPECTED MAX_SECONDS: PASS when the answer is
# EXPECTED within MAX_SECONDS.
wait_for() {
	wait_output "$1" "$3" $(($4 * 1000)) ans "$2"
}

wait_for "start: North America -> us-east" $NA "192.0.2.10 192.0.2.11 " 3

check_cmd "TTL capped at the poll interval (1 s, service ttl 30)" \
	sh -c "dig @127.0.0.1 -p $PORT +norec +noall +answer svc.example.com +subnet=$NA | awk '{print \$2}' | sort -u" <<'EOF2'
1
EOF2

# interval 1 s: a change must show within interval + 1 s
feed_http true 0 true ""
wait_for "weight 0 drains us-east within interval+1s: spill to eu-west" $NA "198.51.100.10 " 2
feed_http true 100 true ""
wait_for "weight 100 again: back within interval+1s" $NA "192.0.2.10 192.0.2.11 " 2

feed_http true 100 true ', "endpoints": { "192.0.2.11": { "healthy": false } }'
wait_for "an unhealthy endpoint leaves after down_after polls" $NA "192.0.2.10 " 4
feed_http true 100 true ""
wait_for "and comes back after up_after polls" $NA "192.0.2.10 192.0.2.11 " 4

# garbage in eu-west's file feed with on_feed_loss keep: nothing changes
feed_eu 'this is not json {'
feed_http true 0 true ""
sleep 3.5
check_cmd "garbage file feed (keep): eu-west still answers" ans $NA <<'EOF2'
198.51.100.10 
EOF2
grep -q 'event=feed_failed feed=file:.*reason=not_json' "$TMP/server.log" &&
	pass "rejected document logged with its reason" ||
	fail "rejected document logged with its reason"
feed_eu '{ "regions": { "eu-west": { "healthy": true } } }'
feed_http true 100 true ""
wait_for "us-east back" $NA "192.0.2.10 192.0.2.11 " 3

# a drained share: weight 30 keeps about 30% of us-east's nearest networks
feed_http true 30 true ""
sleep 2.5
share() {
	east=0; i=0
	while [ $i -lt 64 ]; do
		a=$(dq +norec +short svc.example.com +subnet=$(printf '2001:db8:0:%02x00::/56' $i) |
		    grep -v '^;' | head -1)
		[ "$a" = 192.0.2.10 ] || [ "$a" = 192.0.2.11 ] && east=$((east + 1))
		i=$((i + 1))
	done
	# 30% of 64 = 19.2, sd 3.7: 8..31 holds with p > 0.998
	if [ $east -ge 8 ] && [ $east -le 31 ]; then echo "share ok"; else echo "east=$east"; fi
}
check_cmd "weight 30: about 30% stay, the rest spill to eu-west" share <<'EOF2'
share ok
EOF2
feed_http true 100 true ""

# every region down: fail open with the closest region
feed_http false 100 false ""
feed_eu '{ "regions": { "eu-west": { "healthy": false } } }'
wait_for "every region down: fail open to the closest (us-east)" $NA "192.0.2.10 192.0.2.11 " 4
sleep 2.5
check_cmd "still failing open, never empty" ans 198.51.100.0/24 <<'EOF2'
198.51.100.10 
EOF2
grep -q 'region=eu-west state=down reason=reported_unhealthy checks=2' "$TMP/server.log" &&
	pass "state change logged as one line" || fail "state change logged as one line"
feed_http true 100 true ""
feed_eu '{ "regions": { "eu-west": { "healthy": true } } }'
wait_for "recovered: eu-west" 198.51.100.0/24 "198.51.100.10 " 4
# (while every region is down North America fails open to us-east anyway:
# wait for its state line, not for the answer)
if wait_log 'region=us-east state=up' 1; then pass "recovered: us-east up"; else
	fail "recovered: us-east up"; fi
wait_for "recovered: North America on us-east" $NA "192.0.2.10 192.0.2.11 " 2

# the feed server goes away: us-east and ap-south down after down_after
# failed polls; North America moves to eu-west
stop_feeds
wait_for "feed unreachable: us-east down, clients move" $NA "198.51.100.10 " 4
grep -q 'region=us-east state=down reason=feed_unreachable checks=2' "$TMP/server.log" &&
	pass "feed loss logged" || fail "feed loss logged"

if stop_server; then pass "clean exit"; else fail "clean exit"; fi
