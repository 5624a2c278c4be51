# confdoc.sh - geodnsd.conf(5) and the config schema table agree.
#
# The table (src/conf/schema.c) is what the parser accepts; `geodnsd
# --help-config` prints it, a key a line: path, type, range, default,
# description. The manual page follows one convention that makes it
# checkable: each top-level object of the configuration is a section named
# in capitals (.SH SERVER for "server"); each key in it is a .TP entry
# tagged ".B name" (".B paths.latitude" below geoip), and the entry has one
# line
#     [Range MIN\(enMAX. | Values A, B, C. ]Default X. | No default. | Required.
# Both directions fail: a key of the table missing from the page, a key of
# the page missing from the table, a range or a default that differs. The
# check is then run on a page and a table each broken on purpose, which
# must fail.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.

GEODNSD=${GEODNSD:-$(pwd)/build/geodnsd}
TMP=$(pwd)/tests/tmp/confdoc
PAGE=doc/geodnsd.conf.5
mkdir -p "$TMP"

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; }

# compare TABLE PAGE: one line per disagreement on stdout, none when they agree
compare() {
	awk '
	function unroff(s) {
		gsub(/\\\(en/, "..", s)
		gsub(/\\-/, "-", s)
		return s
	}
	function key_line(path) { return "key " path ": " }
	FNR == NR {
		if (FNR == 1)
			next
		path = $1; type[path] = $2; range[path] = $3; def[path] = $4
		table[path] = 1
		if (path !~ /[.[]/) {
			prefix = path
			if ($2 == "map")
				prefix = path ".*"
			else if ($2 == "array")
				prefix = path "[]"
			section[toupper(path)] = prefix
		}
		next
	}
	/^\.SH / {
		h = substr($0, 5); gsub(/"/, "", h)
		prefix = (h in section) ? section[h] : ""
		if (prefix != "")
			heading[h] = 1
		cur = ""; tag = 0
		next
	}
	/^\.(SS|PP|TP)/ {
		cur = ""
		tag = ($0 ~ /^\.TP/) && prefix != ""
		next
	}
	tag {
		tag = 0
		if ($0 !~ /^\.B [a-z_0-9.\[\]]+$/) {
			print "page line " FNR ": entry of " prefix " tagged \"" $0 "\", not one key as .B name"
			next
		}
		cur = prefix "." $2
		if (cur in page)
			print key_line(cur) "twice in the page"
		page[cur] = FNR
		next
	}
	cur != "" && /^(Range [^ ]+\. |Values [^.]+\. )?(Default [^ ]+|No default|Required)\.$/ {
		r = "-"
		d = $0
		if ($0 ~ /^Range /) {
			r = $0; sub(/^Range /, "", r); sub(/\. .*/, "", r)
			sub(/^Range [^ ]+\. /, "", d)
		} else if ($0 ~ /^Values /) {
			r = $0; sub(/^Values /, "", r); sub(/\. .*/, "", r); gsub(/, /, ",", r)
			sub(/^Values [^.]+\. /, "", d)
		}
		r = unroff(r)
		d = unroff(d)
		if (d == "No default.")
			d = "-"
		else if (d == "Required.")
			d = "required"
		else {
			sub(/^Default /, "", d); sub(/\.$/, "", d)
		}
		if (cur in prange)
			print key_line(cur) "two range and default lines in the page"
		prange[cur] = r; pdef[cur] = d
		next
	}
	END {
		for (h in section)
			if (!(h in heading))
				print "key " section[h] ": no section .SH " h " in the page"
		for (k in table) {
			if (k !~ /[.[]/)
				continue
			container = type[k] == "object" || type[k] == "map" || type[k] == "array"
			if (!(k in page)) {
				print key_line(k) "in the table, missing from the page"
				continue
			}
			if (!(k in prange)) {
				if (!container)
					print key_line(k) "no \"Range ... Default ...\" line in the page"
				continue
			}
			if (prange[k] != range[k])
				print key_line(k) "range " prange[k] " in the page, " range[k] " in the table"
			if (pdef[k] != def[k])
				print key_line(k) "default " pdef[k] " in the page, " def[k] " in the table"
		}
		for (k in page)
			if (!(k in table))
				print key_line(k) "in the page (line " page[k] "), missing from the table"
	}' "$1" "$2" | sort
}

if ! "$GEODNSD" --help-config >"$TMP/table.txt" 2>"$TMP/table.err"; then
	fail "geodnsd --help-config exits 0"
	cat "$TMP/table.err"
	exit 1
fi
keys=$(awk 'NR > 1' "$TMP/table.txt" | wc -l)
# every key the parser knows is on one line, with five columns
if [ "$keys" -ge 70 ] && [ "$(head -1 "$TMP/table.txt" | awk '{ print $1, $2, $3, $4, $5 }')" = \
	"KEY TYPE RANGE DEFAULT DESCRIPTION" ] &&
	grep -q '^server\.udp_payload  *uint  *512\.\.4096  *1232  *EDNS UDP payload' "$TMP/table.txt"; then
	pass "geodnsd --help-config: a header and $keys keys, e.g. server.udp_payload uint 512..4096 1232"
else
	fail "geodnsd --help-config output"
	head -5 "$TMP/table.txt"
fi

compare "$TMP/table.txt" "$PAGE" >"$TMP/diff.txt"
if [ ! -s "$TMP/diff.txt" ]; then
	pass "geodnsd.conf(5) and --help-config agree: every key, its range and its default"
else
	fail "geodnsd.conf(5) and --help-config disagree:"
	cat "$TMP/diff.txt"
fi

# the check can fail: a page and a table broken on purpose
sed 's/^Range 512\\(en4096\. Default 1232\.$/Range 512\\(en4096. Default 1233./' "$PAGE" >"$TMP/bad-default.5"
sed '/^\.B hash_ipv6_prefix$/,/^\.TP/s/^Range 1\\(en128\./Range 1\\(en127./' "$PAGE" >"$TMP/bad-range.5"
sed 's/^\.B log_only$/.B log_onyl/' "$PAGE" >"$TMP/bad-name.5"
grep -v '^server\.workers ' "$TMP/table.txt" >"$TMP/table-short.txt"
sed 's/^\(rrl\.window  *uint  *1\.\.60  *\)5 /\16 /' "$TMP/table.txt" >"$TMP/table-bad.txt"
expect_broken() {
	what=$1 want=$2
	shift 2
	# what the breakage adds to the real disagreements (none, normally)
	got=$(compare "$@" | comm -13 "$TMP/diff.txt" -)
	if [ "$got" = "$want" ]; then
		pass "broken on purpose, the check fails: $what"
	else
		fail "broken on purpose ($what): want \"$want\", got \"$got\""
	fi
}
expect_broken "a default in the page" \
	"key server.udp_payload: default 1233 in the page, 1232 in the table" \
	"$TMP/table.txt" "$TMP/bad-default.5"
expect_broken "a range in the page" \
	"key ecs.hash_ipv6_prefix: range 1..127 in the page, 1..128 in the table" \
	"$TMP/table.txt" "$TMP/bad-range.5"
expect_broken "a key misspelt in the page" \
	"key rrl.log_only: in the table, missing from the page
key rrl.log_onyl: in the page (line $(grep -n '^\.B log_onyl$' "$TMP/bad-name.5" | cut -d: -f1)), missing from the table" \
	"$TMP/table.txt" "$TMP/bad-name.5"
expect_broken "a key missing from the table" \
	"key server.workers: in the page (line $(grep -n '^\.B workers$' "$PAGE" | cut -d: -f1)), missing from the table" \
	"$TMP/table-short.txt" "$PAGE"
expect_broken "a default in the table" \
	"key rrl.window: default 5 in the page, 6 in the table" \
	"$TMP/table-bad.txt" "$PAGE"
