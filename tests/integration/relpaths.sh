# relpaths.sh - relative paths in the configuration are taken from the
# directory of the configuration file, not from the directory geodnsd runs
# in (as Knot and NSD do; a unit with WorkingDirectory=/ needs it). A
# configuration in $TMP/etc names every file relatively (zones, services,
# GeoIP database, a file: feed, the health state file, the admin token, the
# control socket, a TSIG secret); geodnsd -t accepts it from / by its
# absolute name and from $TMP by a relative one, errors name each missing
# file by the name it was looked for under, and the daemon started in /
# serves from those files, writes its state file and socket there, and
# reads them again at a reload.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

CTL=${GEODNSDCTL:-$(pwd)/build/geodnsdctl}
E=$TMP/etc
rm -rf "$E"
mkdir -p "$E/zones" "$E/geo" "$E/feeds" "$E/state"
cp zones/example.com.zone zones/example.com.include zones/example.com.services.json \
	zones/example.net.zone "$E/zones/"
cp zones/demo-city.mmdb "$E/geo/"
printf '{ "regions": { "us-east": { "healthy": true, "weight": 100 } } }\n' >"$E/feeds/us-east.json"
printf 'relpaths-token-0123456789abcdef\n' >"$E/admin.token"
printf 'cmVscGF0aHMtc2VjcmV0\n' >"$E/xfr.secret"
chmod 600 "$E/admin.token" "$E/xfr.secret"
PORT=$(free_port)
HTTPPORT=$(free_port)
cat >"$E/geodnsd.conf" <<EOF
{ "server": { "listen": ["127.0.0.1:$PORT"], "workers": 1 },
  "http": { "listen": "127.0.0.1:$HTTPPORT", "token_file": "admin.token" },
  "control": { "socket": "ctl.sock" },
  "geoip": { "database": "geo/demo-city.mmdb" },
  "regions": {
    "us-east":  { "location": [38.9, -77.0], "feed": "file:feeds/us-east.json" },
    "eu-west":  { "location": [53.3, -6.3] },
    "ap-south": { "location": [1.35, 103.8] } },
  "health": { "interval": 1, "timeout": 1, "down_after": 2, "up_after": 2,
              "state_file": "state/health.state" },
  "tsig_keys": { "xfr": { "secret_file": "xfr.secret" } },
  "zones": [
    { "origin": "example.com", "file": "zones/example.com.zone",
      "services": "zones/example.com.services.json" },
    { "origin": "example.net", "file": "zones/example.net.zone" } ] }
EOF

# t DIR CONFIG: geodnsd -t run in DIR, its output with $TMP as TMP, then
# its exit status
t() {
	(cd "$1" && "$GEODNSD" -t -c "$2") >"$TMP/t.out" 2>&1
	_t_rc=$?
	sed "s|$TMP|TMP|g" "$TMP/t.out"
	echo "exit $_t_rc"
}

check_cmd "geodnsd -t in / with the absolute name: the files beside the config" t / "$E/geodnsd.conf" <<'EOF'
zone example.com. serial 2026112701: 39 records, 2 services OK
zone example.net. serial 2026112701: 6 records OK
configuration TMP/etc/geodnsd.conf OK
exit 0
EOF
check_cmd "geodnsd -t in TMP with a relative name: the same files" t "$TMP" etc/geodnsd.conf <<'EOF'
zone example.com. serial 2026112701: 39 records, 2 services OK
zone example.net. serial 2026112701: 6 records OK
configuration etc/geodnsd.conf OK
exit 0
EOF

# missing files: each error names the path as resolved
cat >"$E/missing.conf" <<'EOF'
{ "http": { "listen": "127.0.0.1:0", "token_file": "none.token" },
  "geoip": { "database": "geo/none.mmdb" },
  "zones": [ { "origin": "example.net", "file": "zones/none.zone" } ] }
EOF
t_sorted() { t "$@" | LC_ALL=C sort; }
check_cmd "missing files from /: named under the config's directory" t_sorted / "$E/missing.conf" <<'EOF'
TMP/etc/geo/none.mmdb: cannot open GeoIP database: No such file or directory
TMP/etc/none.token: cannot read the admin token: No such file or directory
TMP/etc/zones/none.zone: cannot read zone file: No such file or directory
exit 1
geodnsd: 3 errors
EOF
check_cmd "missing files from TMP, config named relatively: named relatively" t_sorted "$TMP" etc/missing.conf <<'EOF'
etc/geo/none.mmdb: cannot open GeoIP database: No such file or directory
etc/none.token: cannot read the admin token: No such file or directory
etc/zones/none.zone: cannot read zone file: No such file or directory
exit 1
geodnsd: 3 errors
EOF
printf '{ "tsig_keys": { "xfr": { "secret_file": "none.secret" } } }\n' >"$E/nosecret.conf"
check_cmd "a missing TSIG secret file: named under the config's directory" t / "$E/nosecret.conf" <<'EOF'
TMP/etc/nosecret.conf:1:42: tsig_keys.xfr.secret_file: cannot read "TMP/etc/none.secret": No such file or directory
geodnsd: 1 error
exit 1
EOF

# ---- the daemon, started in / ----
(cd / && exec "$GEODNSD" -f -c "$E/geodnsd.conf") >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
if wait_log "event=started" 1; then
	pass "started in / on the config in TMP/etc"
else
	fail "started in / on the config in TMP/etc"
	tail -20 "$TMP/server.log" | sed 's/^/  /'
	exit 1
fi
check_cmd "the loaded files, by their resolved names" sh -c "
	grep -o 'event=zone_loaded zone=[^ ]* .* file=[^ ]*\|event=geoip_loaded file=[^ ]*' \
		'$TMP/server.log' | sed -e 's|$TMP|TMP|g' -e 's/ serial=.* file=/ file=/'" <<'EOF'
event=zone_loaded zone=example.com. file=TMP/etc/zones/example.com.zone
event=zone_loaded zone=example.net. file=TMP/etc/zones/example.net.zone
event=geoip_loaded file=TMP/etc/geo/demo-city.mmdb
EOF
ans() { dig @127.0.0.1 -p "$PORT" +norec +short www.example.com +subnet="$1" | sort | tr '\n' ' '; echo; }
check_cmd "a static answer" dig @127.0.0.1 -p "$PORT" +norec +short static.example.com <<'EOF'
192.0.2.80
EOF
check_cmd "Europe located by the GeoIP database: eu-west" ans 198.51.100.0/24 <<'EOF'
198.51.100.10 198.51.100.11 
EOF
URL=http://127.0.0.1:$HTTPPORT
polls() {
	curl -s "$URL/metrics" |
		awk -v m="geodnsd_feed_polls_total{feed=\"file:$E/feeds/us-east.json\",result=\"ok\"}" \
			'index($0, m " ") == 1 && $NF > 0 { print "polled" }'
}
wait_output "the file feed polled at its resolved path" polled 5000 polls
AUTH="Authorization: Bearer relpaths-token-0123456789abcdef"
check_cmd "the admin token read from beside the config: drain accepted" \
	curl -s -X POST -H "$AUTH" "$URL/v1/regions/us-east/drain" <<'EOF'
{"drained": true}
EOF
state() { cat "$E/state/health.state" 2>/dev/null | tr -d '\n'; echo; }
wait_output "the state file written beside the config" '{ "drained": ["us-east"],  "endpoints": { } }' 3000 state
check_cmd "geodnsdctl on the control socket beside the config" sh -c "
	'$CTL' -s '$E/ctl.sock' zone-status example.net. | grep -o '\"file\": \"[^\"]*\"' | sed 's|$TMP|TMP|'" <<'EOF'
"file": "TMP/etc/zones/example.net.zone"
EOF
# a reload reads the same file, so the same directory applies
printf 'added IN A 192.0.2.123\n' >>"$E/zones/example.com.zone"
kill -HUP "$SERVER_PID"
wait_log 'event=reload result=' 1
check_cmd "SIGHUP: reloaded from the same files" sh -c "
	grep -o 'event=reload result=[a-z]*' '$TMP/server.log'
	dig @127.0.0.1 -p $PORT +norec +short added.example.com" <<'EOF'
event=reload result=ok
192.0.2.123
EOF
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
sanitizer_clean "no sanitizer report"
