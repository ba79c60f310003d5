#!/usr/bin/env python3
"""A scripted OpenAI Chat Completions server for Rigor's tests (127.0.0.1 only).

It speaks the real wire protocol: POST /v1/chat/completions, streamed as server-sent events
(`data: {chat.completion.chunk}` pieces: the role, text in pieces, tool calls as
`delta.tool_calls[{index, id, type, function: {name, arguments}}]` whose arguments arrive in
pieces, a last chunk with `finish_reason`, a usage chunk when `stream_options.include_usage`
is set, then `data: [DONE]`), or one JSON body when the request does not ask for a stream.
Every request is appended to a JSON-lines log.

The script is the same JSON list of turns as anthropic_messages_server.py's: requests that
declare tools take the next turn; a turn is {"text", "tool_use": [{"name", "input"}]},
{"error": status, "retry_after": s}, {"cut": true} or {"stall": s} (the stream starts, then
nothing for s seconds). When it runs out: "Done.", stop.

Usage: openai_chat_server.py SCRIPT.json REQUEST_LOG.jsonl PORT_FILE
"""
import json
import sys
import time
import uuid

from scripted_server import JSONHandler, Script, serve

SCRIPT_PATH, LOG_PATH, PORT_FILE = sys.argv[1:4]
SCRIPT = Script(SCRIPT_PATH, LOG_PATH)


class Handler(JSONHandler):
    def do_POST(self):
        body = self.read_json()
        path = self.path.split("?")[0]
        if not path.endswith("/chat/completions"):
            self.send_json(404, {"error": {"message": "no such route", "type": "invalid_request_error"}})
            return
        turn = SCRIPT.take() if body.get("tools") else {"text": "ok"}
        auth = self.headers.get("authorization") or ""
        SCRIPT.log({"path": path, "turn": turn, "has_bearer": auth.startswith("Bearer ") and len(auth) > 10, "body": body})
        if "error" in turn:
            status = int(turn["error"])
            self.send_json(status, {"error": {"message": "scripted %d" % status, "type": "api_error", "code": None}},
                           {"retry-after": str(turn.get("retry_after", 0))} if status == 429 else None)
            return
        calls = []
        for call in turn.get("tool_use", []):
            n = SCRIPT.new_id()
            raw = call.get("raw")
            calls.append({"id": "call_%04d" % n, "name": call["name"], "arguments": raw if raw is not None else json.dumps(call["input"])})
        text = turn.get("text", "")
        finish = "tool_calls" if calls else "stop"
        prompt = max(1, len(json.dumps(body.get("messages", []))) // 4)
        completion = 3 + len(text) // 4 + sum(len(c["arguments"]) // 4 for c in calls)
        usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
                 "prompt_tokens_details": {"cached_tokens": 5}}
        ident = "chatcmpl-" + uuid.uuid4().hex[:12]
        if not body.get("stream"):
            message = {"role": "assistant", "content": text or None}
            if calls:
                message["tool_calls"] = [{"id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"]}} for c in calls]
            self.send_json(200, {"id": ident, "object": "chat.completion", "model": body.get("model"),
                                 "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage})
            return
        self.start_event_stream()

        def chunk(delta, finish_reason=None, extra=None):
            c = {"id": ident, "object": "chat.completion.chunk", "model": body.get("model"),
                 "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}
            c.update(extra or {})
            self.wfile.write(("data: %s\n\n" % json.dumps(c)).encode())
            self.wfile.flush()

        chunk({"role": "assistant", "content": ""})
        if turn.get("stall"):
            time.sleep(float(turn["stall"]))
            return
        if turn.get("cut"):
            chunk({"content": "Half a sen"})
            return
        for k in range(0, len(text), 9):
            chunk({"content": text[k:k + 9]})
        for i, c in enumerate(calls):
            chunk({"tool_calls": [{"index": i, "id": c["id"], "type": "function", "function": {"name": c["name"], "arguments": ""}}]})
            for k in range(0, len(c["arguments"]), 7):
                chunk({"tool_calls": [{"index": i, "function": {"arguments": c["arguments"][k:k + 7]}}]})
        chunk({}, finish)
        if (body.get("stream_options") or {}).get("include_usage"):
            self.wfile.write(("data: %s\n\n" % json.dumps({"id": ident, "object": "chat.completion.chunk", "choices": [], "usage": usage})).encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


if __name__ == "__main__":
    serve(Handler, PORT_FILE)
