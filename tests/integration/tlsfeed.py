# tlsfeed.py - an HTTPS health feed for tests/integration/feed-https.sh, on
# loopback: serves the files of a directory over TLS with the certificate
# and key given, and answers 401 to a request whose Authorization header is
# not "Bearer TOKEN" when a token is given. Every request is logged to
# stdout as "GET PATH STATUS AUTH" (AUTH: the header as received, or -),
# with the request's Host header as "HOST VALUE" before it, and every TLS
# handshake as "SNI NAME" (- when the client sent none). The file
# headers.json is answered with 70 more header lines.
#
# python3 tlsfeed.py --cert FILE --key FILE --dir DIR --port-file FILE
#                    [--token-file FILE] [--seconds N] [--host ADDR]
#
# The port (bound on ADDR, 127.0.0.1 by default, port 0) is written to the port file once the
# server listens; it exits after --seconds (default 120) whatever happens,
# so a test that dies cannot leave it behind for long.
#
# Copyright (c) 2026 the geodnsd authors. BSD 3-Clause License: see LICENSE.
import argparse
import http.server
import os
import socket
import ssl
import sys
import threading


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--token-file")
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()
    lock = threading.Lock()

    def log(line):
        # one line at a time: handshakes and requests run on other threads
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    token = None
    if args.token_file:
        with open(args.token_file) as f:
            token = f.read().strip()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, status, body, extra_headers=0):
            self.send_response(status)
            for i in range(extra_headers):
                self.send_header("X-Filler-%d" % i, "x")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            auth = self.headers.get("Authorization") or "-"
            log("HOST %s" % (self.headers.get("Host") or "-"))
            log("GET %s %d %s" % (self.path, status, auth))

        def do_GET(self):
            if token is not None and self.headers.get("Authorization") != "Bearer " + token:
                self.answer(401, b'{"error": "unauthorized"}')
                return
            name = os.path.basename(self.path.split("?")[0])
            try:
                with open(os.path.join(args.dir, name), "rb") as f:
                    body = f.read()
            except OSError:
                self.answer(404, b'{"error": "not found"}')
                return
            # headers.json: a response head of more header lines than a
            # feed may send
            self.answer(200, body, 70 if name == "headers.json" else 0)

        def log_message(self, fmt, *a):
            pass

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    # the name a client asks for (SNI), or - when it sends none
    ctx.sni_callback = lambda sock, name, c: log("SNI %s" % (name or "-"))
    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in args.host else socket.AF_INET

    srv = Server((args.host, 0), Handler)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    threading.Timer(args.seconds, srv.shutdown).start()
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
