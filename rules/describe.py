"""Rules in a line each, for people: the condition as written, the actions in words."""
from __future__ import annotations

from typing import Any

TERMS_SHOWN = 6          # a long term list is cut: the rule file has the rest
LABELS = {"complaint_score": "complaint score", "addressed": "addressed to an account"}


def describe_condition(spec: Any, nested: bool = False) -> str:
    """`nested` puts a compound condition in parentheses, so and/or read unambiguously."""
    if not isinstance(spec, dict):
        return str(spec)
    parts = [_one(key, value, nested or len(spec) > 1) for key, value in spec.items()]
    return parts[0] if len(parts) == 1 else _group(parts, "and", nested)


def _group(parts: list[str], word: str, nested: bool) -> str:
    text = f" {word} ".join(parts)
    return f"({text})" if nested and len(parts) > 1 else text


def _one(key: str, value: Any, nested: bool) -> str:
    if key in ("all", "any"):
        inner = [describe_condition(v, nested=True) for v in value]
        return _group(inner, "and" if key == "all" else "or", nested)
    if key == "not":
        return f"not {describe_condition(value, nested=True)}"
    if key == "terms":
        return _terms(value)
    label = LABELS.get(key, key)
    if isinstance(value, dict) and set(value) <= {"min", "max"}:
        return " and ".join(f"{label} {'≥' if bound == 'min' else '≤'} {value[bound]}" for bound in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{label} ≥ {value}"
    if isinstance(value, bool):
        return label if value else f"not {label}"
    if isinstance(value, list):
        return f"{label} in [{', '.join(map(str, value))}]"
    return f"{label} = {value}"


def _terms(value: Any) -> str:
    modes = {"any": value} if isinstance(value, list) else value
    out = []
    for mode, terms in modes.items():
        # Each term in a Unicode isolate (FSI … PDI): a Persian term among English words keeps its place.
        shown = ", ".join(f"“\u2068{t}\u2069”" for t in terms[:TERMS_SHOWN])
        more = f" … (+{len(terms) - TERMS_SHOWN})" if len(terms) > TERMS_SHOWN else ""
        out.append(f"{ {'any': 'any of', 'all': 'all of', 'none': 'none of'}[mode] } terms {shown}{more}")
    return " and ".join(out)


def describe_actions(actions: dict[str, Any]) -> str:
    if actions.get("suppress"):
        words = ["suppress (never a complaint)"]
    elif "complaint" in actions:
        words = ["complaint" if actions["complaint"] else "not a complaint"]
    else:
        words = []
    if "priority" in actions:
        words.append(f"priority {actions['priority']}")
    if "respond_within" in actions:
        words.append(f"answer within {_duration(actions['respond_within'])}")
    if "team" in actions:
        words.append(f"team {actions['team']}")
    if actions.get("tags"):
        words.append("tags " + ", ".join(actions["tags"]))
    return "; ".join(words) or "no action"


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
