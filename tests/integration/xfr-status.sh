# xfr-status.sh - /status per zone: the journal's range, differences and
# bytes (null serials while it is empty), and the last NOTIFY event of a
# zone with NOTIFY targets (result, serial, target, time, in flight): the
# secondary here is a small UDP responder that answers every NOTIFY for
# s.test NOERROR and every other one REFUSED; a zone without targets has no
# "notify" object.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

# the secondary: answers a NOTIFY (opcode 4) with its ID, question and
# opcode, QR and AA; logs "<zone> <serial>" per request
cat >"$TMP/responder.py" <<'PY'
import os, socket, struct, sys
port_file, log = sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
with open(port_file + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
while True:
    m, peer = s.recvfrom(4096)
    if len(m) < 12:
        continue
    ident, flags = struct.unpack("!HH", m[:4])
    if flags >> 11 & 15 != 4:
        continue
    p, labels = 12, []
    while m[p]:
        labels.append(m[p + 1:p + 1 + m[p]].decode())
        p += 1 + m[p]
    qend = p + 5
    zone = ".".join(labels) + "."
    # the SOA in the answer section: owner (a pointer), fixed part, names
    a = qend + 2 + 10
    for _ in range(2):
        while m[a] and m[a] & 0xC0 != 0xC0:
            a += 1 + m[a]
        a += 2 if m[a] & 0xC0 else 1
    serial = struct.unpack("!I", m[a:a + 4])[0]
    with open(log, "a") as f:
        f.write("%s %d\n" % (zone, serial))
    rcode = 0 if zone == "s.test." else 5
    r = struct.pack("!HHHHHH", ident, 0x8000 | 4 << 11 | 0x0400 | rcode, 1, 0, 0, 0)
    s.sendto(r + m[12:qend], peer)
PY
szone() {
	printf '$ORIGIN s.test.\n$TTL 300\n@ SOA ns1 hostmaster %s 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n%s' "$1" "$2" >"$TMP/s.zone"
}
szone 1 'a A 192.0.2.10
'
printf '$ORIGIN r.test.\n$TTL 300\n@ SOA ns1 hostmaster 7 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.1\n' >"$TMP/r.zone"
rm -f "$TMP/notify.log"
start_listener responder python3 "$TMP/responder.py" --port-file "$TMP/responder.port" \
	"$TMP/notify.log"
RESPONDER_PID=$LISTENER_PID
NPORT=$LISTENER_PORT
# (the responder ends by the signal: its status is not the test's)
stop_responder() {
	kill "$RESPONDER_PID" 2>/dev/null
	wait "$RESPONDER_PID" 2>/dev/null || true
}
[ -n "$NPORT" ] || { fail "the NOTIFY responder did not start"; stop_responder; exit 1; }
sed "s|@NOTIFYPORT@|$NPORT|g" tests/data/xfr-status.conf >"$TMP/xfr-status.conf"
STARTED=$(date +%s)
start_server "$TMP/xfr-status.conf" || { stop_responder; exit 1; }

# the zones of /status, one line each, with the notify target shown as
# TARGET and "when" as "recent" when it lies between the start and now
zstatus() {
	curl -s "http://127.0.0.1:$HTTPPORT/status" | python3 -c '
import json, sys, time
started = int(sys.argv[1])
for z in json.load(sys.stdin)["zones"]:
    n = z.get("notify", "absent")
    if isinstance(n, dict) and n.get("when") is not None:
        n["when"] = "recent" if started <= n["when"] <= time.time() else n["when"]
    print(z["zone"], z["serial"], "journal", json.dumps(z["journal"], sort_keys=True),
          "notify", json.dumps(n, sort_keys=True))
' "$STARTED" | sed "s/127.0.0.1:$NPORT/TARGET/"
}
# the NOTIFYs at start: answered (s.test) and refused (r.test)
wait_output "NOTIFY at start answered" "r.test. 7
s.test. 1" 5000 sh -c "sort '$TMP/notify.log' 2>/dev/null"
sleep 0.2
check_cmd "/status at start: empty journals, NOTIFY ok and REFUSED, none without targets" \
	zstatus <<'EOF'
s.test. 1 journal {"bytes": 0, "first_serial": null, "last_serial": null, "versions": 0} notify {"attempt": 1, "pending": 0, "result": "ok", "serial": 1, "target": "TARGET", "when": "recent"}
r.test. 7 journal {"bytes": 0, "first_serial": null, "last_serial": null, "versions": 0} notify {"attempt": 1, "pending": 0, "rcode": "REFUSED", "result": "rcode", "serial": 7, "target": "TARGET", "when": "recent"}
example.net. 2026112701 journal {"bytes": 0, "first_serial": null, "last_serial": null, "versions": 0} notify "absent"
EOF

# two reloads with new serials (reload N: lib.sh): the journal leads from
# 1 to 3
szone 2 'a A 192.0.2.11
'
reload 1
szone 3 'a A 192.0.2.11
b A 192.0.2.20
'
reload 2
wait_output "NOTIFY of serial 3 answered" "s.test. 3" 5000 sh -c "tail -1 '$TMP/notify.log'"
sleep 0.2
# bytes: per difference 64 octets (struct diff) and its packed records,
# 9 octets each besides owner and rdata: a SOA 9 + 8 + (12 + 19 + 20) = 68,
# an A record 9 + 10 + 4 = 23; 1->2 holds two SOAs, a removed and an added
# A (64 + 182 = 246), 2->3 two SOAs and an added A (64 + 159 = 223): 469
check_cmd "/status after two reloads: the journal from 1 to 3, NOTIFY of serial 3" \
	zstatus <<'EOF'
s.test. 3 journal {"bytes": 469, "first_serial": 1, "last_serial": 3, "versions": 2} notify {"attempt": 1, "pending": 0, "result": "ok", "serial": 3, "target": "TARGET", "when": "recent"}
r.test. 7 journal {"bytes": 0, "first_serial": null, "last_serial": null, "versions": 0} notify {"attempt": 1, "pending": 0, "rcode": "REFUSED", "result": "rcode", "serial": 7, "target": "TARGET", "when": "recent"}
example.net. 2026112701 journal {"bytes": 0, "first_serial": null, "last_serial": null, "versions": 0} notify "absent"
EOF
check_cmd "/status journal versions and bytes are the metrics'" \
	sh -c "curl -s http://127.0.0.1:$HTTPPORT/metrics | grep '^geodnsd_journal_[a-z]*{zone=\"s.test.\"}'" <<'EOF'
geodnsd_journal_versions{zone="s.test."} 2
geodnsd_journal_bytes{zone="s.test."} 469
EOF
check_cmd "the secondary was told of serials 1, 2 and 3 once each" \
	grep '^s.test' "$TMP/notify.log" <<'EOF'
s.test. 1
s.test. 2
s.test. 3
EOF

stop_server || fail "geodnsd exit status"
stop_responder
