"""Rubric files: validation with clear errors, goodness curves, niche overlays, built-ins, ``vidscore rubrics``."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from features.media.errors import ConfigError
from features.registry import signal_spec_map
from scorer.cli import main
from scorer.rubric import DIMENSIONS
from scorer.rubric_loader import builtin_rubrics, load_rubric, parse_rubric
from scorer.scorers import registered_rubric

KNOWN = {"sharpness", "brightness", "motion_energy", "loudness_dbfs"}


def rubric_data() -> dict:
    return {
        "name": "t",
        "version": "1",
        "dimensions": {
            "quality": [
                {"signal": "sharpness", "weight": 2, "direction": "higher", "range": [0.2, 0.8],
                 "reason": {"en": "sharpness {value}", "zh": "清晰度 {value}"},
                 "suggestion": {"en": "Focus.", "zh": "对焦。"}},
                {"signal": "brightness", "weight": 1, "direction": "band", "range": [0.0, 1.0], "target": [0.4, 0.6],
                 "reason": {"en": "brightness {value}"}},
            ],
            "immersion": [
                {"signal": "motion_energy", "weight": 1, "direction": "higher", "range": [0, 1],
                 "reason": {"en": "motion {value}"}},
            ],
        },
        "overlays": {"beauty": {"quality": {"sharpness": {"weight": 5}}}},
    }


def error_of(data: dict) -> str:
    with pytest.raises(ConfigError) as info:
        parse_rubric(data, "r.yaml", KNOWN)
    return info.value.message


def test_valid_rubric_parses() -> None:
    rubric = parse_rubric(rubric_data(), "r.yaml", KNOWN)
    assert [i.signal for i in rubric.dimensions["quality"]] == ["sharpness", "brightness"]
    assert rubric.dimensions["persuasion"] == ()
    assert rubric.signals() == {"sharpness", "brightness", "motion_energy"}
    assert rubric.dimensions["quality"][1].target == (0.4, 0.6)


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda d: d["dimensions"]["quality"][0].update(signal="sharpnes"), "unknown signal 'sharpnes'"),
        (lambda d: d["dimensions"]["quality"][0].update(weight=-1), "weight must be a positive number"),
        (lambda d: d["dimensions"]["quality"][0].update(weight="heavy"), "weight must be a positive number"),
        (lambda d: d["dimensions"]["quality"][0].pop("range"), "missing range"),
        (lambda d: d["dimensions"]["quality"][0].update(range=[0.8, 0.2]), "range high must exceed low"),
        (lambda d: d["dimensions"]["quality"][0].update(direction="up"), "direction must be one of"),
        (lambda d: d["dimensions"]["quality"][1].pop("target"), "a band item needs target"),
        (lambda d: d["dimensions"]["quality"][1].update(target=[0.7, 0.5]), "a band item needs target"),
        (lambda d: d["dimensions"]["quality"][0].update(target=[0.3, 0.4]), "target is only allowed"),
        (lambda d: d["dimensions"]["quality"][0].update(wieght=2), "unknown key(s) ['wieght']"),
        (lambda d: d["dimensions"]["quality"][0].update(reason={"fr": "x"}), "reason must map 'en'/'zh'"),
        (lambda d: d["dimensions"]["quality"][0].update(reason={"en": "v {valeu}"}), "bad placeholder"),
        (lambda d: d["dimensions"]["quality"].append(copy.deepcopy(d["dimensions"]["quality"][0])), "twice"),
        (lambda d: d["dimensions"].update(looks=[]), "'dimensions' must map some of"),
        (lambda d: d.pop("version"), "missing 'version'"),
        (lambda d: d["overlays"]["beauty"]["quality"].update(motion_energy={"weight": 2}), "not an item of that dimension"),
        (lambda d: d["overlays"]["beauty"]["quality"]["sharpness"].update(direction="lower"), "only 'weight' can be overlaid"),
        (lambda d: d.update(compliance=[{"signal": "nope", "above": 0, "reason": {"en": "x"}}]), "unknown signal 'nope'"),
        (lambda d: d["dimensions"]["quality"][0].update(evidence={"cues": "scarcity"}), "evidence.cues must be a list"),
        (lambda d: d["dimensions"]["quality"][0].update(evidence={"within_s": [3, 1]}), "within_s"),
        (lambda d: d["dimensions"]["quality"][0].update(missing="zero"), "missing must be a number"),
    ],
)
def test_invalid_rubrics_are_refused_with_the_reason(edit, expected: str) -> None:
    data = rubric_data()
    edit(data)
    message = error_of(data)
    assert expected in message
    assert message.startswith("r.yaml")


def test_range_outside_the_signal_is_refused() -> None:
    data = rubric_data()
    data["dimensions"]["quality"][0]["range"] = [2.0, 3.0]  # sharpness is 0-1
    with pytest.raises(ConfigError, match="outside the signal's possible values"):
        parse_rubric(data, "r.yaml", signal_spec_map())


def test_goodness_curves() -> None:
    rubric = parse_rubric(rubric_data(), "r.yaml", KNOWN)
    sharp, bright = rubric.dimensions["quality"]
    assert sharp.goodness(0.2) == 0.0 and sharp.goodness(0.8) == 1.0 and sharp.goodness(0.5) == pytest.approx(0.5)
    assert sharp.goodness(5.0) == 1.0 and sharp.goodness(-5.0) == 0.0
    assert bright.goodness(0.5) == 1.0
    assert bright.goodness(0.2) == pytest.approx(0.5) and bright.goodness(0.8) == pytest.approx(0.5)
    assert bright.goodness(0.0) == 0.0 and bright.goodness(1.0) == 0.0


def test_missing_value_stands_in_for_an_unmeasured_signal() -> None:
    data = rubric_data()
    data["dimensions"]["quality"][0]["missing"] = 0
    sharp = parse_rubric(data, "r.yaml", KNOWN).dimensions["quality"][0]
    assert sharp.value_in({}) == 0.0 and sharp.value_in({"sharpness": None}) == 0.0
    assert sharp.value_in({"sharpness": 0.7}) == 0.7
    plain = parse_rubric(rubric_data(), "r.yaml", KNOWN).dimensions["quality"][0]
    assert plain.value_in({}) is None


def test_default_rubric_overlays_reweight_close_ups_and_specs() -> None:
    rubric = registered_rubric("default")
    beauty, tech = rubric.for_niche("beauty"), rubric.for_niche("tech")
    assert beauty.item("immersion", "closeup_share").weight > rubric.item("immersion", "closeup_share").weight
    assert beauty.item("immersion", "product_in_use_share").weight > rubric.item("immersion", "product_in_use_share").weight
    assert tech.item("quality", "facts_per_minute").weight > rubric.item("quality", "facts_per_minute").weight
    assert rubric.item("persuasion", "compliance_flags").direction == "penalty"
    assert rubric.item("persuasion", "compliance_flags").evidence.compliance
    assert [r.signal for r in rubric.compliance] == ["compliance_risk"]


def test_overlay_changes_only_weights_of_that_niche() -> None:
    rubric = parse_rubric(rubric_data(), "r.yaml", KNOWN)
    beauty = rubric.for_niche("beauty")
    assert beauty.dimensions["quality"][0].weight == 5 and rubric.dimensions["quality"][0].weight == 2
    assert beauty.name == "t+beauty"
    assert rubric.for_niche("unknown-niche") is rubric and rubric.for_niche(None) is rubric


def test_load_from_path_and_bad_yaml(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(rubric_data(), allow_unicode=True), encoding="utf-8")
    assert load_rubric(str(path), KNOWN).name == "t"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_rubric(str(bad), KNOWN)
    with pytest.raises(ConfigError, match="does not exist"):
        load_rubric(str(tmp_path / "missing.yaml"), KNOWN)
    with pytest.raises(ConfigError, match="unknown rubric 'nosuch'"):
        load_rubric("nosuch", KNOWN)


def test_builtin_rubrics_validate_against_the_registry() -> None:
    specs = signal_spec_map()
    assert "default" in builtin_rubrics()
    for name in builtin_rubrics():
        rubric = registered_rubric(name)
        for dimension in DIMENSIONS:
            assert rubric.dimensions[dimension], f"{name}: {dimension} has no items"
            for item in rubric.dimensions[dimension]:
                assert item.signal in specs
                assert item.reason.get("zh") and item.reason.get("en"), f"{name}: {item.signal} needs en+zh reasons"
                if item.suggestion:
                    assert item.suggestion.get("zh") and item.suggestion.get("en")


def test_rubrics_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rubrics", "list"]) == 0
    assert "default" in capsys.readouterr().out
    assert main(["rubrics", "show", "default", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "quality:" in out and "persuasion:" in out
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(rubric_data()), encoding="utf-8")
    assert main(["rubrics", "validate", str(good)]) == 0
    assert "ok" in capsys.readouterr().out
    data = rubric_data()
    data["dimensions"]["quality"][0]["signal"] = "no_such_signal"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["rubrics", "validate", str(bad)]) == 2
    assert "unknown signal 'no_such_signal'" in capsys.readouterr().err
