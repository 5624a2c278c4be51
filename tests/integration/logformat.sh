# logformat.sh - server.log_format "json": every line one JSON object with
# ts, level and the event's pairs (numbers as numbers); under systemd
# (JOURNAL_STREAM naming stderr) each line starts with its journald
# priority, and not when stderr is another file.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

. tests/integration/lib.sh

P=$(free_port)
cat >"$TMP/json.conf" <<EOF
{ "server": { "listen": "127.0.0.1:$P", "log_format": "json", "workers": 1 },
  "zones": [ { "origin": "example.com", "file": "$ROOT/zones/example.com.zone" } ] }
EOF

# run_until LOG PATTERN ENV...: geodnsd -f on json.conf, stderr to LOG,
# until PATTERN is in LOG; then one query, and TERM
run_until() {
	log=$1
	pat=$2
	shift 2
	env "$@" "$GEODNSD" -f -c "$TMP/json.conf" 2>"$log" &
	pid=$!
	for _ in $(seq 100); do
		grep -q "$pat" "$log" 2>/dev/null && break
		sleep 0.05
	done
	dig @127.0.0.1 -p "$P" +short +time=2 +tries=1 static.example.com A >/dev/null
	kill -TERM "$pid"
	wait "$pid"
	echo "exit $?"
}

check_cmd "json: the server starts and stops" run_until "$TMP/json.log" '"event":"started"' <<'EOF'
exit 0
EOF
# every line an object with ts, level, event; the start line's numbers
shape() {
	python3 - "$1" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
bad = 0
for l in lines:
    o = json.loads(l)
    if not isinstance(o, dict) or list(o)[:3] != ["ts", "level", "event"]:
        bad += 1
print("lines", "ok" if lines and not bad else "bad %d of %d" % (bad, len(lines)))
s = [json.loads(l) for l in lines if '"event":"started"' in l][0]
print("started", s["level"], type(s["pid"]).__name__, s["zones"], s["listen"])
print("stopping", [json.loads(l)["signal"] for l in lines if '"event":"stopping"' in l])
PY
}
check_cmd "json: every line an object; numbers are numbers" shape "$TMP/json.log" <<EOF
lines ok
started info int 1 127.0.0.1:$P
stopping ['TERM']
EOF

# stderr is the journal when JOURNAL_STREAM names its device and inode
: >"$TMP/journal.log"
JS=$(stat -c '%d:%i' "$TMP/journal.log")
check_cmd "journal: a priority prefix" run_until "$TMP/journal.log" '"event":"started"' \
	JOURNAL_STREAM="$JS" <<'EOF'
exit 0
EOF
check_cmd "journal: <6> before each info line" sh -c \
	"grep -c '^<6>{\"ts\":' '$TMP/journal.log' | awk '{ print (\$1 >= 2) }'; grep -vc '^<[0-7]>{' '$TMP/journal.log'" <<'EOF'
1
0
EOF
: >"$TMP/other.log"
check_cmd "another file: no prefix" run_until "$TMP/other.log" '"event":"started"' \
	JOURNAL_STREAM="$JS" <<'EOF'
exit 0
EOF
check_cmd "another file: lines start with the object" sh -c "grep -vc '^{\"ts\":' '$TMP/other.log'" <<'EOF'
0
EOF
