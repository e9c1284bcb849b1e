"""RubricScorer (scikit-learn estimator) arithmetic, explanations, suggestions and the compliance flag."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from scorer.explain import compliance, explanations, gather_evidence, suggestions
from scorer.model import BASELINE, PENALTY_POINTS, RubricScorer
from scorer.rubric import DIMENSIONS, Evidence
from scorer.rubric_loader import parse_rubric
from scorer.scorers import registered_rubric

KNOWN = {"sharpness", "brightness", "motion_energy", "hook_motion", "cuts_per_minute", "sound_activity", "claims"}


def text(en: str) -> dict:
    return {"en": en, "zh": "中文" + en}


RUBRIC = parse_rubric(
    {
        "name": "t",
        "version": "2",
        "dimensions": {
            "quality": [
                {"signal": "sharpness", "weight": 3, "direction": "higher", "range": [0.2, 0.8],
                 "reason": text("sharp {value}"), "suggestion": text("Sharpen.")},
                {"signal": "brightness", "weight": 1, "direction": "band", "range": [0, 1], "target": [0.4, 0.6],
                 "reason": text("bright {value}"), "suggestion": text("Fix light.")},
            ],
            "immersion": [
                {"signal": "motion_energy", "weight": 2, "direction": "higher", "range": [0, 0.5],
                 "reason": text("motion {value}"), "suggestion": text("Move.")},
                {"signal": "hook_motion", "weight": 1, "direction": "higher", "range": [0, 1],
                 "reason": text("hook {value}"), "suggestion": text("Hook in 3 s."),
                 "evidence": {"events": ["cut"], "within_s": [0, 3]}},
                {"signal": "cuts_per_minute", "weight": 1, "direction": "lower", "range": [0, 60],
                 "reason": text("cuts {value}"), "suggestion": text("Fewer cuts.")},
            ],
            "persuasion": [
                {"signal": "sound_activity", "weight": 1, "direction": "higher", "range": [0, 1],
                 "reason": text("talk {value}"), "suggestion": text("Talk.")},
                {"signal": "claims", "weight": 0.5, "direction": "penalty", "range": [0, 2],
                 "reason": text("claims {value}"), "suggestion": text("Remove absolute claims."),
                 "suggestion_with_evidence": {"en": "Remove {quote}: absolute claim.", "zh": "删除{quote}：绝对化用语。"},
                 "evidence": {"cues": ["absolute_claim"]}},
            ],
        },
        "compliance": [{"signal": "claims", "above": 0, "reason": text("absolute claims"),
                        "evidence": {"cues": ["absolute_claim"]}}],
        "overlays": {"tech": {"immersion": {"motion_energy": {"weight": 6}}}},
    },
    "t.yaml",
    KNOWN,
)

GOOD = {"sharpness": 0.8, "brightness": 0.5, "motion_energy": 0.5, "hook_motion": 1.0, "cuts_per_minute": 0.0,
        "sound_activity": 1.0, "claims": 0.0}
BAD = {"sharpness": 0.1, "brightness": 0.0, "motion_energy": 0.0, "hook_motion": 0.0, "cuts_per_minute": 60.0,
       "sound_activity": 0.0, "claims": 2.0}


def scorer() -> RubricScorer:
    return RubricScorer(RUBRIC).fit()


def test_is_a_scikit_learn_estimator() -> None:
    default = registered_rubric("default")
    est = RubricScorer(default, niche="beauty")
    assert est.get_params() == {"rubric": default, "niche": "beauty"}
    copy = clone(est)
    assert copy.get_params() == est.get_params() and not hasattr(copy, "rubric_")
    with pytest.raises(NotFittedError):
        est.predict([GOOD])
    fitted = RubricScorer(RUBRIC).fit(X=[GOOD], y=[1.0])
    X = np.array([[GOOD[n] for n in fitted.feature_names_in_], [BAD[n] for n in fitted.feature_names_in_]])
    assert fitted.n_features_in_ == len(fitted.feature_names_in_) == 7
    from_array, from_dicts = fitted.predict(X), fitted.predict([GOOD, BAD])
    assert from_array.shape == (2, 3) and np.allclose(from_array, from_dicts)
    with pytest.raises(ValueError, match="shape"):
        fitted.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="rubric must be"):
        RubricScorer(rubric=42).fit()


def test_best_and_worst_values() -> None:
    best, worst = scorer().predict([GOOD, BAD])
    assert list(best) == [100.0, 100.0, 100.0]
    assert worst[0] == 0.0 and worst[1] == 0.0
    assert worst[2] == 0.0  # -50 from silence and -30 from claims, clipped at 0


def test_contributions_add_up_exactly_for_random_signals() -> None:
    rng = np.random.default_rng(3)
    est = scorer()
    for _ in range(200):
        signals = {"sharpness": rng.uniform(0, 1), "brightness": rng.uniform(0, 1), "motion_energy": rng.uniform(0, 1),
                   "hook_motion": rng.uniform(0, 1), "cuts_per_minute": rng.uniform(0, 100),
                   "sound_activity": rng.uniform(0, 1), "claims": float(rng.integers(0, 3))}
        for name in rng.choice(sorted(signals), size=int(rng.integers(0, 3)), replace=False):
            signals[name] = None  # unmeasured signals contribute nothing
        scored = est.score_one(signals, niche="tech" if rng.random() < 0.5 else None)
        for dimension in DIMENSIONS:
            total = scored.baseline[dimension] + sum(c.points for c in scored.contributions[dimension])
            assert total + scored.clipped[dimension] == pytest.approx(scored.scores[dimension], abs=1e-9)
            assert 0.0 <= scored.scores[dimension] <= 100.0
            rows = explanations(scored)[dimension]
            assert rows[0]["signal"] == "baseline" and rows[0]["contribution"] == BASELINE
            assert sum(r["contribution"] for r in rows) == pytest.approx(scored.scores[dimension], abs=1e-9)


def test_directions_and_penalty() -> None:
    est = scorer()
    base = dict(GOOD, sharpness=0.5, cuts_per_minute=30.0, claims=0.0, sound_activity=0.5)
    q = [est.score_one(dict(base, sharpness=v)).scores["quality"] for v in (0.3, 0.5, 0.7)]
    assert q[0] < q[1] < q[2]
    i = [est.score_one(dict(base, cuts_per_minute=v)).scores["immersion"] for v in (10, 30, 50)]
    assert i[0] > i[1] > i[2]
    p = [est.score_one(dict(base, claims=v)).scores["persuasion"] for v in (0, 1, 2)]
    assert p[0] - p[1] == pytest.approx(PENALTY_POINTS * 0.5 * 0.5) and p[1] > p[2]
    b = [est.score_one(dict(base, brightness=v)).scores["quality"] for v in (0.1, 0.5, 0.9)]
    assert b[1] > b[0] and b[1] > b[2]


def test_niche_overlay_changes_the_weighting() -> None:
    est = scorer()
    signals = dict(GOOD, motion_energy=0.0)  # weak motion matters more for tech
    assert est.score_one(signals, niche="tech").scores["immersion"] < est.score_one(signals).scores["immersion"]


def test_unmeasured_signals_are_reweighted_not_punished() -> None:
    est = scorer()
    scored = est.score_one(dict(GOOD, brightness=None))
    assert scored.scores["quality"] == 100.0
    row = [r for r in explanations(scored)["quality"] if r["signal"] == "brightness"][0]
    assert row["value"] is None and row["contribution"] == 0.0 and row["reason"] == "not measured"


RESULT = {
    "cues": [{"type": "absolute_claim", "text": "全网最低价", "start_s": 2.0, "end_s": 2.8, "source": "speech"},
             {"type": "scarcity", "text": "only today", "start_s": None, "end_s": None, "source": "metadata"}],
    "events": [{"kind": "cut", "start_s": 1.0, "end_s": 1.0, "detail": {}},
               {"kind": "cut", "start_s": 5.0, "end_s": 5.0, "detail": {}}],
    "screen_text": [{"start_s": 0.5, "end_s": 2.0, "text": "限时秒杀"}],
    "transcript": {"language": "zh", "text": "", "segments": []},
}


def test_evidence_is_gathered_from_the_result() -> None:
    cues = gather_evidence(Evidence(cues=("absolute_claim",)), RESULT)
    assert [e["text"] for e in cues] == ["全网最低价"] and cues[0]["start_s"] == 2.0
    hook = gather_evidence(Evidence(events=("cut",), within_s=(0.0, 3.0)), RESULT)
    assert [e["start_s"] for e in hook] == [1.0]
    screen = gather_evidence(Evidence(screen_text=True), RESULT)
    assert screen[0]["text"] == "限时秒杀"
    assert gather_evidence(Evidence(), RESULT) == []


def test_suggestions_are_specific_ordered_and_three_to_five() -> None:
    est = scorer()
    scored = est.score_one(BAD)
    found = suggestions(scored, "en", result=RESULT)
    assert 3 <= len(found) <= 5
    gains = [s["gain"] for s in found]
    assert gains == sorted(gains, reverse=True) and all(g >= 0 for g in gains)
    claim = [s for s in found if s["signal"] == "claims"]
    assert claim and claim[0]["text"] == "Remove “全网最低价”: absolute claim."
    assert claim[0]["gain"] == 0.0  # persuasion is clipped at 0, yet an active penalty is always suggested
    zh = suggestions(scored, "zh", result=RESULT)
    assert any(s["text"] == "删除“全网最低价”：绝对化用语。" for s in zh)
    # A good video still gets at least three suggestions when there is anything left to gain.
    almost = est.score_one(dict(GOOD, sharpness=0.7, motion_energy=0.4, sound_activity=0.9, hook_motion=0.8))
    assert 3 <= len(suggestions(almost)) <= 5


def test_compliance_flag_and_evidence() -> None:
    est = scorer()
    clean = compliance(RUBRIC, GOOD)
    assert clean == {"risk": False, "reasons": []}
    risky = compliance(RUBRIC, BAD, "en", RESULT)
    assert risky["risk"] and risky["reasons"][0]["signal"] == "claims"
    assert "全网最低价" in risky["reasons"][0]["reason"]
    assert compliance(RUBRIC, BAD, "en", RESULT)["risk"]
    hook = [r for r in explanations(est.score_one(BAD), "en", RESULT)["immersion"] if r["signal"] == "hook_motion"][0]
    assert hook["evidence"][0]["start_s"] == 1.0 and "1.0 s" in hook["reason"]
