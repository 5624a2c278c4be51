# graceful.sh - SIGTERM lets the answers already produced reach a TCP
# client before geodnsd exits 0: 1000 pipelined queries in one write, TERM
# right after they were sent, every one answered.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh
start_server tests/data/demo.conf || exit 1
"$TCPCLIENT" -p "$PORT" -w 5000 --pipeline --summary --repeat 1000 static.example.com A \
	>"$TMP/client.out" 2>&1 &
CLIENT=$!
sleep 0.2 # the queries are on the server's socket by now
kill -TERM "$SERVER_PID"
wait "$CLIENT"
if wait "$SERVER_PID"; then pass "exit 0 after TERM"; else fail "exit 0 after TERM"; fi
SERVER_PID=
check_cmd "every pipelined query answered before the exit" cat "$TMP/client.out" <<'EOF2'
1000 queries, 1000 answers, every ID answered once: yes
1000x opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80
EOF2
