# services-in-zone.sh - geo services written in the zone as TYPE65281
# records: services-to-zone turns the demo's services file into records,
# appended to a copy of the demo zone; geodnsd serving that zone (no
# services file) answers every question of the list exactly as it does
# with the services file, a query for TYPE65281 is NODATA, ANY leaves the
# record out, and geodnsd -t reports a bad record at its line. (AXFR is not
# served on the network yet: tests/unit/test_service_records.c checks the
# transfer stream.)
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

S2Z=${SERVICES_TO_ZONE:-$(pwd)/build/services-to-zone}

# ---- the tool ----

check_cmd "services-to-zone: the demo's services as records" \
	"$S2Z" --ttl 300 example.com zones/example.com.services.json <<'EOF'
; geo services of zones/example.com.services.json as TYPE65281 records (services-to-zone)
www.example.com. 300 IN TYPE65281 \# 295 (
	7b2274746c223a33302c22726567696f6e73223a7b2275732d65617374223a7b
	2241223a5b223139322e302e322e3130222c223139322e302e322e3131222c22
	3139322e302e322e3132225d2c2241414141223a5b22323030313a6462383a31
	3a3a3130225d7d2c2265752d77657374223a7b2241223a5b223139382e35312e
	3130302e3130222c223139382e35312e3130302e3131225d7d2c2261702d736f
	757468223a7b22636e616d65223a226c622d61702e6578616d706c652e6e6574
	2e227d7d2c22636f756e7472696573223a7b22434e223a2261702d736f757468
	227d2c22636f6e74696e656e7473223a7b224f43223a2261702d736f75746822
	7d2c2266616c6c6261636b223a2275732d65617374222c226d61785f616e7377
	657273223a327d )
api.example.com. 300 IN TYPE65281 \# 154 (
	7b2274746c223a32302c22726567696f6e73223a7b2275732d65617374223a7b
	2241223a5b223139322e302e322e3230225d2c22776569676874223a35307d2c
	2265752d77657374223a7b2241223a5b223139382e35312e3130302e3230225d
	7d2c2261702d736f757468223a7b2241223a5b223230332e302e3131332e3230
	225d7d7d2c2266616c6c6261636b223a2265752d77657374227d )
EOF

# the record data is the service's JSON, compact
json_of() {
	"$S2Z" example.com zones/example.com.services.json | awk '
		/TYPE65281/ { on = ($1 == "api.example.com.") ; next }
		on { gsub(/[\t )]/, ""); printf "%s", $0 }' | xxd -r -p
	echo
}
check_cmd "services-to-zone: the data is the JSON object" json_of <<'EOF'
{"ttl":20,"regions":{"us-east":{"A":["192.0.2.20"],"weight":50},"eu-west":{"A":["198.51.100.20"]},"ap-south":{"A":["203.0.113.20"]}},"fallback":"eu-west"}
EOF

printf '{ "@": { "regions": { "us-east": { "A": ["192.0.2.1"] } } },\n  "a b": {}, "c.example.org.": {} }\n' \
	>"$TMP/names.json"
check_cmd "services-to-zone: apex, absolute names, escapes" \
	sh -c "'$S2Z' example.com. '$TMP/names.json' | grep ' IN TYPE65281'" <<'EOF'
example.com. 3600 IN TYPE65281 \# 43 (
a\032b.example.com. 3600 IN TYPE65281 \# 2 (
c.example.org. 3600 IN TYPE65281 \# 2 (
EOF

printf '{ "www": { "ttl": 30 }, "bad": [1] }\n' >"$TMP/bad.json"
check_cmd "services-to-zone: a service that is no object: nothing printed, exit 1" \
	sh -c "'$S2Z' example.com '$TMP/bad.json'; echo \"exit \$?\"" <<EOF
$TMP/bad.json: service bad: not a JSON object
exit 1
EOF

check_cmd "services-to-zone: usage" sh -c "'$S2Z' example.com 2>&1 | head -1; '$S2Z' --help >/dev/null; echo \"exit \$?\"" <<'EOF'
usage: services-to-zone [--ttl SECONDS] ORIGIN SERVICES-FILE
exit 0
EOF

# ---- the zone with the records ----

cp zones/example.com.zone zones/example.com.include "$TMP/"
"$S2Z" example.com zones/example.com.services.json >>"$TMP/example.com.zone"
sed -e 's|"file": "@ROOT@/zones/example.com.zone",|"file": "@TMP@/example.com.zone" },|' \
	-e '/"services": "@ROOT@\/zones\/example.com.services.json" },/d' \
	tests/data/demo-geo.conf >"$TMP/records.conf.in"
sed -e "s|@PORT@|5399|g" -e "s|@TMP@|$TMP|g" -e "s|@ROOT@|$ROOT|g" "$TMP/records.conf.in" \
	>"$TMP/records-t.conf"

check_cmd "geodnsd -t: the records are the zone's 2 services" \
	sh -c "'$GEODNSD' -t -c '$TMP/records-t.conf' 2>&1 | grep example.com" <<'EOF'
zone example.com. serial 2026112701: 41 records, 2 services OK
EOF

# the questions: the parts of each answer that matter (status, ECS, records)
q() {
	dq +norec "$@" | grep -E 'status:|CLIENT-SUBNET|^[^;].*	IN	'
}
ask_all() {
	for subnet in 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24 203.0.113.192/26 \
		2001:db8::/48 2001:db8:100::/40 10.1.2.0/24 0.0.0.0/0; do
		for name in www.example.com api.example.com; do
			for type in A AAAA CNAME TXT ANY TYPE65281; do
				echo "== $name $type $subnet"
				q "$name" "$type" +subnet="$subnet"
			done
			echo "== $name ANY $subnet TCP"
			q +tcp "$name" ANY +subnet="$subnet"
		done
	done
}

start_server tests/data/demo-geo.conf || exit 1
ask_all >"$TMP/answers-file"
stop_server

start_server "$TMP/records.conf.in" || exit 1
ask_all >"$TMP/answers-records"

if [ "$(grep -c '^== ' "$TMP/answers-file")" -eq 112 ] &&
	[ "$(grep -c '	IN	' "$TMP/answers-file")" -gt 112 ] &&
	diff -u "$TMP/answers-file" "$TMP/answers-records" >"$TMP/answers.diff"; then
	pass "112 questions: the same answers from records as from the services file"
else
	fail "112 questions: the same answers from records as from the services file"
	sed 's/^/  /' "$TMP/answers.diff" | head -40
fi

check_cmd "records: Europe -> eu-west" q www.example.com A +subnet=198.51.100.0/24 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 198.51.100.0/24/24
www.example.com.	30	IN	A	198.51.100.10
www.example.com.	30	IN	A	198.51.100.11
EOF

check_cmd "records: Asia -> ap-south CNAME, followed" q www.example.com A +subnet=203.0.113.0/24 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 203.0.113.0/24/25
www.example.com.	30	IN	CNAME	lb-ap.example.net.
lb-ap.example.net.	3600	IN	A	203.0.113.10
EOF

check_cmd "records: the JSON's ttl 20, not the record's 3600" q api.example.com A +subnet=203.0.113.0/24 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 203.0.113.0/24/25
api.example.com.	20	IN	A	203.0.113.20
EOF

check "TYPE65281 at a service name: NODATA with the SOA" +norec www.example.com TYPE65281 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.example.com.		IN	TYPE65281
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF

check "TYPE65281 over TCP: NODATA too" +norec +tcp api.example.com TYPE65281 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;api.example.com.		IN	TYPE65281
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF

check_cmd "ANY over TCP: the geo answer, no TYPE65281 record" \
	q +tcp www.example.com ANY +subnet=192.0.2.0/24 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
; CLIENT-SUBNET: 192.0.2.0/24/25
www.example.com.	30	IN	A	192.0.2.10
www.example.com.	30	IN	A	192.0.2.11
www.example.com.	30	IN	AAAA	2001:db8:1::10
EOF
if stop_server; then pass "records: clean exit"; else fail "records: clean exit"; fi
sanitizer_clean "records: no sanitizer report"

# ---- bad records: geodnsd -t names the zone file and each record's line ----

{
	cat "$TMP/example.com.zone"
	printf 'static TYPE65281 \\# 2 7b7d\n'
	"$S2Z" example.com zones/example.com.services.json | sed 's/^www\./api./'
} >"$TMP/bad.zone"
n=$(wc -l <"$TMP/example.com.zone")
st=$(grep -n '^static' "$TMP/example.com.zone" | cut -d: -f1)
sed -e 's|/example.com.zone"|/bad.zone"|' "$TMP/records-t.conf" >"$TMP/bad.conf"
check_cmd "geodnsd -t: errors at the records' lines" \
	sh -c "'$GEODNSD' -t -c '$TMP/bad.conf' 2>&1; echo \"exit \$?\"" <<EOF
$TMP/bad.zone:$((n + 3)): more than one TYPE65281 record at api.example.com. (the first at $TMP/bad.zone:$((n - 5)))
$TMP/bad.zone:$((n + 14)): more than one TYPE65281 record at api.example.com. (the first at $TMP/bad.zone:$((n - 5)))
$TMP/bad.zone:$((n + 1)): service static.example.com.: missing "regions"
$TMP/bad.zone:$((n + 14)): warning: duplicate record ignored
$TMP/bad.zone:$st: static A record at service name static.example.com. ($TMP/bad.zone:$((n + 1)) defines it)
$TMP/bad.zone:$((st + 1)): static AAAA record at service name static.example.com. ($TMP/bad.zone:$((n + 1)) defines it)
geodnsd: 5 errors
exit 1
EOF
