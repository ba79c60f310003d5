#!/usr/bin/env python3
"""A scripted Anthropic Messages API server on 127.0.0.1, for end-to-end tests.

The "model" is a script: a JSON file holding a list of steps. Each step is one assistant
message: a list of content blocks, either {"type": "text", "text": ...} or
{"type": "tool_use", "name": ..., "input": {...}}. A request that offers tools (the agent's
main loop) gets the step whose index is the number of assistant messages already in the
conversation; once the script is used up the reply is a plain text "Done." that ends the
turn. Requests without tools (titles, summaries, quota probes) get a short text reply.

Every request body is appended, one JSON object a line, to the log file so a test can read
what the client sent back (tool_result blocks in particular).

Usage: anthropic_stub_server.py --script steps.json --log requests.jsonl [--port-file F]
Prints "PORT <n>" on stdout once listening (and writes <n> to --port-file when given).
Stops by itself after --max-seconds (default 300) or on SIGTERM.
"""
import argparse
import os
import json
import signal
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()


def assistant_turns(messages):
    return sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")


def step_for(body, script):
    if not body.get("tools"):
        return [{"type": "text", "text": "ok"}], "end_turn"
    index = assistant_turns(body.get("messages") or [])
    if index < len(script):
        blocks = script[index]
        stop = "tool_use" if any(b.get("type") == "tool_use" for b in blocks) else "end_turn"
        return blocks, stop
    return [{"type": "text", "text": "Done."}], "end_turn"


def with_ids(blocks):
    out = []
    for b in blocks:
        b = dict(b)
        if b.get("type") == "tool_use":
            b.setdefault("id", "toolu_" + uuid.uuid4().hex[:24])
        out.append(b)
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "anthropic-stub/1"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def _json(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def _record(self, body):
        with LOCK, open(self.server.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"path": self.path, "method": self.command, "body": body}) + "\n")

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_GET(self):
        self._record(None)
        self._json(200, {})

    def do_POST(self):
        body = self._read_body()
        self._record(body)
        if body is None:
            return self._json(400, {"type": "error", "error": {"type": "invalid_request_error", "message": "bad json"}})
        path = self.path.split("?", 1)[0]
        if path.endswith("/count_tokens"):
            return self._json(200, {"input_tokens": 100})
        if not path.endswith("/v1/messages"):
            return self._json(200, {})
        blocks, stop = step_for(body, self.server.script)
        blocks = with_ids(blocks)
        model = body.get("model") or "stub-model"
        msg_id = "msg_" + uuid.uuid4().hex[:24]
        usage = {"input_tokens": 100, "output_tokens": 20, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        if not body.get("stream"):
            return self._json(200, {"id": msg_id, "type": "message", "role": "assistant", "model": model,
                                    "content": blocks, "stop_reason": stop, "stop_sequence": None, "usage": usage})
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

        def event(name, data):
            self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
            self.wfile.flush()

        event("message_start", {"type": "message_start", "message": {
            "id": msg_id, "type": "message", "role": "assistant", "model": model, "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": dict(usage, output_tokens=1)}})
        for i, b in enumerate(blocks):
            if b["type"] == "tool_use":
                event("content_block_start", {"type": "content_block_start", "index": i, "content_block": {
                    "type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}})
                text = json.dumps(b.get("input") or {})
                for k in range(0, len(text), 40):
                    event("content_block_delta", {"type": "content_block_delta", "index": i,
                                                  "delta": {"type": "input_json_delta", "partial_json": text[k:k + 40]}})
            else:
                event("content_block_start", {"type": "content_block_start", "index": i,
                                              "content_block": {"type": "text", "text": ""}})
                event("content_block_delta", {"type": "content_block_delta", "index": i,
                                              "delta": {"type": "text_delta", "text": b.get("text", "")}})
            event("content_block_stop", {"type": "content_block_stop", "index": i})
        event("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                "usage": {"output_tokens": 20}})
        event("message_stop", {"type": "message_stop"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port-file")
    ap.add_argument("--max-seconds", type=float, default=300)
    args = ap.parse_args()
    with open(args.script, encoding="utf-8") as f:
        script = json.load(f)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.script = script
    server.log_path = args.log
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"PORT {port}", flush=True)
    # A parent may have blocked SIGTERM in the mask it handed down (test runners do).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    timer = threading.Timer(args.max_seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()
    sys.exit(0)


if __name__ == "__main__":
    main()
