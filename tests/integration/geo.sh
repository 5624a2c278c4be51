# geo.sh - the demo's geo services against the real daemon (the README's dig
# session): each continent of zones/demo-geo.csv lands on its region, SCOPE
# is the GeoIP network prefix (raised to /24 or /56 where a hash decided),
# CNAME regions are followed, AAAA without AAAA is NODATA, ECS is echoed on
# negative answers with SCOPE 0 and never sent without ECS in the query.
# Then a services file with "networks": the answer and SCOPE dig shows for
# a client inside an override, beside one, and with one inside its GeoIP
# network; geodnsdctl explain naming the override. Then "asns" with
# geoip.asn_database (tests/data/geo-asn.csv): the client's AS number puts
# its region first, SCOPE covers its ASN network, a network override still
# comes first; explain names the ASN; the ASN database replaced on disk is
# loaded alone (geoip.watch); "asns" without the database is an
# error at load.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
start_server tests/data/demo-geo.conf || exit 1

# q NAME SUBNET TYPE: the parts of the answer that matter here
q() {
	dq +norec "$1" "$3" +subnet="$2" | grep -E 'status:|CLIENT-SUBNET|^[^;].*	IN	'
}

check_cmd "North America (192.0.2.0/24, New York /25) -> us-east, 2 of 3" \
	q www.example.com 192.0.2.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/24/25
www.example.com.	30	IN	A	192.0.2.10
www.example.com.	30	IN	A	192.0.2.11
EOF2

check_cmd "Europe (198.51.100.0/24, Dublin) -> eu-west, scope = the /24" \
	q www.example.com 198.51.100.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.0/24/24
www.example.com.	30	IN	A	198.51.100.10
www.example.com.	30	IN	A	198.51.100.11
EOF2

check_cmd "Asia (203.0.113.0/24, Singapore /25) -> ap-south CNAME, followed" \
	q www.example.com 203.0.113.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 203.0.113.0/24/25
www.example.com.	30	IN	CNAME	lb-ap.example.net.
lb-ap.example.net.	3600	IN	A	203.0.113.10
EOF2

check_cmd "Oceania (Sydney /26) -> continent override to ap-south" \
	q www.example.com 203.0.113.192/26 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 203.0.113.192/26/26
www.example.com.	30	IN	CNAME	lb-ap.example.net.
lb-ap.example.net.	3600	IN	A	203.0.113.10
EOF2

check_cmd "IPv6 ECS over IPv4: Frankfurt /40 -> eu-west" \
	q www.example.com 2001:db8:100::/40 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 2001:db8:100::/40/40
www.example.com.	30	IN	A	198.51.100.10
www.example.com.	30	IN	A	198.51.100.11
EOF2

check_cmd "IPv6 /48 in North America: scope raised to /56 by max_answers" \
	q www.example.com 2001:db8::/48 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 2001:db8::/48/56
www.example.com.	30	IN	A	192.0.2.11
www.example.com.	30	IN	A	192.0.2.12
EOF2

check_cmd "AAAA where the region has none: NODATA with SOA, ECS echoed" \
	q www.example.com 198.51.100.0/24 AAAA <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.0/24/24
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF2

check_cmd "AAAA in us-east" q www.example.com 192.0.2.0/24 AAAA <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/24/25
www.example.com.	30	IN	AAAA	2001:db8:1::10
EOF2

check_cmd "private ECS address: not located, fallback us-east" \
	q www.example.com 10.1.2.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 10.1.2.0/24/24
www.example.com.	30	IN	A	192.0.2.11
www.example.com.	30	IN	A	192.0.2.12
EOF2

check_cmd "private /8 on a service without hashing: scope = the reserved /8" \
	q api.example.com 10.0.0.0/8 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 10.0.0.0/8/8
api.example.com.	20	IN	A	198.51.100.20
EOF2

check_cmd "SOURCE 0: the source address decides (loopback: fallback), SCOPE 0" \
	q www.example.com 0.0.0.0/0 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 0.0.0.0/0/0
www.example.com.	30	IN	A	192.0.2.10
www.example.com.	30	IN	A	192.0.2.12
EOF2

check_cmd "NXDOMAIN echoes ECS with SCOPE 0" q nx.example.com 192.0.2.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
; CLIENT-SUBNET: 192.0.2.0/24/0
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF2

check_cmd "static name: SCOPE 0" q static.example.com 192.0.2.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/24/0
static.example.com.	3600	IN	A	192.0.2.80
EOF2

check_cmd "REFUSED echoes ECS with SCOPE 0" q www.example.org 192.0.2.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
; CLIENT-SUBNET: 192.0.2.0/24/0
EOF2

check_cmd "weight split (api, us-east 50%): scope at least the hashed /24" \
	q api.example.com 192.0.2.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/24/25
api.example.com.	20	IN	A	192.0.2.20
EOF2

nq() { dq +norec www.example.com | grep -cE 'CLIENT-SUBNET|^[^;].*	IN	A'; }
check_cmd "no ECS in the query: none in the answer" nq <<'EOF2'
2
EOF2

# The api split over many client networks: the demo database has one IPv4
# /24 in North America, so take 64 IPv6 /56s inside the San Francisco /48
# (2001:db8:0:XX00::/56); us-east keeps about half of them (weight 50) and
# the rest spill to the next closest region, eu-west.
split() {
	east=0; west=0; i=0; other=""
	while [ $i -lt 64 ]; do
		net=$(printf '2001:db8:0:%02x00::/56' $i)
		a=$(dq +norec +short api.example.com +subnet=$net | grep -v '^;' | head -1)
		case $a in
		192.0.2.20) east=$((east + 1)) ;;
		198.51.100.20) west=$((west + 1)) ;;
		*) other="$other $net:[$a]" ;; # shown on failure: no answer or a third
		esac
		i=$((i + 1))
	done
	# 50% of 64 = 32; a fair hash stays within 20..44 (p > 0.999)
	if [ $east -ge 20 ] && [ $east -le 44 ] && [ $((east + west)) -eq 64 ]; then
		echo "split ok"
	else
		echo "split east=$east west=$west other:$other"
	fi
}
check_cmd "weight 50 keeps about half of us-east's clients, the rest spill" split <<'EOF2'
split ok
EOF2

# ---- network overrides ("networks"; tests/data/netover.conf): the longest
# network holding the ECS address puts its region first, and SCOPE covers
# only the clients with the same outcome
stop_server || fail "the demo server stopped cleanly"
cat >"$TMP/net.services.json" <<'EOF2'
{ "www": { "ttl": 30,
           "regions": { "us-east":  { "A": ["192.0.2.10"] },
                        "eu-west":  { "A": ["198.51.100.10"] },
                        "ap-south": { "A": ["203.0.113.10"] } },
           "networks": { "198.51.100.0/24": "ap-south", "198.51.100.64/26": "us-east",
                         "192.0.2.0/26": "eu-west", "2001:db8::/32": "eu-west" } } }
EOF2
start_server tests/data/netover.conf || exit 1
check_cmd "network override: the /26 inside the /24, SCOPE its /26" \
	q www.example.com 198.51.100.64/26 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.64/26/26
www.example.com.	30	IN	A	192.0.2.10
EOF2
check_cmd "network override: the /24 beside its /26, SCOPE /25 leaves it out" \
	q www.example.com 198.51.100.128/25 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.128/25/25
www.example.com.	30	IN	A	203.0.113.10
EOF2
check_cmd "network override: SOURCE /24 cannot tell the /26, SCOPE /26 asks" \
	q www.example.com 198.51.100.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.0/24/26
www.example.com.	30	IN	A	203.0.113.10
EOF2
check_cmd "no override, one inside the GeoIP /25: SCOPE /26 (New York, us-east)" \
	q www.example.com 192.0.2.64/26 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.64/26/26
www.example.com.	30	IN	A	192.0.2.10
EOF2
check_cmd "network override of IPv6: the /32 alone decided, not the GeoIP /48" \
	q www.example.com 2001:db8::/48 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 2001:db8::/48/32
www.example.com.	30	IN	A	198.51.100.10
EOF2
CTL=${GEODNSDCTL:-$(pwd)/build/geodnsdctl}
check_cmd "explain names the network override" "$CTL" -s "$TMP/control.sock" explain \
	www.example.com 198.51.100.70 26 <<'EOF2'
service: www.example.com. in zone example.com., ttl 30, max_answers 0
client: 198.51.100.64/26 (ECS from a resolver allowed to send it)
geoip: network 198.51.100.0/24, country IE, continent EU, location 53.3000 -6.3000
network override: 198.51.100.64/26 (service "networks") -> us-east, alike for 198.51.100.64/26 (ECS scope at least /26)
override: none
ranking: the network override's us-east first, then by distance from 53.3000 -6.3000
  1. us-east 5439 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0 <- chosen
  2. eu-west 0 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
  3. ap-south 11202 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
choice: us-east
A answer: NOERROR, ECS scope /26
  www.example.com. 30 IN A 192.0.2.10
AAAA answer: NOERROR, ECS scope /26
  (no records)
EOF2
check_cmd "explain: no override holds the client, one is next to it" "$CTL" -s "$TMP/control.sock" \
	explain www.example.com 192.0.2.70 <<'EOF2'
service: www.example.com. in zone example.com., ttl 30, max_answers 0
client: 192.0.2.70 (the source address, no ECS)
geoip: network 192.0.2.0/25, country US, continent NA, location 40.7000 -74.0000
network override: none of 4 holds the client, alike for 192.0.2.64/26 (ECS scope at least /26)
override: none
ranking: by distance from 40.7000 -74.0000
  1. us-east 325 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0 <- chosen
  2. eu-west 5114 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
  3. ap-south 15334 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
choice: us-east
A answer: NOERROR
  www.example.com. 30 IN A 192.0.2.10
AAAA answer: NOERROR
  (no records)
EOF2

# ---- ASN overrides ("asns"; tests/data/asnover.conf, the ASN database
# tests/tmp/geo/asn.mmdb from tests/data/geo-asn.csv): with no network
# override, the client's AS number puts its region first; SCOPE is at least
# the client's ASN network, listed or not
stop_server || fail "the network override server stopped cleanly"
cat >"$TMP/asn.services.json" <<'EOF2'
{ "www": { "ttl": 30,
           "regions": { "us-east":  { "A": ["192.0.2.10"] },
                        "eu-west":  { "A": ["198.51.100.10"] },
                        "ap-south": { "A": ["203.0.113.10"] } },
           "asns": { "64500": "ap-south", "AS64505": "ap-south" },
           "networks": { "192.0.2.32/27": "eu-west" } } }
EOF2
# (TMP is tests/tmp/geo, where the test databases are: a copy of its own)
cp tests/tmp/geo/asn.mmdb "$TMP/asn-watched.mmdb"
start_server tests/data/asnover.conf || exit 1
check_cmd "asn override: AS64500 (192.0.2.0/26) -> ap-south, SCOPE /27 beside a network" \
	q www.example.com 192.0.2.0/27 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/27/27
www.example.com.	30	IN	A	203.0.113.10
EOF2
check_cmd "asn override: a network override inside the ASN network comes first" \
	q www.example.com 192.0.2.32/27 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.32/27/27
www.example.com.	30	IN	A	198.51.100.10
EOF2
check_cmd "asn not listed: AS64501 (192.0.2.64/26), New York by distance, SCOPE the ASN /26" \
	q www.example.com 192.0.2.64/26 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.64/26/26
www.example.com.	30	IN	A	192.0.2.10
EOF2
check_cmd "asn not listed: AS64503 (198.51.100.0/24), Dublin, SCOPE /24" \
	q www.example.com 198.51.100.0/24 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.0/24/24
www.example.com.	30	IN	A	198.51.100.10
EOF2
check_cmd "asn override of IPv6: AS64505 (2001:db8::/32) -> ap-south, not Frankfurt's eu-west" \
	q www.example.com 2001:db8:100::/48 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 2001:db8:100::/48/32
www.example.com.	30	IN	A	203.0.113.10
EOF2
check_cmd "explain names the ASN override" "$CTL" -s "$TMP/control.sock" explain \
	www.example.com 192.0.2.5 <<'EOF2'
service: www.example.com. in zone example.com., ttl 30, max_answers 0
client: 192.0.2.5 (the source address, no ECS)
geoip: network 192.0.2.0/25, country US, continent NA, location 40.7000 -74.0000
network override: none of 1 holds the client, alike for 192.0.2.0/27 (ECS scope at least /27)
asn override: AS64500 (network 192.0.2.0/26) -> ap-south (ECS scope at least /26)
override: none
ranking: the asn override's ap-south first, then by distance from 40.7000 -74.0000
  1. ap-south 15334 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0 <- chosen
  2. us-east 325 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
  3. eu-west 5114 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
choice: ap-south
A answer: NOERROR
  www.example.com. 30 IN A 203.0.113.10
AAAA answer: NOERROR
  (no records)
EOF2
check_cmd "explain: the client's AS number is not among the service's" "$CTL" \
	-s "$TMP/control.sock" explain www.example.com 192.0.2.70 <<'EOF2'
service: www.example.com. in zone example.com., ttl 30, max_answers 0
client: 192.0.2.70 (the source address, no ECS)
geoip: network 192.0.2.0/25, country US, continent NA, location 40.7000 -74.0000
network override: none of 1 holds the client, alike for 192.0.2.64/26 (ECS scope at least /26)
asn override: none, AS64501 (network 192.0.2.64/26) not in the service's asns (ECS scope at least /26)
override: none
ranking: by distance from 40.7000 -74.0000
  1. us-east 325 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0 <- chosen
  2. eu-west 5114 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
  3. ap-south 15334 km: up, weight 100 (service 100, feed 100), healthy A 1/1 AAAA 0/0
choice: us-east
A answer: NOERROR
  www.example.com. 30 IN A 192.0.2.10
AAAA answer: NOERROR
  (no records)
EOF2
# geoip.watch: the ASN database replaced on disk is loaded alone, no
# reload; one that does not load is refused and the last good one stays
sed 's/^192.0.2.0\/26,64500,/192.0.2.0\/26,64501,/' tests/data/geo-asn.csv >"$TMP/asn-swap.csv"
tools/mkgeodb --layout asn -o "$TMP/asn-swap.mmdb" "$TMP/asn-swap.csv" >/dev/null 2>&1 ||
	fail "mkgeodb $TMP/asn-swap.csv"
cp "$TMP/asn-swap.mmdb" "$TMP/asn-watched.mmdb.tmp"
mv "$TMP/asn-watched.mmdb.tmp" "$TMP/asn-watched.mmdb"
wait_log "event=geoip_reload result=ok database=$TMP/asn-watched.mmdb" 1 ||
	fail "the replaced ASN database is loaded (geoip.watch)"
check_cmd "ASN database replaced: 192.0.2.0/26 is AS64501 now, not listed: us-east" \
	q www.example.com 192.0.2.0/27 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/27/27
www.example.com.	30	IN	A	192.0.2.10
EOF2
head -c 1000 "$TMP/asn-swap.mmdb" >"$TMP/asn-watched.mmdb.tmp"
mv "$TMP/asn-watched.mmdb.tmp" "$TMP/asn-watched.mmdb"
wait_log "event=geoip_reload result=failed database=$TMP/asn-watched.mmdb" 1 ||
	fail "a truncated ASN database is refused"
check_cmd "a truncated ASN database: the last good one keeps answering" \
	q www.example.com 192.0.2.0/27 A <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/27/27
www.example.com.	30	IN	A	192.0.2.10
EOF2
stop_server || fail "the ASN override server stopped cleanly"
# "asns" with no geoip.asn_database: an error at load naming the service
grep -v asn_database tests/data/asnover.conf | sed 's|demo-city.mmdb",|demo-city.mmdb" },|' \
	>"$TMP/noasn.conf.in"
# check_config TEMPLATE: geodnsd -t on it, the lines naming "asns"
check_config() {
	sed -e "s|@PORT@|1|g" -e "s|@TMP@|$TMP|g" -e "s|@ROOT@|$ROOT|g" "$1" >"$TMP/noasn.conf"
	"$GEODNSD" -t -c "$TMP/noasn.conf" 2>&1 | grep asns
}
check_cmd "asns without geoip.asn_database: an error at load" check_config "$TMP/noasn.conf.in" <<EOF2
$TMP/asn.services.json:1:3: service "www.example.com." has "asns" but geoip.asn_database is not set
EOF2
