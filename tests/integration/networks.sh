# networks.sh - the shared networks file (geoip.networks,
# tests/data/networks.conf) against the real daemon: a shared network
# answers every service that has its region, with the SCOPE of the merged
# table; a service's own "networks" wins for the same network; a service
# without the region skips it; geodnsdctl explain names the file; a full
# reload reads the file again, one with a bad line keeps the old snapshot
# serving; geodnsd -t names a bad CSV line (file:line) and a bad JSON member
# (file:line:column), and geodnsd-checkzone -c reads the file too.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

CTL=${GEODNSDCTL:-$(pwd)/build/geodnsdctl}
cat >"$TMP/shared-networks" <<'EOF2'
# CIDR,region
198.51.100.0/24, ap-south
198.51.100.64/26, us-east   # the lab
2001:db8::/32,eu-west
EOF2
cat >"$TMP/net.services.json" <<'EOF2'
{ "www": { "ttl": 30,
           "regions": { "us-east":  { "A": ["192.0.2.10"] },
                        "eu-west":  { "A": ["198.51.100.10"] },
                        "ap-south": { "A": ["203.0.113.10"] } },
           "networks": { "198.51.100.64/26": "eu-west" } },
  "api": { "ttl": 20,
           "regions": { "us-east":  { "A": ["192.0.2.20"] },
                        "eu-west":  { "A": ["198.51.100.20"] } } } }
EOF2
start_server tests/data/networks.conf || exit 1

# q NAME SUBNET: the parts of the answer that matter here
q() {
	dq +norec "$1" A +subnet="$2" | grep -E 'status:|CLIENT-SUBNET|^[^;].*	IN	'
}

check_cmd "the file read at start, logged with its count" sh -c \
	"grep -o 'event=networks_loaded .*' '$TMP/server.log' | sed 's|$TMP/||'" <<'EOF2'
event=networks_loaded file=shared-networks networks=3
EOF2
check_cmd "shared /24 -> ap-south; SCOPE /25 leaves the /26 inside out" \
	q www.example.com 198.51.100.128/25 <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.128/25/25
www.example.com.	30	IN	A	203.0.113.10
EOF2
check_cmd "the service's own /26 wins over the shared one (us-east): eu-west" \
	q www.example.com 198.51.100.64/26 <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.64/26/26
www.example.com.	30	IN	A	198.51.100.10
EOF2
check_cmd "no networks of its own: the shared /26 -> us-east" \
	q api.example.com 198.51.100.64/26 <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.64/26/26
api.example.com.	20	IN	A	192.0.2.20
EOF2
check_cmd "the shared /24 names ap-south, which api lacks: GeoIP (Dublin), SCOPE /25" \
	q api.example.com 198.51.100.128/25 <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.128/25/25
api.example.com.	20	IN	A	198.51.100.20
EOF2
check_cmd "shared IPv6 /32 -> eu-west, SCOPE /32 (not the GeoIP /48)" \
	q api.example.com 2001:db8::/48 <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 2001:db8::/48/32
api.example.com.	20	IN	A	198.51.100.20
EOF2
check_cmd "explain names geoip.networks" "$CTL" -s "$TMP/control.sock" explain \
	www.example.com 198.51.100.130 <<'EOF2'
service: www.example.com. in zone example.com., ttl 30, max_answers 0
client: 198.51.100.130 (the source address, no ECS)
geoip: network 198.51.100.0/24, country IE, continent EU, location 53.3000 -6.3000
network override: 198.51.100.0/24 (geoip.networks) -> ap-south, alike for 198.51.100.128/25 (ECS scope at least /25)
override: none
ranking: the network override's ap-south first, then by distance from 53.3000 -6.3000
  1. ap-south 11202 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0 <- chosen
  2. eu-west 0 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
  3. us-east 5439 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
choice: ap-south
A answer: NOERROR
  www.example.com. 30 IN A 203.0.113.10
AAAA answer: NOERROR
  (no records)
EOF2
explain_network() {
	"$CTL" -s "$TMP/control.sock" explain "$@" | grep '^network override'
}
check_cmd "explain names the service's own network" explain_network www.example.com \
	198.51.100.70 <<'EOF2'
network override: 198.51.100.64/26 (service "networks") -> eu-west, alike for 198.51.100.64/26 (ECS scope at least /26)
EOF2

# a reload with the file as it was shares the zone (the networks' digest
# is one of its inputs); changed, the file is read again: the /24 now
# us-east, the zone rebuilt
reload 1
check_cmd "reloaded, the file unchanged: the zone kept" sh -c \
	"grep -o 'event=reload result=ok zones=1 rebuilt=0 kept=1' '$TMP/server.log'" <<'EOF2'
event=reload result=ok zones=1 rebuilt=0 kept=1
EOF2
sed 's|^198.51.100.0/24, ap-south|198.51.100.0/24, us-east|' "$TMP/shared-networks" \
	>"$TMP/shared-networks.new" && mv "$TMP/shared-networks.new" "$TMP/shared-networks"
reload 2
check_cmd "reloaded, the file changed: the zone rebuilt" sh -c \
	"grep -c 'event=reload result=ok zones=1 rebuilt=1 kept=0' '$TMP/server.log'" <<'EOF2'
1
EOF2
check_cmd "reloaded: the shared /24 -> us-east" \
	q www.example.com 198.51.100.128/25 <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.128/25/25
www.example.com.	30	IN	A	192.0.2.10
EOF2

# a bad line: the reload fails naming it, the last good networks serve
cp "$TMP/shared-networks" "$TMP/shared-networks.good"
printf '10.1.2.3/16,eu-west\n' >>"$TMP/shared-networks"
reload 3
check_cmd "a bad file fails the reload, naming file:line" sh -c \
	"grep -E 'event=(load_error|reload result=failed)' '$TMP/server.log' | sed 's|^ts=[^ ]* ||; s|$TMP/||'" <<'EOF2'
level=error event=load_error msg="shared-networks:5: \"10.1.2.3/16\": host bits set: the network would be 10.1.0.0/16"
level=error event=reload result=failed errors=1 action=keeping_old_data
EOF2
check_cmd "after the failed reload the last good networks answer" \
	q www.example.com 198.51.100.128/25 <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.128/25/25
www.example.com.	30	IN	A	192.0.2.10
EOF2

# geodnsd -t: every bad line named, exit status 1
run_t() {
	"$GEODNSD" -t -c "$TMP/geodnsd.conf" >"$TMP/t.out" 2>&1
	rc=$?
	sed "s|$TMP/||" "$TMP/t.out"
	echo "exit status $rc"
}
cat >"$TMP/shared-networks" <<'EOF2'
198.51.100.0/24,us-east

198.51.101.0/23,us-east
10.0.0.0/8,mars
::ffff:198.51.100.0/120 , eu-west
2001:db8::/32
EOF2
check_cmd "geodnsd -t names each bad CSV line" run_t <<'EOF2'
shared-networks:3: "198.51.101.0/23": host bits set: the network would be 198.51.100.0/23
shared-networks:4: unknown region "mars" (not in the config's regions)
shared-networks:6: expected CIDR,region (e.g. 192.0.2.0/24,us-east)
shared-networks:5: "::ffff:198.51.100.0/120": overlapping duplicate: the same network as "198.51.100.0/24" (line 1)
geodnsd: 4 errors
exit status 1
EOF2
# the same file in JSON: line and column
cat >"$TMP/shared-networks" <<'EOF2'
{ "198.51.100.0/24": "us-east",
  "198.51.101.0/23": "us-east",
  "10.0.0.0/8": "mars" }
EOF2
check_cmd "geodnsd -t names each bad JSON member, line and column" run_t <<'EOF2'
shared-networks:2:3: 198.51.101.0/23: host bits set: the network would be 198.51.100.0/23
shared-networks:3:17: 10.0.0.0/8: unknown region "mars" (not in the config's regions)
geodnsd: 2 errors
exit status 1
EOF2
CHECKZONE=${CHECKZONE:-$(pwd)/build/geodnsd-checkzone}
check_cmd "geodnsd-checkzone -c reads the shared networks too" sh -c \
	"'$CHECKZONE' -c '$TMP/geodnsd.conf' -s '$TMP/net.services.json' example.com \
	zones/example.com.zone 2>&1 | sed 's|$TMP/||'" <<'EOF2'
shared-networks:2:3: 198.51.101.0/23: host bits set: the network would be 198.51.100.0/23
shared-networks:3:17: 10.0.0.0/8: unknown region "mars" (not in the config's regions)
zone example.com: 2 errors
EOF2
rm -f "$TMP/shared-networks"
check_cmd "geodnsd -t: a missing file is named" run_t <<'EOF2'
shared-networks: cannot read networks file: No such file or directory
geodnsd: 1 error
exit status 1
EOF2
stop_server || fail "the server stopped cleanly"
