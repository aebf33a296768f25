"""Run records: fresh folders, never an existing one."""

from __future__ import annotations

import datetime as dt

import pytest

from leernetwerk.errors import UserError
from leernetwerk.runs import list_runs, new_run_dir, resolve_run

SHA = "ab12cd34" + "0" * 56
NOW = dt.datetime(2027, 6, 3, 14, 5, 9)


def test_run_dir_is_named_after_time_and_input_hash(tmp_path):
    run = new_run_dir(tmp_path, SHA, now=NOW)
    assert run == tmp_path / "runs" / "20270603-140509-ab12cd34"
    assert not run.exists()  # the caller writes it atomically


def test_a_taken_name_gets_a_suffix(tmp_path):
    first = new_run_dir(tmp_path, SHA, now=NOW)
    first.mkdir(parents=True)
    second = new_run_dir(tmp_path, SHA, now=NOW)
    assert second.name == "20270603-140509-ab12cd34-2"
    second.mkdir()
    assert new_run_dir(tmp_path, SHA, now=NOW).name == "20270603-140509-ab12cd34-3"


def test_a_name_being_staged_is_taken_too(tmp_path):
    (tmp_path / "runs" / ".20270603-140509-ab12cd34.staging-x1").mkdir(parents=True)
    assert new_run_dir(tmp_path, SHA, now=NOW).name.endswith("-2")


def test_not_a_hash_is_rejected(tmp_path):
    with pytest.raises(ValueError):
        new_run_dir(tmp_path, "not-a-hash")


def test_list_runs_is_oldest_first_and_skips_staging(tmp_path):
    for name in ("20270603-140509-aaaaaaaa", "20270601-090000-bbbbbbbb", ".x.staging-1"):
        (tmp_path / "runs" / name).mkdir(parents=True)
    assert [p.name for p in list_runs(tmp_path)] == [
        "20270601-090000-bbbbbbbb",
        "20270603-140509-aaaaaaaa",
    ]


def test_no_runs_folder_means_no_runs(tmp_path):
    assert list_runs(tmp_path) == []


def test_unknown_run_is_a_dutch_error_with_suggestion(tmp_path):
    (tmp_path / "runs" / "20270603-140509-aaaaaaaa").mkdir(parents=True)
    assert resolve_run(tmp_path, "runs/20270603-140509-aaaaaaaa/").name.endswith("aaaaaaaa")
    with pytest.raises(UserError) as info:
        resolve_run(tmp_path, "20270603-140509-aaaaaaab")
    assert "Onbekende run" in str(info.value)
    assert "Bedoelde u '20270603-140509-aaaaaaaa'?" in str(info.value)
