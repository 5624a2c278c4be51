# answers.sh - authoritative answers over UDP (RFC 1034 4.3.2 and later):
# every record type of the demo zone, negative answers and their SOA TTL,
# REFUSED outside our zones, CNAME chains, DNAME, delegations and glue,
# wildcards and empty non-terminals (RFC 4592), ANY (RFC 8482), case
# preservation, name compression (exact message sizes) and opcodes.
# tests/data/full.conf adds tests/data/edge.test.zone to the demo zones.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

start_server tests/data/full.conf || exit 1

# ---- apex data, additional-section addresses
check "apex SOA" +norec example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "apex NS with glue addresses in additional" +norec example.com NS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
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
check "apex MX with the mail addresses in additional" +norec example.com MX <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 3
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	MX
;; ANSWER SECTION:
example.com.		3600	IN	MX	10 mail.example.com.
;; ADDITIONAL SECTION:
mail.example.com.	300	IN	A	192.0.2.25
mail.example.com.	300	IN	AAAA	2001:db8::25
EOF
check "apex TXT" +norec example.com TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	TXT
;; ANSWER SECTION:
example.com.		3600	IN	TXT	"v=spf1 mx -all"
EOF
check "apex CAA" +norec example.com CAA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	CAA
;; ANSWER SECTION:
example.com.		3600	IN	CAA	0 issue "letsencrypt.org"
EOF
check "SRV with the target address in additional" +norec _sip._udp.example.com SRV <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;_sip._udp.example.com.		IN	SRV
;; ANSWER SECTION:
_sip._udp.example.com.	3600	IN	SRV	10 60 5060 sip.example.com.
;; ADDITIONAL SECTION:
sip.example.com.	3600	IN	A	192.0.2.60
EOF
check "mail A (own TTL 300)" +norec mail.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;mail.example.com.		IN	A
;; ANSWER SECTION:
mail.example.com.	300	IN	A	192.0.2.25
EOF
check "included name (file-local TTL 600)" +norec included.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;included.example.com.		IN	A
;; ANSWER SECTION:
included.example.com.	600	IN	A	192.0.2.44
EOF
check "PTR" +norec ptr.example.com PTR <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;ptr.example.com.		IN	PTR
;; ANSWER SECTION:
ptr.example.com.	3600	IN	PTR	static.example.com.
EOF
check "NAPTR" +norec naptr.example.com NAPTR <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;naptr.example.com.		IN	NAPTR
;; ANSWER SECTION:
naptr.example.com.	3600	IN	NAPTR	100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .
EOF
check "SSHFP" +norec ssh.example.com SSHFP <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;ssh.example.com.		IN	SSHFP
;; ANSWER SECTION:
ssh.example.com.	3600	IN	SSHFP	1 1 123456789ABCDEF67890123456789ABCDEF67890
EOF
check "TLSA" +norec _443._tcp.static.example.com TLSA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;_443._tcp.static.example.com.	IN	TLSA
;; ANSWER SECTION:
_443._tcp.static.example.com. 3600 IN	TLSA	3 1 1 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF
EOF
check "HTTPS" +norec svc.example.com HTTPS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;svc.example.com.		IN	HTTPS
;; ANSWER SECTION:
svc.example.com.	3600	IN	HTTPS	1 . alpn="h2,h3"
EOF
check "unknown type (RFC 3597)" +norec unknown.example.com TYPE65534 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;unknown.example.com.		IN	TYPE65534
;; ANSWER SECTION:
unknown.example.com.	3600	IN	TYPE65534 \# 4 0A000001
EOF
check "second zone" +norec www.example.net A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.example.net.		IN	A
;; ANSWER SECTION:
www.example.net.	3600	IN	A	198.51.100.80
EOF
# ---- negative answers: SOA TTL min(SOA TTL, MINIMUM)
check "NXDOMAIN" +norec nx.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nx.example.com.			IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "NODATA" +norec static.example.com TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	TXT
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "NODATA unknown type" +norec static.example.com TYPE1000 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	TYPE1000
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "NXDOMAIN in example.net (MINIMUM 600)" +norec nx.example.net A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nx.example.net.			IN	A
;; AUTHORITY SECTION:
example.net.		600	IN	SOA	ns1.example.com. hostmaster.example.net. 2026112701 7200 900 1209600 600
EOF
check "negative TTL is the SOA TTL when below MINIMUM" +norec nx.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nx.edge.test.			IN	A
;; AUTHORITY SECTION:
edge.test.		30	IN	SOA	ns.edge.test. hostmaster.edge.test. 7 3600 600 86400 60
EOF
# ---- not ours
check "name outside our zones is REFUSED" +norec example.org A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.org.			IN	A
EOF
check "parent of a zone is REFUSED" +norec com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;com.				IN	A
EOF
check "label boundary: notexample.com is not example.com" +norec notexample.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;notexample.com.			IN	A
EOF
check "root is REFUSED" +norec . SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;.				IN	SOA
EOF
check "class CH is REFUSED" +norec static.example.com CH A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		CH	A
EOF
check "class ANY is REFUSED" +norec static.example.com -c ANY -t A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		ANY	A
EOF
# ---- class CH (RFC 4892): the version and the identity (the NSID)
VERSION=$("$GEODNSD" --version | sed -n '1s/^geodnsd \([^ ]*\).*/\1/p')
check "class CH TXT version.bind: the version" +norec version.bind CH TXT <<EOF
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;version.bind.			CH	TXT
;; ANSWER SECTION:
version.bind.		0	CH	TXT	"geodnsd $VERSION"
EOF
check "class CH TXT id.server: the NSID" +norec id.server CH TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;id.server.			CH	TXT
;; ANSWER SECTION:
id.server.		0	CH	TXT	"test-1"
EOF
check "class CH TXT authors.bind is REFUSED" +norec authors.bind CH TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;authors.bind.			CH	TXT
EOF
check "opcode STATUS: NOTIMP, RD and CD not echoed" +rec +cdflag +noedns +opcode=status example.com <<'EOF'
;; ->>HEADER<<- opcode: STATUS, status: NOTIMP
;; flags: qr; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
EOF
check "qtype OPT is FORMERR" +norec example.com TYPE41 <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: FORMERR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	OPT
EOF
# ---- CNAME
check "CNAME chain chain->alias->static" +norec chain.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;chain.example.com.		IN	A
;; ANSWER SECTION:
chain.example.com.	3600	IN	CNAME	alias.example.com.
alias.example.com.	3600	IN	CNAME	static.example.com.
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "CNAME qtype CNAME is not followed" +norec alias.example.com CNAME <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;alias.example.com.		IN	CNAME
;; ANSWER SECTION:
alias.example.com.	3600	IN	CNAME	static.example.com.
EOF
check "CNAME followed for AAAA" +norec alias.example.com AAAA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;alias.example.com.		IN	AAAA
;; ANSWER SECTION:
alias.example.com.	3600	IN	CNAME	static.example.com.
static.example.com.	3600	IN	AAAA	2001:db8::80
EOF
check "CNAME to a name without the type: NODATA with the chain" +norec alias.example.com TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;alias.example.com.		IN	TXT
;; ANSWER SECTION:
alias.example.com.	3600	IN	CNAME	static.example.com.
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "CNAME loop answered with both CNAMEs" +norec loop1.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;loop1.example.com.		IN	A
;; ANSWER SECTION:
loop1.example.com.	3600	IN	CNAME	loop2.example.com.
loop2.example.com.	3600	IN	CNAME	loop1.example.com.
EOF
check "CNAME loop from the other end" +norec loop2.example.com AAAA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;loop2.example.com.		IN	AAAA
;; ANSWER SECTION:
loop2.example.com.	3600	IN	CNAME	loop1.example.com.
loop1.example.com.	3600	IN	CNAME	loop2.example.com.
EOF
check "CNAME to an external name: just the CNAME" +norec external.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;external.example.com.		IN	A
;; ANSWER SECTION:
external.example.com.	3600	IN	CNAME	www.example.org.
EOF
check "CNAME to a missing in-zone name: NXDOMAIN with the CNAME" +norec dangling.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;dangling.edge.test.		IN	A
;; ANSWER SECTION:
dangling.edge.test.	3600	IN	CNAME	nothere.edge.test.
;; AUTHORITY SECTION:
edge.test.		30	IN	SOA	ns.edge.test. hostmaster.edge.test. 7 3600 600 86400 60
EOF
check "CNAME to a name without the type: NODATA with the CNAME" +norec tons.edge.test TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;tons.edge.test.			IN	TXT
;; ANSWER SECTION:
tons.edge.test.		3600	IN	CNAME	ns.edge.test.
;; AUTHORITY SECTION:
edge.test.		30	IN	SOA	ns.edge.test. hostmaster.edge.test. 7 3600 600 86400 60
EOF
check "CNAME into a wildcard" +norec towild.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;towild.edge.test.		IN	A
;; ANSWER SECTION:
towild.edge.test.	3600	IN	CNAME	x.wild.edge.test.
x.wild.edge.test.	3600	IN	A	192.0.2.99
EOF
check "CNAME into another of our zones" +norec tocom.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;tocom.edge.test.		IN	A
;; ANSWER SECTION:
tocom.edge.test.	3600	IN	CNAME	static.example.com.
static.example.com.	3600	IN	A	192.0.2.80
EOF
check "wildcard CNAME is synthesized and followed" +norec foo.wc.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;foo.wc.edge.test.		IN	A
;; ANSWER SECTION:
foo.wc.edge.test.	3600	IN	CNAME	ns.edge.test.
ns.edge.test.		3600	IN	A	192.0.2.1
EOF
# ---- DNAME
check "DNAME synthesis to a missing name: NXDOMAIN with example.net SOA" +norec x.legacy.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;x.legacy.example.com.		IN	A
;; ANSWER SECTION:
legacy.example.com.	3600	IN	DNAME	example.net.
x.legacy.example.com.	3600	IN	CNAME	x.example.net.
;; AUTHORITY SECTION:
example.net.		600	IN	SOA	ns1.example.com. hostmaster.example.net. 2026112701 7200 900 1209600 600
EOF
check "DNAME synthesis followed into example.net" +norec www.legacy.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.legacy.example.com.		IN	A
;; ANSWER SECTION:
legacy.example.com.	3600	IN	DNAME	example.net.
www.legacy.example.com.	3600	IN	CNAME	www.example.net.
www.example.net.	3600	IN	A	198.51.100.80
EOF
check "DNAME owner itself is not redirected" +norec legacy.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;legacy.example.com.		IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "DNAME record itself" +norec legacy.example.com DNAME <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;legacy.example.com.		IN	DNAME
;; ANSWER SECTION:
legacy.example.com.	3600	IN	DNAME	example.net.
EOF
check "DNAME synthesis keeps the query case" +norec WWW.Legacy.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;WWW.Legacy.example.com.		IN	A
;; ANSWER SECTION:
Legacy.example.com.	3600	IN	DNAME	example.net.
WWW.Legacy.example.com.	3600	IN	CNAME	WWW.example.net.
WWW.example.net.	3600	IN	A	198.51.100.80
EOF
# ---- delegation
check "referral below the cut" +norec www.sub.example.com A <<'EOF'
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
check "referral at the cut" +norec sub.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 2, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;sub.example.com.		IN	A
;; AUTHORITY SECTION:
sub.example.com.	3600	IN	NS	ns1.example.com.
sub.example.com.	3600	IN	NS	ns.sub.example.com.
;; ADDITIONAL SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
ns1.example.com.	3600	IN	AAAA	2001:db8::1
ns.sub.example.com.	3600	IN	A	192.0.2.53
EOF
check "referral for NS at the cut" +norec sub.example.com NS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 2, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;sub.example.com.		IN	NS
;; AUTHORITY SECTION:
sub.example.com.	3600	IN	NS	ns1.example.com.
sub.example.com.	3600	IN	NS	ns.sub.example.com.
;; ADDITIONAL SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
ns1.example.com.	3600	IN	AAAA	2001:db8::1
ns.sub.example.com.	3600	IN	A	192.0.2.53
EOF
check "referral for the glue name itself" +norec ns.sub.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 2, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;ns.sub.example.com.		IN	A
;; AUTHORITY SECTION:
sub.example.com.	3600	IN	NS	ns1.example.com.
sub.example.com.	3600	IN	NS	ns.sub.example.com.
;; ADDITIONAL SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
ns1.example.com.	3600	IN	AAAA	2001:db8::1
ns.sub.example.com.	3600	IN	A	192.0.2.53
EOF
check "DS at the cut answered by the parent" +norec sub.example.com DS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;sub.example.com.		IN	DS
;; ANSWER SECTION:
sub.example.com.	3600	IN	DS	12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF01234567 89ABCDEF
EOF
check "DS below the cut is a referral" +norec x.sub.example.com DS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 2, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;x.sub.example.com.		IN	DS
;; AUTHORITY SECTION:
sub.example.com.	3600	IN	NS	ns1.example.com.
sub.example.com.	3600	IN	NS	ns.sub.example.com.
;; ADDITIONAL SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
ns1.example.com.	3600	IN	AAAA	2001:db8::1
ns.sub.example.com.	3600	IN	A	192.0.2.53
EOF
# ---- wildcards (RFC 4592)
check "wildcard A" +norec foo.wild.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;foo.wild.example.com.		IN	A
;; ANSWER SECTION:
foo.wild.example.com.	3600	IN	A	192.0.2.99
EOF
check "wildcard TXT" +norec foo.wild.example.com TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;foo.wild.example.com.		IN	TXT
;; ANSWER SECTION:
foo.wild.example.com.	3600	IN	TXT	"wildcard"
EOF
check "wildcard two labels deep" +norec a.b.wild.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;a.b.wild.example.com.		IN	A
;; ANSWER SECTION:
a.b.wild.example.com.	3600	IN	A	192.0.2.99
EOF
check "wildcard NODATA" +norec foo.wild.example.com AAAA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;foo.wild.example.com.		IN	AAAA
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "existing name is not wildcard-matched" +norec exists.wild.example.com TXT <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;exists.wild.example.com.	IN	TXT
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "existing name A" +norec exists.wild.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;exists.wild.example.com.	IN	A
;; ANSWER SECTION:
exists.wild.example.com. 3600	IN	A	192.0.2.98
EOF
check "below an existing name no wildcard" +norec x.exists.wild.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;x.exists.wild.example.com.	IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "the wildcard owner queried literally" +norec '*.wild.example.com' A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;*.wild.example.com.		IN	A
;; ANSWER SECTION:
*.wild.example.com.	3600	IN	A	192.0.2.99
EOF
check "parent of the wildcard is an empty non-terminal" +norec wild.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;wild.example.com.		IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "empty non-terminal is NODATA" +norec a.ent.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;a.ent.example.com.		IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "empty non-terminal two levels up" +norec ent.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;ent.example.com.		IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "below the empty non-terminal" +norec b.a.ent.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;b.a.ent.example.com.		IN	A
;; ANSWER SECTION:
b.a.ent.example.com.	3600	IN	A	192.0.2.70
EOF
check "sibling below the empty non-terminal is NXDOMAIN" +norec c.a.ent.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;c.a.ent.example.com.		IN	A
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
# ---- ANY (RFC 8482)
check "ANY over UDP: one synthesized HINFO" +norec +notcp example.com ANY <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	ANY
;; ANSWER SECTION:
example.com.		3600	IN	HINFO	"RFC8482" ""
EOF
check "ANY over UDP at a wildcard" +norec +notcp foo.wild.example.com ANY <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;foo.wild.example.com.		IN	ANY
;; ANSWER SECTION:
foo.wild.example.com.	3600	IN	HINFO	"RFC8482" ""
EOF
check "ANY over UDP at a missing name" +norec +notcp nx.example.com ANY <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nx.example.com.			IN	ANY
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "ANY over UDP at an empty non-terminal" +norec +notcp a.ent.example.com ANY <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;a.ent.example.com.		IN	ANY
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "ANY over TCP: every RRset" +norec +tcp example.com ANY <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 6, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	ANY
;; ANSWER SECTION:
example.com.		3600	IN	NS	ns1.example.com.
example.com.		3600	IN	NS	ns2.example.com.
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
example.com.		3600	IN	MX	10 mail.example.com.
example.com.		3600	IN	TXT	"v=spf1 mx -all"
example.com.		3600	IN	CAA	0 issue "letsencrypt.org"
EOF
check "ANY over TCP at static" +norec +tcp static.example.com ANY <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;static.example.com.		IN	ANY
;; ANSWER SECTION:
static.example.com.	3600	IN	A	192.0.2.80
static.example.com.	3600	IN	AAAA	2001:db8::80
EOF
# ---- case
check "mixed case preserved" +norec StAtIc.ExAmPlE.cOm A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;StAtIc.ExAmPlE.cOm.		IN	A
;; ANSWER SECTION:
StAtIc.ExAmPlE.cOm.	3600	IN	A	192.0.2.80
EOF
check "mixed case NXDOMAIN" +norec NX.Example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;NX.Example.com.			IN	A
;; AUTHORITY SECTION:
Example.com.		300	IN	SOA	ns1.Example.com. hostmaster.Example.com. 2026112701 7200 900 1209600 300
EOF
check "mixed case wildcard" +norec FOO.Wild.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;FOO.Wild.example.com.		IN	A
;; ANSWER SECTION:
FOO.Wild.example.com.	3600	IN	A	192.0.2.99
EOF
check "mixed case CNAME chain" +norec CHAIN.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;CHAIN.example.com.		IN	A
;; ANSWER SECTION:
CHAIN.example.com.	3600	IN	CNAME	alias.example.com.
alias.example.com.	3600	IN	CNAME	static.example.com.
static.example.com.	3600	IN	A	192.0.2.80
EOF
# ---- compression: exact message sizes
check "compression: SOA is 91 octets" +norec +stats example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	SOA
;; ANSWER SECTION:
example.com.		3600	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
;; MSG SIZE  rcvd: 91
EOF
check "compression: NS with additional is 136 octets" +norec +stats example.com NS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	NS
;; ANSWER SECTION:
example.com.		3600	IN	NS	ns1.example.com.
example.com.		3600	IN	NS	ns2.example.com.
;; ADDITIONAL SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
ns1.example.com.	3600	IN	AAAA	2001:db8::1
ns2.example.com.	3600	IN	A	192.0.2.2
;; MSG SIZE  rcvd: 136
EOF
check "compression: MX with additional" +norec +stats example.com MX <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 3
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	MX
;; ANSWER SECTION:
example.com.		3600	IN	MX	10 mail.example.com.
;; ADDITIONAL SECTION:
mail.example.com.	300	IN	A	192.0.2.25
mail.example.com.	300	IN	AAAA	2001:db8::25
;; MSG SIZE  rcvd: 105
EOF
check "compression: CNAME chain" +norec +stats chain.example.com A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;chain.example.com.		IN	A
;; ANSWER SECTION:
chain.example.com.	3600	IN	CNAME	alias.example.com.
alias.example.com.	3600	IN	CNAME	static.example.com.
static.example.com.	3600	IN	A	192.0.2.80
;; MSG SIZE  rcvd: 103
EOF
check "compression: referral" +norec +stats www.sub.example.com A <<'EOF'
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
;; MSG SIZE  rcvd: 143
EOF
# ---- opcodes
check "opcode IQUERY is NOTIMP, sections empty" +noedns +norec +opcode=1 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: IQUERY, status: NOTIMP
;; flags: qr; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
EOF
check "opcode STATUS is NOTIMP" +noedns +norec +opcode=2 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: STATUS, status: NOTIMP
;; flags: qr; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
EOF
check "opcode NOTIFY for a zone that is no secondary: REFUSED, question echoed" \
	+noedns +norec +opcode=4 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: NOTIFY, status: REFUSED
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;example.com.			IN	SOA
EOF
check "opcode UPDATE is NOTIMP" +noedns +norec +opcode=5 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: UPDATE, status: NOTIMP
;; flags: qr; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
EOF
check "opcode 15 with EDNS is NOTIMP, sections empty" +norec +opcode=15 example.com SOA <<'EOF'
;; ->>HEADER<<- opcode: RESERVED15, status: NOTIMP
;; flags: qr; QUERY: 0, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
;; WARNING: EDNS query returned status NOTIMP - retry with '+noedns'
EOF
# ---- IPv6 transport
check "MX to an external name: no additional" +norec edge.test MX <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;edge.test.			IN	MX
;; ANSWER SECTION:
edge.test.		3600	IN	MX	10 mx.example.org.
EOF
check "delegation to an external name: no glue" +norec www.out.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.out.edge.test.		IN	A
;; AUTHORITY SECTION:
out.edge.test.		3600	IN	NS	ns.example.org.
EOF
check "DS at a zone apex whose parent is not ours: NODATA" +norec example.com DS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.com.			IN	DS
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF
check "NS of example.net: targets in example.com" +norec example.net NS <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 4
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;example.net.			IN	NS
;; ANSWER SECTION:
example.net.		3600	IN	NS	ns1.example.com.
example.net.		3600	IN	NS	ns2.example.com.
;; ADDITIONAL SECTION:
ns1.example.com.	3600	IN	A	192.0.2.1
ns1.example.com.	3600	IN	AAAA	2001:db8::1
ns2.example.com.	3600	IN	A	192.0.2.2
EOF
check "referral with in-domain glue over EDNS" +norec +stats www.deleg.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 12, ADDITIONAL: 25
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.deleg.edge.test.		IN	A
;; AUTHORITY SECTION:
deleg.edge.test.	3600	IN	NS	ns01.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns02.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns03.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns04.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns05.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns06.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns07.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns08.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns09.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns10.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns11.deleg.edge.test.
deleg.edge.test.	3600	IN	NS	ns12.deleg.edge.test.
;; ADDITIONAL SECTION:
ns01.deleg.edge.test.	3600	IN	A	192.0.2.101
ns01.deleg.edge.test.	3600	IN	AAAA	2001:db8::101
ns02.deleg.edge.test.	3600	IN	A	192.0.2.102
ns02.deleg.edge.test.	3600	IN	AAAA	2001:db8::102
ns03.deleg.edge.test.	3600	IN	A	192.0.2.103
ns03.deleg.edge.test.	3600	IN	AAAA	2001:db8::103
ns04.deleg.edge.test.	3600	IN	A	192.0.2.104
ns04.deleg.edge.test.	3600	IN	AAAA	2001:db8::104
ns05.deleg.edge.test.	3600	IN	A	192.0.2.105
ns05.deleg.edge.test.	3600	IN	AAAA	2001:db8::105
ns06.deleg.edge.test.	3600	IN	A	192.0.2.106
ns06.deleg.edge.test.	3600	IN	AAAA	2001:db8::106
ns07.deleg.edge.test.	3600	IN	A	192.0.2.107
ns07.deleg.edge.test.	3600	IN	AAAA	2001:db8::107
ns08.deleg.edge.test.	3600	IN	A	192.0.2.108
ns08.deleg.edge.test.	3600	IN	AAAA	2001:db8::108
ns09.deleg.edge.test.	3600	IN	A	192.0.2.109
ns09.deleg.edge.test.	3600	IN	AAAA	2001:db8::109
ns10.deleg.edge.test.	3600	IN	A	192.0.2.110
ns10.deleg.edge.test.	3600	IN	AAAA	2001:db8::110
ns11.deleg.edge.test.	3600	IN	A	192.0.2.111
ns11.deleg.edge.test.	3600	IN	AAAA	2001:db8::111
ns12.deleg.edge.test.	3600	IN	A	192.0.2.112
ns12.deleg.edge.test.	3600	IN	AAAA	2001:db8::112
;; MSG SIZE  rcvd: 804
EOF
check "referral whose glue does not fit 512: TC" +norec +noedns +ignore www.deleg.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr tc; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 0
;; QUESTION SECTION:
;www.deleg.edge.test.		IN	A
EOF
check "referral whose glue does not fit bufsize 512: TC" +norec +bufsize=512 +ignore www.deleg.edge.test A <<'EOF'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr tc; QUERY: 1, ANSWER: 0, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;www.deleg.edge.test.		IN	A
EOF

SERVER=::1
check "IPv6 transport: CNAME chain" +norec chain.example.com AAAA <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NOERROR
;; flags: qr aa; QUERY: 1, ANSWER: 3, AUTHORITY: 0, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;chain.example.com.		IN	AAAA
;; ANSWER SECTION:
chain.example.com.	3600	IN	CNAME	alias.example.com.
alias.example.com.	3600	IN	CNAME	static.example.com.
static.example.com.	3600	IN	AAAA	2001:db8::80
EOF2
check "IPv6 transport: NXDOMAIN" +norec nx.example.com AAAA <<'EOF2'
;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN
;; flags: qr aa; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1
;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 1232
;; QUESTION SECTION:
;nx.example.com.			IN	AAAA
;; AUTHORITY SECTION:
example.com.		300	IN	SOA	ns1.example.com. hostmaster.example.com. 2026112701 7200 900 1209600 300
EOF2
SERVER=127.0.0.1

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"
