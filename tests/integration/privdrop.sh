# privdrop.sh - sockets are bound first, then geodnsd runs as server.user /
# server.group; an unknown user stops it at start (it never goes on as root).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

if [ "$(id -u)" -eq 0 ]; then
	start_server tests/data/privdrop.conf || exit 1
	check_cmd "running as nobody:nogroup" sh -c \
		"awk '/^Uid:|^Gid:/ {print \$1, \$2}' /proc/$SERVER_PID/status" <<EOF2
Uid: $(id -u nobody)
Gid: $(getent group nogroup | cut -d: -f3)
EOF2
	check_cmd "still answering on the port bound as root" \
		dig @127.0.0.1 -p "$PORT" +norec +short www.example.net <<'EOF2'
198.51.100.80
EOF2
	grep -q "event=privileges_dropped uid=$(id -u nobody)" "$TMP/server.log" &&
		pass "drop logged" || fail "drop logged"
	if stop_server; then pass "clean exit"; else fail "clean exit"; fi
	EXPECT='reason="unknown user no-such-user-x"'
else
	# not root: switching to another user is impossible, so it must refuse
	EXPECT='reason="cannot switch to uid'
fi

sed -e 's/"nobody"/"no-such-user-x"/' -e 's/@PORT@/0/' -e "s|@ROOT@|$ROOT|g" \
	tests/data/privdrop.conf >"$TMP/bad.conf"
[ "$(id -u)" -eq 0 ] || sed -i 's/"no-such-user-x"/"root"/' "$TMP/bad.conf"
"$GEODNSD" -f -c "$TMP/bad.conf" >"$TMP/bad.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "event=privileges_failed $EXPECT" "$TMP/bad.log"; then
	pass "a user that cannot be switched to: refuses to run (exit 1)"
else
	fail "a user that cannot be switched to: refuses to run (exit $rc)"
	cat "$TMP/bad.log"
fi
