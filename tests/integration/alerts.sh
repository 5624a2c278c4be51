# alerts.sh - the monitoring kit in tools/alerts/: the Prometheus alert
# rules pass `promtool check rules` and their unit tests (`promtool test
# rules`: which alerts fire on failing series, and none on healthy ones),
# every alert has a test where it fires, and the Grafana dashboard is valid
# JSON whose every query is valid PromQL naming only metrics that a running
# geodnsd exports on /metrics (as are the names the rules use).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

RULES=tools/alerts/geodnsd.rules.yml
RULES_TEST=tools/alerts/geodnsd.rules.test.yml
DASHBOARD=tools/alerts/geodnsd-dashboard.json

check_cmd "promtool check rules $RULES" promtool check rules "$RULES" <<END
Checking $RULES
  SUCCESS: 14 rules found

END

check_cmd "promtool test rules: each alert fires as the tests state, none on healthy series" \
	promtool test rules "$RULES_TEST" <<END
Unit Testing:  $RULES_TEST
  SUCCESS

END

# every alert of the rules has a test in which it fires (an exp_alerts
# that is not empty)
untested=
for a in $(sed -n 's/^ *- alert: //p' "$RULES"); do
	awk -v a="$a" '$0 ~ "alertname: " a "$" { getline; if ($0 ~ /exp_alerts: *$/) found = 1 }
		END { exit !found }' "$RULES_TEST" || untested="$untested $a"
done
if [ -z "$untested" ]; then
	pass "every alert has a test where it fires"
else
	fail "alerts never shown firing in $RULES_TEST:$untested"
fi

# the dashboard's queries: valid JSON, then each expression (Grafana's
# variables given values) checked as PromQL by promtool as a recording rule
if python3 - "$DASHBOARD" "$TMP/dashboard-exprs.yml" "$TMP/dashboard-names" <<'END'
import json, re, sys
dash = json.load(open(sys.argv[1]))
exprs = []
def walk(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "expr":
                exprs.append(value)
            elif key == "query" and isinstance(value, dict) and "query" in value:
                exprs.append(value["query"])
            else:
                walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(dash)
n = 0
with open(sys.argv[2], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for e in exprs:
        if e.startswith("label_values("):
            continue
        e = e.replace("$__rate_interval", "5m").replace("$__range", "1h")
        e = e.replace("$instance", ".*")
        n += 1
        out.write("      - record: dashboard:expr%d\n        expr: %s\n" % (n, json.dumps(e)))
names = set()
for e in exprs:
    names.update(re.findall(r"\bgeodnsd_[a-z0-9_]+", e))
open(sys.argv[3], "w").write("".join(name + "\n" for name in sorted(names)))
END
then
	pass "$DASHBOARD is JSON: $(wc -l <"$TMP/dashboard-names") metric names"
else
	fail "$DASHBOARD is not valid JSON"
fi
out=$(promtool check rules "$TMP/dashboard-exprs.yml" 2>&1)
n=$(echo "$out" | sed -n 's/.*SUCCESS: \([0-9]*\) rules found.*/\1/p')
if [ "${n:-0}" -ge 40 ]; then
	pass "every dashboard query is valid PromQL ($n queries)"
else
	fail "promtool on the dashboard's queries (40 or more expected):"
	echo "$out" | sed 's/^/  /'
fi

# the names against a running server's /metrics (every family is declared
# with # TYPE even before it has samples: secondaries, catalogs, journals)
printf '{ "regions": { "us-east": { "healthy": true, "weight": 100 } } }\n' >"$TMP/us-east.json"
start_server tests/data/alerts.conf || exit 1
dig @127.0.0.1 -p "$PORT" +norec +short www.example.com +subnet=192.0.2.0/24 >/dev/null
curl -s --max-time 5 "http://127.0.0.1:$HTTPPORT/metrics" >"$TMP/metrics.txt"
sed -n 's/^# TYPE \([a-z0-9_]*\) .*/\1/p' "$TMP/metrics.txt" | sort -u >"$TMP/families"
if [ "$(wc -l <"$TMP/families")" -ge 40 ]; then
	pass "/metrics declares $(wc -l <"$TMP/families") families"
else
	fail "/metrics declares only $(wc -l <"$TMP/families") families"
fi
grep -o '\bgeodnsd_[a-z0-9_]*' "$RULES" | sort -u >"$TMP/rules-names"
for what in dashboard rules; do
	unknown=$(comm -23 "$TMP/$what-names" "$TMP/families" | tr '\n' ' ')
	if [ -z "$unknown" ]; then
		pass "every metric the $what name is exported ($(wc -l <"$TMP/$what-names") names)"
	else
		fail "the $what name metrics /metrics does not export: $unknown"
	fi
done
# not a failure: families the dashboard does not show
unshown=$(comm -13 "$TMP/dashboard-names" "$TMP/families" | tr '\n' ' ')
[ -z "$unshown" ] || echo "note: families not on the dashboard: $unshown"

if stop_server; then
	pass "geodnsd stops cleanly"
else
	fail "geodnsd exit status on TERM was not 0"
fi
