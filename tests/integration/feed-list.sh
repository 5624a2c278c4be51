# feed-list.sh - a region's feed as a list of URLs (redundant aggregators),
# against the real daemon: two tools/feedserver instances on loopback (A
# and B) serve documents whose generated_at the test sets. us-east lists
# A then B, ap-south B then A (on_feed_loss keep), eu-west a silent server
# (tests/integration/evilfeed.c) then B. The newer document wins whichever
# URL gives it and whichever order the region lists them in; with A down B
# is used; a document older than the applied one changes nothing (the feed
# says older_than_applied); with both down us-east and eu-west are lost
# (down after down_after rounds, with the first URL's reason) while
# ap-south keeps its state. The silent first URL of eu-west ends at its
# deadline every round without holding back B's document. /status names
# each region's source and each URL's state; promtool accepts /metrics.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

EVILFEED=${EVILFEED:-$(dirname "${FEEDSERVER:-$(pwd)/build/feedserver}")/evilfeed}
FEEDSERVER=${FEEDSERVER:-$(pwd)/build/feedserver}
APID=
BPID=
SPID=
stop_pid() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
trap 'stop_pid "$APID"; stop_pid "$BPID"; stop_pid "$SPID"; cleanup' EXIT INT TERM

rm -rf "$TMP/a" "$TMP/b"
mkdir -p "$TMP/a" "$TMP/b"

# doc DIR AGE US11 APWEIGHT: the document DIR (a or b) serves, generated
# AGE seconds ago: us-east healthy with endpoint 192.0.2.11 healthy US11
# (true or false), ap-south healthy with weight APWEIGHT, eu-west healthy
doc() {
	t=$(date -u -d "@$(($(date +%s) - $2))" +%Y-%m-%dT%H:%M:%SZ)
	cat >"$TMP/$1/doc.json.tmp" <<EOF2
{ "generated_at": "$t",
  "regions": { "us-east": { "healthy": true,
                            "endpoints": { "192.0.2.11": { "healthy": $3 } } },
               "ap-south": { "healthy": true, "weight": $4 },
               "eu-west": { "healthy": true } } }
EOF2
	mv "$TMP/$1/doc.json.tmp" "$TMP/$1/doc.json"
}

# A's document is older than B's; they differ in us-east's endpoint
# 192.0.2.11 and in ap-south's weight
doc a 20 true 20
doc b 10 false 70
start_listener feed-a "$FEEDSERVER" -l 127.0.0.1:0 -d "$TMP/a"
APID=$LISTENER_PID
APORT=$LISTENER_PORT
start_listener feed-b "$FEEDSERVER" -l 127.0.0.1:0 -d "$TMP/b"
BPID=$LISTENER_PID
BPORT=$LISTENER_PORT
start_listener silent "$EVILFEED" -m silent -l 127.0.0.1:0 --seconds 300
SPID=$LISTENER_PID
SPORT=$LISTENER_PORT
if [ -z "$APORT" ] || [ -z "$BPORT" ] || [ -z "$SPORT" ]; then
	fail "feed servers started"
	exit 1
fi
A=http://127.0.0.1:$APORT/doc.json
B=http://127.0.0.1:$BPORT/doc.json
S=http://127.0.0.1:$SPORT/doc.json
sed -e "s|@APORT@|$APORT|g" -e "s|@BPORT@|$BPORT|g" -e "s|@SILENTPORT@|$SPORT|g" \
	tests/data/feed-list.conf >"$TMP/feed-list.conf.in"
start_server "$TMP/feed-list.conf.in" || exit 1
URL=http://127.0.0.1:$HTTPPORT

NA=192.0.2.0/24
# --- both up: B's document is newer, in either region's order
wait_output "us-east (A, B): B's newer document wins: 192.0.2.11 down" "192.0.2.10 " 4000 \
	svc_ans $NA
wait_output "us-east follows B" "$B" 2000 region_st us-east feed_source
wait_output "ap-south (B, A): B's weight 70" "70" 2000 region_st ap-south feed_weight
us_feed() {
	curl -s "$URL/status" | python3 -c '
import json, sys
r = json.load(sys.stdin)["regions"]["us-east"]
print(r["feed"], r["feed_state"], [u["state"] for u in r["feed_urls"]])'
}
check_cmd "us-east's feed in /status: the two URLs, ok, each URL ok" us_feed <<EOF2
['$A', '$B'] ok ['ok', 'ok']
EOF2
wait_output "eu-west: the silent first URL ends at its deadline" "feed_timeout" 4000 \
	region_st eu-west feed_urls 0 state
eu_state() { echo "$(region_st eu-west feed_source) $(region_st eu-west state)"; }
check_cmd "eu-west follows B, up" eu_state <<EOF2
$B up
EOF2

# --- A's document becomes the newest: both regions follow A
doc a 0 true 40
wait_output "us-east: A's newer document wins: 192.0.2.11 back" "192.0.2.10 192.0.2.11 " 4000 \
	svc_ans $NA
wait_output "ap-south (B, A): A's weight 40" "40" 2000 region_st ap-south feed_weight
sources() { echo "$(region_st us-east feed_source) $(region_st ap-south feed_source)"; }
check_cmd "both follow A" sources <<EOF2
$A $A
EOF2
grep -q "event=feed_source feed=\"$A $B\" url=$A " "$TMP/server.log" &&
	pass "the change of source logged" || fail "the change of source logged"

curl -s "$URL/metrics" >"$TMP/metrics.txt"
check_cmd "promtool check metrics accepts the exposition" \
	sh -c "promtool check metrics <'$TMP/metrics.txt'" </dev/null
check_cmd "per-URL metrics: the URL applied, per URL polls" sh -c "
	grep -c '^geodnsd_feed_url_applied{feed=\"$A $B\",url=\"$A\"} 1\$' '$TMP/metrics.txt'
	grep -c '^geodnsd_feed_url_applied{feed=\"$A $B\",url=\"$B\"} 0\$' '$TMP/metrics.txt'
	grep -c '^geodnsd_feed_url_polls_total{feed=\"$S $B\",url=\"$S\",result=\"failed\"} [1-9]' '$TMP/metrics.txt'
	grep -c '^geodnsd_feed_url_polls_total{feed=\"$S $B\",url=\"$S\",result=\"ok\"} 0\$' '$TMP/metrics.txt'
	grep -c '^geodnsd_feed_polls_total{feed=\"$A $B\",result=\"ok\"} [1-9]' '$TMP/metrics.txt'" <<'EOF2'
1
1
1
1
1
EOF2

# --- A goes down: B is used
stop_pid "$APID"
APID=
sleep 1
doc b 0 false 90
wait_output "A down: us-east follows B's document: 192.0.2.11 down" "192.0.2.10 " 4000 svc_ans $NA
wait_output "A down: ap-south takes B's weight 90" "90" 2000 region_st ap-south feed_weight
a_down() { echo "$(region_st us-east feed_source) $(region_st us-east feed_urls 0 state) $(region_st us-east feed_state)"; }
check_cmd "A down: B is the source, A unreachable, the feed ok" a_down <<EOF2
$B feed_unreachable ok
EOF2

# --- a document older than the applied one arrives: nothing changes
doc b 30 true 5
wait_output "an older document: the feed says older_than_applied" "older_than_applied" 4000 \
	region_st us-east feed_state
sleep 2.5
kept() { echo "$(svc_ans $NA)$(region_st ap-south feed_weight) $(region_st us-east feed_source)"; }
check_cmd "the older document never replaced the newer: answer and weight kept" kept <<EOF2
192.0.2.10 90 $B
EOF2
grep -q "event=feed_older feed=\"$A $B\" url=$B " "$TMP/server.log" &&
	pass "the older document logged" || fail "the older document logged"

# --- both down: us-east and eu-west lost (down), ap-south kept (keep)
stop_pid "$BPID"
BPID=
wait_output "both down: North America on ap-south, the only region left up" "203.0.113.10 " \
	10000 svc_ans $NA
lost() {
	echo "$(region_st us-east state) $(region_st us-east feed_state) $(region_st us-east last_failure)"
	echo "$(region_st eu-west state) $(region_st eu-west feed_state)"
	echo "$(region_st ap-south state) $(region_st ap-south feed_weight) $(region_st ap-south feed_state)"
}
check_cmd "lost with the first URL's reason; ap-south kept up" lost <<'EOF2'
down feed_unreachable feed_unreachable
down feed_timeout
up 90 feed_unreachable
EOF2
grep -q 'region=us-east state=down reason=feed_unreachable checks=2' "$TMP/server.log" &&
	pass "us-east's loss logged" || fail "us-east's loss logged"
grep -q "event=feed_lost feed=\"$S $B\" reason=feed_timeout urls=2" "$TMP/server.log" &&
	pass "eu-west's lost feed logged" || fail "eu-west's lost feed logged"
if grep -q 'region=ap-south state=down' "$TMP/server.log"; then
	fail "ap-south (keep) never went down"
else
	pass "ap-south (keep) never went down"
fi

if stop_server; then pass "clean exit"; else fail "clean exit"; fi
sanitizer_clean "no sanitizer report"
