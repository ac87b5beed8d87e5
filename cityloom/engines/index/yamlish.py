"""Read `pipeline.yaml`: PyYAML when installed, else a small parser for the subset we use.

The subset: block mappings and sequences by indentation, flow mappings `{a: 1}` and
sequences `[1, 2]` (nested), quoted strings, numbers, true/false, null/~, comments.
Anchors, multi-line strings and multiple documents are not supported (a clear error).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import DataFormatError

_INT = re.compile(r"^[-+]?\d+$")
_FLOAT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def load(text: str, *, file: str = "pipeline") -> Any:
    """Parse YAML text into plain Python values."""
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        return _Parser(text, file).parse()
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = None if mark is None else mark.line + 1
        raise DataFormatError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})", file=file, row=row
        ) from exc


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def scalar(token: str) -> Any:
    """A YAML 1.2 core-schema scalar."""
    t = token.strip()
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
        return t[1:-1]
    low = t.lower()
    if low in ("null", "~", ""):
        return None
    if low == "true":
        return True
    if low == "false":
        return False
    if _INT.match(t):
        return int(t)
    if _FLOAT.match(t):
        return float(t)
    if low in (".inf", "+.inf"):
        return float("inf")
    return t


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.file = file
        self.lines: list[tuple[int, int, str]] = []  # (line number, indent, content)
        for number, raw in enumerate(text.splitlines(), start=1):
            if "\t" in raw[: len(raw) - len(raw.lstrip())]:
                raise DataFormatError("tabs are not allowed for indentation", file=file, row=number)
            content = _strip_comment(raw)
            if content.strip() in ("", "---"):
                continue
            self.lines.append((number, len(content) - len(content.lstrip()), content.strip()))
        self.pos = 0

    def error(self, message: str, row: int | None = None) -> DataFormatError:
        return DataFormatError(message, file=self.file, row=row)

    def parse(self) -> Any:
        if not self.lines:
            return None
        value = self.block(self.lines[0][1])
        if self.pos < len(self.lines):
            raise self.error("unexpected indentation", self.lines[self.pos][0])
        return value

    def block(self, indent: int) -> Any:
        number, _ind, content = self.lines[self.pos]
        if content.startswith("- ") or content == "-":
            return self.sequence(indent)
        if self._key(content) is None:
            self.pos += 1
            return self.flow_value(content, number)
        return self.mapping(indent)

    def _key(self, content: str) -> tuple[str, str] | None:
        if content[:1] in "{[\"'":
            if content[:1] in "\"'":
                end = content.find(content[0], 1)
                if end > 0 and content[end + 1 : end + 2] == ":":
                    return content[1:end], content[end + 2 :].strip()
            return None
        m = re.match(r"^([^:]+?):(\s+|$)(.*)$", content)
        if not m:
            return None
        return m.group(1).strip(), m.group(3).strip()

    def mapping(self, indent: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self.pos < len(self.lines):
            number, ind, content = self.lines[self.pos]
            if ind < indent:
                break
            if ind > indent:
                raise self.error("unexpected indentation", number)
            kv = self._key(content)
            if kv is None:
                raise self.error(f"expected 'key: value', got {content!r}", number)
            key, rest = kv
            if key in out:
                raise self.error(f"duplicate key {key!r}", number)
            self.pos += 1
            if rest:
                out[key] = self.flow_value(rest, number)
            elif self.pos < len(self.lines) and (
                self.lines[self.pos][1] > indent
                or (self.lines[self.pos][1] == indent and self.lines[self.pos][2].startswith("-"))
            ):
                out[key] = self.block(self.lines[self.pos][1])
            else:
                out[key] = None
        return out

    def sequence(self, indent: int) -> list[Any]:
        out: list[Any] = []
        while self.pos < len(self.lines):
            number, ind, content = self.lines[self.pos]
            if ind != indent or not (content.startswith("- ") or content == "-"):
                break
            item = content[1:].strip()
            if not item:
                self.pos += 1
                out.append(
                    self.block(self.lines[self.pos][1]) if self.pos < len(self.lines) else None
                )
            elif self._key(item) is not None:
                # "- key: value" starts a mapping indented at the item's column.
                self.lines[self.pos] = (number, ind + 2, item)
                out.append(self.mapping(ind + 2))
            else:
                self.pos += 1
                out.append(self.flow_value(item, number))
        return out

    def flow_value(self, text: str, number: int) -> Any:
        value, rest = self._flow(text.strip(), number)
        if rest.strip():
            raise self.error(f"unexpected text {rest.strip()!r}", number)
        return value

    def _flow(self, text: str, number: int) -> tuple[Any, str]:
        text = text.lstrip()
        if text.startswith("{"):
            out: dict[str, Any] = {}
            text = text[1:].lstrip()
            while not text.startswith("}"):
                key, text = self._flow_token(text, number, ":")
                if not text.startswith(":"):
                    raise self.error("expected ':' in a {...} mapping", number)
                value, text = self._flow(text[1:], number)
                out[str(scalar(key)) if not isinstance(key, str) else key] = value
                text = text.lstrip()
                if text.startswith(","):
                    text = text[1:].lstrip()
                elif not text.startswith("}"):
                    raise self.error("expected ',' or '}'", number)
            return out, text[1:]
        if text.startswith("["):
            items: list[Any] = []
            text = text[1:].lstrip()
            while not text.startswith("]"):
                value, text = self._flow(text, number)
                items.append(value)
                text = text.lstrip()
                if text.startswith(","):
                    text = text[1:].lstrip()
                elif not text.startswith("]"):
                    raise self.error("expected ',' or ']'", number)
            return items, text[1:]
        token, text = self._flow_token(text, number, ",}]")
        return scalar(token), text

    def _flow_token(self, text: str, number: int, stops: str) -> tuple[str, str]:
        text = text.lstrip()
        if text[:1] in "\"'":
            end = text.find(text[0], 1)
            if end < 0:
                raise self.error("unterminated quoted string", number)
            return text[: end + 1], text[end + 1 :].lstrip()
        i = 0
        while i < len(text):
            ch = text[i]
            if ch in stops and (ch != ":" or i + 1 == len(text) or text[i + 1] in " ,}]"):
                break
            if ch in ",}]" and ":" in stops:
                break
            i += 1
        token = text[:i].strip()
        if ":" in stops:
            return token, text[i:]
        return token, text[i:]
