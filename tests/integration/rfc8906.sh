# rfc8906.sh - every row of the RFC 8906 section 8 table in
# ../shared/RFC-CHECKLISTS.md, with Z = example.com, dig arguments exactly as
# listed; a few rows repeated over TCP. Expected: AA on answers, RD echoed,
# AD never set, Z (MBZ) never echoed, no OPT without EDNS, BADVERS with OPT
# version 0 for EDNS version 1, unknown options and EDNS flags not echoed,
# DO copied.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

start_server tests/data/demo.conf || exit 1

# ---- 8.1 basic DNS
check "8.1.1 zone configured" +noedns +noad +norec soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.1.2 unknown type" +noedns +noad +norec type1000 example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0
;; QUESTION SECTION:
;example.com.			IN	TYPE1000
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.1.3.1 CD=1" +noedns +noad +norec +cd soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa cd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.1.3.2 AD=1" +noedns +norec +ad soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.1.3.3 Z bit" +noedns +noad +norec +zflag soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.1.3.4 RD=1" +noedns +noad +rec soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; WARNING: recursion requested but not available
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.1.4 opcode 15" +noedns +noad +opcode=15 +norec +header-only <<'EOF'
;; ->>HEADER<<- opcode: RESERVED15, status: NOTIMP
;; flags: qr; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
EOF
check "8.1.5 TCP" +noedns +noad +norec +tcp soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
# ---- 8.2 EDNS
check "8.2.1 EDNS0" +nocookie +edns=0 +noad +norec soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.2.2 EDNS1" +nocookie +edns=1 +noednsneg +noad +norec soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: BADVERS
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "8.2.3 unknown option" +nocookie +edns=0 +noad +norec +ednsopt=100 soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.2.4 unknown EDNS flag" +nocookie +edns=0 +noad +norec +ednsflags=0x40 soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.2.5 EDNS1 and unknown flag" +nocookie +edns=1 +noednsneg +noad +norec +ednsflags=0x40 soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: BADVERS
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "8.2.6 EDNS1 and unknown option" +nocookie +edns=1 +noednsneg +noad +norec +ednsopt=100 soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: BADVERS
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "8.2.7 truncation" +nocookie +edns=0 +noad +norec +dnssec +bufsize=512 +ignore dnskey example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags: do; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	DNSKEY
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.2.7 truncation: response within 512 octets" +nocookie +edns=0 +noad +norec +dnssec +bufsize=512 +ignore +stats dnskey example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags: do; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	DNSKEY
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
;; MSG SIZE  rcvd: 91
EOF
check "8.2.8 DO=1" +nocookie +edns=0 +noad +norec +dnssec soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags: do; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "8.2.9 EDNS1 and DO=1" +nocookie +edns=1 +noednsneg +noad +norec +dnssec soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: BADVERS
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags: do; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "8.2.10 many options" +edns=0 +noad +norec +cookie +nsid +expire +subnet=0.0.0.0/0 soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; NSID: 74 65 73 74 2d 31 ("test-1")
; CLIENT-SUBNET: 0.0.0.0/0/0
; COOKIE: <24 octets> (good)
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
# ---- 8.2 over TCP as well
check "8.2.2 EDNS1 over TCP" +tcp +nocookie +edns=1 +noednsneg +noad +norec soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: BADVERS
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "8.2.10 many options over TCP" +tcp +edns=0 +noad +norec +cookie +nsid +expire +subnet=0.0.0.0/0 soa example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
; NSID: 74 65 73 74 2d 31 ("test-1")
; CLIENT-SUBNET: 0.0.0.0/0/0
; COOKIE: <24 octets> (good)
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
# ---- genreport's type666 instead of TYPE1000
check "genreport type666" +noedns +noad +norec type666 example.com <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0
;; QUESTION SECTION:
;example.com.			IN	TYPE666
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF

# dig does not print the header Z bit: check the raw flags of the answer to
# a query with Z=1 (flags 0x0040) - only QR and AA may be set.
check_tc "8.1.3.3 Z bit not echoed (raw flags)" -u raw:123400400001000000000000$(hexname example.com)00060001 <<'EOF2'
id=4660 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=example.com./IN/SOA first=SOA:ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF2
# Z and AD and CD and RD all set in the query: RD and CD echoed, AD and Z not
check_tc "RD, CD echoed; Z, AD not (raw flags 0x0170)" -u raw:123401700001000000000000$(hexname example.com)00060001 <<'EOF2'
id=4660 opcode=QUERY rcode=NOERROR flags=qr,aa,rd,cd qd=1 an=1 ns=0 ar=0 q=example.com./IN/SOA first=SOA:ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF2

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"
