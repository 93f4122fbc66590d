"""The scheduled deployment (flows/deploy.py) and prefect.yaml, checked without a server."""
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from flows import deploy

REPO = Path(__file__).resolve().parents[1]


def test_cron_deployment_schedule_parameters_and_concurrency(tmp_path):
    d = deploy.build_deployment(tmp_path / "raw", tmp_path / "clean", cron="*/15 * * * *")
    assert d.name == "scheduled" and d.flow_name == "clean-corpus"
    [schedule] = d.schedules
    assert schedule.schedule.cron == "*/15 * * * *" and schedule.active
    assert d.parameters == {"raw_dir": str((tmp_path / "raw").resolve()),
                            "clean_dir": str((tmp_path / "clean").resolve())}
    assert d.concurrency_limit == 1
    assert d.concurrency_options.collision_strategy.value == "CANCEL_NEW"
    assert d.entrypoint == "flows.flow.clean_corpus"     # importable from any working directory


def test_interval_deployment_and_optional_parameters(tmp_path):
    cfg = tmp_path / "newsclean.toml"
    cfg.write_text("[run]\nbatch_size = 50\n")
    d = deploy.build_deployment("raw", "clean", interval=45, config_path=cfg, batch_size=7)
    assert d.schedules[0].schedule.interval == dt.timedelta(seconds=45)
    assert d.parameters["config_path"] == str(cfg.resolve()) and d.parameters["batch_size"] == 7
    assert Path(d.parameters["raw_dir"]).is_absolute()


@pytest.mark.parametrize("kw, message", [
    ({}, "exactly one schedule"),
    ({"cron": "0 * * * *", "interval": 60}, "exactly one schedule"),
    ({"interval": 0}, "positive"),
    ({"cron": "every hour"}, "not a valid cron"),
])
def test_bad_schedules_are_one_line_errors(kw, message):
    with pytest.raises(deploy.ServeError) as err:
        deploy.build_deployment("raw", "clean", **kw)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_no_server_message_says_what_to_do():
    with pytest.raises(deploy.ServeError) as err:
        deploy.check_server(None)
    text = str(err.value)
    assert "prefect server start" in text and "PREFECT_API_URL=http://127.0.0.1:4200/api" in text


def test_server_that_does_not_answer_is_named(tmp_path):
    with pytest.raises(deploy.ServeError) as err:
        deploy.check_server("http://127.0.0.1:9/api", timeout=1)   # port 9: nothing listens
    assert "127.0.0.1:9" in str(err.value)


def test_serve_command_without_server_exits_nonzero_with_the_advice(tmp_path):
    (tmp_path / "raw").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               COLUMNS="300")
    done = subprocess.run([sys.executable, "-m", "flows.cli", "serve", str(tmp_path / "raw"),
                           str(tmp_path / "clean"), "--interval", "30"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert "PREFECT_API_URL is not set" in done.stderr and "prefect server start" in done.stderr
    assert done.stderr.strip().count("\n") == 0        # one line
    assert "Traceback" not in done.stderr


def test_prefect_yaml_describes_the_same_deployment():
    spec = yaml.safe_load((REPO / "prefect.yaml").read_text())
    [dep] = spec["deployments"]
    assert dep["entrypoint"] == "flows/flow.py:clean_corpus"
    assert set(dep["parameters"]) == {"raw_dir", "clean_dir"}
    assert dep["concurrency_limit"] == {"limit": deploy.CONCURRENCY_LIMIT,
                                        "collision_strategy": deploy.COLLISION_STRATEGY}
    [schedule] = dep["schedules"]
    from prefect.client.schemas.schedules import CronSchedule

    CronSchedule(cron=schedule["cron"])        # a valid cron expression
    assert dep["work_pool"]["name"]
    # the entrypoint names the real flow
    module, func = dep["entrypoint"].split(":")
    from prefect.flows import load_flow_from_entrypoint

    flow = load_flow_from_entrypoint(str(REPO / module) + ":" + func)
    assert flow.name == "clean-corpus"


def test_batch_task_retries_only_io_errors():
    from prefect.states import Failed

    from flows.flow import _transient_io_error, clean_task

    assert clean_task.retries == 2
    assert clean_task.retry_condition_fn is _transient_io_error
    assert _transient_io_error(None, None, Failed(data=OSError("stale NFS handle")))
    assert not _transient_io_error(None, None, Failed(data=PermissionError("denied")))
    assert not _transient_io_error(None, None, Failed(data=ValueError("a bug")))
