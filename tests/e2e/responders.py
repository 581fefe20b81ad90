"""Loopback stand-ins for a subscriber's web server and DNS zone, for ACME
http-01 and dns-01 validation: inkan's validator is pointed at them by the
acme_validation_address / acme_http01_port / acme_dns_server settings."""

import http.server
import json
import socketserver
import threading
from pathlib import Path

from dnslib import QTYPE, RR, TXT, DNSRecord


class HttpResponder:
    """Serves /.well-known/acme-challenge/<token> from a dict."""

    def __init__(self, port):
        self.answers = {}
        answers = self.answers

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                token = self.path.rsplit("/", 1)[-1]
                if not self.path.startswith("/.well-known/acme-challenge/") or token not in answers:
                    self.send_error(404)
                    return
                body = answers[token].encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class DnsResponder:
    """Answers TXT queries (UDP) from a JSON file {name: [values]}, so that a
    client's hook script can publish records by rewriting the file."""

    def __init__(self, port, zone_file):
        self.zone = Path(zone_file)
        if not self.zone.exists():
            self.zone.write_text("{}")
        zone = self.zone

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                data, sock = self.request
                request = DNSRecord.parse(data)
                reply = request.reply()
                name = str(request.q.qname).rstrip(".").lower()
                if request.q.qtype == QTYPE.TXT:
                    for value in json.loads(zone.read_text()).get(name, []):
                        reply.add_answer(RR(name + ".", QTYPE.TXT, rdata=TXT(value), ttl=1))
                sock.sendto(reply.pack(), self.client_address)

        self.server = socketserver.ThreadingUDPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, name, value):
        records = json.loads(self.zone.read_text())
        records.setdefault(name.lower(), []).append(value)
        self.zone.write_text(json.dumps(records))

    def close(self):
        self.server.shutdown()
        self.server.server_close()
