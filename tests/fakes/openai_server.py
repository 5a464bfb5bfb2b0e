"""A fake LLM: a real HTTP server speaking OpenAI's chat-completions protocol on 127.0.0.1.

Tests script its answers (a fixed object, or a function of the request) and failures (a queue
of HTTP statuses served before the next real answer), and read back every request it got, so
the production client runs unchanged over a real socket.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[dict[str, Any]], Any]


@dataclass
class FakeLLM:
    answer: Responder = field(default=lambda req: {})
    failures: list[int] = field(default_factory=list)  # statuses to serve first, in order
    api_key: str = "test-key"
    requests: list[dict[str, Any]] = field(default_factory=list)
    raw_content: bool = False  # answer() returns the message content string itself
    base_url: str = ""

    def respond(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.requests.append(body)
        if self.failures:
            status = self.failures.pop(0)
            return status, {"error": {"message": f"scripted {status}", "type": "server_error"}}
        value = self.answer(body)
        content = value if self.raw_content else json.dumps(value)
        prompt = sum(len(str(m.get("content", ""))) for m in body.get("messages", [])) // 4
        completion = max(1, len(str(content)) // 4)
        return 200, {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", ""),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
            },
        }


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": "not found"}})
                return
            if self.headers.get("Authorization") != f"Bearer {fake.api_key}":
                self._send(401, {"error": {"message": "bad key", "type": "invalid_request"}})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._send(400, {"error": {"message": "bad json"}})
                return
            status, payload = fake.respond(body)
            self._send(status, payload)

    return Handler


@contextmanager
def serve(fake: FakeLLM) -> Iterator[FakeLLM]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
