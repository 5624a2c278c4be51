# tcp.sh - DNS over TCP (RFC 7766) and edns-tcp-keepalive (RFC 7828); rows
# T1-T9 and K1-K5 of ../shared/RFC-CHECKLISTS.md. dig covers answers without
# prior UDP, connection reuse and the keepalive option; the test client
# ($TCPCLIENT, tests/integration/tcpclient.c) covers pipelining, messages
# split across segments or sent byte by byte, the idle timeout
# (tcp_idle_timeout 3 in demo.conf), the connection limit
# (tcp_max_connections 20 over 2 workers) and clients that go away early.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

start_server tests/data/demo.conf || exit 1

# ---- T1: TCP answers with no prior UDP (the first query this server sees)
check "T1 first query over TCP" +norec +tcp static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "T1 TCP without EDNS" +norec +tcp +noedns static.example.com AAAA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;static.example.com.		IN	AAAA
;; ANSWER SECTION:
static.example.com.	3600	IN	AAAA	2001:db8::80
EOF
check "T1 TCP NXDOMAIN" +norec +tcp nx.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nx.example.com.			IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "T1 TCP referral" +norec +tcp www.sub.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 2, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.sub.example.com.		IN	A
;; AUTHORITY SECTION:
sub.example.com.	3600	IN	NS	ns1.example.com.
sub.example.com.	3600	IN	NS	ns.sub.example.com.
;; ADDITIONAL SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
ns1.example.com.	3600	IN	AAAA	2001:db8::1
ns.sub.example.com.	3600	IN	A	192.0.2.53
EOF
# ---- T2: several queries on one connection
check "T2 dig +keepopen with several names" +norec +tcp +keepopen static.example.com A mail.example.com AAAA nx.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;mail.example.com.		IN	AAAA
;; ANSWER SECTION:
mail.example.com.	300	IN	AAAA	2001:db8::25
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nx.example.com.			IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
# ---- K1-K5: edns-tcp-keepalive (RFC 7828), tcp_idle_timeout 3 s = 30 units
check "K2 keepalive over TCP: timeout 3.0 s" +norec +tcp +keepalive static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; TCP KEEPALIVE: 3.0 secs
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "K2 keepalive on NXDOMAIN over TCP" +norec +tcp +keepalive nx.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; TCP KEEPALIVE: 3.0 secs
;; QUESTION SECTION:
;nx.example.com.			IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "K1/K4 keepalive over UDP never echoed" +norec +notcp +keepalive static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "K5 query carrying a TIMEOUT over TCP is tolerated" +norec +tcp +ednsopt=11:0064 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; TCP KEEPALIVE: 3.0 secs
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "K5 query carrying a TIMEOUT over UDP: not echoed" +norec +notcp +ednsopt=11:0064 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "keepalive with NSID over TCP" +norec +tcp +keepalive +nsid static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; NSID: 74 65 73 74 2d 31 ("test-1")
; TCP KEEPALIVE: 3.0 secs
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF

# ---- the test client: one summary line per answer
SA='id=1 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80'
MA='id=2 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=mail.example.com./IN/AAAA first=AAAA:2001:db8::25'
NX='id=3 opcode=QUERY rcode=NXDOMAIN flags=qr,aa qd=1 an=0 ns=1 ar=0 q=nx.example.com./IN/A first=-'

check_tc "T2 three queries one after another on one connection" static.example.com A mail.example.com AAAA nx.example.com A <<EOF
$SA
$MA
$NX
EOF
check_tc "T3 three queries pipelined in one write" --pipeline static.example.com A mail.example.com AAAA nx.example.com A <<EOF
$SA
$MA
$NX
EOF
check_tc "T5 two messages in one segment" --pipeline static.example.com A mail.example.com AAAA <<EOF
$SA
$MA
EOF
check_tc "T5 length prefix and messages split across segments" --split static.example.com A mail.example.com AAAA nx.example.com A <<EOF
$SA
$MA
$NX
EOF
check_tc "T5 two queries sent one byte at a time" --bytewise static.example.com A mail.example.com AAAA <<EOF
$SA
$MA
EOF
check_tc "T3 pipelined over IPv6" -6 --pipeline static.example.com A mail.example.com AAAA nx.example.com A <<EOF
$SA
$MA
$NX
EOF
check_tc "T3/T4 300 mixed queries pipelined: each answered once, ID and question matching" --pipeline --summary --repeat 100 big.example.com TXT static.example.com A nx.example.com A <<'EOF'
300 queries, 300 answers, every ID answered once: yes
100x opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80
100x opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=3 ns=0 ar=0 q=big.example.com./IN/TXT first=TXT:"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
100x opcode=QUERY rcode=NXDOMAIN flags=qr,aa qd=1 an=0 ns=1 ar=0 q=nx.example.com./IN/A first=-
EOF
# 1000 answers of 734 octets: more than the server buffers for one client
check_tc "T3 1000 big answers pipelined (server-side backpressure)" --pipeline --summary --repeat 1000 big.example.com TXT <<'EOF'
1000 queries, 1000 answers, every ID answered once: yes
1000x opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=3 ns=0 ar=0 q=big.example.com./IN/TXT first=TXT:"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
EOF
check_tc "T1 no TC over TCP: big TXT without EDNS in full" big.example.com TXT <<'EOF'
id=1 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=3 ns=0 ar=0 q=big.example.com./IN/TXT first=TXT:"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
EOF
check_tc "AXFR and IXFR over TCP are REFUSED" example.com AXFR example.com IXFR <<'EOF'
id=1 opcode=QUERY rcode=REFUSED flags=qr qd=1 an=0 ns=0 ar=0 q=example.com./IN/AXFR first=-
id=2 opcode=QUERY rcode=REFUSED flags=qr qd=1 an=0 ns=0 ar=0 q=example.com./IN/IXFR first=-
EOF
check_tc "AXFR over UDP is REFUSED" -u example.com AXFR <<'EOF'
id=1 opcode=QUERY rcode=REFUSED flags=qr qd=1 an=0 ns=0 ar=0 q=example.com./IN/AXFR first=-
EOF
# a response (QR=1) in the stream is dropped, the query after it answered
check_tc "QR=1 message on TCP dropped, the next answered" --pipeline -w 500 raw:123480000001000000000000$(hexname static.example.com)00010001 static.example.com A <<EOF
$SA
timeout
EOF
check_tc "malformed message on TCP: FORMERR, connection goes on" --pipeline raw:123400000001000000000000400000010001 static.example.com A <<EOF
$SA
id=4660 opcode=QUERY rcode=FORMERR flags=qr qd=0 an=0 ns=0 ar=0 q=- first=-
EOF
check_tc "message shorter than a header: connection closed" raw:0102030405 <<'EOF'
closed by server
EOF

# ---- T9: the client goes away before reading its answers
check_tc "T9 1000 queries, close without reading" --close-early --repeat 1000 big.example.com TXT <<'EOF'
sent 1000 queries, closing without reading
EOF
check_tc "T9 twice more on IPv6" -6 --close-early --repeat 1000 big.example.com TXT <<'EOF'
sent 1000 queries, closing without reading
EOF
check_tc "T9 the server answers after the early closes" static.example.com A <<EOF
$SA
EOF

# ---- T8: tcp_max_connections 20 over 2 workers = 10 each; the kernel picks
# the worker, so of 30 connections at least 10 are closed (the longest idle
# on their worker), never one of the 10 newest; every query was answered.
check_tc "T8 more connections than tcp_max_connections" --max-conn 30 --limit 20 --per-worker 10 static.example.com A <<EOF
max-conn: opened 30, answered 30
max-conn: at least 10 closed by the server: yes
max-conn: the 10 newest still open: yes
max-conn: newest again: $SA
EOF

# ---- T7: idle connections closed after tcp_idle_timeout (3 s), counted from
# the last activity. The three clients run side by side (about 7 s in all).
"$TCPCLIENT" -p "$PORT" --idle-check 3 static.example.com A >"$TMP/idle1.out" 2>&1 &
idle1=$!
"$TCPCLIENT" -p "$PORT" --stall --idle-check 3 static.example.com A >"$TMP/idle2.out" 2>&1 &
idle2=$!
# queries at 0, 1.2, 2.4 and 3.6 s: still served after the first 3 s
"$TCPCLIENT" -p "$PORT" --gap 1200 --idle-check 3 static.example.com A mail.example.com AAAA \
	nx.example.com A static.example.com A >"$TMP/idle3.out" 2>&1 &
idle3=$!
wait $idle1 $idle2 $idle3
check_cmd "T7 idle connection open at 1 s, closed by the server at about 3 s" cat "$TMP/idle1.out" <<EOF
$SA
idle: still open after 1 s
idle: closed by the server between 2.5 and 4.5 s
EOF
check_cmd "T7 stalled partial message closed after the idle timeout" cat "$TMP/idle2.out" <<'EOF'
sent 8 of 38 octets, stalling
idle: still open after 1 s
idle: closed by the server between 2.5 and 4.5 s
EOF
check_cmd "T7 the idle timer restarts with every query" cat "$TMP/idle3.out" <<EOF
$SA
$MA
$NX
id=4 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80
idle: still open after 1 s
idle: closed by the server between 2.5 and 4.5 s
EOF

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"
