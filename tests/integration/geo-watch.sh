# geo-watch.sh - geoip.watch (issue 20 item 3): a GeoIP database replaced
# on disk is loaded and published alone, within a few seconds, with no
# reload: the rename that geoipupdate does, then a copy in place; a
# truncated file is refused once with a log line naming it (and its
# reason) while the last good database keeps answering, and a good file
# after it is taken; the zones are not read again by it (a record added
# to a zone file is not served until a reload), and a zone published
# alone (geodnsdctl reload ZONE) does not read the databases, so a bad
# one does not block it; the answer caches follow
# the new database; geodnsd_geoip_reloads_total counts by result. Each
# database's answers come from tests/data/geo-test.csv (city.mmdb) and
# geo-swap.csv (swap.mmdb), as in geo-replace.sh.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
trap 'stop_server' EXIT
CTL=${GEODNSDCTL:-$(pwd)/build/geodnsdctl}

cp tests/tmp/geo/city.mmdb "$TMP/city.mmdb"
cp tests/tmp/geo/city.mmdb "$TMP/good.mmdb"
cp zones/example.com.zone "$TMP/example.com.zone"
sed -i "s|^\$INCLUDE example.com.include|\$INCLUDE $(pwd)/zones/example.com.include|" \
	"$TMP/example.com.zone"
tools/mkgeodb -o "$TMP/swap.mmdb" tests/data/geo-swap.csv >/dev/null 2>&1 ||
	{ fail "mkgeodb tests/data/geo-swap.csv"; exit 1; }
start_server tests/data/geo-watch.conf || exit 1

# answers: the region of three client networks (the first address of
# www.example.com, or the CNAME's target) and the ECS scope
answers() {
	for net in 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24; do
		dq +norec www.example.com A +subnet="$net" |
			awk -v net="$net" '/CLIENT-SUBNET/ { s = $3 }
				/^[^;]/ && $4 != "" && !done { print net, s, $4, $5; done = 1 }'
	done
}
OLD="192.0.2.0/24 192.0.2.0/24/25 A 192.0.2.10
198.51.100.0/24 198.51.100.0/24/26 A 198.51.100.10
203.0.113.0/24 203.0.113.0/24/25 CNAME lb-ap.example.net."
NEW="192.0.2.0/24 192.0.2.0/24/24 A 198.51.100.10
198.51.100.0/24 198.51.100.0/24/24 CNAME lb-ap.example.net.
203.0.113.0/24 203.0.113.0/24/24 A 192.0.2.10"

# reloads RESULT: geodnsd_geoip_reloads_total{result="RESULT"}
reloads() {
	curl -s "http://127.0.0.1:$HTTPPORT/metrics" |
		awk -v r="result=\"$1\"" 'index($0, "geodnsd_geoip_reloads_total{" r "}") == 1 { print $2 }'
}

# loaded N NAME EXPECTED-ANSWERS: the N-th geoip_reload line is ok and the
# answers are EXPECTED
loaded() {
	if wait_log "event=geoip_reload result=ok database=$TMP/city.mmdb" "$1" &&
		[ "$(answers)" = "$3" ]; then
		pass "$2"
	else
		fail "$2"
		answers | sed 's/^/  /'
		grep geoip_reload "$TMP/server.log" | sed 's/^/  /'
	fi
}

check_cmd "the database at start" answers <<OUT
$OLD
OUT
# zone file changed on disk, no reload: not served by a GeoIP publication
echo "added 300 IN A 192.0.2.77" >>"$TMP/example.com.zone"

# geoipupdate's way: a new file renamed over the old one
cp "$TMP/swap.mmdb" "$TMP/city.mmdb.tmp"
mv "$TMP/city.mmdb.tmp" "$TMP/city.mmdb"
loaded 1 "renamed over: the new database answers, no reload" "$NEW"
check "the zones are not read again by it" +norec +short added.example.com A <<'OUT'
OUT
check_cmd "no reload happened" sh -c "grep -c 'event=reload ' '$TMP/server.log'" <<OUT
0
OUT

# a truncated file: refused once, reason and file logged, old answers stay
head -c 2000 "$TMP/good.mmdb" >"$TMP/city.mmdb.tmp"
mv "$TMP/city.mmdb.tmp" "$TMP/city.mmdb"
if wait_log "event=geoip_reload result=failed database=$TMP/city.mmdb action=keeping_old_database" 1 &&
	grep -q "$TMP/city.mmdb: cannot open GeoIP database" "$TMP/server.log"; then
	pass "truncated: refused, the file and the reason logged"
else
	fail "truncated: refused, the file and the reason logged"
	tail -5 "$TMP/server.log" | sed 's/^/  /'
fi
check_cmd "truncated: the last good database answers" answers <<OUT
$NEW
OUT
sleep 2.5
check_cmd "truncated: tried once, not every second" sh -c \
	"grep -c 'event=geoip_reload result=failed' '$TMP/server.log'" <<OUT
1
OUT
# a zone published alone (geodnsdctl reload ZONE) does not read the
# databases: the bad file does not hold it back, nor is it taken
check_cmd "the bad GeoIP file does not block a reload of one zone" \
	"$CTL" -s "$TMP/control.sock" reload example.com <<OUT
zone example.com reloaded
OUT
check "the zone change is served" +norec +short added.example.com A <<'OUT'
192.0.2.77
OUT
check_cmd "the last good database still answers" answers <<OUT
$NEW
OUT

# a good file again: taken
cp "$TMP/good.mmdb" "$TMP/city.mmdb.tmp"
mv "$TMP/city.mmdb.tmp" "$TMP/city.mmdb"
loaded 2 "a good file after the bad one: loaded" "$OLD"

# a copy in place (same inode, rewritten): loaded once it has settled
cp "$TMP/swap.mmdb" "$TMP/city.mmdb"
loaded 3 "copied in place: loaded once settled" "$NEW"

check_cmd "geodnsd_geoip_reloads_total by result" echo "ok $(reloads ok) failed $(reloads failed)" <<OUT
ok 3 failed 1
OUT
# the watcher keeps going after a reload
kill -HUP "$SERVER_PID"
wait_log "event=reload result=ok" 1
mv "$TMP/good.mmdb" "$TMP/city.mmdb"
loaded 4 "watched after a reload" "$OLD"
server_alive "server up"
stop_server || fail "geodnsd exited non-zero"
sanitizer_clean "no sanitizer report"
