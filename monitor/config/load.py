"""Load settings.yaml: parse, resolve secrets, validate everything, and report every error at once."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from monitor.config.errors import ConfigError, ConfigIssue
from monitor.config.schema import NotifierSettings, Settings, SourceSettings
from monitor.config.yamlfile import YamlSyntaxError, dotted, line_of, load_yaml
from rules.engine import RuleSet, compile_rules


@dataclass
class Configured:
    """A source or notifier with its common settings and its kind's own validated options."""
    common: SourceSettings | NotifierSettings
    options: BaseModel


@dataclass
class LoadedConfig:
    path: Path
    settings: Settings
    ruleset: RuleSet
    sources: list[Configured] = field(default_factory=list)
    notifiers: list[Configured] = field(default_factory=list)

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def load_settings(path: str | os.PathLike, *, check_examples: bool = True,
                  environ: dict[str, str] | None = None) -> LoadedConfig:
    """Everything or nothing: returns a validated configuration or raises ConfigError listing all issues."""
    path = Path(path)
    filename = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([ConfigIssue("(file)", f"cannot read settings: {exc.__class__.__name__}: {exc}", None, filename)]) from exc
    try:
        data, lines = load_yaml(text, filename)
    except YamlSyntaxError as exc:
        raise ConfigError([exc.issue]) from exc
    if data is None:
        data = {}
    issues: list[ConfigIssue] = []

    def issue(loc: tuple, message: str) -> None:
        issues.append(ConfigIssue(dotted(loc), message, line_of(lines, loc), filename))

    if not isinstance(data, dict):
        issue((), "the settings file must be a mapping (brands:, sources:, rules: ...)")
        raise ConfigError(issues)
    data = _resolve_env(data, (), environ if environ is not None else os.environ, issue)
    # Sources and notifiers are validated entry by entry, so one bad entry hides no other error.
    raw_sources = data.pop("sources", None) or []
    raw_notifiers = data.pop("notifiers", None) or []
    settings = _validate_sections(data, issue)
    sources = _configure(raw_sources, "sources", SourceSettings, _connector_registry(), issue)
    notifiers = _configure(raw_notifiers, "notifiers", NotifierSettings, _notifier_registry(), issue)
    if settings is None or issues:
        _check_references(settings or _partial(data), raw_notifiers, issue)
        raise ConfigError(issues)
    settings.sources = [c.common for c in sources]
    settings.notifiers = [c.common for c in notifiers]
    _check_unique_names(settings, issue)
    _check_references(settings, raw_notifiers, issue)
    ruleset = _load_rules(settings, path.parent, lines, filename, issues)
    _check_silences(settings, ruleset, issue)
    if not issues and check_examples:
        for failure in ruleset.example_failures():
            issues.append(ConfigIssue("rules", failure, None, filename))
    if issues:
        raise ConfigError(issues)
    return LoadedConfig(path, settings, ruleset, sources, notifiers)


def _message(err: dict) -> str:
    # Pydantic's message only; never the input value, which may be a secret.
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    elif err["type"] == "missing":
        msg = "required key is missing"
    return msg


def _resolve_env(value: Any, loc: tuple, environ, issue) -> Any:
    """Replace {env: NAME} with the variable's value. Disabled entries are left unresolved."""
    if isinstance(value, dict):
        if set(value) == {"env"} and isinstance(value["env"], str):
            name = value["env"]
            if name not in environ:
                issue(loc, f"environment variable {name} is not set")
                return None
            return environ[name]
        if value.get("enabled") is False:
            return value
        return {k: _resolve_env(v, loc + (k,), environ, issue) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_env(v, loc + (i,), environ, issue) for i, v in enumerate(value)]
    return value


def _configure(entries, section: str, common_model, registry: dict[str, Any], issue) -> list[Configured]:
    """Validate each entry's common keys and its kind's own options (a disabled entry: common keys only)."""
    configured = []
    if not isinstance(entries, list):
        issue((section,), "expects a list")
        return configured
    for i, raw in enumerate(entries):
        loc = (section, i)
        try:
            entry = common_model.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                issue(loc + tuple(err["loc"]), _message(err))
            entry = common_model.model_construct(**raw) if isinstance(raw, dict) else None
            if entry is None or not isinstance(getattr(entry, "kind", None), str):
                continue
        cls = registry.get(entry.kind)
        if cls is None:
            issue(loc + ("kind",), f"unknown kind {entry.kind!r}; known: {', '.join(sorted(registry))}")
            continue
        options_raw = {k: v for k, v in raw.items() if k not in common_model.model_fields}
        if raw.get("enabled") is False:
            continue
        try:
            options = cls.Options.model_validate(options_raw)
        except ValidationError as exc:
            for err in exc.errors():
                issue(loc + tuple(err["loc"]), _message(err))
            continue
        configured.append(Configured(entry, options))
    return configured


def _check_unique_names(settings: Settings, issue) -> None:
    for section in ("sources", "notifiers", "teams"):
        seen = set()
        for i, entry in enumerate(getattr(settings, section)):
            if entry.name in seen:
                issue((section, i, "name"), f"duplicate name {entry.name!r}")
            seen.add(entry.name)


def _validate_sections(data: dict, issue) -> Settings | None:
    """Each top-level section on its own, so an error in one hides no error in another."""
    for key in data:
        if key not in Settings.model_fields:
            issue((key,), "unknown key")
    ok = True
    for name, info in Settings.model_fields.items():
        if name in data:
            try:
                TypeAdapter(info.annotation).validate_python(data[name])
            except ValidationError as exc:
                ok = False
                for err in exc.errors():
                    issue((name,) + tuple(err["loc"]), _message(err))
    return Settings.model_validate(data) if ok and all(k in Settings.model_fields for k in data) else None


def _partial(data: dict):
    """The sections that validate on their own (defaults for absent ones), for cross-checks when
    another section failed: a wrong notifier name is reported in the same run."""
    holder = type("Partial", (), {})()
    for name in ("sla", "storm", "source_silence"):
        try:
            value = (TypeAdapter(Settings.model_fields[name].annotation).validate_python(data[name]) if name in data
                     else Settings.model_fields[name].default)
        except ValidationError:
            continue
        setattr(holder, name, value)
    return holder


def _check_references(settings, raw_notifiers: list, issue) -> None:
    """Names used in one section must exist in another: a typo must not silently page nobody."""
    if settings is None:
        return
    known = {n.get("name") for n in raw_notifiers if isinstance(n, dict)}
    sla = getattr(settings, "sla", None)
    for i, level in enumerate(sla.escalation if sla else []):
        for j, name in enumerate(level.notify):
            if name not in known:
                issue(("sla", "escalation", i, "notify", j), f"no notifier named {name!r}")
    for section in ("storm", "source_silence"):
        for j, name in enumerate(getattr(getattr(settings, section, None), "notify", [])):
            if name not in known:
                issue((section, "notify", j), f"no notifier named {name!r}")


def _check_silences(settings: Settings, ruleset: RuleSet, issue) -> None:
    """A silence naming a rule, source or team that does not exist would silently silence nothing."""
    known = {"rule": {r.name for r in ruleset.rules}, "source": {s.name for s in settings.sources},
             "team": {t.name for t in settings.teams}}
    for i, silence in enumerate(settings.silences):
        for field, names in known.items():
            value = getattr(silence, field)
            if value is not None and value not in names:
                issue(("silences", i, field), f"no {field} named {value!r}")


def _load_rules(settings: Settings, base: Path, lines, filename: str, issues: list[ConfigIssue]) -> RuleSet:
    specs: list[Any] = []
    places: list[tuple[str, dict, tuple]] = []   # per rule: file, line map, path in that file
    for i, spec in enumerate(settings.rules):
        specs.append(spec)
        places.append((filename, lines, ("rules", i)))
    for i, rel in enumerate(settings.rule_files):
        rule_path = (base / rel)
        try:
            data, file_lines = load_yaml(rule_path.read_text(encoding="utf-8"), str(rule_path))
        except YamlSyntaxError as exc:
            issues.append(exc.issue)
            continue
        except OSError as exc:
            issues.append(ConfigIssue(f"rule_files[{i}]", f"cannot read {rel}: {exc.strerror}", line_of(lines, ("rule_files", i)), filename))
            continue
        if not isinstance(data, list):
            issues.append(ConfigIssue("(top)", "a rule file is a YAML list of rules", 1, str(rule_path)))
            continue
        for j, spec in enumerate(data):
            specs.append(spec)
            places.append((str(rule_path), file_lines, (j,)))
    rule_lines = {k: line_of(place[1], place[2]) for k, place in enumerate(places)}
    ruleset, errors = compile_rules(specs, default_respond_within=settings.sla.respond_within,
                                    default_team=settings.teams[0].name if settings.teams else "support",
                                    lines=rule_lines)
    for err in errors:
        index, rest = _split_rule_path(err.path)
        file, file_lines, prefix = places[index]
        loc = prefix + rest
        issues.append(ConfigIssue(dotted(loc), err.message, line_of(file_lines, loc), file))
    return ruleset


def _split_rule_path(path: str) -> tuple[int, tuple]:
    """'rules[3].when.terms.any[0]' -> (3, ('when', 'terms', 'any', 0))."""
    head, _, tail = path.partition("]")
    index = int(head.split("[")[1])
    parts: list[Any] = []
    for piece in tail.replace("[", ".[").split("."):
        if not piece:
            continue
        parts.append(int(piece[1:-1]) if piece.startswith("[") else piece)
    return index, tuple(parts)


def _connector_registry() -> dict[str, Any]:
    from connectors import CONNECTORS
    return CONNECTORS


def _notifier_registry() -> dict[str, Any]:
    from monitor.notifiers import NOTIFIERS
    return NOTIFIERS
