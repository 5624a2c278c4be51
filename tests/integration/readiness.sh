# readiness.sh - how the daemon says it serves. Under systemd (a
# NOTIFY_SOCKET the test listens on): READY=1 once it serves, RELOADING=1
# with MONOTONIC_USEC then READY=1 with the result around each reload
# (SIGHUP, a failing one, geodnsdctl), STOPPING=1 at TERM. Without -f and
# without systemd: the parent exits 0 only once the daemon answers (a
# query right after it is answered), non-zero with the error for a bad
# configuration or a port in use; the pidfile holds the daemon's pid.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

CTL=${GEODNSDCTL:-$(pwd)/build/geodnsdctl}
cp zones/example.com.zone zones/example.com.include zones/example.net.zone "$TMP/"
rm -rf "$TMP/sock" "$TMP/notify.sock" "$TMP/notify.log"
mkdir -p "$TMP/sock"

# the notification socket: every datagram one line, its newlines as "|"
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as log:
    while True:
        msg = s.recv(4096).decode()
        log.write(msg.strip("\n").replace("\n", "|") + "\n")
        log.flush()
' "$TMP/notify.sock" "$TMP/notify.log" &
NOTIFY_PID=$!
i=0
while [ ! -S "$TMP/notify.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
trap 'kill $NOTIFY_PID 2>/dev/null' EXIT

# wait_lines N: until the notification log has N lines (at most 5 s)
wait_lines() {
	i=0
	while [ "$(wc -l <"$TMP/notify.log" 2>/dev/null || echo 0)" -lt "$1" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
# notes [N]: the log (its last N lines) with the numbers that change (pid,
# clock) as N
notes() {
	sed -e 's/MAINPID=[0-9]*/MAINPID=N/' -e 's/MONOTONIC_USEC=[0-9]*/MONOTONIC_USEC=N/' \
		"$TMP/notify.log" | tail -n "${1:-100}"
}

NOTIFY_SOCKET=$TMP/notify.sock
export NOTIFY_SOCKET
start_server tests/data/control.conf || exit 1
wait_lines 1
check_cmd "READY=1 once serving" notes <<'EOF2'
READY=1|MAINPID=N|STATUS=serving 2 zones
EOF2
dq +norec +short static.example.com A | grep -q '^192.0.2.80$' &&
	pass "answering when READY=1 was sent" || fail "answering when READY=1 was sent"

reload 1
wait_lines 3
check_cmd "SIGHUP: RELOADING=1 then READY=1" notes 2 <<'EOF2'
RELOADING=1|MONOTONIC_USEC=N|STATUS=reloading
READY=1|STATUS=serving; last reload ok
EOF2
now=$(python3 -c 'import time; print(int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e6))')
usec=$(sed -n 's/.*MONOTONIC_USEC=\([0-9]*\).*/\1/p' "$TMP/notify.log" | tail -1)
if [ -n "$usec" ] && [ "$usec" -le "$now" ] && [ $((now - usec)) -lt 10000000 ]; then
	pass "MONOTONIC_USEC is CLOCK_MONOTONIC"
else
	fail "MONOTONIC_USEC is CLOCK_MONOTONIC ($usec, now $now)"
fi
printf 'broken IN A 300.1.2.3\n' >>"$TMP/example.com.zone"
"$CTL" -s "$TMP/sock/control.sock" reload example.com >/dev/null 2>&1
wait_lines 5
check_cmd "a failed reload of a zone: READY=1 says so" notes 2 <<'EOF2'
RELOADING=1|MONOTONIC_USEC=N|STATUS=reloading zone example.com
READY=1|STATUS=serving; last reload of example.com failed, the old data kept
EOF2
cp zones/example.com.zone "$TMP/"
stop_server && pass "stopped" || fail "stopped"
wait_lines 6
check_cmd "STOPPING=1 at TERM" notes 1 <<'EOF2'
STOPPING=1|STATUS=stopping
EOF2
unset NOTIFY_SOCKET

# --- without -f and without systemd
PORT=$(( 20000 + ($$ * 13) % 40000 ))
sed -e "s|@PORT@|$PORT|g" -e "s|@TMP@|$TMP|g" -e "s|@ROOT@|$ROOT|g" tests/data/control.conf \
	>"$TMP/bg.conf"
rm -f "$TMP/geodnsd.pid"
"$GEODNSD" -c "$TMP/bg.conf" -p "$TMP/geodnsd.pid" >"$TMP/bg.log" 2>&1
rc=$?
# no sleep: the parent's exit says the daemon serves
out=$(dig @127.0.0.1 -p "$PORT" +norec +short +time=1 +tries=1 static.example.com A)
check_cmd "detached: exit 0 and answering at once" echo "$rc $out" <<'EOF2'
0 192.0.2.80
EOF2
grep -q 'event=started' "$TMP/bg.log" &&
	pass "detached: the parent exited after the daemon started" ||
	fail "detached: the parent exited after the daemon started"
BGPID=$(cat "$TMP/geodnsd.pid" 2>/dev/null)
if [ -n "$BGPID" ] && kill -0 "$BGPID" 2>/dev/null && grep -q "pid=$BGPID" "$TMP/bg.log"; then
	pass "the pidfile holds the daemon's pid"
else
	fail "the pidfile holds the daemon's pid ($BGPID)"
fi
# a port held by another program: the parent fails with the error
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
open(sys.argv[2], "w").close()
time.sleep(30)
' $((PORT + 1)) "$TMP/held" &
HOLD_PID=$!
i=0
while [ ! -e "$TMP/held" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sed -e "s|@PORT@|$((PORT + 1))|g" -e "s|@TMP@|$TMP|g" -e "s|@ROOT@|$ROOT|g" \
	-e 's|sock/control.sock|sock/bg2.sock|' \
	tests/data/control.conf >"$TMP/bg2.conf"
"$GEODNSD" -c "$TMP/bg2.conf" >"$TMP/bg2.log" 2>&1
rc=$?
kill "$HOLD_PID" 2>/dev/null
rm -f "$TMP/held"
if [ $rc -ne 0 ] && grep -q "event=bind_failed proto=udp listen=127.0.0.1:$((PORT + 1))" "$TMP/bg2.log"; then
	pass "port in use: exit non-zero with the error"
else
	fail "port in use: exit $rc"
	cat "$TMP/bg2.log"
fi
[ -n "$BGPID" ] && kill -TERM "$BGPID"
i=0
while [ -n "$BGPID" ] && kill -0 "$BGPID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ ! -e "$TMP/geodnsd.pid" ] && pass "the pidfile removed at stop" || fail "the pidfile removed at stop"
# a failure in the detached child (after the fork: the privileges are
# dropped there) reaches the parent's exit status
sed -e "s|@PORT@|$((PORT + 2))|g" -e "s|@TMP@|$TMP|g" -e "s|@ROOT@|$ROOT|g" \
	-e 's|sock/control.sock|sock/bg3.sock|' \
	-e 's|"workers": 2|"workers": 2, "user": "no-such-user-geodnsd"|' \
	tests/data/control.conf >"$TMP/bg3.conf"
"$GEODNSD" -c "$TMP/bg3.conf" >"$TMP/bg3.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'event=privileges_failed reason="unknown user no-such-user-geodnsd"' "$TMP/bg3.log"; then
	pass "a failure in the detached child: exit 1 with the error"
else
	fail "a failure in the detached child: exit $rc"
	cat "$TMP/bg3.log"
fi
printf '{ "zones": [ { "origin": "example.com", "file": "%s/none.zone" } ] }\n' "$TMP" >"$TMP/bad.conf"
"$GEODNSD" -c "$TMP/bad.conf" >"$TMP/bad.log" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "none.zone" "$TMP/bad.log" && grep -q "not started" "$TMP/bad.log"; then
	pass "bad configuration: exit $rc with the error"
else
	fail "bad configuration: exit $rc"
	cat "$TMP/bad.log"
fi

# the default configuration is SYSCONFDIR's, never zones/geodnsd.conf of
# the current directory (here, the source tree, which has one)
"$GEODNSD" -t >"$TMP/default.out" 2>&1
if grep -q "/etc/geodnsd/geodnsd.conf" "$TMP/default.out" && ! grep -q "zones/geodnsd.conf" "$TMP/default.out"; then
	pass "the default configuration is /etc/geodnsd/geodnsd.conf"
else
	fail "the default configuration is /etc/geodnsd/geodnsd.conf"
	cat "$TMP/default.out"
fi
