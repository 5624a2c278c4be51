# metrics-listen.sh - metrics.listen: /metrics (and /healthz) served on a
# listener of its own, every other path 404 there, while the http
# endpoint keeps /status and the admin API; and alone, without an http
# section.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

. tests/integration/lib.sh

P=$(free_port)
H=$(free_port)
M=$(free_port)
cat >"$TMP/both.conf" <<EOF
{ "server": { "listen": "127.0.0.1:$P", "workers": 1 },
  "http": { "listen": "127.0.0.1:$H" },
  "metrics": { "listen": "127.0.0.1:$M" },
  "zones": [ { "origin": "example.com", "file": "$ROOT/zones/example.com.zone" } ] }
EOF
# start NAME: geodnsd -f on $TMP/NAME.conf, its log $TMP/NAME.log, pid in
# pid, until it says it started
start() {
	"$GEODNSD" -f -c "$TMP/$1.conf" >"$TMP/$1.log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		grep -q "event=started" "$TMP/$1.log" && break
		sleep 0.05
	done
}
start both
code() { curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$1$2"; }
check_cmd "the metrics listener: /metrics and /healthz 200, /status and admin 404" sh -c \
	"for p in /metrics /healthz /status /v1/regions/x/drain; do printf '%s ' \$p; curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:$M\$p; done" <<'EOF'
/metrics 200
/healthz 200
/status 404
/v1/regions/x/drain 404
EOF
check_cmd "the http endpoint still serves /status" code "$H" /status <<'EOF'
200
EOF
dig @127.0.0.1 -p "$P" +short +time=2 +tries=1 static.example.com A >/dev/null
samefam() {
	curl -s "http://127.0.0.1:$M/metrics" | grep '^# TYPE' | awk '{ print $3 }' | sort >"$TMP/m.fam"
	curl -s "http://127.0.0.1:$H/metrics" | grep '^# TYPE' | awk '{ print $3 }' | sort >"$TMP/h.fam"
	diff "$TMP/m.fam" "$TMP/h.fam" && echo same
	curl -s "http://127.0.0.1:$M/metrics" | promtool check metrics && echo promtool ok
}
check_cmd "the same families on both; promtool accepts it" samefam <<'EOF'
same
promtool ok
EOF
check_cmd "logged where it listens" sh -c "grep -c 'event=metrics_listening listen=127.0.0.1:$M' '$TMP/both.log'" <<'EOF'
1
EOF
kill -TERM "$pid"
wait "$pid"
check_cmd "stops cleanly" echo "$?" <<'EOF'
0
EOF

# alone: no http section
cat >"$TMP/alone.conf" <<EOF
{ "server": { "listen": "127.0.0.1:$P", "workers": 1 },
  "metrics": { "listen": "127.0.0.1:$M" },
  "zones": [ { "origin": "example.com", "file": "$ROOT/zones/example.com.zone" } ] }
EOF
start alone
check_cmd "without an http section: /metrics served, nothing on the http port" sh -c \
	"curl -s -o /dev/null -w '%{http_code}\n' http://127.0.0.1:$M/metrics; curl -s -m 2 -o /dev/null -w '%{http_code}\n' http://127.0.0.1:$H/status" <<'EOF'
200
000
EOF
kill -TERM "$pid"
wait "$pid"
check_cmd "a bad address: the config's error" sh -c \
	"printf '{\"metrics\": {\"listen\": \"nowhere:x\"}, \"zones\": []}' >'$TMP/bad.conf'; '$GEODNSD' -t -c '$TMP/bad.conf' 2>&1 | sed 's|$TMP|TMP|' | head -1" <<'EOF'
TMP/bad.conf:1:24: metrics.listen: "nowhere:x" is not an address such as 0.0.0.0:9153
EOF
