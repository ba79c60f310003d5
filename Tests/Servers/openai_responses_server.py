#!/usr/bin/env python3
"""A scripted OpenAI Responses API server for Rigor's tests (127.0.0.1 only).

It speaks the wire protocol Codex uses: POST .../responses, streamed as server-sent events
(`event: <type>` + `data: {"type": <type>, ...}`): response.created, response.in_progress,
then per output item response.output_item.added, for a message response.content_part.added,
response.output_text.delta pieces, response.output_text.done, response.content_part.done, for a
function call response.function_call_arguments.delta pieces and .done, then
response.output_item.done; last response.completed with the whole response and its usage
{input_tokens, input_tokens_details{cached_tokens}, output_tokens,
output_tokens_details{reasoning_tokens}, total_tokens}. Or one JSON response object when the
request does not ask for a stream. Every request is appended to a JSON-lines log.

The script is the same JSON list of turns as anthropic_messages_server.py's. Each request of
the agent's main loop (one that declares tools) takes the next turn; other requests get a short
text answer. A turn is one of:
  {"text": "...", "tool_use": [{"name": "...", "input": {...}}, ...]}
  {"shell": "a command"} or {"shell": ["cmd 1", "cmd 2"]} (with "text" too if wanted): one call
      each of whichever shell tool the request declares: exec_command {"cmd"},
      shell_command {"command": "..."}, shell {"command": ["bash", "-lc", ...]} or the
      built-in local_shell tool
  {"error": 429, "retry_after": 0}      an API error with this HTTP status
  {"cut": true}                          the stream ends mid-message (no response.completed)
  {"stall": 5}                           the stream sends response.created, then nothing for 5 s,
      then ends (for the client's idle timeout)
  {"failed": "rate_limit_exceeded", "message": "..."}   the stream ends with response.failed
      carrying this error code (Codex retries rate_limit_exceeded after the "try again in Ns"
      the message names; context_length_exceeded and insufficient_quota are final)
When the script runs out, the server answers "Done." with no tool calls.

Usage: openai_responses_server.py SCRIPT.json REQUEST_LOG.jsonl PORT_FILE
The chosen port is written to PORT_FILE once the server listens.
"""
import json
import sys
import time
import uuid

from scripted_server import JSONHandler, Script, serve

SCRIPT_PATH, LOG_PATH, PORT_FILE = sys.argv[1:4]
SCRIPT = Script(SCRIPT_PATH, LOG_PATH)


def main_loop_request(body):
    return bool(body.get("tools"))


def tool_name(tool):
    return tool.get("name") or (tool.get("function") or {}).get("name") or tool.get("type")


def declared(body):
    return {tool_name(t): t for t in body.get("tools") or []}


def tool_params(tool):
    return ((tool.get("parameters") or (tool.get("function") or {}).get("parameters") or {}).get("properties") or {})


def shell_call(tools, command):
    """(name, kind, arguments) for one shell command, on the shell tool the request declares."""
    for name in ("exec_command", "shell_command", "shell", "local_shell"):
        tool = tools.get(name)
        if tool is None:
            continue
        if tool.get("type") == "local_shell":
            return name, "local_shell", {"type": "exec", "command": ["bash", "-lc", command]}
        params = tool_params(tool)
        if "cmd" in params:
            return name, "function", {"cmd": command}
        spec = params.get("command") or {}
        if spec.get("type") == "array":
            return name, "function", {"command": ["bash", "-lc", command]}
        return name, "function", {"command": command}
    raise LookupError("the request declares no shell tool: %s" % sorted(tools))


def usage(body, output):
    prompt = max(1, len(json.dumps(body.get("input", []))) // 4)
    completion = 3 + len(json.dumps(output)) // 4
    return {"input_tokens": prompt, "input_tokens_details": {"cached_tokens": min(5, prompt)},
            "output_tokens": completion, "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": prompt + completion}


def output_items(body, turn):
    """The finished output items of this turn."""
    tools = declared(body)
    items = []
    if turn.get("text"):
        items.append({"id": "msg_" + uuid.uuid4().hex[:16], "type": "message", "status": "completed",
                      "role": "assistant", "content": [{"type": "output_text", "text": turn["text"], "annotations": []}]})
    calls = []
    shells = turn.get("shell", [])
    for command in [shells] if isinstance(shells, str) else shells:
        calls.append(shell_call(tools, command))
    for call in turn.get("tool_use", []):
        kind = "custom" if (tools.get(call["name"]) or {}).get("type") == "custom" else "function"
        calls.append((call["name"], kind, call["input"]))
    for name, kind, args in calls:
        n = SCRIPT.new_id()
        call_id = "call_%04d_%s" % (n, uuid.uuid4().hex[:8])
        if kind == "local_shell":
            items.append({"id": "lsh_" + uuid.uuid4().hex[:16], "type": "local_shell_call", "status": "completed",
                          "call_id": call_id, "action": args})
        elif kind == "custom":
            items.append({"id": "ctc_" + uuid.uuid4().hex[:16], "type": "custom_tool_call", "status": "completed",
                          "call_id": call_id, "name": name, "input": args if isinstance(args, str) else json.dumps(args)})
        else:
            items.append({"id": "fc_" + uuid.uuid4().hex[:16], "type": "function_call", "status": "completed",
                          "call_id": call_id, "name": name, "arguments": json.dumps(args)})
    return items


class Handler(JSONHandler):

    def do_GET(self):
        self.send_json(404, {"error": {"message": "no such route", "type": "invalid_request_error", "code": None}})

    def do_POST(self):
        body = self.read_json()
        path = self.path.split("?")[0]
        if not path.endswith("/responses"):
            self.send_json(404, {"error": {"message": "no such route", "type": "invalid_request_error", "code": None}})
            return
        main = main_loop_request(body)
        turn = SCRIPT.take() if main else {"text": "ok"}
        auth = self.headers.get("authorization") or ""
        SCRIPT.log({"path": path, "main_loop": main, "turn": turn,
                    "has_bearer": auth.startswith("Bearer ") and len(auth) > 10, "body": body})
        if "error" in turn:
            status = int(turn["error"])
            kind, code = {429: ("rate_limit_error", "rate_limit_exceeded"),
                          401: ("invalid_request_error", "invalid_api_key"),
                          400: ("invalid_request_error", None)}.get(status, ("server_error", None))
            self.send_json(status, {"error": {"message": "scripted %d" % status, "type": kind, "param": None, "code": code}},
                           {"retry-after": str(turn.get("retry_after", 0))} if status == 429 else None)
            return
        try:
            items = output_items(body, turn)
        except LookupError as e:
            self.send_json(400, {"error": {"message": str(e), "type": "invalid_request_error", "param": "tools", "code": None}})
            return
        response = {"id": "resp_" + uuid.uuid4().hex[:24], "object": "response", "created_at": int(time.time()),
                    "status": "completed", "error": None, "incomplete_details": None, "model": body.get("model", "scripted"),
                    "output": items, "parallel_tool_calls": body.get("parallel_tool_calls", False),
                    "usage": usage(body, items)}
        if not body.get("stream"):
            self.send_json(200, response)
            return
        self.start_event_stream()
        seq = [0]

        def event(kind, data):
            data = dict({"type": kind}, **data, sequence_number=seq[0])
            seq[0] += 1
            self.wfile.write(("event: %s\ndata: %s\n\n" % (kind, json.dumps(data))).encode())
            self.wfile.flush()

        pending = dict(response, status="in_progress", output=[], usage=None)
        event("response.created", {"response": pending})
        event("response.in_progress", {"response": pending})
        if turn.get("stall"):
            time.sleep(float(turn["stall"]))
            return
        if turn.get("failed"):
            error = {"code": turn["failed"], "message": turn.get("message", "scripted failure")}
            event("response.failed", {"response": dict(pending, status="failed", error=error)})
            return
        if turn.get("cut"):
            item = {"id": "msg_" + uuid.uuid4().hex[:16], "type": "message", "status": "in_progress", "role": "assistant", "content": []}
            event("response.output_item.added", {"output_index": 0, "item": item})
            event("response.content_part.added", {"item_id": item["id"], "output_index": 0, "content_index": 0,
                                                  "part": {"type": "output_text", "text": "", "annotations": []}})
            event("response.output_text.delta", {"item_id": item["id"], "output_index": 0, "content_index": 0, "delta": "Half a sen"})
            return
        for i, item in enumerate(items):
            ref = {"item_id": item["id"], "output_index": i}
            if item["type"] == "message":
                text = item["content"][0]["text"]
                event("response.output_item.added", {"output_index": i, "item": dict(item, status="in_progress", content=[])})
                event("response.content_part.added", dict(ref, content_index=0, part={"type": "output_text", "text": "", "annotations": []}))
                for k in range(0, len(text), 40):
                    event("response.output_text.delta", dict(ref, content_index=0, delta=text[k:k + 40]))
                event("response.output_text.done", dict(ref, content_index=0, text=text))
                event("response.content_part.done", dict(ref, content_index=0, part=item["content"][0]))
            elif item["type"] == "function_call":
                args = item["arguments"]
                event("response.output_item.added", {"output_index": i, "item": dict(item, status="in_progress", arguments="")})
                for k in range(0, len(args), 30):
                    event("response.function_call_arguments.delta", dict(ref, delta=args[k:k + 30]))
                event("response.function_call_arguments.done", dict(ref, arguments=args))
            elif item["type"] == "custom_tool_call":
                event("response.output_item.added", {"output_index": i, "item": dict(item, status="in_progress", input="")})
                event("response.custom_tool_call_input.delta", dict(ref, delta=item["input"]))
                event("response.custom_tool_call_input.done", dict(ref, input=item["input"]))
            else:
                event("response.output_item.added", {"output_index": i, "item": dict(item, status="in_progress")})
            event("response.output_item.done", {"output_index": i, "item": item})
        event("response.completed", {"response": response})


if __name__ == "__main__":
    serve(Handler, PORT_FILE)
