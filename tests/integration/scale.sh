# scale.sh - 10,000 services over 8 regions: every one loads and answers by
# distance, a reload finishes (the counters carried across reloads are
# hashed: a linear search per (service, region) made a reload of this size
# run for minutes), the answer counts survive two reloads exactly, and
# /metrics has a series for every (service, region).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

printf '$ORIGIN svc.test.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n' \
	>"$TMP/svc.test.zone"
awk 'BEGIN {
	split("us-east eu-west ap-south sa-east us-west eu-central ap-east af-south", r, " ")
	print "{"
	for (n = 0; n < 10000; n++) {
		printf "  \"s%d\": { \"regions\": {", n
		for (k = 1; k <= 8; k++)
			printf "%s \"%s\": { \"A\": [\"10.%d.%d.%d\"] }", (k > 1 ? "," : ""), r[k], k - 1, int(n / 256), n % 256
		printf " } }%s\n", (n < 9999 ? "," : "")
	}
	print "}"
}' >"$TMP/svc.json"
start_server tests/data/scale.conf || exit 1
URL=http://127.0.0.1:$HTTPPORT

a() { dig @127.0.0.1 -p "$PORT" +norec +short +tries=1 +time=5 "$1" A +subnet="$2"; }
# wait_reloads N: at most 60 s for N reloads to finish
wait_reloads() {
	_i=0
	while [ $_i -lt 600 ]; do
		[ "$(grep -c 'event=reload result=' "$TMP/server.log")" -ge "$1" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

check_cmd "s0 from New York: us-east" a s0.svc.test 192.0.2.0/24 <<'EOF2'
10.0.0.0
EOF2
check_cmd "s9999 from Dublin: eu-west" a s9999.svc.test 198.51.100.0/24 <<'EOF2'
10.1.39.15
EOF2
check_cmd "s4242 from Singapore: ap-south" a s4242.svc.test 203.0.113.0/24 <<'EOF2'
10.2.16.146
EOF2
a s5.svc.test 192.0.2.0/24 >/dev/null
a s5.svc.test 192.0.2.0/24 >/dev/null
a s5.svc.test 192.0.2.0/24 >/dev/null
s5='geodnsd_service_answers_total{zone="svc.test.",service="s5.svc.test.",region="us-east"}'
check_cmd "3 answers of s5 counted" metric "$s5" <<'EOF2'
3
EOF2

kill -HUP "$SERVER_PID"
if wait_reloads 1 && grep -q 'event=reload result=ok' "$TMP/server.log"; then
	pass "reload of 10,000 services finished ok"
else
	fail "reload of 10,000 services finished ok"
	tail -3 "$TMP/server.log" | sed 's/^/  /'
fi
check_cmd "s5's count carried across the reload" metric "$s5" <<'EOF2'
3
EOF2
a s5.svc.test 192.0.2.0/24 >/dev/null
kill -HUP "$SERVER_PID"
if wait_reloads 2 && [ "$(grep -c 'event=reload result=ok' "$TMP/server.log")" -eq 2 ]; then
	pass "second reload finished ok"
else
	fail "second reload finished ok"
fi
check_cmd "s5's count after a second reload: 4, not counted twice" metric "$s5" <<'EOF2'
4
EOF2
check_cmd "a series for every (service, region)" sh -c \
	"curl -s '$URL/metrics' | grep -c '^geodnsd_service_answers_total{'" <<'EOF2'
80000
EOF2
check_cmd "s9999 still from Dublin after the reloads" a s9999.svc.test 198.51.100.0/24 <<'EOF2'
10.1.39.15
EOF2

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"
