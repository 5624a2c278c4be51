# svccounts.sh - per-service answer counters (issue 14, defect 12): they are
# sized by the regions each service has, not by all regions, and /metrics
# shows the same lines as before for the same counts: one series per region
# of the service, in the order of its regions, and a fail-open series.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

printf '$ORIGIN svc.test.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.1\n' \
	>"$TMP/svc.test.zone"
# five regions; a has two of them, b three. No GeoIP database: every
# client is unknown and gets the service's fallback region.
cat >"$TMP/svc.json" <<'EOF2'
{ "a": { "fallback": "r3", "regions": { "r1": { "A": ["10.0.1.1"] }, "r3": { "A": ["10.0.3.1"] } } },
  "b": { "fallback": "r2", "regions": { "r4": { "A": ["10.1.4.1"] }, "r0": { "A": ["10.1.0.1"] },
                                        "r2": { "A": ["10.1.2.1"] } } } }
EOF2
start_server tests/data/svccounts.conf || exit 1
URL=http://127.0.0.1:$HTTPPORT
a() { dig @127.0.0.1 -p "$PORT" +norec +short +tries=1 +time=5 "$1" A; }

check_cmd "a answers from its fallback r3" a a.svc.test <<'EOF2'
10.0.3.1
EOF2
a b.svc.test >/dev/null
check_cmd "b answers from its fallback r2" a b.svc.test <<'EOF2'
10.1.2.1
EOF2
check_cmd "the service series: every region of each service, its count" sh -c \
	"curl -s '$URL/metrics' | grep '^geodnsd_service_'" <<'EOF2'
geodnsd_service_answers_total{zone="svc.test.",service="a.svc.test.",region="r1"} 0
geodnsd_service_answers_total{zone="svc.test.",service="a.svc.test.",region="r3"} 1
geodnsd_service_answers_total{zone="svc.test.",service="b.svc.test.",region="r4"} 0
geodnsd_service_answers_total{zone="svc.test.",service="b.svc.test.",region="r0"} 0
geodnsd_service_answers_total{zone="svc.test.",service="b.svc.test.",region="r2"} 2
geodnsd_service_fail_open_total{zone="svc.test.",service="a.svc.test."} 0
geodnsd_service_fail_open_total{zone="svc.test.",service="b.svc.test."} 0
EOF2
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"

# 10,000 services of two regions each over 10,000 regions: the counters
# were workers x services x (all regions + 1), 3.2 GB of address space at
# two workers; now workers x services x 3. Started and scraped within a
# bounded time on the optimized build; the address space is judged only
# there (a sanitizer build reserves terabytes of shadow).
awk 'BEGIN {
	printf "{ \"server\": { \"listen\": [\"127.0.0.1:@PORT@\"], \"workers\": 2 },\n"
	printf "  \"http\": { \"listen\": \"127.0.0.1:@HTTPPORT@\" },\n  \"regions\": {\n"
	for (i = 0; i < 10000; i++)
		printf "    \"r%d\": { \"location\": [%d, %d] }%s\n", i, i % 170 - 85,
			int(i / 170) % 360 - 180, (i < 9999 ? "," : "")
	printf "  },\n  \"zones\": [ { \"origin\": \"svc.test\", \"file\": \"@TMP@/svc.test.zone\",\n"
	printf "    \"services\": \"@TMP@/many.json\" } ]\n}\n"
}' >"$TMP/many.conf"
awk 'BEGIN {
	print "{"
	for (n = 0; n < 10000; n++)
		printf "  \"s%d\": { \"regions\": { \"r%d\": { \"A\": [\"10.0.%d.%d\"] }, \"r%d\": { \"A\": [\"10.1.%d.%d\"] } } }%s\n",
			n, n, int(n / 256), n % 256, (n + 5000) % 10000, int(n / 256), n % 256,
			(n < 9999 ? "," : "")
	print "}"
}' >"$TMP/many.json"
GEODNSD=${PLAIN_GEODNSD:-$GEODNSD}
start_server "$TMP/many.conf" || exit 1
URL=http://127.0.0.1:$HTTPPORT
check_cmd "s42 answers from its first region r42" a s42.svc.test <<'EOF2'
10.0.0.42
EOF2
check_cmd "first scrape: a series for each of the 20,000 (service, region)" sh -c \
	"curl -s --max-time 30 '$URL/metrics' | grep -c '^geodnsd_service_answers_total{'" <<'EOF2'
20000
EOF2
check_cmd "s42's answer counted in its r42 series" sh -c \
	"curl -s '$URL/metrics' | grep -F 'service=\"s42.svc.test.\",region=\"r42\"}'" <<'EOF2'
geodnsd_service_answers_total{zone="svc.test.",service="s42.svc.test.",region="r42"} 1
EOF2
vmsize=$(awk '/^VmSize:/ { print $2 }' "/proc/$SERVER_PID/status")
if [ "$vmsize" -gt 1073741824 ]; then
	echo "NOTE address space not judged: a sanitizer build ($vmsize kB reserved)"
elif [ "$vmsize" -lt 1048576 ]; then
	pass "address space after the scrape under 1 GiB ($vmsize kB)"
else
	fail "address space after the scrape under 1 GiB ($vmsize kB)"
fi
if stop_server; then pass "clean exit on TERM (10,000 x 10,000)"; else fail "clean exit on TERM (10,000 x 10,000)"; fi
