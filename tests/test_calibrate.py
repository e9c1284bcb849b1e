"""Calibration: outcome models (additive, monotone, exact contributions), reference percentiles, model files,
``vidscore calibrate`` and ``vidscore score --model``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from mediagen import write_video

from features.audio_level import AudioLevelExtractor
from features.media.errors import ConfigError
from features.picture_quality import PictureQualityExtractor
from features.scene_dynamics import SceneDynamicsExtractor
from scorer.calibration.calibrated import CalibratedScorer
from scorer.calibration.fitting import fit_outcome
from scorer.calibration.io import read_features, read_labels
from scorer.calibration.modelfile import model_document, save_model
from scorer.calibration.reference import fit_reference
from scorer.cli import main
from scorer.explain import explanations
from scorer.model import RubricScorer
from scorer.options import ScoreOptions
from scorer.pipeline import Pipeline
from scorer.rubric import DIMENSIONS
from scorer.scorers import feature_schema, load_model, registered_rubric


def item(signal: str, direction: str = "higher", rng: list | None = None, **extra) -> dict:
    return {"signal": signal, "weight": 1, "direction": direction, "range": rng or [0, 1],
            "reason": {"en": f"{signal} {{value}}", "zh": f"{signal} {{value}}"},
            "suggestion": {"en": f"improve {signal}", "zh": f"改进 {signal}"}, **extra}


RUBRIC_DATA = {
    "name": "cal",
    "version": "1",
    "dimensions": {
        "quality": [item("contrast"), item("colorfulness")],
        "immersion": [item("hook_motion")],
        "persuasion": [item("sharpness"), item("motion_energy"), item("cuts_per_minute", "lower", [0, 60]),
                       item("brightness", "band", [0, 1], target=[0.4, 0.6])],
    },
}


@pytest.fixture()
def rubric(tmp_path: Path):
    path = tmp_path / "cal.yaml"
    path.write_text(yaml.safe_dump(RUBRIC_DATA), encoding="utf-8")
    return registered_rubric(str(path))


def corpus(n: int, seed: int = 0) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"sharpness": float(rng.uniform(0, 1)), "motion_energy": float(rng.uniform(0, 1)),
             "cuts_per_minute": float(rng.uniform(0, 60)), "brightness": float(rng.uniform(0, 1)),
             "contrast": float(rng.uniform(0, 1)), "colorfulness": float(rng.uniform(0, 1)),
             "hook_motion": float(rng.uniform(0, 1)), "sound_activity": None} for _ in range(n)]


def outcome(rows: list[dict], seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.array([2.0 * r["sharpness"] + np.sqrt(r["motion_energy"]) + rng.normal(0, 0.3) for r in rows])


def test_outcome_model_recovers_a_monotone_relationship(rubric) -> None:
    rows = corpus(150)
    y = np.exp(outcome(rows))  # heavy-tailed like GMV: ranks make it robust
    fit = fit_outcome(rows, y, rubric, "persuasion", target="gmv")
    m = fit.metrics
    assert fit.target_kind == "continuous" and m["rows"] == 150 and m["folds"] == 5
    assert m["spearman"] > 0.7 and m["r2"] > 0.4
    assert m["calibration_error"] < 10.0
    shapes = {s.signal: s for s in fit.model.shapes}
    assert np.all(np.diff(shapes["sharpness"].ys) >= -1e-9)  # rubric says higher: increasing
    assert np.all(np.diff(shapes["cuts_per_minute"].ys) <= 1e-9)  # rubric says lower: decreasing
    effect = {name: max(s.ys) - min(s.ys) for name, s in shapes.items()}
    assert effect["sharpness"] > effect["motion_energy"] > effect["cuts_per_minute"]
    assert effect["sharpness"] > 3 * effect["brightness"]
    again = fit_outcome(rows, y, rubric, "persuasion", target="gmv")
    assert again.model == fit.model and again.metrics == fit.metrics  # deterministic


def test_binary_outcome_reports_auc(rubric) -> None:
    rows = corpus(120, seed=4)
    y = (outcome(rows, seed=5) > 1.6).astype(float)
    fit = fit_outcome(rows, y, rubric, "persuasion", target="converted")
    assert fit.target_kind == "binary"
    assert fit.metrics["auc"] > 0.8 and 0 < fit.metrics["positive_rate"] < 1


def test_refuses_unusable_labels(rubric) -> None:
    rows = corpus(40)
    with pytest.raises(ConfigError, match="only 12 videos .* at least 20"):
        fit_outcome(rows[:12], outcome(rows[:12]), rubric, "persuasion", target="ctr")
    with pytest.raises(ConfigError, match="constant"):
        fit_outcome(rows, np.full(40, 0.3), rubric, "persuasion", target="ctr")
    y = np.zeros(40)
    y[:2] = 1
    with pytest.raises(ConfigError, match="fewer than 5 videos in one class"):
        fit_outcome(rows, y, rubric, "persuasion", target="converted")
    flat = [dict(r, sharpness=0.5, motion_energy=0.5, cuts_per_minute=1.0, brightness=0.5) for r in rows]
    with pytest.raises(ConfigError, match="no persuasion signal varies"):
        fit_outcome(flat, outcome(rows), rubric, "persuasion", target="ctr")


def write_model(tmp_path: Path, rubric, rows: list[dict], y: np.ndarray) -> Path:
    fit = fit_outcome(rows, y, rubric, "persuasion", target="ctr")
    doc = model_document("outcome", rubric, {"persuasion": fit.model}, feature_schema(fit.signals),
                         target="ctr", target_kind=fit.target_kind, rows=len(rows), metrics=fit.metrics)
    path = tmp_path / "ctr.model.json"
    save_model(doc, path)
    return path


def test_model_file_round_trip_and_exact_contributions(tmp_path: Path, rubric) -> None:
    rows = corpus(100)
    path = write_model(tmp_path, rubric, rows, outcome(rows))
    model = load_model(path)
    assert isinstance(model, CalibratedScorer) and model.model_id().startswith("outcome:ctr@")
    plain = RubricScorer(rubric).fit()
    for row in corpus(30, seed=9) + [dict(rows[0], sharpness=None)]:
        scored = model.score_one(row)
        for dimension in DIMENSIONS:
            total = scored.baseline[dimension] + sum(c.points for c in scored.contributions[dimension])
            assert total + scored.clipped[dimension] == pytest.approx(scored.scores[dimension], abs=1e-9)
            assert sum(r["contribution"] for r in explanations(scored)[dimension]) == pytest.approx(
                scored.scores[dimension], abs=1e-9)
        assert scored.clipped["persuasion"] == pytest.approx(0.0, abs=1e-9)
        assert scored.scores["quality"] == plain.score_one(row).scores["quality"]  # only persuasion is replaced
    worst = model.score_one(dict(rows[0], sharpness=0.0, motion_energy=0.0)).scores["persuasion"]
    best = model.score_one(dict(rows[0], sharpness=1.0, motion_energy=1.0)).scores["persuasion"]
    assert best - worst > 40
    assert "your 100 videos on ctr" in explanations(model.score_one(rows[0]))["persuasion"][0]["reason"]


def test_model_file_refuses_mismatched_schema_and_tampering(tmp_path: Path, rubric) -> None:
    rows = corpus(60)
    path = write_model(tmp_path, rubric, rows, outcome(rows))
    doc = json.loads(path.read_text())
    doc["feature_schema"]["sharpness"]["extractor_version"] = "999"
    bad = tmp_path / "old.json"
    bad.write_text(json.dumps(doc))
    with pytest.raises(ConfigError, match=r"does not match this vidscore's features .*sharpness\.extractor_version"):
        load_model(bad)
    doc = json.loads(path.read_text())
    doc["feature_schema"]["sharpness"]["high"] = 2.0
    bad.write_text(json.dumps(doc))
    with pytest.raises(ConfigError, match="sharpness.high"):
        load_model(bad)
    doc = json.loads(path.read_text())
    doc["rubric"]["data"]["dimensions"]["persuasion"][0]["weight"] = 9
    bad.write_text(json.dumps(doc))
    with pytest.raises(ConfigError, match="embedded rubric was modified"):
        load_model(bad)
    bad.write_text("{\"hello\": 1}")
    with pytest.raises(ConfigError, match="not a vidscore model file"):
        load_model(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        load_model(tmp_path / "nope.json")
    with pytest.raises(ConfigError, match="re-score the videos"):
        feature_schema(["sharpness"], [{"picture_quality": "0-old"}])


def test_reference_model_scores_are_corpus_percentiles(rubric) -> None:
    rows = corpus(40)
    models = fit_reference(rows, rubric)
    scorer = CalibratedScorer(rubric, models, {"kind": "reference", "rows": 40, "digest": "x" * 64})
    scores = np.array([scorer.score_one(r).scores["persuasion"] for r in rows])
    assert abs(np.median(scores) - 50) < 5 and scores.min() < 10 and scores.max() > 90
    best = scorer.score_one(dict(rows[0], sharpness=1.0, motion_energy=1.0, cuts_per_minute=0.0, brightness=0.5))
    assert best.scores["persuasion"] > 95
    sharp = [c for c in best.contributions["persuasion"] if c.item.signal == "sharpness"][0]
    assert sharp.percentile == pytest.approx(100.0)
    reasons = explanations(best)["persuasion"]
    assert "better than 100% of your videos" in [r for r in reasons if r["signal"] == "sharpness"][0]["reason"]
    assert "percentiles" in reasons[0]["reason"]
    with pytest.raises(ConfigError, match="at least 10"):
        fit_reference(rows[:5], rubric)


def write_results(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i, signals in enumerate(rows):
            result = {"video": {"path": f"/videos/v{i}.mp4", "sha256": f"{i:064x}"}, "signals": signals,
                      "versions": {"extractors": {"picture_quality": PictureQualityExtractor.version}}}
            handle.write(json.dumps(result) + "\n")


def test_calibrate_command(tmp_path: Path, rubric, capsys: pytest.CaptureFixture[str]) -> None:
    rows = corpus(60)
    y = outcome(rows)
    features = tmp_path / "results.jsonl"
    write_results(features, rows)
    labels = tmp_path / "labels.csv"
    with labels.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["video", "ctr"])
        writer.writerows([(f"v{i}.mp4", f"{v:.5f}") for i, v in enumerate(y)])
    out = tmp_path / "m.json"
    code = main(["calibrate", str(features), str(labels), "--target", "ctr", "--rubric", rubric.source,
                 "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and "spearman" in printed and "calibration_error" in printed
    assert load_model(out).info["rows"] == 60
    ref = tmp_path / "ref.json"
    assert main(["calibrate", "--reference", str(features), "--rubric", rubric.source, "--out", str(ref)]) == 0
    assert json.loads(ref.read_text())["kind"] == "reference"
    assert main(["calibrate", str(features), str(labels), "--target", "views", "--out", str(out)]) == 2
    assert "no column 'views'" in capsys.readouterr().err
    few = tmp_path / "few.jsonl"
    write_results(few, rows[:8])
    assert main(["calibrate", str(few), str(labels), "--target", "ctr", "--rubric", rubric.source,
                 "--out", str(out)]) == 2
    assert "at least 20" in capsys.readouterr().err


def test_feature_and_label_readers(tmp_path: Path) -> None:
    array = tmp_path / "results.json"
    array.write_text(json.dumps([{"video": {"path": "a.mp4"}, "signals": {"sharpness": 0.5}}]))
    assert read_features(array)[0].signals == {"sharpness": 0.5}
    table = tmp_path / "features.csv"
    table.write_text("path,sharpness,title\na.mp4,0.25,hello\nb.mp4,,x\n")
    rows = read_features(table)
    assert rows[0].signals["sharpness"] == 0.25 and rows[1].signals["sharpness"] is None
    assert "title" not in rows[0].signals
    exported = tmp_path / "export.jsonl"
    exported.write_text(json.dumps({"path": "a.mp4", "result": {"video": {"path": "a.mp4", "sha256": "ab"},
                                                                "signals": {"sharpness": 0.5}}}) + "\n"
                        + json.dumps({"path": "b.mp4", "result": None}) + "\n")
    rows = read_features(exported)
    assert len(rows) == 1 and rows[0].sha256 == "ab" and rows[0].signals == {"sharpness": 0.5}
    export_csv = tmp_path / "export.csv"
    export_csv.write_text("path,sha256,quality,signal.sharpness,meta.ctr\na.mp4,ab,50.0,0.75,0.1\n")
    assert read_features(export_csv)[0].signals == {"sharpness": 0.75}
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"signals": {}}\nnot json\n')
    with pytest.raises(ConfigError, match="broken.jsonl:2"):
        read_features(broken)
    labels = tmp_path / "labels.csv"
    labels.write_text("name,ctr\na,0.1\na,0.2\n")
    with pytest.raises(ConfigError, match="appears twice"):
        read_labels(labels, "ctr")
    labels.write_text("name,ctr\na,high\n")
    with pytest.raises(ConfigError, match="must be a number"):
        read_labels(labels, "ctr")
    labels.write_text("title,ctr\na,1\n")
    with pytest.raises(ConfigError, match="no key column"):
        read_labels(labels, "ctr")


def test_score_with_model_and_rubric_options(tmp_path: Path, rubric) -> None:
    rows = corpus(60)
    model_path = write_model(tmp_path, rubric, rows, outcome(rows))
    clip = write_video(tmp_path / "clip.mp4", width=90, height=160, fps=10, seconds=3.0)
    pipeline = Pipeline(extractors=[SceneDynamicsExtractor(), PictureQualityExtractor(), AudioLevelExtractor()])
    result = pipeline.score(str(clip), ScoreOptions(model=str(model_path)), progress=False).to_json()
    assert result["versions"]["model"].startswith("outcome:ctr@") and result["versions"]["rubric"] == "cal@1"
    for dimension in DIMENSIONS:
        total = sum(r["contribution"] for r in result["explanations"][dimension])
        assert total == pytest.approx(result["scores"][dimension], abs=0.051)
    plain = pipeline.score(str(clip), ScoreOptions(rubric=rubric.source), progress=False).to_json()
    assert plain["versions"]["model"] == "rubric:cal@1"
    assert plain["scores"]["quality"] == result["scores"]["quality"]
    with pytest.raises(ConfigError, match="drop --rubric"):
        pipeline.score(str(clip), ScoreOptions(model=str(model_path), rubric="default"), progress=False)
