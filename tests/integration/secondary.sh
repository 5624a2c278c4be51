# secondary.sh - geodnsd as a secondary of a geodnsd primary (issue 17):
# the first copy by a TSIG-signed AXFR at start; the primary's NOTIFY
# bringing each new serial by IXFR within 2 s; the geo answers of the
# services inside the zone the same at both ends; NOTIFY refused from
# others; a version whose services name a region the secondary does not
# know rejected (the previous serial keeps serving) and the next one taken;
# the copy kept in its file, served at once by a restart while the primary
# is down; expiry (SERVFAIL, /status, metrics) and recovery when the
# primary comes back. Both servers on 127.0.0.1, each on a free port; every
# wait is bounded; every process stopped by its pid.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
rm -rf "${TMP:?}/"*
mkdir -p "$TMP/primary" "$TMP/secondary"

S2Z=${SERVICES_TO_ZONE:-$(pwd)/build/services-to-zone}
ZONE=sec.test
K=hmac-sha256:xfr:c2Vjb25kYXJ5LXRlc3Qtc2VjcmV0LXNlY29uZGFyeS10
PPORT=$(free_port)
SPORT=$(free_port)
trap pair_cleanup EXIT
trap 'pair_cleanup; exit 1' INT TERM HUP PIPE

# zone SERIAL SERVICES [EXTRA]: the primary's zone file
zone() {
	sed "s/@SERIAL@/$1/" tests/data/secondary.zone >"$TMP/primary/$ZONE.zone.new"
	[ -z "${3:-}" ] || echo "$3" >>"$TMP/primary/$ZONE.zone.new"
	"$S2Z" "$ZONE" "$2" >>"$TMP/primary/$ZONE.zone.new" || fail "services-to-zone $2"
	mv "$TMP/primary/$ZONE.zone.new" "$TMP/primary/$ZONE.zone"
}

serial() {
	dig @127.0.0.1 -p "$1" +time=1 +tries=1 +short "$ZONE" SOA 2>/dev/null | awk '{ print $3 }'
}
rcode() {
	dig @127.0.0.1 -p "$1" +time=1 +tries=1 "$ZONE" SOA 2>/dev/null |
		sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}

# geo PORT: the answers for www from three client networks (ECS)
geo() {
	for net in 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24; do
		dig @127.0.0.1 -p "$1" +time=1 +tries=1 +noall +answer +subnet=$net "www.$ZONE" A
	done
}

# get PATH: the secondary's /metrics or /status
get() { curl -s --max-time 5 "http://127.0.0.1:$((SPORT + 1))$1"; }

# ---- the config's checks ----

check_cmd "secondary keys checked with file:line:column" sh -c \
	"cd tests/data && '$GEODNSD' -t -c secondary-bad.conf 2>&1; echo \"exit \$?\"" <<'EOF'
secondary-bad.conf:4:58: zones[0].primaries: an empty list: leave primaries out for a primary zone
secondary-bad.conf:6:35: zones[1].primaries[0].address: "not-an-address" is not an address such as 192.0.2.53:53
secondary-bad.conf:6:88: zones[1].primaries[1].key: "nokey" is not one of tsig_keys
secondary-bad.conf:8:17: zones[2].timers: a minimum above its maximum
secondary-bad.conf:10:19: zones[3].services: a secondary's services come in its zone (TYPE65281 records), not from a file
secondary-bad.conf:10:46: zones[3].serial_policy: a secondary keeps its primary's serials
geodnsd: 6 errors
exit 1
EOF

zone 2026120301 tests/data/secondary.services.json
pair_conf tests/data/secondary-primary.conf "$PPORT" "$TMP/primary.conf"
pair_conf tests/data/secondary.conf "$SPORT" "$TMP/secondary.conf"
# the same secondary, its primary a port where nobody answers, no copy
sed -e "s|127.0.0.1:$PPORT|127.0.0.1:$(free_port)|" -e "s|$TMP/secondary/|$TMP/nocopy-|" \
	"$TMP/secondary.conf" >"$TMP/nocopy.conf"
check_cmd "geodnsd -t: a secondary without a copy yet is valid" sh -c \
	"'$GEODNSD' -t -c '$TMP/nocopy.conf' 2>&1 | sed 's|$TMP|TMP|'" <<'EOF'
zone sec.test.: secondary without a copy yet (TMP/nocopy-sec.test.zone) OK
configuration TMP/nocopy.conf OK
EOF
pair_start primary || exit 1

# ---- the first copy ----

check_cmd "without a copy the zone answers SERVFAIL until the first transfer" sh -c '
	"$0" -f -c "$1" >"$2" 2>&1 & pid=$!
	i=0; while [ $i -lt 100 ] && ! grep -q event=started "$2"; do sleep 0.05; i=$((i+1)); done
	dig @127.0.0.1 -p "$3" +time=1 +tries=1 "$4" SOA | sed -n "s/.*status: \([A-Z]*\),.*/\1/p"
	kill -TERM $pid; wait $pid' "$GEODNSD" "$TMP/nocopy.conf" "$TMP/nocopy.log" "$SPORT" "$ZONE" \
	<<'EOF'
SERVFAIL
EOF
pair_start secondary || exit 1
wait_output "the secondary serves the primary's serial after its first AXFR" 2026120301 3000 \
	serial "$SPORT"
check_cmd "one signed AXFR logged by the secondary" sh -c \
	"grep -c 'event=xfr_in zone=$ZONE. primary=127.0.0.1:$PPORT key=yes type=AXFR form=full applied=memory from=0 serial=2026120301 .*result=ok' '$TMP/secondary.log'" <<'EOF'
1
EOF
kdig @127.0.0.1 -p "$PPORT" +noall +answer -y "$K" "$ZONE" AXFR | grep -v TSIG | sed '$d' \
	>"$TMP/p.axfr"
kdig @127.0.0.1 -p "$SPORT" +noall +answer "$ZONE" AXFR | sed '$d' >"$TMP/s.axfr"
canon "$TMP/p.axfr" >"$TMP/p.canon"
canon "$TMP/s.axfr" >"$TMP/s.canon"
check_cmd "the secondary's AXFR onward is the primary's zone, TYPE65281 included" sh -c \
	"diff '$TMP/p.canon' '$TMP/s.canon' && grep -c TYPE65281 '$TMP/s.canon'" <<'EOF'
1
EOF
# saved just after it is served
wait_saved() {
	for _ in $(seq 100); do
		grep -q "^; sec.test. serial $1\$" "$TMP/secondary/$ZONE.zone" 2>/dev/null && break
		sleep 0.1
	done
}
wait_saved 2026120301
check_cmd "the copy in its file is the zone (ldns-read-zone)" sh -c \
	"ldns-read-zone -c '$TMP/secondary/$ZONE.zone' | grep -v '^;' | sort | diff '$TMP/p.canon' -"
	</dev/null
geo "$PPORT" >"$TMP/p.geo"
check_cmd "geo answers of the services in the zone: the same at both ends" geo "$SPORT" \
	<"$TMP/p.geo"
check_cmd "the primary's geo answers (us-east, eu-west, ap-south)" awk '{ print $1, $4, $5 }' \
	"$TMP/p.geo" <<'EOF'
www.sec.test. A 192.0.2.10
www.sec.test. A 192.0.2.11
www.sec.test. A 198.51.100.10
www.sec.test. CNAME mail.sec.test.
mail.sec.test. A 192.0.2.25
EOF

# ---- a new serial: NOTIFY, IXFR ----

zone 2026120302 tests/data/secondary.services.json 'new	IN A	192.0.2.77'
kill -HUP "$PPID_"
wait_output "NOTIFY brings the new serial to the secondary" 2026120302 2000 serial "$SPORT"
check_cmd "taken by an incremental IXFR" sh -c \
	"grep -c 'event=xfr_in zone=$ZONE. .*type=IXFR form=incremental applied=memory from=2026120301 serial=2026120302 .*result=ok' '$TMP/secondary.log'" <<'EOF'
1
EOF
check_cmd "the new record on the secondary" dig @127.0.0.1 -p "$SPORT" +short "new.$ZONE" A <<'EOF'
192.0.2.77
EOF
# the version built in memory: served onward as the primary has it, and
# kept in the file once served
kdig @127.0.0.1 -p "$PPORT" +noall +answer -y "$K" "$ZONE" AXFR | grep -v TSIG | sed '$d' >"$TMP/p2.axfr"
kdig @127.0.0.1 -p "$SPORT" +noall +answer "$ZONE" AXFR | sed '$d' >"$TMP/s2.axfr"
canon "$TMP/p2.axfr" >"$TMP/p2.canon"
canon "$TMP/s2.axfr" >"$TMP/s2.canon"
check_cmd "after the IXFR, the secondary's AXFR onward is the primary's zone" sh -c \
	"diff '$TMP/p2.canon' '$TMP/s2.canon' && grep -c '^new' '$TMP/s2.canon'" <<'EOF'
1
EOF
saved() {
	wait_saved 2026120302
	canon "$TMP/secondary/$ZONE.zone" | diff "$TMP/p2.canon" -
	grep -c 'event=xfr_in_save zone=sec.test. .*serial=2026120302' "$TMP/secondary.log"
}
check_cmd "the copy saved after it is served: the file is the new version" saved <<'EOF'
1
EOF
in_metrics() {
	get /metrics | grep -E '^geodnsd_(notify_received_total\{result="ok"\}|xfr_in_total\{type="(IXFR|AXFR)",result="ok"\})' |
		awk '{ print $1, ($2 > 0) }'
}
check_cmd "metrics: notify_received ok, AXFR and IXFR ok" in_metrics <<'EOF'
geodnsd_xfr_in_total{type="AXFR",result="ok"} 1
geodnsd_xfr_in_total{type="IXFR",result="ok"} 1
geodnsd_notify_received_total{result="ok"} 1
EOF
sec_status() { get /status | grep -o '"secondary": {"state": "[a-z_]*", "primary": "[^"]*"'; }
check_cmd "/status: the secondary's state" sec_status <<EOF
"secondary": {"state": "serving", "primary": "127.0.0.1:$PPORT"
EOF

# ---- NOTIFY from others ----

notify() { dig @127.0.0.1 -p "$SPORT" +time=1 +tries=1 +opcode=notify +norec "$@" 2>&1 |
	sed -n 's/.*opcode: \([A-Z]*\), status: \([A-Z]*\),.*/\1 \2/p; s/^;; flags: \([a-z ]*\);.*/flags: \1/p'; }
check_cmd "NOTIFY signed with the primary's key from its address: NOERROR, AA" \
	notify -y "$K" "$ZONE" SOA <<'EOF'
NOTIFY NOERROR
flags: qr aa
EOF
check_cmd "NOTIFY unsigned (the primary has a key): REFUSED" notify "$ZONE" SOA <<'EOF'
NOTIFY REFUSED
flags: qr
EOF
check_cmd "NOTIFY from 127.0.0.9, not a primary: REFUSED" notify -b 127.0.0.9 -y "$K" "$ZONE" SOA \
	<<'EOF'
NOTIFY REFUSED
flags: qr
EOF
check_cmd "NOTIFY for a zone not served: NOTAUTH" notify -y "$K" other.test SOA <<'EOF'
NOTIFY NOTAUTH
flags: qr
EOF

# ---- a version the secondary cannot serve ----

zone 2026120303 tests/data/secondary-mars.services.json 'new	IN A	192.0.2.77'
kill -HUP "$PPID_"
wait_output "the primary serves the version with region mars" 2026120303 2000 serial "$PPORT"
wait_output "the secondary rejects it (unknown region) and keeps its serial" 1 3000 sh -c \
	"grep -c 'event=xfr_in zone=$ZONE. .*result=rejected serial=2026120303 .*mars.*action=keeping_serial_2026120302' '$TMP/secondary.log'"
check_cmd "still the old serial and answers" sh -c "dig @127.0.0.1 -p $SPORT +short $ZONE SOA | awk '{print \$3}'; dig @127.0.0.1 -p $SPORT +short +subnet=192.0.2.0/24 www.$ZONE A" <<'EOF'
2026120302
192.0.2.10
192.0.2.11
EOF
zone 2026120304 tests/data/secondary.services.json 'new	IN A	192.0.2.78'
kill -HUP "$PPID_"
wait_output "the next good version is taken (IXFR across the rejected one)" 2026120304 3000 \
	serial "$SPORT"
check_cmd "its record" dig @127.0.0.1 -p "$SPORT" +short "new.$ZONE" A <<'EOF'
192.0.2.78
EOF

# ---- the primary down: the copy serves, a restart serves it at once ----

stop_instance "$PPID_"
PPID_=''
stop_instance "$SPID"
SPID=''
pair_start secondary || exit 1
check_cmd "restarted during the outage: answers at once from its copy" serial "$SPORT" <<'EOF'
2026120304
EOF
wait_output "expire passes without a primary: SERVFAIL" SERVFAIL 10000 rcode "$SPORT"
expired_state() {
	get /status | grep -o '"secondary": {"state": "[a-z_]*"'
	get /metrics | grep '^geodnsd_zone_expires_in_seconds'
}
check_cmd "/status says expired; zone_expires_in_seconds 0" expired_state <<'EOF'
"secondary": {"state": "expired"
geodnsd_zone_expires_in_seconds{zone="sec.test."} 0
EOF
check_cmd "the expiry logged once" grep -c "event=secondary_expired zone=$ZONE." "$TMP/secondary.log" \
	<<'EOF'
1
EOF
pair_start primary || exit 1
wait_output "the primary back: answers resume with the next transfer" 2026120304 5000 serial "$SPORT"
