"""The condition vocabulary: each YAML condition compiles once into a small callable that explains itself.

A condition takes a Context and returns (held, detail): `detail` is what the explanation shows,
for example the words that matched or the score that was compared.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from monitor.models import Mention, Scores
from rules import when
from rules.normalize import fold


class RuleError(ValueError):
    """A rule that cannot be compiled; `path` names the place inside the rule."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class Context:
    mention: Mention
    scores: Scores


Check = Callable[[Context], tuple[bool, str]]


def compile_condition(spec: Any, path: str) -> Check:
    """Compile one condition mapping; several keys in one mapping must all hold."""
    if not isinstance(spec, dict) or not spec:
        raise RuleError(path, "a condition is a mapping such as {terms: {any: [...]}}")
    checks = []
    for key, value in spec.items():
        factory = _VOCABULARY.get(key)
        if factory is None:
            raise RuleError(f"{path}.{key}", f"unknown condition; known: {', '.join(sorted(_VOCABULARY))}")
        checks.append(factory(value, f"{path}.{key}"))
    return checks[0] if len(checks) == 1 else _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    def check(ctx: Context) -> tuple[bool, str]:
        details = []
        for c in checks:
            held, detail = c(ctx)
            if not held:
                return False, detail
            details.append(detail)
        return True, "; ".join(details)
    return check


def _combinator_all(value, path):
    return _all_of(_compile_list(value, path))


def _combinator_any(value, path):
    checks = _compile_list(value, path)

    def check(ctx):
        for c in checks:
            held, detail = c(ctx)
            if held:
                return True, detail
        return False, "none of any[] held"
    return check


def _combinator_not(value, path):
    inner = compile_condition(value, path)

    def check(ctx):
        held, detail = inner(ctx)
        return (not held), f"not ({detail})"
    return check


def _compile_list(value, path) -> list[Check]:
    if not isinstance(value, list) or not value:
        raise RuleError(path, "expects a non-empty list of conditions")
    return [compile_condition(item, f"{path}[{i}]") for i, item in enumerate(value)]


def _range(getter: Callable[[Context], float | None], label: str,
           because: Callable[[Context], list[str]] | None = None):
    """A number within bounds. `because` names what moved the number (the words behind a polarity,
    the cues behind a complaint score) so the explanation shows them."""
    def factory(value, path):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = {"min": value}
        if not isinstance(value, dict) or not set(value) <= {"min", "max"} or not value:
            raise RuleError(path, "expects {min: N, max: N} (either or both)")
        for bound in value.values():
            if isinstance(bound, bool) or not isinstance(bound, (int, float)):
                raise RuleError(path, f"bounds must be numbers, got {bound!r}")
        low, high = value.get("min"), value.get("max")

        def check(ctx):
            actual = getter(ctx)
            if actual is None:
                return False, f"{label} unknown"
            held = (low is None or actual >= low) and (high is None or actual <= high)
            reasons = because(ctx) if because and held else None     # only a held condition is shown
            return held, f"{label}={actual:.2f}" + (f" ({', '.join(reasons[:8])})" if reasons else "")
        return check
    return factory


def _one_of(getter: Callable[[Context], str | None], label: str):
    def factory(value, path):
        allowed = [value] if isinstance(value, str) else value
        if not isinstance(allowed, list) or not all(isinstance(v, str) for v in allowed):
            raise RuleError(path, "expects a name or a list of names")

        def check(ctx):
            actual = getter(ctx)
            return actual in allowed, f"{label}={actual}"
        return check
    return factory


def _one_of_many(getter: Callable[[Context], set[str]], label: str):
    """Holds when any of the named categories is present, e.g. cues: [delay, non_delivery]."""
    def factory(value, path):
        wanted = [value] if isinstance(value, str) else value
        if not isinstance(wanted, list) or not all(isinstance(v, str) for v in wanted) or not wanted:
            raise RuleError(path, "expects a name or a list of names")

        def check(ctx):
            present = getter(ctx)
            found = [(w, present[w]) if isinstance(present, dict) else (w, "") for w in wanted if w in present]
            return bool(found), f"{label}: " + (", ".join(f"{w} ({why!r})" if why else w for w, why in found) or "none")
        return check
    return factory


def _flag(getter: Callable[[Context], bool], label: str):
    def factory(value, path):
        if not isinstance(value, bool):
            raise RuleError(path, "expects true or false")

        def check(ctx):
            actual = getter(ctx)
            return actual == value, f"{label}={'yes' if actual else 'no'}"
        return check
    return factory


def compile_term(term: str, path: str) -> re.Pattern:
    """A term is a word or phrase matched on word boundaries after normalisation.

    `re:` starts a regular expression; a trailing `*` matches any ending (Persian and Arabic
    attach suffixes to words: تاخیر* matches تاخیرها).
    """
    if not isinstance(term, str) or not term.strip():
        raise RuleError(path, "a term is a non-empty string")
    if term.startswith("re:"):
        try:
            return re.compile(term[3:], re.IGNORECASE)
        except re.error as exc:
            raise RuleError(path, f"bad regular expression {term[3:]!r}: {exc}") from exc
    stem = term.endswith("*")
    words = fold(term.rstrip("*")).split()
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w){body}" + (r"\w*" if stem else r"(?!\w)"))


def _terms(value, path):
    if isinstance(value, list):
        value = {"any": value}
    if not isinstance(value, dict) or not value or not set(value) <= {"any", "all", "none"}:
        raise RuleError(path, "expects a list of terms or {any: [...], all: [...], none: [...]}")
    compiled = {}
    for mode, terms in value.items():
        if not isinstance(terms, list) or not terms:
            raise RuleError(f"{path}.{mode}", "expects a non-empty list of terms")
        compiled[mode] = [compile_term(t, f"{path}.{mode}[{i}]") for i, t in enumerate(terms)]
    # any/none need only "is one of them here": one combined pattern scans the text once.
    any_of = _union(compiled.get("any"))
    none_of = _union(compiled.get("none"))
    all_of = compiled.get("all", [])

    def check(ctx):
        text = ctx.scores.normalized
        words = []
        if any_of is not None:
            words = list(dict.fromkeys(m.group(0) for m in any_of.finditer(text)))
            if not words:
                return False, "no term matched"
        for pattern in all_of:
            m = pattern.search(text)
            if not m:
                return False, "not all terms present"
            words.append(m.group(0))
        if none_of is not None and (m := none_of.search(text)):
            return False, f"excluded term {m.group(0)!r}"
        return True, "terms: " + ", ".join(repr(w) for w in words)
    return check


def _union(patterns: list[re.Pattern] | None) -> re.Pattern | None:
    if not patterns:
        return None
    flags = re.IGNORECASE if any(p.flags & re.IGNORECASE for p in patterns) else 0
    bounded = "(?<!\\w)"
    if all(p.pattern.startswith(bounded) for p in patterns):
        # The word-start check is factored out, so the alternatives are tried only where a word
        # begins: one cheap test per position instead of one per term.
        return re.compile(bounded + "(?:" + "|".join(p.pattern[len(bounded):] for p in patterns) + ")", flags)
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), flags)


def _quoted(evidence: list[str]) -> list[str]:
    """Customer words quoted as the terms condition quotes them (the dashboard highlights what is
    quoted); the scorer's own notes ("VADER lexicon -0.51: ...") stay as they are."""
    return [e if e.startswith("VADER") else repr(e) for e in evidence]


_VOCABULARY: dict[str, Callable[[Any, str], Check]] = {
    "all": _combinator_all,
    "any": _combinator_any,
    "not": _combinator_not,
    "terms": _terms,
    "sentiment": _range(lambda c: c.scores.sentiment.polarity, "sentiment",
                        lambda c: _quoted(c.scores.sentiment.evidence)),
    "subjectivity": _range(lambda c: c.scores.sentiment.subjectivity, "subjectivity"),
    "complaint_score": _range(lambda c: c.scores.complaint, "complaint_score",
                              lambda c: [cue.split(":", 1)[0] for cue in c.scores.cues]
                              + _quoted(c.scores.sentiment.evidence)),
    # The team's own model (rules/learning.py); unknown until it has been trained on enough verdicts.
    "learned": _range(lambda c: c.scores.extra.get("learned"), "learned"),
    "rating": _range(lambda c: c.mention.rating, "rating"),
    "followers": _range(lambda c: c.mention.author.followers, "followers"),
    "lang": _one_of(lambda c: c.scores.lang, "lang"),
    "source": _one_of(lambda c: c.mention.source, "source"),
    "question": _flag(lambda c: c.scores.is_question, "question"),
    "addressed": _flag(lambda c: c.scores.addressed, "addressed to an account"),
    "cues": _one_of_many(lambda c: dict(cue.split(":", 1) for cue in c.scores.cues), "cues"),
    "reply": when.reply,
    "engagement": when.engagement,
    "time_of_day": when.time_of_day,
    "day_of_week": when.day_of_week,
}
