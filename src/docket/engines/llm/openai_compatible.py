"""An OpenAI-compatible chat-completions client and the LLM extraction engine built on it.

Works with OpenAI, vLLM, Ollama, llama.cpp's server and anything else that speaks
``POST {base_url}/chat/completions``. Answers are requested as structured output (a
``json_schema`` response format); 429 and 5xx answers and connection failures are retried with
exponential backoff (``Retry-After`` honoured); token usage is summed per run. Public model
names (``openai-gpt-4-1``) map to configured providers through :class:`ModelRegistry`; an
unconfigured name is an ``INVALID_CONFIGURATION`` error, never a silent fallback.
"""

from __future__ import annotations

import copy
import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from docket.domain.document import ParsedDocument
from docket.domain.extraction import EngineOutput, Usage
from docket.errors import InvalidConfiguration, ModelProviderError

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})

SYSTEM_PROMPT = (
    "You extract structured data from a document. Answer only with JSON that follows the "
    "given schema. Use null (or [] for lists) when the document does not state a value; never "
    "guess. Copy names, numbers and identifiers exactly as printed, except that dates are "
    "written yyyy-mm-dd and numbers as plain JSON numbers."
)


@dataclass(frozen=True)
class ProviderConfig:
    base_url: str
    api_key: str
    model: str


@dataclass
class ModelRegistry:
    """Public model name → provider. ``default`` serves any name mapped to ``"*"``."""

    providers: dict[str, ProviderConfig] = field(default_factory=dict)

    def resolve(self, name: str) -> ProviderConfig:
        cfg = self.providers.get(name) or self.providers.get("*")
        if cfg is None:
            known = ", ".join(sorted(k for k in self.providers if k != "*")) or "none"
            raise InvalidConfiguration(
                f"model {name!r} is not configured (configured: {known}); set "
                "DOCKET_LLM_BASE_URL and DOCKET_LLM_MODELS",
                model=name,
            )
        return cfg

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ModelRegistry:
        """``DOCKET_LLM_BASE_URL``, ``DOCKET_LLM_API_KEY`` and ``DOCKET_LLM_MODELS`` as
        ``public=provider-model`` pairs separated by commas (``*=llama3`` for any name)."""
        env = os.environ if env is None else env
        base = env.get("DOCKET_LLM_BASE_URL", "").strip()
        if not base:
            return cls()
        key = env.get("DOCKET_LLM_API_KEY", "")
        providers = {}
        for pair in env.get("DOCKET_LLM_MODELS", "").split(","):
            if "=" in pair:
                public, model = (p.strip() for p in pair.split("=", 1))
                providers[public] = ProviderConfig(base, key, model)
        return cls(providers)


class OpenAICompatibleClient:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        model: str,
        *,
        timeout: float = 120.0,
        max_retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def close(self) -> None:
        self._http.close()

    def chat_json(
        self, messages: list[dict[str, str]], schema: dict[str, Any], name: str = "extraction"
    ) -> tuple[dict[str, Any], Usage]:
        """One structured-output completion: the parsed JSON object and its usage."""
        body = {
            "model": self.model,
            "messages": messages,
            "temperature": 0,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": True},
            },
        }
        data = self._post("/chat/completions", body)
        try:
            content = data["choices"][0]["message"]["content"]
            parsed = parse_json_content(content)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            msg = f"the model answered something that is not JSON: {exc}"
            raise ModelProviderError(msg) from exc
        raw = data.get("usage") or {}
        usage = Usage(
            calls=1,
            prompt_tokens=int(raw.get("prompt_tokens") or 0),
            completion_tokens=int(raw.get("completion_tokens") or 0),
            total_tokens=int(raw.get("total_tokens") or 0),
        )
        return parsed, usage

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        url = self.base_url + path
        for attempt in range(self.max_retries + 1):
            last = attempt == self.max_retries
            try:
                resp = self._http.post(url, json=body)
            except httpx.TransportError as exc:
                if last:
                    raise ModelProviderError(f"cannot reach {url}: {exc}") from exc
                self._sleep(attempt, None)
                continue
            if resp.status_code in RETRY_STATUSES and not last:
                self._sleep(attempt, resp.headers.get("retry-after"))
                continue
            if resp.status_code >= 400:
                raise ModelProviderError(
                    f"{url} answered HTTP {resp.status_code}: {resp.text[:300]}",
                    status=resp.status_code,
                )
            try:
                out = resp.json()
            except ValueError as exc:
                raise ModelProviderError(f"{url} answered non-JSON") from exc
            if not isinstance(out, dict):
                raise ModelProviderError(f"{url} answered a non-object")
            return out
        raise ModelProviderError(f"{url}: retries exhausted")  # pragma: no cover

    def _sleep(self, attempt: int, retry_after: str | None) -> None:
        delay = self.backoff * (2**attempt)
        if retry_after and re.fullmatch(r"\d+(\.\d+)?", retry_after.strip()):
            delay = max(delay, float(retry_after))
        time.sleep(min(delay, self.max_backoff))


def parse_json_content(content: Any) -> dict[str, Any]:
    """The JSON object of a message, tolerating a Markdown code fence around it."""
    if isinstance(content, dict):
        return content
    text = str(content).strip()
    fence = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, re.S)
    if fence:
        text = fence.group(1)
    obj = json.loads(text)
    if not isinstance(obj, dict):
        raise ValueError("top-level JSON is not an object")
    return obj


def provider_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as strict structured-output endpoints accept it: Extend's extension keys
    (``extend:type``, ``extend:name``, ``extend:descriptions``) folded into descriptions."""
    out = copy.deepcopy(schema)
    _fold(out)
    return out


def _fold(node: dict[str, Any]) -> None:
    if "type" not in node and isinstance(node.get("enum"), list):
        node["type"] = ["string", "null"] if None in node["enum"] else "string"
    notes = []
    name = node.pop("extend:name", None)
    if name:
        notes.append(f"Shown as {name!r}.")
    ext = node.pop("extend:type", None)
    if ext == "date":
        notes.append("A date written yyyy-mm-dd.")
    elif ext == "currency":
        notes.append("An amount and its ISO 4217 currency code.")
    elif ext == "signature":
        notes.append("A signature block.")
    descs = node.pop("extend:descriptions", None)
    if isinstance(descs, list) and isinstance(node.get("enum"), list):
        pairs = [f"{v}: {d}" for v, d in zip(node["enum"], descs, strict=False) if v and d]
        if pairs:
            notes.append("Options: " + "; ".join(pairs))
    if notes:
        node["description"] = " ".join([str(node.get("description") or ""), *notes]).strip()
    for child in (node.get("properties") or {}).values():
        if isinstance(child, dict):
            _fold(child)
    if isinstance(node.get("items"), dict):
        _fold(node["items"])


def document_prompt(doc: ParsedDocument) -> str:
    """The document as page-tagged Markdown (pages let the model and the aligner agree)."""
    pages: dict[int, list[str]] = {}
    for b in doc.blocks:
        pages.setdefault(b.page, []).append(b.content or b.text)
    return "\n\n".join(
        f'<page number="{n}">\n' + "\n\n".join(parts) + "\n</page>"
        for n, parts in sorted(pages.items())
    )


class LlmExtractor:
    """``ExtractionEngine`` over a chat-completions client; values are grounded afterwards by
    the pipeline (exact → normalised → fuzzy → none)."""

    def __init__(self, client: OpenAICompatibleClient, *, max_chars: int = 40_000) -> None:
        self.client = client
        self.max_chars = max_chars
        self.name = f"llm:{client.model}"

    def extract(
        self, doc: ParsedDocument, schema: dict[str, Any], instructions: str | None = None
    ) -> EngineOutput:
        system = SYSTEM_PROMPT + (f"\n\nInstructions:\n{instructions}" if instructions else "")
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": document_prompt(doc)},
        ]
        value, usage = self.client.chat_json(messages, provider_schema(schema))
        return EngineOutput(value=value, usage=usage, grounded=False)
