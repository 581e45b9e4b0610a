"""`classify`: JSON lines in, one verdict per line out, through exactly the daemon's rules.

Fast path: the configuration is loaded once and examples are not re-checked (that is `check`'s job);
output is flushed in blocks rather than per line.
"""
from __future__ import annotations

import json
import sys

from monitor.config import load_settings


def classify(args) -> int:
    config = load_settings(args.config, check_examples=False)
    ruleset = config.ruleset
    out = sys.stdout
    buffer = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text, lang = item["text"], item.get("lang")
            if not isinstance(text, str):
                raise TypeError("text must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            print(f"stdin line {number}: expected {{\"text\": \"...\"}}: {exc}", file=sys.stderr)
            buffer.append(json.dumps({"error": str(exc), "complaint": False}))
            continue
        verdict = ruleset.classify_text(text, lang)
        buffer.append(json.dumps({
            "complaint": verdict.complaint, "priority": verdict.priority if verdict.complaint else None,
            "sentiment": round(verdict.sentiment, 4), "complaint_score": round(verdict.complaint_score, 4),
            "lang": verdict.lang, "rules": verdict.rules,
        }, ensure_ascii=False))
        if len(buffer) >= 256:
            out.write("\n".join(buffer) + "\n")
            buffer.clear()
    if buffer:
        out.write("\n".join(buffer) + "\n")
    out.flush()
    return 0
