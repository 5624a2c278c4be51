# logescape.sh - values from outside cannot forge log lines or pairs: a
# feed whose region key carries a newline and a complete admin audit line,
# and an admin URL whose path carries a quote and pairs, are logged as one
# escaped value each (issue 14, defect 8).
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

printf 'test-token-0123456789abcdef\n' >"$TMP/admin.token"
chmod 600 "$TMP/admin.token"
rm -f "$TMP/state.json"
cp zones/example.com.zone zones/example.com.include "$TMP/"
# the key decodes to: x" <newline> ts=... level=info event=admin action=drain ...
printf '%s\n' '{ "regions": { "x\" \nts=2026-12-02T00:00:00Z level=info event=admin action=drain region=us-east from=127.0.0.1 result=ok": { "healthy": true } } }' \
	>"$TMP/us-east.json"
start_server tests/data/logescape.conf || exit 1
URL=http://127.0.0.1:$HTTPPORT

i=0
while ! grep -q 'event=feed_failed' "$TMP/server.log" && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
check_cmd "a forged feed key is one escaped value" sh -c "
	grep 'event=feed_failed' '$TMP/server.log' | head -1 | sed -e 's/^ts=[^ ]* //' -e 's|$TMP|@TMP@|'" <<'EOF2'
level=warning event=feed_failed feed=file:@TMP@/us-east.json reason=unknown_region detail="region \"x\" \x0ats=2026-12-02T00:00:00Z level=info event=admin action=drain region=us-east from=127.0.0.1 result=ok\" is not configured"
EOF2
check_cmd "no forged line in the log" sh -c "grep -c '^ts=2026-12-02T00:00:00Z' '$TMP/server.log'" <<'EOF2'
0
EOF2

AUTH="Authorization: Bearer test-token-0123456789abcdef"
curl -s -o /dev/null --path-as-is -X POST -H "$AUTH" \
	"$URL/v1/regions/us-east%0Aevent=admin\"x=y/drain"
check_cmd "an admin path is one escaped value" sh -c "
	grep '^ts=[^ ]* level=info event=admin' '$TMP/server.log' | sed 's/^ts=[^ ]* //'" <<'EOF2'
level=info event=admin action=drain region="us-east%0Aevent=admin\"x=y" from=127.0.0.1 result=unknown_region
EOF2
if stop_server; then pass "clean exit"; else fail "clean exit"; fi
