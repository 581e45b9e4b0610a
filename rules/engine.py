"""Rules compiled once from YAML into predicates plus actions, evaluated in order.

Evaluation order: rules run top to bottom. A rule that matches applies its actions to the
verdict; evaluation stops at the first matching rule unless that rule says `continue: true`,
in which case later rules may add tags or override what it set. No rule matched: not a complaint.
A rule that crashes at run time is disabled, recorded in `failing`, and the others go on.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from monitor.models import Author, Mention, Scores, Verdict
from monitor.noise.realert import RealertError, RealertLimit, parse_realert
from rules.analyze import analyze
from rules.conditions import Check, Context, RuleError, compile_condition
from rules.durations import parse_duration

log = logging.getLogger("monitor.rules")

_RULE_KEYS = {"name", "when", "then", "continue", "examples", "description", "enabled", "realert"}
_ACTION_KEYS = {"complaint", "priority", "respond_within", "team", "tags", "suppress"}
PRIORITIES = ("urgent", "high", "normal", "low")


@dataclass
class Rule:
    name: str
    check: Check
    actions: dict[str, Any]
    cont: bool = False
    examples: dict[str, list["Example"]] = field(default_factory=dict)
    line: int | None = None
    description: str = ""
    when: Any = None             # the condition as written, for showing it (rules/describe.py)
    realert: RealertLimit | None = None    # at most N alerts per period that page anyone, per key


@dataclass
class RuleSet:
    rules: list[Rule]
    default_respond_within: int = 3600
    default_team: str = "support"
    failing: dict[str, str] = field(default_factory=dict)  # rule name -> last error

    def evaluate(self, mention: Mention, scores: Scores) -> Verdict:
        verdict = Verdict(complaint=False, respond_within=self.default_respond_within,
                          team=self.default_team, lang=scores.lang,
                          sentiment=scores.sentiment.polarity, complaint_score=scores.complaint)
        ctx = Context(mention, scores)
        for rule in self.rules:
            if rule.name in self.failing:
                continue
            try:
                held, detail = rule.check(ctx)
            except Exception as exc:  # one broken rule must not stop the others
                self.failing[rule.name] = f"{type(exc).__name__}: {exc}"
                log.error("rule.failed rule=%s line=%s error=%r", rule.name, rule.line, str(exc))
                continue
            if not held:
                continue
            _apply(verdict, rule, detail)
            if not rule.cont:
                break
        return verdict

    def classify_text(self, text: str, lang: str | None = None, source: str = "classify") -> Verdict:
        mention = Mention(source=source, native_id="-", text=text, lang=lang,
                          published_at=datetime.now(timezone.utc))
        return self.evaluate(mention, analyze(text, lang))

    def example_results(self) -> list[tuple[Rule, str, str, bool]]:
        """(rule, "match" or "no_match", text, passed) for every example, checked through the whole
        rule set as the daemon would see them: an earlier rule that stops evaluation can fail one."""
        results = []
        for rule in self.rules:
            for want in ("match", "no_match"):
                for text in rule.examples.get(want, []):
                    mention = text.mention()      # compiled examples are always Example
                    fired = rule.name in self.evaluate(mention, analyze(str(text))).rules
                    results.append((rule, want, text, fired == (want == "match")))
        return results

    def example_failures(self) -> list[str]:
        failures = []
        for rule, want, text, passed in self.example_results():
            if not passed:
                verb = "should fire but did not" if want == "match" else "fired but should not"
                failures.append(f"rule {rule.name!r} (line {rule.line}): {verb} on example {text!r}")
        return failures


def _apply(verdict: Verdict, rule: Rule, detail: str) -> None:
    a = rule.actions
    if "complaint" in a:
        verdict.complaint = a["complaint"]
    if a.get("suppress"):
        verdict.suppressed, verdict.complaint = True, False
    for key in ("priority", "respond_within", "team"):
        if key in a:
            setattr(verdict, key, a[key])
    if "respond_within" in a:
        verdict.respond_within_set = True
    verdict.tags += [t for t in a.get("tags", []) if t not in verdict.tags]
    verdict.rules.append(rule.name)
    verdict.explanation.append({"rule": rule.name, "held": detail})


def compile_rules(specs: list[dict], *, default_respond_within: int = 3600,
                  default_team: str = "support", lines: dict[int, int] | None = None,
                  path: str = "rules") -> tuple[RuleSet, list[RuleError]]:
    """Compile every rule; return the set and every error (bad rules are left out of the set)."""
    rules, errors, names = [], [], set()
    for i, spec in enumerate(specs or []):
        where = f"{path}[{i}]"
        try:
            rule = _compile_rule(spec, where)
        except RuleError as exc:
            errors.append(exc)
            continue
        if rule.name in names:
            errors.append(RuleError(f"{where}.name", f"duplicate rule name {rule.name!r}"))
            continue
        names.add(rule.name)
        rule.line = (lines or {}).get(i)
        rules.append(rule)
    return RuleSet(rules, default_respond_within, default_team), errors


def _compile_rule(spec: Any, where: str) -> Rule:
    if not isinstance(spec, dict):
        raise RuleError(where, "a rule is a mapping with name, when, then")
    unknown = set(spec) - _RULE_KEYS
    if unknown:
        raise RuleError(f"{where}.{sorted(unknown)[0]}", f"unknown key; known: {', '.join(sorted(_RULE_KEYS))}")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise RuleError(f"{where}.name", "every rule needs a name")
    if "when" not in spec:
        raise RuleError(f"{where}.when", "missing: the condition that makes the rule fire")
    check = compile_condition(spec["when"], f"{where}.when")
    actions = _compile_actions(spec.get("then", {}), f"{where}.then")
    examples = _compile_examples(spec.get("examples", {}), f"{where}.examples")
    cont = spec.get("continue", False)
    if not isinstance(cont, bool):
        raise RuleError(f"{where}.continue", "expects true or false")
    description = spec.get("description") or ""
    return Rule(name, check, actions, cont, examples, description=str(description), when=spec["when"],
                realert=_compile_realert(spec.get("realert"), where))


def _compile_realert(value: Any, where: str) -> RealertLimit | None:
    if value is None:
        return None
    try:
        return parse_realert(value)
    except RealertError as exc:
        raise RuleError(f"{where}.realert" + (f".{exc.field}" if exc.field else ""), exc.message) from exc


def _compile_actions(then: Any, where: str) -> dict[str, Any]:
    if not isinstance(then, dict):
        raise RuleError(where, "expects a mapping of actions")
    unknown = set(then) - _ACTION_KEYS
    if unknown:
        raise RuleError(f"{where}.{sorted(unknown)[0]}", f"unknown action; known: {', '.join(sorted(_ACTION_KEYS))}")
    actions = dict(then)
    for flag in ("complaint", "suppress"):
        if flag in actions and not isinstance(actions[flag], bool):
            raise RuleError(f"{where}.{flag}", "expects true or false")
    if "priority" in actions and actions["priority"] not in PRIORITIES:
        raise RuleError(f"{where}.priority", f"expects one of {', '.join(PRIORITIES)}")
    if "respond_within" in actions:
        try:
            actions["respond_within"] = parse_duration(actions["respond_within"])
        except ValueError as exc:
            raise RuleError(f"{where}.respond_within", str(exc)) from exc
    if "team" in actions and not isinstance(actions["team"], str):
        raise RuleError(f"{where}.team", "expects a team name")
    tags = actions.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise RuleError(f"{where}.tags", "expects a list of strings")
    return actions


class Example(str):
    """An example's text (it shows and serialises as the text), with the post around it, if given:
    {text: ..., posted: 2026-03-06T23:30:00+03:30, engagement: {likes: 40}, reply_to: "123",
    source: x, rating: 1, followers: 5000}. Rules about time or reach need that to be checkable."""
    post: dict

    def __new__(cls, text: str, post: dict | None = None):
        example = super().__new__(cls, text)
        example.post = post or {}
        return example

    def mention(self) -> Mention:
        post = self.post
        published = post.get("posted") or datetime.now(timezone.utc)
        return Mention(source=str(post.get("source", "example")), native_id="-", text=str(self),
                       published_at=published, rating=post.get("rating"), reply_to=post.get("reply_to"),
                       engagement=dict(post.get("engagement") or {}),
                       author=Author(followers=post.get("followers")))


_EXAMPLE_KEYS = {"text", "posted", "engagement", "reply_to", "source", "rating", "followers"}


def _compile_examples(examples: Any, where: str) -> dict[str, list[Example]]:
    if not isinstance(examples, dict) or not set(examples) <= {"match", "no_match"}:
        raise RuleError(where, "expects {match: [...], no_match: [...]}")
    compiled = {}
    for key, items in examples.items():
        if not isinstance(items, list):
            raise RuleError(f"{where}.{key}", "expects a list of texts")
        compiled[key] = [_example(item, f"{where}.{key}[{i}]") for i, item in enumerate(items)]
    return compiled


def _example(item: Any, where: str) -> Example:
    if isinstance(item, str):
        return Example(item)
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise RuleError(where, "an example is a text, or a mapping with `text` and the post around it")
    unknown = set(item) - _EXAMPLE_KEYS
    if unknown:
        raise RuleError(f"{where}.{sorted(unknown)[0]}", f"unknown key; known: {', '.join(sorted(_EXAMPLE_KEYS))}")
    post = {k: v for k, v in item.items() if k != "text"}
    if "posted" in post:
        posted = post["posted"]
        if isinstance(posted, str):
            try:
                posted = datetime.fromisoformat(posted)
            except ValueError:
                raise RuleError(f"{where}.posted", f"expects a date and time like 2026-03-06T23:30:00+03:30, "
                                                    f"got {posted!r}") from None
        if not isinstance(posted, datetime) or posted.tzinfo is None:
            raise RuleError(f"{where}.posted", "expects a date and time with its offset, like 2026-03-06T23:30:00+03:30")
        post["posted"] = posted
    if "engagement" in post and not (isinstance(post["engagement"], dict) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in post["engagement"].values())):
        raise RuleError(f"{where}.engagement", "expects counts such as {likes: 40, replies_count: 3}")
    return Example(item["text"], post)
