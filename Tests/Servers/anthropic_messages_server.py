#!/usr/bin/env python3
"""A scripted Anthropic Messages API server for Rigor's tests (127.0.0.1 only).

It speaks the real wire protocol: POST /v1/messages, streamed as server-sent events
(message_start, content_block_start / content_block_delta / content_block_stop for text and
tool_use blocks, message_delta with stop_reason and usage, message_stop), or as one JSON body
when the request does not ask for a stream. Every request is appended to a JSON-lines log.

The script is a JSON list of turns. Each request of the agent's main loop (one that declares
tools named Bash or bash: Claude Code's or Rigor's builtin agent) takes the next turn; other requests (titles, summaries, quota checks) get a short text
answer. A turn is one of:
  {"text": "...", "tool_use": [{"name": "Bash", "input": {...}}, ...]}
      (a call may give "raw": "..." instead of "input": its arguments exactly as sent, e.g. not JSON)
  {"error": 429, "retry_after": 0}      an API error with this HTTP status
  {"cut": true}                          the stream ends mid-message (connection closed)
When the script runs out, the server answers "Done." with stop_reason end_turn.

Usage: anthropic_messages_server.py SCRIPT.json REQUEST_LOG.jsonl PORT_FILE
The chosen port is written to PORT_FILE once the server listens.
"""
import json
import sys
import uuid

from scripted_server import JSONHandler, Script, serve

SCRIPT_PATH, LOG_PATH, PORT_FILE = sys.argv[1:4]
SCRIPT = Script(SCRIPT_PATH, LOG_PATH)


def main_loop_request(body):
    return any(t.get("name") in ("Bash", "bash") for t in body.get("tools") or [])


def usage(body):
    text = json.dumps(body.get("messages", []))
    return {"input_tokens": max(1, len(text) // 4), "output_tokens": 0,
            "cache_creation_input_tokens": 0, "cache_read_input_tokens": 7}


class Handler(JSONHandler):

    def do_GET(self):
        self.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": "no such route"}})

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_POST(self):
        body = self.read_json()
        path = self.path.split("?")[0]
        if path.endswith("/count_tokens"):
            self.send_json(200, {"input_tokens": usage(body)["input_tokens"]})
            return
        if not path.endswith("/v1/messages"):
            self.send_json(404, {"type": "error", "error": {"type": "not_found_error", "message": "no such route"}})
            return
        turn = SCRIPT.take() if main_loop_request(body) else {"text": "ok"}
        entry = {"path": path, "main_loop": main_loop_request(body), "turn": turn,
                 "headers": {k.lower(): v for k, v in self.headers.items() if k.lower() in ("anthropic-version", "content-type")},
                 "has_api_key": bool(self.headers.get("x-api-key") or self.headers.get("authorization")),
                 "body": body}
        SCRIPT.log(entry)
        if "error" in turn:
            status = int(turn["error"])
            kind = {429: "rate_limit_error", 500: "api_error", 529: "overloaded_error", 401: "authentication_error"}.get(status, "api_error")
            self.send_json(status, {"type": "error", "error": {"type": kind, "message": "scripted %d" % status}},
                           {"retry-after": str(turn.get("retry_after", 0))} if status == 429 else None)
            return
        blocks = []
        if turn.get("text"):
            blocks.append({"type": "text", "text": turn["text"]})
        for call in turn.get("tool_use", []):
            n = SCRIPT.new_id()
            blocks.append({"type": "tool_use", "id": "toolu_%04d_%s" % (n, uuid.uuid4().hex[:8]), "name": call["name"], "input": call.get("input", {}),
                           "raw": call.get("raw")})
        stop = "tool_use" if turn.get("tool_use") else "end_turn"
        u = usage(body)
        u["output_tokens"] = 5 + sum(len(json.dumps(b)) // 4 for b in blocks)
        message = {"id": "msg_" + uuid.uuid4().hex[:16], "type": "message", "role": "assistant",
                   "model": body.get("model", "scripted"), "content": [{k: v for k, v in b.items() if k != "raw"} for b in blocks], "stop_reason": stop,
                   "stop_sequence": None, "usage": u}
        if not body.get("stream"):
            self.send_json(200, message)
            return
        self.start_event_stream()

        def event(name, data):
            self.wfile.write(("event: %s\ndata: %s\n\n" % (name, json.dumps(data))).encode())
            self.wfile.flush()

        start = dict(message, content=[], stop_reason=None, usage=dict(u, output_tokens=1))
        event("message_start", {"type": "message_start", "message": start})
        if turn.get("cut"):
            event("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})
            event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Half a sen"}})
            return
        for i, b in enumerate(blocks):
            if b["type"] == "text":
                event("content_block_start", {"type": "content_block_start", "index": i, "content_block": {"type": "text", "text": ""}})
                text = b["text"]
                for k in range(0, len(text), 40):
                    event("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {"type": "text_delta", "text": text[k:k + 40]}})
            else:
                event("content_block_start", {"type": "content_block_start", "index": i,
                                              "content_block": {"type": "tool_use", "id": b["id"], "name": b["name"], "input": {}}})
                args = b["raw"] if b.get("raw") is not None else json.dumps(b["input"])
                for k in range(0, len(args), 30):
                    event("content_block_delta", {"type": "content_block_delta", "index": i, "delta": {"type": "input_json_delta", "partial_json": args[k:k + 30]}})
            event("content_block_stop", {"type": "content_block_stop", "index": i})
        event("message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                "usage": {"output_tokens": u["output_tokens"]}})
        event("message_stop", {"type": "message_stop"})


if __name__ == "__main__":
    serve(Handler, PORT_FILE)
