# malformed.sh - raw UDP packets dig cannot send, via the test client
# ($TCPCLIENT -u raw:HEX): a response (QR=1) is dropped; a packet shorter
# than a header is dropped; QDCOUNT other than 1, bad labels, compression
# loops and forward pointers, names over 255 octets and truncated questions
# get FORMERR with the ID echoed and no question; broken OPT records get
# FORMERR; after all of it the server still answers.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
. tests/integration/lib.sh

start_server tests/data/demo.conf || exit 1

Q=$(hexname static.example.com)00010001
H=123400000001000000000000            # ID 0x1234, QDCOUNT 1
FE='id=4660 opcode=QUERY rcode=FORMERR flags=qr qd=0 an=0 ns=0 ar=0 q=- first=-'
OK='id=4660 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80'
GOOD='id=1 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 ar=0 q=static.example.com./IN/A first=A:192.0.2.80'

check_tc "well-formed raw query answered" -u raw:$H$Q <<EOF
$OK
EOF
check_tc "QR=1 (a response) dropped, no reply" -u raw:123480000001000000000000$Q <<'EOF'
id=4660 no reply
EOF
check_tc "QR=1 with an answer section dropped" -u raw:123484000001000100000000${Q}c00c000100010000003c0004c0000250 <<'EOF'
id=4660 no reply
EOF
check_tc "truncated header (5 octets) dropped" -u raw:1234000000 <<'EOF'
id=4660 no reply
EOF
check_tc "header only, QDCOUNT 0: FORMERR" -u raw:123400000000000000000000 <<EOF
$FE
EOF
check_tc "QDCOUNT 0 with a question: FORMERR" -u raw:123400000000000000000000$Q <<EOF
$FE
EOF
check_tc "QDCOUNT 2: FORMERR" -u raw:123400000002000000000000$Q$Q <<EOF
$FE
EOF
check_tc "QDCOUNT 1 but no question: FORMERR" -u raw:$H <<EOF
$FE
EOF
check_tc "question without type and class: FORMERR" -u raw:${H}$(hexname static.example.com) <<EOF
$FE
EOF
check_tc "question with half a type: FORMERR" -u raw:${H}$(hexname static.example.com)0001 <<EOF
$FE
EOF
check_tc "name running past the end: FORMERR" -u raw:${H}06737461746963 <<EOF
$FE
EOF
check_tc "label length 64 (0x40, reserved type): FORMERR" -u raw:${H}40$(printf '61%.0s' $(seq 64))0000010001 <<EOF
$FE
EOF
check_tc "label type 0x80: FORMERR" -u raw:${H}800000010001 <<EOF
$FE
EOF
check_tc "compression pointer to itself: FORMERR" -u raw:${H}c00c00010001 <<EOF
$FE
EOF
check_tc "compression loop through a label: FORMERR" -u raw:${H}03666f6fc00c00010001 <<EOF
$FE
EOF
check_tc "forward compression pointer: FORMERR" -u raw:${H}c00e0000010001 <<EOF
$FE
EOF
check_tc "question name pointing into the header: FORMERR" -u raw:${H}c00200010001 <<EOF
$FE
EOF
# 5 labels of 63 octets: 320 octets, over the 255 limit
L63=3f$(printf '61%.0s' $(seq 63))
check_tc "name over 255 octets: FORMERR" -u raw:${H}$L63$L63$L63$L63${L63}0000010001 <<EOF
$FE
EOF
# 63+63+63+61 octets: exactly 255 with the length octets, outside our zones
L61=3d$(printf '61%.0s' $(seq 61))
check_tc "name of exactly 255 octets is valid (REFUSED: not ours)" -u raw:${H}$L63$L63$L63${L61}0000010001 <<'EOF'
id=4660 opcode=QUERY rcode=REFUSED flags=qr qd=1 an=0 ns=0 ar=0 q=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa./IN/A first=-
EOF
check_tc "ARCOUNT 1 but no record: FORMERR" -u raw:123400000001000000000001$Q <<'EOF'
id=4660 opcode=QUERY rcode=FORMERR flags=qr qd=1 an=0 ns=0 ar=0 q=static.example.com./IN/A first=-
EOF

# ---- broken OPT records: FORMERR (whether the reply carries an OPT is not
# judged here; the question is echoed)
OPT=000029020000000000                 # root, OPT, 512, ext 0, v0, flags 0
A1=123400000001000000000001            # ARCOUNT 1
FQ='id=4660 opcode=QUERY rcode=FORMERR flags=qr qd=1 an=0 ns=0 q=static.example.com./IN/A first=-'
TC_FILTER='s/ ar=[0-9]*//; s/ opt=.*//'
check_tc "well-formed OPT answered" -u raw:$A1$Q${OPT}0000 <<'EOF'
id=4660 opcode=QUERY rcode=NOERROR flags=qr,aa qd=1 an=1 ns=0 q=static.example.com./IN/A first=A:192.0.2.80
EOF
check_tc "two OPT records: FORMERR (RFC 6891 6.1.1)" -u raw:123400000001000000000002$Q${OPT}0000${OPT}0000 <<EOF
$FQ
EOF
check_tc "OPT owner not the root: FORMERR" -u raw:$A1${Q}0161${OPT#00}0000 <<EOF
$FQ
EOF
check_tc "option length past the OPT rdata: FORMERR" -u raw:$A1$Q${OPT}0004000a0008 <<EOF
$FQ
EOF
check_tc "OPT rdata length past the packet: FORMERR" -u raw:$A1$Q${OPT}0010 <<EOF
$FQ
EOF
check_tc "half an option header: FORMERR" -u raw:$A1$Q${OPT}0002000a <<EOF
$FQ
EOF
TC_FILTER=

check_tc "a good query still answered" -u static.example.com A <<EOF
$GOOD
EOF
check_tc "and over TCP" static.example.com A <<EOF
$GOOD
EOF

server_alive "server still running"
if stop_server; then pass "clean exit on TERM"; else fail "clean exit on TERM"; fi
sanitizer_clean "no sanitizer report"
