# feed-hostile.sh - hostile health feeds (tests/integration/evilfeed.c) and
# resolvers do not hold the prober or grow the server: endless response
# headers end the poll at the header cap (reason headers_too_large) with
# memory bounded; a feed that trickles a byte every 0.4 s ends at the poll's
# deadline (feed_timeout); a feed that never answers too; a file feed that
# is a FIFO is refused (not_regular_file) without blocking, so an admin drain
# still shows in answers at once and SIGTERM stops the server. A feed whose
# host name does not resolve (NXDOMAIN from a second geodnsd as
# health.resolver) goes on being polled and is followed once it resolves; a
# resolver that never answers delays no admin change.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

EVILFEED=${EVILFEED:-$(dirname "${FEEDSERVER:-$(pwd)/build/feedserver}")/evilfeed}
EVILPIDS=
stop_evil() {
	for p in $EVILPIDS; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	EVILPIDS=
}
RPID=
FEEDPID=
stop_helpers() {
	stop_evil
	for p in $RPID $FEEDPID; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	RPID=
	FEEDPID=
}
trap 'stop_helpers; cleanup' EXIT INT TERM

# start_evil MODE: a hostile feed in the background for at most 60 s; its
# port in $EVILPORT, its report in $TMP/evil-MODE.out
start_evil() {
	start_listener "evil-$1" "$EVILFEED" -m "$1" -l 127.0.0.1:0 --seconds 60
	EVILPIDS="$EVILPIDS $LISTENER_PID"
	EVILPORT=$LISTENER_PORT
}

ans() {
	dq +norec +short svc.example.com +subnet="$1" | grep -v '^;' | sort | tr '\n' ' '
	echo
}

# wait_answer NAME SUBNET EXPECTED MAX_MS: PASS when the answer is EXPECTED
# within MAX_MS milliseconds
wait_answer() {
	wait_output "$1" "$3" "$4" ans "$2"
}

# log_within NAME PATTERN: the server log has PATTERN within 5 s
log_within() {
	if wait_log "$2" 1; then
		pass "$1"
	else
		fail "$1: no \"$2\" in the log after 5 s"
		grep 'feed\|region=' "$TMP/server.log" | tail -5 | sed 's/^/  /'
	fi
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }

NA=192.0.2.0/24

# --- endless headers and a trickle, on us-east and ap-south
start_evil headers
HEADERSPORT=$EVILPORT
start_evil trickle
TRICKLEPORT=$EVILPORT
sed -e "s|@HEADERSPORT@|$HEADERSPORT|g" -e "s|@TRICKLEPORT@|$TRICKLEPORT|g" \
	tests/data/feed-hostile.conf >"$TMP/hostile.conf.in"
start_server "$TMP/hostile.conf.in" || exit 1
rss0=$(rss_kb)

log_within "endless headers: the poll fails at the header cap" \
	"event=feed_failed feed=http://127.0.0.1:$HEADERSPORT/endless-headers.json reason=headers_too_large"
log_within "endless headers: us-east down after down_after polls" \
	'region=us-east state=down reason=headers_too_large checks=2'
log_within "a byte every 0.4 s: the poll ends at its deadline (timeout 1 s)" \
	"event=feed_failed feed=http://127.0.0.1:$TRICKLEPORT/trickle.json reason=feed_timeout"
log_within "trickle: ap-south down after down_after polls" \
	'region=ap-south state=down reason=feed_timeout checks=2'
wait_answer "both down: North America answered from eu-west" $NA "198.51.100.10 " 1000

# more polls against the endless headers: memory stays where it was
sleep 2
rss1=$(rss_kb)
grow=$(( (rss1 - rss0) / 1024 ))
if [ $grow -lt 32 ]; then
	pass "memory bounded under endless headers (RSS grew ${grow} MB in about 5 s)"
else
	fail "memory bounded under endless headers: RSS grew ${grow} MB (${rss0} -> ${rss1} kB)"
fi
polls=$(grep -c "^conn=" "$TMP/evil-headers.out")
# each poll's connection is closed by the client: the header cap reached;
# what it took before is the cap plus the loopback socket buffers
big=$(awk -F'[= ]' '/^conn=/ && $4 > 16 * 1048576' "$TMP/evil-headers.out" | wc -l)
if [ "$polls" -ge 3 ] && [ "$big" -eq 0 ]; then
	pass "every endless-headers poll closed by the client ($polls polls, none took over 16 MiB)"
else
	fail "endless-headers polls closed by the client: $polls closed, $big over 16 MiB"
	sed 's/^/  /' "$TMP/evil-headers.out"
fi
stop_within "clean exit under hostile feeds" 5
sanitizer_clean "no sanitizer report (hostile feeds)"
stop_evil

# --- a FIFO as the file feed, a feed that never answers, an admin drain
start_evil silent
SILENTPORT=$EVILPORT
rm -f "$TMP/feed.fifo"
mkfifo "$TMP/feed.fifo"
printf 'test-token-0123456789abcdef\n' >"$TMP/admin.token"
chmod 600 "$TMP/admin.token"
AUTH="Authorization: Bearer test-token-0123456789abcdef"
sed -e "s|@SILENTPORT@|$SILENTPORT|g" tests/data/feed-fifo.conf >"$TMP/fifo.conf.in"
start_server "$TMP/fifo.conf.in" || exit 1
URL=http://127.0.0.1:$HTTPPORT

log_within "a FIFO as feed file: refused, not read" \
	"event=feed_failed feed=file:$TMP/feed.fifo reason=not_regular_file"
log_within "a feed that never answers: the poll ends at its deadline" \
	"event=feed_failed feed=http://127.0.0.1:$SILENTPORT/silent.json reason=feed_timeout"
wait_answer "before the drain: North America on us-east" $NA "192.0.2.10 192.0.2.11 " 1000
check_cmd "drain us-east through the admin API" \
	curl -s -m 5 -X POST -H "$AUTH" "$URL/v1/regions/us-east/drain" <<'EOF2'
{"drained": true}
EOF2
wait_answer "the drain shows in answers within 1 s (the FIFO blocks nothing)" $NA \
	"198.51.100.10 " 1000
check_cmd "undrain us-east" \
	curl -s -m 5 -X POST -H "$AUTH" "$URL/v1/regions/us-east/undrain" <<'EOF2'
{"drained": false}
EOF2
wait_answer "undrained within 1 s" $NA "192.0.2.10 192.0.2.11 " 1000
stop_within "SIGTERM stops the server within 5 s (a FIFO feed configured)" 5
sanitizer_clean "no sanitizer report (FIFO feed)"
stop_evil

# --- a feed named by a host name, resolved by a second geodnsd (the
# optimized build: it is not under test) serving feeds.test
cp tests/data/feeds.test.zone "$TMP/feeds.test.zone"
RESOLVER_BIN=${PLAIN_GEODNSD:-$GEODNSD}
for attempt in 1 2 3 4 5; do
	RPORT=$(( 20000 + ($$ * 13 + attempt * 7717 + $(date +%N | sed 's/^0*//;s/^$/0/')) % 40000 ))
	sed -e "s|@PORT@|$RPORT|g" -e "s|@TMP@|$TMP|g" tests/data/feed-resolver.conf \
		>"$TMP/resolver.conf"
	"$RESOLVER_BIN" -f -c "$TMP/resolver.conf" >"$TMP/resolver.log" 2>&1 &
	RPID=$!
	i=0
	while [ $i -lt 100 ] && kill -0 "$RPID" 2>/dev/null &&
		! grep -q 'event=started' "$TMP/resolver.log"; do
		sleep 0.05
		i=$((i + 1))
	done
	grep -q 'event=started' "$TMP/resolver.log" && break
	kill -TERM "$RPID" 2>/dev/null
	wait "$RPID" 2>/dev/null
	RPID=
done
[ -n "$RPID" ] || { fail "the resolver (a second geodnsd) did not start"; exit 1; }
resolves() { dig @127.0.0.1 -p "$RPORT" +norec +short +time=2 +tries=1 feed.feeds.test A; }
check_cmd "the resolver: feed.feeds.test does not exist yet" \
	sh -c "dig @127.0.0.1 -p $RPORT +norec +time=2 +tries=1 feed.feeds.test A | grep -o 'status: [A-Z]*'" <<'EOF2'
status: NXDOMAIN
EOF2

FEEDS=$TMP/feeds
mkdir -p "$FEEDS"
feed_http() {
	printf '{ "regions": { "us-east": { "healthy": %s }, "ap-south": { "healthy": true } } }\n' \
		"$1" >"$FEEDS/americas-asia.json.tmp"
	mv "$FEEDS/americas-asia.json.tmp" "$FEEDS/americas-asia.json"
}
feed_http true
start_listener feedserver "$FEEDSERVER" -l 127.0.0.1:0 -d "$FEEDS" --fresh
FEEDPID=$LISTENER_PID
FEEDPORT=$LISTENER_PORT
FEED="http://feed.feeds.test:$FEEDPORT/americas-asia.json"
sed -e "s|@FEEDPORT@|$FEEDPORT|g" -e "s|@RESOLVERPORT@|$RPORT|g" \
	tests/data/feed-resolve.conf >"$TMP/resolve.conf.in"
start_server "$TMP/resolve.conf.in" || exit 1

log_within "NXDOMAIN: the poll fails (feed_unreachable)" \
	"event=feed_failed feed=$FEED reason=feed_unreachable"
log_within "NXDOMAIN: us-east down after down_after polls" \
	'region=us-east state=down reason=feed_unreachable checks=2'
wait_answer "NXDOMAIN: North America on eu-west" $NA "198.51.100.10 " 1000

# the name appears: the feed is polled again and us-east follows it
printf 'feed\tIN A\t127.0.0.1\n' >>"$TMP/feeds.test.zone"
kill -HUP "$RPID"
i=0
while [ $i -lt 50 ] && ! grep -q 'event=reload result=ok' "$TMP/resolver.log"; do
	sleep 0.1
	i=$((i + 1))
done
check_cmd "the resolver: feed.feeds.test is 127.0.0.1 now" resolves <<'EOF2'
127.0.0.1
EOF2
log_within "the name resolves: the feed answers again" "event=feed_ok feed=$FEED"
wait_answer "us-east up again after up_after polls: North America back" $NA \
	"192.0.2.10 192.0.2.11 " 4000
feed_http false
wait_answer "the feed says us-east is unhealthy: North America moves" $NA "198.51.100.10 " 4000
feed_http true
wait_answer "healthy again: North America back on us-east" $NA "192.0.2.10 192.0.2.11 " 4000
stop_within "clean exit (resolved feed)" 5
sanitizer_clean "no sanitizer report (resolved feed)"

# --- a resolver that never answers: the poll ends at its deadline, and an
# admin drain shows in answers at once all the while
start_evil udp
sed -e "s|@FEEDPORT@|$FEEDPORT|g" -e "s|@RESOLVERPORT@|$EVILPORT|g" \
	tests/data/feed-resolve.conf >"$TMP/slow.conf.in"
start_server "$TMP/slow.conf.in" || exit 1
URL=http://127.0.0.1:$HTTPPORT
log_within "silent resolver: the poll ends at its deadline (feed_timeout)" \
	"event=feed_failed feed=$FEED reason=feed_timeout"
log_within "silent resolver: us-east down after down_after polls" \
	'region=us-east state=down reason=feed_timeout checks=2'
EU=198.51.100.0/24
wait_answer "before the drain: Europe on eu-west" $EU "198.51.100.10 " 1000
check_cmd "drain eu-west through the admin API" \
	curl -s -m 5 -X POST -H "$AUTH" "$URL/v1/regions/eu-west/drain" <<'EOF2'
{"drained": true}
EOF2
wait_answer "the drain shows in answers within 1 s (lookups pending)" $EU "203.0.113.10 " 1000
check_cmd "undrain eu-west" \
	curl -s -m 5 -X POST -H "$AUTH" "$URL/v1/regions/eu-west/undrain" <<'EOF2'
{"drained": false}
EOF2
wait_answer "undrained within 1 s (lookups pending)" $EU "198.51.100.10 " 1000
stop_within "SIGTERM stops the server within 5 s (lookups pending)" 5
sanitizer_clean "no sanitizer report (silent resolver)"
