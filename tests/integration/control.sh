# control.sh - geodnsdctl against the real daemon over its control socket:
# status and zone-status, a reload that works and one that fails (exit 1,
# every error on stderr, the old data still served), the reload of one
# zone (another zone's broken file does not hold it back), drain and undrain seen in the answers, endpoint overrides, explain
# for demo clients (exact), errors, and the socket's permissions (0660:
# another user is refused until the mode lets it in).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

CTL=${GEODNSDCTL:-$(pwd)/build/geodnsdctl}
cp zones/example.com.zone zones/example.com.include zones/example.net.zone "$TMP/"
rm -rf "$TMP/sock"
mkdir -p "$TMP/sock"
chmod 755 "$TMP/sock"
start_server tests/data/control.conf || exit 1
SOCK=$TMP/sock/control.sock
ctl() { "$CTL" -s "$SOCK" "$@"; }
# ctl_rc ARGS...: stdout, stderr (prefixed "stderr: ") and the exit status
ctl_rc() {
	"$CTL" -s "$SOCK" "$@" 2>"$TMP/ctl.err"
	echo "exit $?"
	sed 's/^/stderr: /' "$TMP/ctl.err"
}
ans() { dig @127.0.0.1 -p "$PORT" +norec +short "$1" +subnet="$2" | sort | tr '\n' ' '; echo; }

check_cmd "the socket is mode 0660" stat -c %a "$SOCK" <<'EOF2'
660
EOF2
grep -q "event=control_listening socket=$SOCK" "$TMP/server.log" &&
	pass "control socket logged" || fail "control socket logged"

check_cmd "zone-status example.net" ctl_rc zone-status example.net. <<EOF2
[
    { "zone": "example.net.", "serial": 2026112701, "records": 6, "services": 0, "file": "$TMP/example.net.zone", "journal": { "first_serial": null, "last_serial": null, "versions": 0, "bytes": 0 } }
  ]
exit 0
EOF2
check_cmd "zone-status of a zone not served" ctl_rc zone-status example.org <<'EOF2'
exit 1
stderr: zone example.org is not served here
EOF2
ctl status >"$TMP/status.json"
check_cmd "status is the /status document" python3 -c "
import json, sys
d = json.load(open('$TMP/status.json'))
print(sorted(d), [z['zone'] for z in d['zones']], sorted(d['regions']))" <<'EOF2'
['regions', 'version', 'zones'] ['example.com.', 'example.net.'] ['ap-south', 'eu-west', 'us-east']
EOF2
ctl stats >"$TMP/stats.txt"
grep -q '^geodnsd_zone_serial{zone="example.com."} 2026112701$' "$TMP/stats.txt" &&
	pass "stats has the counters" || fail "stats has the counters"
check_cmd "promtool accepts stats" sh -c "promtool check metrics <'$TMP/stats.txt'" </dev/null

# --- reloads
check_cmd "reload" ctl_rc reload <<'EOF2'
reloaded
exit 0
EOF2
sed -i 's/^static\t.*/static IN A 192.0.2.81/' "$TMP/example.com.zone"
check_cmd "reload of one zone" ctl_rc reload example.com <<'EOF2'
zone example.com reloaded
exit 0
EOF2
check "the reloaded zone is served" +norec +short static.example.com A <<'EOF2'
192.0.2.81
EOF2
cp "$TMP/example.com.zone" "$TMP/example.com.zone.good"
printf 'broken IN A 300.1.2.3\nbad2 IN MX\n' >>"$TMP/example.com.zone"
ctl_rc reload >"$TMP/reload.out"
check_cmd "a failing reload: exit 1, every error on stderr" \
	sed -e "s|$TMP/||" "$TMP/reload.out" <<'EOF2'
exit 1
stderr: example.com.zone:50: cannot parse "broken IN A 300.1.2.3": Syntax error, could not parse the RR's rdata
stderr: example.com.zone:51: cannot parse "bad2 IN MX": Syntax error, value expected
stderr: reload failed: the data served is unchanged
EOF2
check_cmd "a failing reload of one zone: exit 1" sh -c "'$CTL' -s '$SOCK' reload example.com >/dev/null 2>&1; echo \$?" <<'EOF2'
1
EOF2
# another zone changes while example.com's file is broken: its reload
# alone goes through (the errors of that zone only)
sed -i 's/^www\tIN A\t198.51.100.80$/www\tIN A\t198.51.100.81/' "$TMP/example.net.zone"
check_cmd "another zone reloaded alone while example.com's file is broken" \
	ctl_rc reload example.net <<'EOF2'
zone example.net reloaded
exit 0
EOF2
check "its change is served" +norec +short www.example.net A <<'EOF2'
198.51.100.81
EOF2
check_cmd "reload of a zone not configured" ctl_rc reload example.org <<EOF2
exit 1
stderr: $TMP/geodnsd.conf: zone example.org is not configured
stderr: reload failed: the data served is unchanged
EOF2
check "the old data still served" +norec +short static.example.com A <<'EOF2'
192.0.2.81
EOF2
cp "$TMP/example.com.zone.good" "$TMP/example.com.zone"

# --- drain and undrain, seen in the answers
check_cmd "eu-west answers Dublin" ans www.example.com 198.51.100.0/24 <<'EOF2'
198.51.100.10 198.51.100.11 
EOF2
check_cmd "drain eu-west" ctl_rc drain eu-west <<'EOF2'
region eu-west drained
exit 0
EOF2
check_cmd "drained: us-east answers Dublin" ans www.example.com 198.51.100.0/24 <<'EOF2'
192.0.2.10 192.0.2.11 
EOF2
check_cmd "undrain eu-west" ctl_rc undrain eu-west <<'EOF2'
region eu-west undrained
exit 0
EOF2
check_cmd "undrained: eu-west again" ans www.example.com 198.51.100.0/24 <<'EOF2'
198.51.100.10 198.51.100.11 
EOF2
check_cmd "drain of an unknown region" ctl_rc drain mars <<'EOF2'
exit 1
stderr: unknown region mars
EOF2
grep -q 'event=admin action=drain region=eu-west from=control:uid=0 result=ok' "$TMP/server.log" &&
	pass "drain audited" || fail "drain audited"

# --- endpoint overrides
check_cmd "endpoint down" ctl_rc endpoint 198.51.100.10 down <<'EOF2'
endpoint 198.51.100.10 down
exit 0
EOF2
check_cmd "the endpoint left the answer" ans www.example.com 198.51.100.0/24 <<'EOF2'
198.51.100.11 
EOF2
check_cmd "endpoint auto" ctl_rc endpoint 198.51.100.10 auto <<'EOF2'
endpoint 198.51.100.10 auto
exit 0
EOF2
check_cmd "endpoint not of a service" ctl_rc endpoint 10.9.9.9 down <<'EOF2'
exit 1
stderr: 10.9.9.9 is not an endpoint of a service
EOF2
check_cmd "endpoint bad state" ctl_rc endpoint 198.51.100.10 sideways <<'EOF2'
exit 1
stderr: endpoint state must be up, down or auto, not sideways
EOF2

# --- explain
check_cmd "explain: Dublin from its own address" ctl_rc explain www.example.com 198.51.100.7 <<'EOF2'
service: www.example.com. in zone example.com., ttl 30, max_answers 2
client: 198.51.100.7 (the source address, no ECS)
geoip: network 198.51.100.0/24, country IE, continent EU, location 53.3000 -6.3000
override: none
ranking: by distance from 53.3000 -6.3000
  1. eu-west 0 km: up, weight 100 (service 100, feed 100), healthy A 2/2 AAAA 0/0 <- chosen
  2. us-east 5439 km: up, weight 100 (service 100, feed 100), healthy A 3/3 AAAA 1/1
  3. ap-south 11202 km: up, weight 100 (service 100, feed 100), cname
choice: eu-west
A answer: NOERROR
  www.example.com. 30 IN A 198.51.100.10
  www.example.com. 30 IN A 198.51.100.11
AAAA answer: NOERROR
  (no records)
exit 0
EOF2
check_cmd "explain: a weight split through ECS" ctl_rc explain api.example.com 192.0.2.7 24 <<'EOF2'
service: api.example.com. in zone example.com., ttl 20, max_answers 0
client: 192.0.2.0/24 (ECS from a resolver allowed to send it)
geoip: network 192.0.2.0/25, country US, continent NA, location 40.7000 -74.0000
override: none
ranking: by distance from 40.7000 -74.0000
  1. us-east 325 km: up, weight 50 (service 50, feed 100), healthy A 1/1 AAAA 0/0, client 32 < 50 <- chosen
  2. eu-west 5114 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
  3. ap-south 15334 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
choice: us-east
hashed: the client network 192.0.2.0/24 decided a weight split or max_answers
A answer: NOERROR, ECS scope /25
  api.example.com. 20 IN A 192.0.2.20
AAAA answer: NOERROR, ECS scope /25
  (no records)
exit 0
EOF2
check_cmd "explain: the answer agrees with dig" ans api.example.com 192.0.2.0/24 <<'EOF2'
192.0.2.20 
EOF2
check_cmd "explain: a continent override and a CNAME" ctl_rc explain www.example.com 203.0.113.200 <<'EOF2'
service: www.example.com. in zone example.com., ttl 30, max_answers 2
client: 203.0.113.200 (the source address, no ECS)
geoip: network 203.0.113.192/26, country AU, continent OC, location -33.9000 151.2000
override: continent OC -> ap-south
ranking: by distance from -33.9000 151.2000
  1. ap-south 6309 km: up, weight 100 (service 100, feed 100), cname <- chosen
  2. us-east 15716 km: up, weight 100 (service 100, feed 100), healthy A 3/3 AAAA 1/1
  3. eu-west 17223 km: up, weight 100 (service 100, feed 100), healthy A 2/2 AAAA 0/0
choice: ap-south
A answer: NOERROR
  www.example.com. 30 IN CNAME lb-ap.example.net.
  lb-ap.example.net. 3600 IN A 203.0.113.10
AAAA answer: NOERROR
  www.example.com. 30 IN CNAME lb-ap.example.net.
  lb-ap.example.net. 3600 IN AAAA 2001:db8:200::10
exit 0
EOF2
check_cmd "explain: a reserved network" ctl_rc explain www.example.com 10.1.2.3 <<'EOF2'
service: www.example.com. in zone example.com., ttl 30, max_answers 2
client: 10.1.2.3 (the source address, no ECS)
geoip: reserved network 10.0.0.0/8, never located
override: none
ranking: the fallback us-east first, the rest by distance from it
  1. us-east 0 km: up, weight 100 (service 100, feed 100), healthy A 3/3 AAAA 1/1 <- chosen
  2. eu-west 5439 km: up, weight 100 (service 100, feed 100), healthy A 2/2 AAAA 0/0
  3. ap-south 15539 km: up, weight 100 (service 100, feed 100), cname
choice: us-east
hashed: the client network 10.1.2.0/24 decided a weight split or max_answers
A answer: NOERROR
  www.example.com. 30 IN A 192.0.2.11
  www.example.com. 30 IN A 192.0.2.12
AAAA answer: NOERROR
  www.example.com. 30 IN AAAA 2001:db8:1::10
exit 0
EOF2
check_cmd "explain: not a service name" ctl_rc explain static.example.com 192.0.2.1 <<'EOF2'
exit 1
stderr: static.example.com is not a service name of zone example.com.: its answer does not depend on the client
EOF2
check_cmd "explain: not an address" ctl_rc explain www.example.com 1.2.3 <<'EOF2'
exit 1
stderr: 1.2.3 is not an IPv4 or IPv6 address
EOF2
check_cmd "an unknown command" ctl_rc frobnicate <<'EOF2'
exit 1
stderr: bad command: frobnicate (unknown, or wrong arguments)
stderr: commands: status, stats, reload [ZONE], zone-status [ZONE], drain REGION,
stderr: undrain REGION, endpoint ADDR up|down|auto, explain NAME CLIENT-IP [ECS-PREFIX]
EOF2

# --- permissions: the socket's mode is the authentication
check_cmd "another user is refused (mode 0660)" sh -c \
	"setpriv --reuid=nobody --regid=nogroup --clear-groups '$CTL' -s '$SOCK' status >/dev/null 2>'$TMP/perm.err'; echo \$?; cat '$TMP/perm.err'" <<EOF2
1
geodnsdctl: cannot connect to $SOCK: Permission denied
EOF2
chmod 666 "$SOCK"
check_cmd "the same user is let in once the mode allows it" sh -c \
	"setpriv --reuid=nobody --regid=nogroup --clear-groups '$CTL' -s '$SOCK' zone-status example.net >/dev/null; echo \$?" <<'EOF2'
0
EOF2
check_cmd "no daemon at the socket" ctl_rc -s "$TMP/sock/none.sock" status <<EOF2
exit 1
stderr: geodnsdctl: cannot connect to $TMP/sock/none.sock: No such file or directory
EOF2

stop_server && pass "stopped cleanly" || fail "stopped cleanly"
[ ! -e "$SOCK" ] && pass "the socket file is removed at stop" || fail "the socket file is removed at stop"
