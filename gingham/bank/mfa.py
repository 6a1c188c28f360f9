"""The sandbox bank's multi-factor challenges and their answers.

Plaid's sandbox conventions: device MFA sends a code to a chosen device and the code is always
1234; question MFA has `rounds` rounds of `per_round` questions, and question j of round i is
answered `answer_<i>_<j>` (0-based); selection MFA asks multiple-choice questions whose right
answer is always the first option (`Yes` for the single-question `mfa_selections`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEVICE_CODE = "1234"
DEVICES = (
    {"id": "phone", "label": "Text message to (•••) •••-5309"},
    {"id": "email", "label": "Email to t•••@example.com"},
)


@dataclass(frozen=True, slots=True)
class MfaPlan:
    type: str  # device, questions or selections
    rounds: int
    per_round: int = 1
    options: int = 2

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MfaPlan:
        kind = config.get("type")
        if kind == "device":
            return cls("device", 1)
        if kind == "questions":
            return cls(
                "questions",
                _bounded(config.get("question_rounds"), 1),
                _bounded(config.get("questions_per_round"), 1),
            )
        if kind == "selections":
            return cls(
                "selections",
                _bounded(config.get("selection_rounds"), 1),
                _bounded(config.get("questions_per_round"), 1),
                max(2, _bounded(config.get("selections_per_question"), 2)),
            )
        raise ValueError(f"unknown MFA type {kind!r}")


def _bounded(value: Any, default: int) -> int:
    return (
        min(9, max(1, value)) if isinstance(value, int) and not isinstance(value, bool) else default
    )


def questions(round_index: int, plan: MfaPlan) -> list[dict[str, Any]]:
    return [
        {
            "id": f"q{round_index}_{j}",
            "text": f"Security question {j + 1} of round {round_index + 1}: what is the answer?",
        }
        for j in range(plan.per_round)
    ]


def selections(round_index: int, plan: MfaPlan) -> list[dict[str, Any]]:
    if plan.rounds == 1 and plan.per_round == 1 and plan.options == 2:
        return [
            {"id": "s0_0", "text": "Did you open this account yourself?", "options": ["Yes", "No"]}
        ]
    return [
        {
            "id": f"s{round_index}_{j}",
            "text": f"Question {j + 1} of round {round_index + 1}: which is yours?",
            "options": [f"answer_{round_index}_{j}_{k}" for k in range(plan.options)],
        }
        for j in range(plan.per_round)
    ]


def expected_answers(kind: str, round_index: int, plan: MfaPlan) -> list[str]:
    """What the bank accepts for one round (`kind` is `code` for the device code)."""
    if kind == "code":
        return [DEVICE_CODE]
    if kind == "questions":
        return [f"answer_{round_index}_{j}" for j in range(plan.per_round)]
    return [question["options"][0] for question in selections(round_index, plan)]
