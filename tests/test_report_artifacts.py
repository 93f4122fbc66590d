"""Prefect artifacts: keys, markdown and table contents; then real artifacts in a flow run."""
from __future__ import annotations

import os
import re

import pytest

from cleaners import report as R
from flows import artifacts as A
from report_helpers import HOSTILE_TITLE, boilerplate_doc, write_run

KEY = re.compile(r"^[a-z0-9-]+$")


@pytest.fixture
def written(tmp_path):
    kept = [boilerplate_doc(f"site{i % 2}/story{i}.txt", extra=i % 2) for i in range(4)]
    info = write_run(tmp_path, "run-art", kept, [])
    rep = R.build_report(tmp_path, info)
    json_path, html_path = R.write_report(tmp_path, "run-art", rep)
    return tmp_path, rep, json_path, html_path


def test_keys_are_prefect_safe_and_stable_per_output_folder(tmp_path):
    for folder in ("clean", "My Output_2024", "ÜBER.out", "---"):
        key = A.artifact_key("summary", tmp_path / folder)
        assert KEY.match(key), key
    assert A.artifact_key("progress", "/x/Clean Out") == "newsclean-clean-out-progress"
    assert A.artifact_key("rules", "/a/clean") == A.artifact_key("rules", "/b/clean")


def test_summary_markdown_has_counts_and_escapes_text(written):
    _, rep, _, html_path = written
    rep = {**rep, "run_id": HOSTILE_TITLE}
    text = A.summary_markdown(rep, html_path)
    assert f"| {rep['units']['seen']} | {rep['units']['new']} |" in text
    title = text.splitlines()[0]
    assert "<" not in title and ">" not in title and "&lt;script&gt;" in title
    assert "report.html" in text


def test_rules_table_adds_up(written):
    _, rep, _, _ = written
    rows = A.rules_table(rep)
    stage_rows = [r for r in rows if r["rule"] == "(all)"]
    rule_rows = [r for r in rows if r["rule"] != "(all)"]
    assert sum(r["edits"] for r in stage_rows) == rep["edits"]["total"] == sum(r["edits"] for r in rule_rows)


def test_progress_without_a_server_only_counts(monkeypatch):
    import prefect.artifacts as PA

    def refuse(*a, **k):
        raise RuntimeError("no API")

    monkeypatch.setattr(PA, "create_progress_artifact", refuse)
    bar = A.BatchProgress(4, "clean")
    assert bar.artifact_id is None
    assert [bar.update(), bar.update(3), bar.update(9)] == [25.0, 75.0, 100.0]


@pytest.mark.prefect
def test_artifacts_are_created_in_a_flow_run(written):
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.testing.utilities import prefect_test_harness

    clean, rep, json_path, html_path = written

    @flow
    def fake_run() -> dict:
        bar = A.BatchProgress(2, clean, "run-art")
        bar.update()
        bar.update()
        made = A.publish_run_artifacts({"report_json": str(json_path), "report_html": str(html_path)}, clean)
        return {"made": made, "progress": bar.artifact_id}

    with prefect_test_harness(server_startup_timeout=120):
        out = fake_run()
        assert set(out["made"]) == {"summary", "rules", "report"} and out["progress"]
        with get_client(sync_client=True) as client:
            keys = [A.artifact_key(k, clean) for k in ("summary", "rules", "report", "progress")]
            found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=keys)))
    by_key = {a.key: a for a in found}
    assert set(by_key) == set(keys)
    assert by_key[A.artifact_key("progress", clean)].data == 100.0
    assert str(rep["units"]["seen"]) in by_key[A.artifact_key("summary", clean)].data
    assert html_path.resolve().as_uri() in by_key[A.artifact_key("report", clean)].data
