#!/bin/sh
# layout.sh - the source layout's rules hold (tools/check-layout: no file in
# src/ over 1200 lines, no function over 150, every src/DIR with its
# include/DIR), and the checker itself catches a breach of each rule.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. "$(dirname "$0")/lib.sh"

tools/check-layout src
rc=$?
[ $rc -eq 0 ] || fail "tools/check-layout src exited with $rc"

# the checker must fail on a tree that breaks each rule
t=$TMP/tree
rm -rf "$t"
mkdir -p "$t/src/big" "$t/include/big" "$t/src/orphan"
awk 'BEGIN { for (i = 0; i < 1201; i++) print "/* filler */" }' >"$t/src/big/file.c"
{
	echo "static int long_function(void)"
	echo "{"
	awk 'BEGIN { for (i = 0; i < 148; i++) print "\t;" }'
	echo "}"
} >"$t/src/orphan/f.c"
out=$(tools/check-layout "$t/src")
if [ $? -ne 0 ] &&
	echo "$out" | grep -q "^  $t/src/big/file.c: 1201 lines" &&
	echo "$out" | grep -q "^  $t/src/orphan/f.c:1: 151 lines: static int long_function" &&
	echo "$out" | grep -q "^  $t/src/orphan has no include/orphan"; then
	pass "check-layout catches a long file, a long function and a folder without its interface"
else
	fail "check-layout did not catch every breach:"
	echo "$out" | sed 's/^/  /'
fi
# 150 lines exactly is allowed
{
	echo "static int ok_function(void)"
	echo "{"
	awk 'BEGIN { for (i = 0; i < 147; i++) print "\t;" }'
	echo "}"
} >"$t/src/big/file.c"
mkdir -p "$t/include/orphan"
rm -f "$t/src/orphan/f.c"
if tools/check-layout "$t/src" >/dev/null; then
	pass "check-layout accepts a function of 150 lines"
else
	fail "check-layout refused a function of 150 lines"
fi
