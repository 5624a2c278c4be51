# ecs.sh - EDNS Client Subnet on the authoritative side (RFC 7871; rows E1-E20
# of ../shared/RFC-CHECKLISTS.md). Answers are not yet tailored by location,
# so a valid ECS option is echoed exactly with SCOPE 0 on every answer;
# no ECS in the query means none in the reply; a malformed option is FORMERR
# (with an OPT record, RFC 6891 section 7: the query carried one); with ECS
# disabled in the config the option is ignored like any unknown option.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

start_server tests/data/demo.conf || exit 1

# ---- E1/E2/E4: echoed exactly, scope 0, on every kind of answer
check "ECS v4 /24 on SOA" +norec +subnet=198.51.100.0/24 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "ECS echo on A" +norec +subnet=198.51.100.0/24 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS echo on NS" +norec +subnet=198.51.100.0/24 example.com NS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;example.com.			IN	NS
;; ANSWER SECTION:
example.com.		3600	IN	NS	ns1.example.com.
example.com.		3600	IN	NS	ns2.example.com.
;; ADDITIONAL SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
ns1.example.com.	3600	IN	AAAA	2001:db8::1
ns2.example.com.	3600	IN	A	192.0.2.2
EOF
check "ECS echo on NXDOMAIN" +norec +subnet=198.51.100.0/24 nx.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;nx.example.com.			IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "ECS echo on NODATA" +norec +subnet=198.51.100.0/24 static.example.com TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;static.example.com.		IN	TXT
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "ECS echo on a referral" +norec +subnet=198.51.100.0/24 www.sub.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 2, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
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
check "ECS echo on a CNAME chain" +norec +subnet=198.51.100.0/24 chain.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;chain.example.com.		IN	A
;; ANSWER SECTION:
chain.example.com.	3600	IN	CNAME	alias.example.com.
alias.example.com.	3600	IN	CNAME	static.example.com.
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS echo on REFUSED" +norec +subnet=198.51.100.0/24 example.org A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;example.org.			IN	A
EOF
check "ECS echo over TCP" +norec +tcp +subnet=198.51.100.0/24 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS v4 /32" +norec +subnet=198.51.100.7/32 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.7/32/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS v4 /25 (partial octet)" +norec +ednsopt=8:00011900c6336480 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.128/25/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS v4 /0 (E14)" +norec +subnet=0 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 0.0.0.0/0/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS v4 0.0.0.0/0 explicit" +norec +subnet=0.0.0.0/0 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 0.0.0.0/0/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS v6 /48" +norec +subnet=2001:db8:1::/48 static.example.com AAAA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 2001:db8:1::/48/0
;; QUESTION SECTION:
;static.example.com.		IN	AAAA
;; ANSWER SECTION:
static.example.com.	3600	IN	AAAA	2001:db8::80
EOF
check "ECS v6 /56 over IPv4 transport (E17)" +norec +subnet=2001:db8:1:ff00::/56 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 2001:db8:1:ff00::/56/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS v6 /128" +norec +subnet=2001:db8::1/128 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 2001:db8::1/128/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS v6 ::/0 (E14)" +norec +subnet=::/0 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: ::/0/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS private address echoed, scope 0 (E16)" +norec +subnet=10.1.2.0/24 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 10.1.2.0/24/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
# ---- E3: none in the query, none in the reply
check "no ECS in the query: none in the reply" +norec static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
# ---- E8-E13: malformed ECS is FORMERR
check "ECS family 3 (E8)" +norec +ednsopt=8:00030800 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS family 0 (E13)" +norec +ednsopt=8:00000000 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS v4 source 33 (E9)" +norec +ednsopt=8:00012100c633640700 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS v6 source 129 (E9)" +norec +ednsopt=8:00028100200100000000000000000000000000000000 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS too few address octets (E10)" +norec +ednsopt=8:00011800c633 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS too many address octets (E10)" +norec +ednsopt=8:00011800c6336400 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS non-zero bits beyond source (E10)" +norec +ednsopt=8:00011400c63364 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS option length < 4 (E11)" +norec +ednsopt=8:01 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS empty option (E11)" +norec +ednsopt=8 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "ECS scope != 0 in the query (E12)" +norec +ednsopt=8:0001181800c63364 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
# ---- E18/E19
check "EDNS version 1 with ECS: BADVERS, no echo (E18)" +norec +edns=1 +noednsneg +subnet=198.51.100.0/24 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: BADVERS
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
# E19: RFC 7871 leaves two ECS options undefined; which subnet the answer is
# for would be ambiguous, so the query is malformed (issue 3)
check "two ECS options: FORMERR (E19)" +norec +subnet=198.51.100.0/24 +ednsopt=8:00011800cb0071 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "two ECS options, the second malformed: FORMERR" +norec +subnet=198.51.100.0/24 +ednsopt=8:00030800 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF

# E17 the other way: IPv4 ECS over IPv6 transport
SERVER=::1
check "ECS v4 over IPv6 transport (E17)" +norec +subnet=198.51.100.0/24 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; CLIENT-SUBNET: 198.51.100.0/24/0
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
SERVER=127.0.0.1

server_alive "server still running after malformed ECS"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"

# ---- E20: ECS disabled in the config
start_server tests/data/noecs.conf || exit 1
check "ECS disabled: not echoed (E20)" +norec +subnet=198.51.100.0/24 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "ECS disabled: malformed ECS ignored like any unknown option (E20)" +norec +ednsopt=8:00030800 static.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	A
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
EOF

if stop_server; then pass "clean exit on TERM (ECS disabled)"; else fail "clean exit on TERM (ECS disabled)"; fi
sanitizer_clean "no sanitizer report (ECS disabled)"
