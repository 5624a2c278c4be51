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

# descendants PID: the processes PID started (nsd forks xfrd and servers)
descendants() {
	for _dc in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		echo "$_dc"
		descendants "$_dc"
	done
}

# stop_pid PID: TERM it; it and what it started gone within 5 s, else KILL
stop_pid() {
	[ -n "$1" ] || return 0
	_sp_all="$1 $(descendants "$1")"
	kill -TERM "$1" 2>/dev/null
	_sp_i=0
	while [ $_sp_i -lt 100 ]; do
		_sp_left=
		for _sp in $_sp_all; do
			kill -0 "$_sp" 2>/dev/null && _sp_left="$_sp_left $_sp"
		done
		[ -n "$_sp_left" ] || break
		sleep 0.05
		_sp_i=$((_sp_i + 1))
	done
	for _sp in $_sp_left; do
		kill -KILL "$_sp" 2>/dev/null
	done
	wait "$1" 2>/dev/null
}
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

# need BINARY PACKAGE: the peer is installed, else a failure naming the package
need() {
	if command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; then
		return 0
	fi
	fail "$1 not found: install the Debian package $2 (tools/install-deps)"
	return 1
}
bin() { command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"; }

# soa_serial PORT [KDIG-ARGS]: the zone's serial as the server on PORT answers it
soa_serial() {
	_ss_port=$1
	shift
	kdig @127.0.0.1 -p "$_ss_port" +time=1 +retry=0 +short "$@" "$ZONE" SOA 2>/dev/null |
		awk '{ print $3 }'
}

# wait_serial PORT SERIAL MAX_S [PID]: 0 once the server on PORT serves
# SERIAL; 1 after MAX_S seconds or once PID has exited
wait_serial() {
	_ws_i=0
	while [ $_ws_i -lt $(($3 * 20)) ]; do
		[ "$(soa_serial "$1")" = "$2" ] && return 0
		[ -z "${4:-}" ] || kill -0 "$4" 2>/dev/null || return 1
		sleep 0.05
		_ws_i=$((_ws_i + 1))
	done
	return 1
}

# start_peer NAME BIN PACKAGE WRITE MAX_S CLASH ARGS...: start BIN ARGS, the peer NAME, in the
# foreground (ended after 60 s at the latest; output in $TMP/NAME/out.log)
# until it serves the zone within MAX_S seconds: 0 then, PEER_PID its pid
# (also added to PEER_PIDS) and PEER_PORT its port. A missing BIN fails
# naming PACKAGE. Each of up to 3 tries runs WRITE to write its
# config for PEER_PORT (when empty a free port; set for the first try if
# the port must be known before) into the emptied $TMP/NAME; CLASH in one
# of its logs means the port was taken: ON_CLASH runs (when set) and the
# next try takes another port. Otherwise a failure with its log, 1.
start_peer() {
	_st_name=$1
	_st_bin=$2
	_st_write=$4
	_st_max=$5
	_st_clash=$6
	need "$_st_bin" "$3" || return 1
	shift 6
	for _st_try in 1 2 3; do
		[ -n "$PEER_PORT" ] || PEER_PORT=$(free_port)
		rm -rf "${TMP:?}/$_st_name"
		mkdir -p "$TMP/$_st_name"
		$_st_write
		timeout 60 "$(bin "$_st_bin")" "$@" >"$TMP/$_st_name/out.log" 2>&1 &
		PEER_PID=$!
		if wait_serial "$PEER_PORT" "$SERIAL1" "$_st_max" "$PEER_PID"; then
			PEER_PIDS="$PEER_PIDS $PEER_PID"
			return 0
		fi
		stop_pid "$PEER_PID"
		PEER_PID=''
		PEER_PORT=''
		if ! grep -q -- "$_st_clash" "$TMP/$_st_name/"*.log; then
			fail "$_st_name did not load $ZONE from geodnsd"
			tail -n 20 "$TMP/$_st_name/"*.log | sed 's/^/  /'
			return 1
		fi
		[ -z "${ON_CLASH:-}" ] || $ON_CLASH
	done
	fail "$_st_name: no free port in 3 tries"
	return 1
}

# canon FILE: the records of a zone file or transfer in canonical form, sorted
# (not -s: ldns-read-zone -s drops the unknown types too)
canon() { ldns-read-zone -c "$1" 2>&1 | grep -v '^;' | sort; }

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
	cat >"$TMP/knotd/knot.conf" <<EOF
server:
    rundir: "$TMP/knotd"
    pidfile: "$TMP/knotd/knot.pid"
    listen: 127.0.0.1@$PEER_PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$TMP/knotd"
log:
  - target: stderr
    any: info
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

nsd_conf() {
	cat >"$TMP/nsd/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1
    port: $PEER_PORT
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "$TMP/nsd"
    zonelistfile: "$TMP/nsd/zone.list"
    xfrdfile: "$TMP/nsd/xfrd.state"
    xfrdir: "$TMP/nsd"
    pidfile: "$TMP/nsd/nsd.pid"
    database: ""
    logfile: "$TMP/nsd/nsd.log"
    server-count: 1
    verbosity: 2
    xfrd-reload-timeout: 0
remote-control:
    control-enable: no
key:
    name: xfr
    algorithm: hmac-sha256
    secret: "$SECRET"
zone:
    name: $ZONE
    zonefile: $ZONE.zone
    request-xfr: 127.0.0.1@$PORT xfr
    allow-notify: 127.0.0.1 xfr
    provide-xfr: 127.0.0.0/8 NOKEY
EOF
}

PEER_PORT=''
if secondary nsd nsd nsd nsd_conf 5 'already in use' -d -c "$TMP/nsd/nsd.conf"; then
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
