"""What the scripted model servers share: the script of turns, the request log, JSON replies,
and serving on 127.0.0.1 with the chosen port written to a file."""
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Script:
    """The scripted turns, taken in order by the agent's main-loop requests."""

    def __init__(self, script_path, log_path):
        with open(script_path) as f:
            self.turns = json.load(f)
        self.log_path = log_path
        self.lock = threading.Lock()
        self.next = 0
        self.ids = 0

    def take(self):
        with self.lock:
            i = self.next
            self.next += 1
        return self.turns[i] if i < len(self.turns) else {"text": "Done."}

    def new_id(self):
        with self.lock:
            self.ids += 1
            return self.ids

    def log(self, entry):
        with self.lock, open(self.log_path, "a") as log:
            log.write(json.dumps(entry) + "\n")


class JSONHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, value, extra=None):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_json(self):
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return {}

    def start_event_stream(self):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True


def serve(handler, port_file):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()
