# interop-xfr.sh - geodnsd as the primary of the real secondaries from
# Debian (issue 16 item 8): knotd, nsd and named, each started here from a
# config in $TMP on a free loopback port (never a distribution's service
# instance), pull a zone with TYPE65281 service records over TSIG
# (hmac-sha256) and serve exactly the zone's records by AXFR; the chain
# geodnsd -> NSD -> kdig AXFR keeps the TYPE65281 data byte for byte; a
# wrong key, no key and a network outside transfer.allow are refused; a
# one-record change with a serial bump and SIGHUP gives through kdig IXFR
# exactly the RFC 1995 difference sequence, knotd takes it as an IXFR, and
# geodnsd's NOTIFY brings knotd to the new serial within 1 s.
# A missing peer binary is a failure naming the package (tools/install-deps
# installs them). Every wait is bounded; every process is stopped by pid.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
# nothing of an earlier run (peer storage, logs) is read again
rm -rf "${TMP:?}/"*

S2Z=${SERVICES_TO_ZONE:-$(pwd)/build/services-to-zone}
ZONE=interop.test
SERIAL1=2026010101
SERIAL2=2026010102
SECRET=aW50ZXJvcC14ZnItc2VjcmV0LWludGVyb3AteGZyLXNl
K=hmac-sha256:xfr:$SECRET
KBAD=hmac-sha256:xfr:d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZy1zZQ==
KNOT_PID=''
PEER_PID=''
PEER_PIDS=''
PEER_PORT=''

interop_cleanup() {
	for _ic in $PEER_PIDS $PEER_PID; do
		stop_pid "$_ic"
	done
	PEER_PIDS=''
	PEER_PID=''
	cleanup
}
trap interop_cleanup EXIT
trap 'interop_cleanup; exit 1' INT TERM HUP PIPE

# axfr_records PORT FILE [KDIG-ARGS]: the records of an AXFR from the server
# on PORT, without TSIG lines and the closing SOA, in FILE
axfr_records() {
	_ar_port=$1
	_ar_file=$2
	shift 2
	kdig @127.0.0.1 -p "$_ar_port" +time=3 +retry=0 +noall +answer "$@" "$ZONE" AXFR \
		>"$_ar_file.raw" 2>&1
	grep -v 'TSIG' "$_ar_file.raw" | sed '$d' >"$_ar_file"
}

# same_zone NAME FILE: FILE holds exactly the zone's records
same_zone() {
	canon "$2" >"$TMP/got"
	if [ -s "$TMP/want" ] && diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		pass "$1"
	else
		fail "$1"
		sed 's/^/  /' "$TMP/diff" | head -40
		head -5 "$2.raw" | sed 's/^/  /'
	fi
}

# svc_records FILE: owner and hex data of the TYPE65281 records, sorted
svc_records() { canon "$1" | awk '$4 == "TYPE65281"'; }

# ---- the primary ----

cp tests/data/interop-xfr.zone "$TMP/$ZONE.zone"
"$S2Z" "$ZONE" tests/data/interop-xfr.services.json >>"$TMP/$ZONE.zone" || fail "services-to-zone"
canon "$TMP/$ZONE.zone" >"$TMP/want"
KNOTPORT=$(free_port)
sed "s|@KNOTPORT@|$KNOTPORT|" tests/data/interop-xfr.conf >"$TMP/interop-xfr.conf"
start_server "$TMP/interop-xfr.conf" || exit 1

check_cmd "the zone has its 2 TYPE65281 records" awk '$4 == "TYPE65281" { print $1 }' "$TMP/want" <<EOF
api.$ZONE.
www.$ZONE.
EOF
axfr_records "$PORT" "$TMP/geodnsd.axfr" -y "$K"
same_zone "geodnsd: signed AXFR is the zone" "$TMP/geodnsd.axfr"

# ---- refusals, checked on geodnsd's answers ----

refusal() {
	_rf_name=$1
	_rf_want=$2
	shift 2
	_rf_out=$(kdig @127.0.0.1 -p "$PORT" +time=3 +retry=0 "$@" "$ZONE" AXFR 2>&1 |
		grep 'server replied')
	if [ "$_rf_out" = ";; ERROR: server replied with error '$_rf_want'" ]; then
		pass "$_rf_name"
	else
		fail "$_rf_name"
		echo "  got: $_rf_out"
	fi
}
refusal "wrong secret: NOTAUTH/BADSIG" BADSIG -y "$KBAD"
refusal "no key (the allow entry requires it): REFUSED" REFUSED
refusal "right key from 127.0.0.9, outside transfer.allow: REFUSED" REFUSED -b 127.0.0.9 -y "$K"
refusals_logged() {
	grep -c "event=xfr_out zone=$ZONE. client=127.0.0.[19] type=AXFR result=refused" "$TMP/server.log"
	grep -c 'event=xfr_out client=127.0.0.1 type=AXFR result=notauth tsig_error=16' "$TMP/server.log"
}
check_cmd "the refusals logged" refusals_logged <<'EOF'
2
1
EOF

# ---- knotd ----

knot_conf() {
	{
		knot_conf_head
		cat <<EOF
key:
  - id: xfr
    algorithm: hmac-sha256
    secret: $SECRET
remote:
  - id: geodnsd
    address: 127.0.0.1@$PORT
    key: xfr
acl:
  - id: notify_from_geodnsd
    address: 127.0.0.1
    key: xfr
    action: notify
  - id: transfer_to_test
    address: 127.0.0.0/8
    action: transfer
zone:
  - domain: $ZONE
    storage: "$TMP/knotd"
    file: "$ZONE.zone"
    master: geodnsd
    acl: [notify_from_geodnsd, transfer_to_test]
EOF
	} >"$TMP/knotd/knot.conf"
}

# knotd's port was taken: NOTIFY follows it to another through a reload
knot_moved() {
	PEER_PORT=$(free_port)
	sed "s|@KNOTPORT@|$PEER_PORT|" tests/data/interop-xfr.conf |
		sed -e "s|@PORT@|$PORT|g" -e "s|@HTTPPORT@|$HTTPPORT|g" -e "s|@TMP@|$TMP|g" \
		>"$TMP/geodnsd.conf"
	_km_reloads=$(grep -c 'event=reload result=ok' "$TMP/server.log")
	kill -HUP "$SERVER_PID"
	wait_log 'event=reload result=ok' $((_km_reloads + 1)) ||
		fail "geodnsd did not reload for knotd's new port"
}

# signed_axfrs: geodnsd's log lines of complete AXFRs signed with xfr
signed_axfrs() {
	grep -c "event=xfr_out zone=$ZONE. client=127.0.0.1 key=xfr. type=AXFR .*serial=$SERIAL1 .*records=13 .*result=ok" \
		"$TMP/server.log"
}

# peer_log NAME PATTERN FILE: the peer's log says it verified our TSIG
peer_log() {
	if grep -q -- "$2" "$3"; then
		pass "$1: verified geodnsd's signed transfer (its log)"
	else
		fail "$1: verified geodnsd's signed transfer (its log)"
		tail -5 "$3" | sed 's/^/  /'
	fi
}

# loaded NAME PORT STARTED BEFORE: the peer NAME loaded the zone (STARTED
# 0) through one more signed AXFR than BEFORE; its own AXFR is the zone
loaded() {
	if [ "$3" -eq 0 ] && [ "$(signed_axfrs)" -eq $(($4 + 1)) ]; then
		pass "$1: loaded $ZONE by one AXFR signed with xfr"
	else
		fail "$1: loaded $ZONE by one AXFR signed with xfr"
		grep 'event=xfr_out' "$TMP/server.log" | tail -3 | sed 's/^/  /'
		return
	fi
	axfr_records "$2" "$TMP/$1.axfr"
	same_zone "$1: its AXFR is the zone" "$TMP/$1.axfr"
}

# secondary NAME BIN PACKAGE WRITE MAX_S CLASH ARGS...: start_peer, then
# loaded; its status
secondary() {
	_se_before=$(signed_axfrs)
	start_peer "$@"
	_se_rc=$?
	loaded "$1" "$PEER_PORT" $_se_rc "$_se_before"
	return $_se_rc
}

PEER_PORT=$KNOTPORT
ON_CLASH=knot_moved
secondary knotd knotd knot knot_conf 5 'cannot bind' -c "$TMP/knotd/knot.conf" &&
	KNOT_PID=$PEER_PID
ON_CLASH=''
KNOTPORT=$PEER_PORT

# ---- nsd ----

nsd_interop() {
	nsd_conf "request-xfr: 127.0.0.1@$PORT xfr" "allow-notify: 127.0.0.1 xfr" \
		"provide-xfr: 127.0.0.0/8 NOKEY"
}

PEER_PORT=''
if secondary nsd nsd nsd nsd_interop 5 'already in use' -d -c "$TMP/nsd/nsd.conf"; then
	peer_log nsd "received update to serial $SERIAL1 .* TSIG verified with key xfr" "$TMP/nsd/nsd.log"
	svc_records "$TMP/$ZONE.zone" >"$TMP/svc.want"
	svc_records "$TMP/nsd.axfr" >"$TMP/svc.got"
	if [ "$(wc -l <"$TMP/svc.want")" -eq 2 ] && diff -u "$TMP/svc.want" "$TMP/svc.got" >"$TMP/diff"; then
		pass "geodnsd -> nsd -> kdig AXFR: the 2 TYPE65281 records byte for byte"
	else
		fail "geodnsd -> nsd -> kdig AXFR: the 2 TYPE65281 records byte for byte"
		cut -c1-150 "$TMP/diff" | sed 's/^/  /'
	fi
	# and the data still is the services file's JSON
	check_cmd "the relayed data decodes to the services' JSON" python3 -c 'import sys; print(bytes.fromhex(sys.argv[1]).decode())' "$(awk '$1 == "api.'"$ZONE"'." { print $7 }' "$TMP/svc.got")" <<'EOF'
{"regions":{"us-east":{"A":["192.0.2.20"]},"eu-west":{"cname":"mail.interop.test."}},"fallback":"eu-west"}
EOF
fi

# ---- named ----

named_conf() {
	cat >"$TMP/named/named.conf" <<EOF
options {
	directory "$TMP/named";
	pid-file "$TMP/named/named.pid";
	session-keyfile "$TMP/named/session.key";
	managed-keys-directory "$TMP/named";
	listen-on port $PEER_PORT { 127.0.0.1; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify no;
	allow-transfer { 127.0.0.0/8; };
};
controls { };
key "xfr" { algorithm hmac-sha256; secret "$SECRET"; };
zone "$ZONE" {
	type secondary;
	primaries { 127.0.0.1 port $PORT key "xfr"; };
	file "$ZONE.zone";
};
EOF
}

PEER_PORT=''
secondary named named bind9 named_conf 8 'unable to listen' -g -c "$TMP/named/named.conf" &&
	peer_log named "transferred serial $SERIAL1: TSIG 'xfr'" "$TMP/named/out.log"

# ---- a one-record change: IXFR and NOTIFY ----
# (the journal and NOTIFY out as wired into the server: zones[].journal,
# zones[].transfer.notify)

# notify_ok: NOTIFYs answered NOERROR, signed (notify_sent_total ok)
notify_ok() {
	curl -s --max-time 2 "http://127.0.0.1:$HTTPPORT/metrics" |
		sed -n 's/^geodnsd_notify_sent_total{result="ok"} \([0-9]*\)$/\1/p' | grep . || echo 0
}
notify_ok_before=$(notify_ok)
knot_lines=$(wc -l 2>/dev/null <"$TMP/knotd/out.log" || echo 0)
sed -e "s/ $SERIAL1 / $SERIAL2 /" -e 's/^old	IN A	192.0.2.99$/old	IN A	192.0.2.98/' \
	"$TMP/$ZONE.zone" >"$TMP/$ZONE.zone.new"
mv "$TMP/$ZONE.zone.new" "$TMP/$ZONE.zone"
kill -HUP "$SERVER_PID"
if [ -n "$KNOT_PID" ]; then
	wait_output "NOTIFY: knotd at the new serial within 1 s of SIGHUP" "$SERIAL2" 1000 \
		soa_serial "$KNOTPORT"
fi
wait_serial "$PORT" "$SERIAL2" 5 || fail "geodnsd did not reload to serial $SERIAL2"

soa() { echo "$ZONE. 3600 IN SOA ns1.$ZONE. hostmaster.$ZONE. $1 7200 900 1209600 600"; }
ixfr() {
	kdig @127.0.0.1 -p "$PORT" +time=3 +retry=0 +noall +answer -y "$K" "$ZONE" "IXFR=$1" 2>&1 |
		grep -v TSIG | awk '{ $1 = $1; print }'
}
check_cmd "kdig IXFR=old: exactly the difference (RFC 1995)" ixfr "$SERIAL1" <<EOF
$(soa $SERIAL2)
$(soa $SERIAL1)
old.$ZONE. 3600 IN A 192.0.2.99
$(soa $SERIAL2)
old.$ZONE. 3600 IN A 192.0.2.98
$(soa $SERIAL2)
EOF
check_cmd "kdig IXFR=current: one SOA" ixfr "$SERIAL2" <<EOF
$(soa $SERIAL2)
EOF

if [ -n "$KNOT_PID" ]; then
	# without the NOTIFY knotd still must take the change as an IXFR: ask it
	if [ "$(soa_serial "$KNOTPORT")" != "$SERIAL2" ]; then
		timeout 5 "$(bin knotc)" -s "$TMP/knotd/knot.sock" zone-refresh "$ZONE" >/dev/null 2>&1
		wait_serial "$KNOTPORT" "$SERIAL2" 3
	fi
	# its log since the change: one IXFR in, no AXFR, the serial step
	knot_xfrs() {
		tail -n +$((knot_lines + 1)) "$TMP/knotd/out.log" | sed -n \
			-e 's/.*\] \(IXFR, incoming, remote [^,]*, finished\),.*/\1/p' \
			-e 's/.*\] \(AXFR.*\)/\1/p' \
			-e 's/.*\] \(.*AXFR-style.*\)/\1/p' \
			-e 's/.*\] refresh, remote [^,]*, zone updated, .*\(serial [0-9]* -> [0-9]*\),.*/zone updated, \1/p'
	}
	check_cmd "knotd logs the change as an incoming IXFR" knot_xfrs <<EOF
IXFR, incoming, remote 127.0.0.1@$PORT, finished
zone updated, serial $SERIAL1 -> $SERIAL2
EOF
	axfr_records "$KNOTPORT" "$TMP/knot2.axfr"
	canon "$TMP/$ZONE.zone" >"$TMP/want"
	same_zone "knotd: after the change its AXFR is the new zone" "$TMP/knot2.axfr"
	wait_output "NOTIFY answered by knotd, signed: notify_sent_total ok + 1" \
		$((notify_ok_before + 1)) 1000 notify_ok
fi

server_alive "geodnsd alive after the transfers"
stop_server || fail "geodnsd exit status"
sanitizer_clean "no sanitizer report"
