# lib.sh - shared helpers for the integration tests (POSIX sh).
#
# A test sources this file, starts the real daemon with start_server on a
# free loopback port, and asserts exact dig output with check:
#
#   check "name" ARGS... <<'EOF'
#   expected normalized dig output
#   EOF
#
# Normalization removes only what changes from run to run: the message ID,
# dig's banner and timing lines, and blank lines. Everything else (status,
# flags, counts, OPT pseudosection, sections, TTLs) is compared exactly.
# Each check prints "PASS name" or "FAIL name" with a diff; tests/run-all
# counts those lines.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

GEODNSD=${GEODNSD:-$(pwd)/build/geodnsd}
TESTNAME=$(basename "$0" .sh)
# the repository (tests run from its top): relative paths in a
# configuration are taken from the configuration's own directory, and the
# tests write theirs under $TMP, so templates name the repository's files
# as @ROOT@/zones/...
ROOT=$(pwd)
TMP=$ROOT/tests/tmp/$TESTNAME
mkdir -p "$TMP"
PORT=
SERVER_PID=

# start_server TEMPLATE: copy TEMPLATE with @PORT@, @HTTPPORT@ (PORT + 1), @TMP@ and @ROOT@
# replaced to $TMP/geodnsd.conf and start geodnsd -f on it; retries on a port clash.
start_server() {
	template=$1
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		PORT=$(( 20000 + ($$ * 7 + attempt * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') ) % 40000 ))
		HTTPPORT=$((PORT + 1))
		sed -e "s|@PORT@|$PORT|g" -e "s|@HTTPPORT@|$HTTPPORT|g" -e "s|@TMP@|$TMP|g" \
			-e "s|@ROOT@|$ROOT|g" "$template" >"$TMP/geodnsd.conf"
		"$GEODNSD" -f -c "$TMP/geodnsd.conf" >"$TMP/server.log" 2>&1 &
		SERVER_PID=$!
		i=0
		while [ $i -lt 100 ]; do
			if ! kill -0 "$SERVER_PID" 2>/dev/null; then
				break
			fi
			if grep -q "event=started.* pid=$SERVER_PID\( \|$\)" "$TMP/server.log" 2>/dev/null; then
				return 0
			fi
			sleep 0.05
			i=$((i + 1))
		done
		if kill -0 "$SERVER_PID" 2>/dev/null; then
			kill -TERM "$SERVER_PID"
			wait "$SERVER_PID" 2>/dev/null
		fi
		wait "$SERVER_PID" 2>/dev/null
		if ! grep -q "bind_failed\|cannot listen for HTTP" "$TMP/server.log"; then
			echo "FAIL start_server: geodnsd did not start"
			cat "$TMP/server.log"
			return 1
		fi
	done
	echo "FAIL start_server: no free port found"
	return 1
}

# stop_server: TERM the daemon we started and check it exits 0.
stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID"
	rc=$?
	SERVER_PID=
	return $rc
}

# dq ARGS...: dig against the test server, normalized.
# dig sends a DNS cookie by default; dq does not unless the arguments say
# +cookie. A server cookie changes with time, so its hex is shown as
# "<24 octets>" (client 8 + server 16).
dq() {
	dig @"${SERVER:-127.0.0.1}" -p "$PORT" +nocmd +nostats +time=2 +tries=1 +nocookie "$@" 2>&1 |
		sed -e 's/, id: [0-9]*$//' -e '/^;; Got answer:/d' -e '/^$/d' \
		    -e '/^;; Query time/d' -e '/^;; SERVER:/d' -e '/^;; WHEN:/d' \
		    -e 's/^; COOKIE: [0-9a-f]\{48\} /; COOKIE: <24 octets> /'
}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; }

# check NAME DIG-ARGS... with the expected output on stdin.
check() {
	name=$1
	shift
	cat >"$TMP/expected"
	dq "$@" >"$TMP/actual"
	if diff -u "$TMP/expected" "$TMP/actual" >"$TMP/diff"; then
		pass "$name"
	else
		fail "$name"
		echo "  dig $*"
		sed 's/^/  /' "$TMP/diff"
	fi
}

# check_cmd NAME COMMAND...: the command's output against stdin.
check_cmd() {
	name=$1
	shift
	cat >"$TMP/expected"
	"$@" >"$TMP/actual" 2>&1
	if diff -u "$TMP/expected" "$TMP/actual" >"$TMP/diff"; then
		pass "$name"
	else
		fail "$name"
		echo "  $*"
		sed 's/^/  /' "$TMP/diff"
	fi
}

# start_listener NAME COMMAND...: run COMMAND --port-file FILE in the
# background (output in $TMP/NAME.out) and wait at most 5 s for the port it
# writes to FILE (tools/feedserver, tests/integration/evilfeed); sets
# LISTENER_PID and LISTENER_PORT.
start_listener() {
	_sl_name=$1
	shift
	rm -f "$TMP/$_sl_name.port"
	"$@" --port-file "$TMP/$_sl_name.port" >"$TMP/$_sl_name.out" 2>&1 &
	LISTENER_PID=$!
	_sl_i=0
	while [ ! -s "$TMP/$_sl_name.port" ] && [ $_sl_i -lt 50 ]; do
		sleep 0.1
		_sl_i=$((_sl_i + 1))
	done
	LISTENER_PORT=$(cat "$TMP/$_sl_name.port" 2>/dev/null)
}

# reload N: SIGHUP the test server, then wait (at most 5 s) until its log
# has the result line of the Nth reload since it started.
reload() {
	kill -HUP "$SERVER_PID"
	_rl_i=0
	while [ "$(grep -c "event=reload result=" "$TMP/server.log")" -lt "$1" ] &&
		[ $_rl_i -lt 100 ]; do
		sleep 0.05
		_rl_i=$((_rl_i + 1))
	done
}

# wait_output NAME EXPECTED MAX_MS COMMAND...: run COMMAND every 50 ms
# until its output is EXPECTED; PASS (with the milliseconds it took) when
# that happened within MAX_MS.
wait_output() {
	_wo_name=$1
	_wo_want=$2
	_wo_max=$3
	shift 3
	_wo_start=$(date +%s%N)
	while :; do
		_wo_got=$("$@")
		_wo_ms=$(( ($(date +%s%N) - _wo_start) / 1000000 ))
		if [ "$_wo_got" = "$_wo_want" ]; then
			pass "$_wo_name (${_wo_ms} ms)"
			return
		fi
		if [ $_wo_ms -gt "$_wo_max" ]; then
			fail "$_wo_name: after ${_wo_ms} ms still \"$_wo_got\", want \"$_wo_want\""
			return
		fi
		sleep 0.05
	done
}

cleanup() {
	if [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
}
trap cleanup EXIT
# a signal (also a closed output pipe) stops the script and the server
trap 'cleanup; exit 1' INT TERM HUP PIPE

# ---- extensions for the topic scripts ----

TCPCLIENT=${TCPCLIENT:-$(pwd)/build/tcpclient}

# tcq ARGS...: the test client (tests/integration/tcpclient.c) against the
# test server; one summary line per answer.
tcq() {
	"$TCPCLIENT" -p "$PORT" "$@" 2>&1
}

# check_tc NAME ARGS...: tcq output against stdin. With TC_FILTER set, the
# output first goes through sed "$TC_FILTER" (to leave out what a check does
# not judge, e.g. whether a FORMERR carries an OPT).
check_tc() {
	name=$1
	shift
	cat >"$TMP/expected"
	if [ -n "${TC_FILTER:-}" ]; then
		tcq "$@" | sed "$TC_FILTER" >"$TMP/actual"
	else
		tcq "$@" >"$TMP/actual"
	fi
	if diff -u "$TMP/expected" "$TMP/actual" >"$TMP/diff"; then
		pass "$name"
	else
		fail "$name"
		echo "  tcpclient -p PORT $*"
		sed 's/^/  /' "$TMP/diff"
	fi
}

# start_instance NAME: another geodnsd, on $TMP/NAME.conf, its log
# appended to $TMP/NAME.log; 0 with INSTANCE_PID once it has started
# (within 5 s), else a FAIL and 1. For tests that run several instances
# (secondary.sh, catalog.sh); stop each with stop_instance PID.
start_instance() {
	"$GEODNSD" -f -c "$TMP/$1.conf" >>"$TMP/$1.log" 2>&1 &
	INSTANCE_PID=$!
	_si_i=0
	while [ $_si_i -lt 100 ]; do
		grep -q "event=started.* pid=$INSTANCE_PID\( \|$\)" "$TMP/$1.log" 2>/dev/null &&
			return 0
		kill -0 "$INSTANCE_PID" 2>/dev/null || break
		sleep 0.05
		_si_i=$((_si_i + 1))
	done
	fail "$1 did not start"
	tail -5 "$TMP/$1.log" | sed 's/^/  /'
	return 1
}
stop_instance() {
	[ -n "$1" ] || return 0
	kill -TERM "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# ---- a geodnsd primary and a geodnsd secondary (secondary.sh, catalog.sh) ----
# PPORT and SPORT are their ports (the caller picks them with free_port),
# PPID_ and SPID their pids, PAIR_EXTRA_PIDS more processes the script
# started; pair_cleanup stops them all (install it as the traps).
PPID_=''
SPID=''
PAIR_EXTRA_PIDS=''
pair_cleanup() {
	for _pc in "$PPID_" "$SPID" $PAIR_EXTRA_PIDS; do
		stop_instance "$_pc"
	done
	PPID_=''
	SPID=''
	PAIR_EXTRA_PIDS=''
	cleanup
}

# pair_conf TEMPLATE PORT OUT: TEMPLATE for a server on PORT (@PORT@,
# @HTTPPORT@ = PORT + 1, @TMP@, @ROOT@, @SECPORT@ = SPORT, @PRIMPORT@ = PPORT)
pair_conf() {
	sed -e "s|@PORT@|$2|g" -e "s|@HTTPPORT@|$(($2 + 1))|g" -e "s|@TMP@|$TMP|g" \
		-e "s|@ROOT@|$ROOT|g" -e "s|@SECPORT@|$SPORT|g" -e "s|@PRIMPORT@|$PPORT|g" "$1" >"$3"
}

# pair_start NAME: start_instance NAME, its pid in PPID_ when NAME is
# primary, else in SPID
pair_start() {
	start_instance "$1"
	_ps_rc=$?
	if [ "$1" = primary ]; then PPID_=$INSTANCE_PID; else SPID=$INSTANCE_PID; fi
	return $_ps_rc
}

# free_port: a loopback port free for TCP and UDP right now
free_port() {
	python3 -c '
import socket
while True:
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break'
}

# hexname NAME: NAME in DNS wire format, as hex (for raw:HEX queries).
hexname() {
	echo "$1" | tr '.' '\n' | while read -r label; do
		[ -n "$label" ] || continue
		printf '%02x' "${#label}"
		printf '%s' "$label" | od -An -tx1 | tr -d ' \n'
	done
	printf '00'
}

# svc_ans SUBNET: the addresses of svc.example.com (the services of
# tests/data/health.services.json) for a client in SUBNET, sorted, on one line.
svc_ans() {
	dq +norec +short svc.example.com +subnet="$1" | grep -v '^;' | sort | tr '\n' ' '
	echo
}

# region_st REGION KEY [INDEX FIELD]: the region's KEY in the test server's
# /status ($URL), or FIELD of its INDEXth entry: a string as it is, anything
# else as JSON.
region_st() {
	curl -s "$URL/status" | python3 -c '
import json, sys
v = json.load(sys.stdin)["regions"][sys.argv[1]].get(sys.argv[2])
if len(sys.argv) > 3:
    v = v[int(sys.argv[3])].get(sys.argv[4])
print(v if isinstance(v, str) else json.dumps(v))' "$@"
}

# stop_within NAME SECONDS: SIGTERM, and the server must have exited (0)
# within SECONDS; killed otherwise
stop_within() {
	kill -TERM "$SERVER_PID" 2>/dev/null
	_i=0
	while kill -0 "$SERVER_PID" 2>/dev/null && [ $_i -lt $(($2 * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -KILL "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=
		fail "$1: still running $2 s after SIGTERM"
		return
	fi
	wait "$SERVER_PID"
	_rc=$?
	SERVER_PID=
	if [ $_rc -eq 0 ]; then pass "$1"; else fail "$1 (exit $_rc)"; fi
}

# metric NAME-WITH-LABELS: its value in a fresh scrape of the server's
# /metrics (on HTTPPORT), 0 when absent
metric() {
	curl -s "http://127.0.0.1:$HTTPPORT/metrics" |
		awk -v m="$1" 'index($0, m " ") == 1 { v = $NF } END { print v + 0 }'
}

# server_alive NAME: the server we started is still running.
server_alive() {
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		pass "$1"
	else
		fail "$1"
		tail -20 "$TMP/server.log" | sed 's/^/  /'
	fi
}

# wait_log PATTERN COUNT: wait (at most 5 s) until server.log has at least
# COUNT lines matching PATTERN; 0 when it does.
wait_log() {
	_wl_i=0
	while [ $_wl_i -lt 100 ]; do
		_wl_n=$(grep -c -- "$1" "$TMP/server.log" 2>/dev/null)
		[ "${_wl_n:-0}" -ge "$2" ] && return 0
		sleep 0.05
		_wl_i=$((_wl_i + 1))
	done
	return 1
}

# wait_file PATTERN FILE: wait (at most 10 s) until FILE has a line
# matching PATTERN (e.g. a test client's "ready" line); 0 when it does.
wait_file() {
	_wf_i=0
	while [ $_wf_i -lt 200 ]; do
		grep -q -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.05
		_wf_i=$((_wf_i + 1))
	done
	return 1
}

# sanitizer_clean NAME: no AddressSanitizer/UBSan report in server.log.
sanitizer_clean() {
	if grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'ERROR: LeakSanitizer' \
		"$TMP/server.log"; then
		fail "$1"
		grep -A10 -e 'ERROR: AddressSanitizer' -e 'runtime error:' -e 'ERROR: LeakSanitizer' \
			"$TMP/server.log" | head -30 | sed 's/^/  /'
	else
		pass "$1"
	fi
}

# ---- peers: knotd, nsd, named, started by a test from its own config ----
# (interop-xfr.sh, fleet.sh). soa_serial and start_peer ask for $ZONE;
# start_peer waits for $SERIAL1.

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
			fail "$_st_name did not serve $ZONE at serial $SERIAL1 within $_st_max s"
			tail -n 20 "$TMP/$_st_name/"*.log | sed 's/^/  /'
			return 1
		fi
		[ -z "${ON_CLASH:-}" ] || $ON_CLASH
	done
	fail "$_st_name: no free port in 3 tries"
	return 1
}

# knot_conf_head: the server, database and log sections of a knot.conf for
# knotd on 127.0.0.1:$PEER_PORT with its files in $TMP/knotd (start_peer's)
knot_conf_head() {
	cat <<EOF
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
EOF
}

# nsd_conf OPTION...: $TMP/nsd/nsd.conf for nsd on 127.0.0.1:$PEER_PORT with
# its files in $TMP/nsd (start_peer's), the key xfr ($SECRET), and the zone
# $ZONE (file $ZONE.zone) with each OPTION ("request-xfr: ADDR@PORT xfr", ...)
nsd_conf() {
	{
		cat <<EOF
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
EOF
		for _nc in "$@"; do
			echo "    $_nc"
		done
	} >"$TMP/nsd/nsd.conf"
}

# canon FILE: the records of a zone file or transfer in canonical form, sorted
# (not -s: ldns-read-zone -s drops the unknown types too)
canon() { ldns-read-zone -c "$1" 2>&1 | grep -v '^;' | sort; }
