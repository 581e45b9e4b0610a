"""The complaint score: how strongly a text reads as a breached expectation, 0..1.

Polarity alone misses complaints written without a negative word ("ordered 3 weeks ago, still
nothing"), so cues weigh in by category: waiting, non-delivery, refunds and charges, cancellation,
broken or wrong items, unanswered support, threats to leave, sarcasm. Several categories together
are stronger evidence than one word repeated; praise pulls the score down.
"""
from __future__ import annotations

CUE_WEIGHT = 0.3
QUESTION_BONUS = 0.1


def complaint_score(polarity: float, cues: dict[str, list[str]], is_question: bool) -> float:
    score = CUE_WEIGHT * min(len(cues), 3)
    score += 0.9 * max(0.0, -polarity)
    score -= 0.6 * max(0.0, polarity)
    if is_question and cues:
        score += QUESTION_BONUS
    return max(0.0, min(1.0, score))


def cue_labels(cues: dict[str, list[str]]) -> list[str]:
    return [f"{category}:{words[0]}" for category, words in sorted(cues.items())]
