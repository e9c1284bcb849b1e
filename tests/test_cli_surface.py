"""The click command line's surface: every command documents examples, errors are one line, exit codes hold."""

from __future__ import annotations

import pytest

from scorer.cli import COMMANDS, EXIT_USAGE, main

SUBCOMMANDS = [(name,) for name in COMMANDS] + [("rubrics", "list"), ("rubrics", "show"), ("rubrics", "validate")]


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=lambda w: " ".join(w))
def test_every_command_has_help_with_examples(words: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*words, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: vidscore {' '.join(words)}")
    assert "Examples:" in out
    examples = out.split("Examples:", 1)[1]
    assert f"vidscore {words[0]}" in examples  # example lines kept as written, not rewrapped into one paragraph
    assert len([line for line in examples.splitlines() if line.strip().startswith("vidscore ")]) >= 1


def test_top_level_help_lists_commands_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    positions = [out.index(f"  {name} ") for name in COMMANDS]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["score"], "Missing argument 'FILE...'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["score", "v.mp4", "--lang", "fr"], "'fr' is not one of 'en', 'zh'"),
        (["score", "v.mp4", "--no-such-flag"], "--no-such-flag"),
        (["batch", "in", "--out", "s.db", "--workers", "0"], "0 is not in the range x>=1"),
        (["batch", "in", "--out", "s.db", "--retry-failed"], "--retry-failed only makes sense with --resume"),
        (["rank", "s.db", "--top", "0"], "0 is not in the range x>=1"),
        (["probe", "v.mp4", "--max-duration", "-1"], "max_duration_s"),
        (["transcribe", "a.wav", "--speech-language", "fr"], "'fr' is not one of 'auto', 'en', 'zh'"),
        (["calibrate", "--out", "m.json"], "give FEATURES, LABELS.csv and --target"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(argv: list[str], fragment: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    err_lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err_lines) == 1, err_lines
    assert err_lines[0].startswith("vidscore: error:") and fragment in err_lines[0]


@pytest.mark.parametrize("argv", [[], ["rubrics"]], ids=["vidscore", "vidscore rubrics"])
def test_a_group_alone_prints_its_help_and_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("Usage: vidscore") and "Commands:" in err


def test_deprecated_language_flag_is_hidden_but_works(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--help"]) == 0
    assert "--language" not in capsys.readouterr().out.replace("--speech-language", "")
    assert main(["score", str(tmp_path / "missing.mp4"), "--language", "zh", "--text-model", "none"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("vidscore: note: --language is deprecated")
    assert err[1].startswith("vidscore: error:") and "no such file" in err[1]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("vidscore, version ")


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import scorer.commands.features as features_command

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("features.registry.signal_specs", interrupted)
    assert features_command.command is not None
    assert main(["features"]) == 130
    assert "vidscore: interrupted" in capsys.readouterr().err
