"""``skillbound scan`` through the real command: streaming, determinism across --jobs, the
cache, limits and the summary."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import CORPUS, Run, drain, skillbound, write_skill
from verifier.schemas import load_schema

REPORT = load_schema("report")
SKILL_SCHEMA = {"$schema": REPORT["$schema"], "$defs": REPORT["$defs"], "$ref": "#/$defs/skill"}
"""Each JSONL line is the per-skill object of the JSON report."""


def mirror(tmp_path: Path, names: list[str]) -> Path:
    """A marketplace mirror laid out as skills/<owner>/<slug>/."""
    root = tmp_path / "mirror"
    for number, name in enumerate(names):
        shutil.copytree(CORPUS / name, root / "skills" / f"owner{number % 3}" / name,
                        ignore=shutil.ignore_patterns("expected.json"))
    return root


def lines(run: Run) -> list[dict[str, Any]]:
    objects = [json.loads(line) for line in run.stdout.splitlines()]
    for skill in objects:
        jsonschema.validate(skill, SKILL_SCHEMA)
    return objects


def scan(tmp_path: Path, *args: str | Path) -> Run:
    return skillbound("scan", *args, "--cache-dir", tmp_path / "cache", cwd=tmp_path)


NAMES = ["git-sync", "weather-brief", "alias-evasion", "sh-env-harvest", "js-fs-delete-outside",
         "pdf-form-filler", "missing-frontmatter", "inbox-cleanup"]


def test_jsonl_matches_check_and_is_independent_of_jobs(tmp_path: Path) -> None:
    mirror(tmp_path, NAMES)
    one = scan(tmp_path, "mirror", "--format", "jsonl", "--jobs", "1", "--no-cache")
    two = scan(tmp_path, "mirror", "--format", "jsonl", "--jobs", "2", "--no-cache")
    assert one.code == two.code == 1
    assert sorted(one.stdout.splitlines()) == sorted(two.stdout.splitlines())
    streamed = sorted(lines(two), key=lambda skill: skill["path"])
    checked = skillbound("check", "mirror", "--format", "json", cwd=tmp_path).json()["skills"]
    assert streamed == checked
    assert [s["path"] for s in streamed] == sorted(
        f"mirror/skills/owner{n % 3}/{name}" for n, name in enumerate(NAMES))
    for whole in ("json", "sarif", "text", "html"):
        by_one = scan(tmp_path, "mirror", "--format", whole, "--jobs", "1", "--no-cache")
        by_two = scan(tmp_path, "mirror", "--format", whole, "--jobs", "2", "--no-cache")
        assert by_one.stdout == by_two.stdout != ""
    assert scan(tmp_path, "mirror", "--format", "json", "--no-cache").json()["skills"] == checked


def test_summary_on_stderr(tmp_path: Path) -> None:
    mirror(tmp_path, NAMES[:3])
    run = scan(tmp_path, "mirror", "--format", "jsonl", "--jobs", "1")
    first, codes = run.stderr.splitlines()[:2]
    assert first.startswith("scanned 3 skills in ")
    assert first.endswith("0 from the cache): 1 pass, 1 warn, 1 fail, 0 error")
    assert codes.startswith("finding codes: SB201 ")
    assert "most common capabilities:\n" in run.stderr
    assert "slowest skills:\n" in run.stderr
    assert "\x1b[" not in run.stderr  # no progress bar: stderr is not a terminal
    assert scan(tmp_path, "mirror", "--quiet", "--format", "jsonl").stderr == ""


def test_cache_hits_and_invalidation(tmp_path: Path) -> None:
    root = mirror(tmp_path, ["git-sync", "weather-brief"])
    cold = scan(tmp_path, "mirror", "--format", "jsonl", "--jobs", "1")
    warm = scan(tmp_path, "mirror", "--format", "jsonl", "--jobs", "1")
    assert "0 from the cache" in cold.stderr and "2 from the cache" in warm.stderr
    assert warm.stdout == cold.stdout
    # The pictures of the HTML report come from the cache too, unchanged.
    fresh = scan(tmp_path, "mirror", "--format", "html", "--no-cache")
    cached = scan(tmp_path, "mirror", "--format", "html")
    assert "2 from the cache" in cached.stderr and "<svg" in cached.stdout
    assert cached.stdout == fresh.stdout
    entries = sorted((tmp_path / "cache").glob("*/*.json"))
    assert len(entries) == 2

    # Changing one file misses for that skill only, and the result follows the change.
    script = root / "skills" / "owner1" / "weather-brief" / "scripts" / "weather.py"
    script.write_text(script.read_text().replace("api.openweathermap.org", "evil.example.net"))
    changed = scan(tmp_path, "mirror", "--format", "jsonl", "--jobs", "1")
    assert "1 from the cache" in changed.stderr
    weather = next(s for s in lines(changed) if s["name"] == "weather-brief")
    assert [(f["code"], f["capability"]) for f in weather["findings"]] == [
        ("SB601", "env.read(OPENWEATHER_API_KEY)"),  # its key now goes to another host
        ("SB201", "net.connect(evil.example.net)")]  # a host the manifest does not name

    # A corrupt entry and a foreign one (valid JSON, wrong checksum) are ignored.
    for entry in sorted((tmp_path / "cache").glob("*/*.json")):
        document = json.loads(entry.read_text())
        document["payload"]["name"] = "forged"
        entry.write_text(json.dumps(document))
    entries[0].write_text("{not json")
    after = scan(tmp_path, "mirror", "--format", "jsonl", "--jobs", "1")
    assert "0 from the cache" in after.stderr
    assert after.stdout == changed.stdout


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    mirror(tmp_path, ["git-sync"])
    run = scan(tmp_path, "mirror", "--no-cache", "--format", "jsonl")
    assert run.code == 0 and not (tmp_path / "cache").exists()


def test_limits_give_an_error_verdict_and_the_scan_goes_on(tmp_path: Path) -> None:
    mirror(tmp_path, ["git-sync"])
    write_skill(tmp_path / "mirror" / "skills" / "big" / "huge", "name: huge\ndescription: d.",
                {"scripts/big.py": "x = 1\n" * 20_000})
    run = scan(tmp_path, "mirror", "--format", "jsonl", "--max-file-size", "100000", "--jobs", "2")
    results = {s["name"]: s for s in lines(run)}
    assert run.code == 1
    assert results["git-sync"]["verdict"] == "pass"
    huge = results["huge"]
    assert huge["verdict"] == "error"
    assert [(f["code"], f["location"]["path"]) for f in huge["findings"]] == [
        ("SB902", "mirror/skills/big/huge/scripts/big.py")]
    assert huge["findings"][0]["message"] == (
        "not analysed: scripts/big.py is 120000 bytes, over the limit of 100000")


def test_time_limit(tmp_path: Path) -> None:
    # Enough code that its analysis cannot finish in a millisecond.
    write_skill(tmp_path / "mirror" / "slow", "name: slow\ndescription: d.",
                {f"m{n}.py": "import os\n" + "os.getenv('A')\n" * 2000 for n in range(5)})
    mirror_skill = scan(tmp_path, "mirror", "--format", "jsonl", "--time-limit", "0.001",
                        "--no-cache")
    (slow,) = lines(mirror_skill)
    assert slow["verdict"] == "error"
    assert [(f["code"], f["message"]) for f in slow["findings"]] == [
        ("SB903", "the analysis took longer than the limit of 0.001 s")]
    assert mirror_skill.code == 1


def test_policy_applies_to_scan(tmp_path: Path) -> None:
    shutil.copytree(CORPUS / "inbox-cleanup", tmp_path / "skills" / "inbox-cleanup")
    policy = CORPUS / "policies" / "deployment.yaml"
    allowed = scan(tmp_path, "skills", "--policy", policy, "--context", "qa-agent",
                   "--format", "jsonl")
    denied = scan(tmp_path, "skills", "--policy", policy, "--context", "exec-inbox",
                  "--format", "jsonl")
    assert (allowed.code, lines(allowed)[0]["verdict"]) == (0, "pass")
    assert denied.code == 1
    assert {f["code"] for f in lines(denied)[0]["findings"]} == {"SB301"}


@pytest.mark.parametrize(("args", "message"), [
    (["--jobs", "0"], "argument --jobs: expected a positive number, got '0'"),
    (["--time-limit", "-1"], "argument --time-limit: expected a positive number, got '-1'"),
    (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
])
def test_bad_arguments_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    run = scan(tmp_path, ".", *args)
    assert run.code == 2 and message in run.stderr


def test_missing_root_exits_2(tmp_path: Path) -> None:
    run = scan(tmp_path, "nowhere")
    assert run.code == 2 and "nowhere: no such file or folder" in run.stderr


@pytest.mark.parametrize(("backend", "package"), [("dask", "distributed"), ("ray", "ray")])
def test_backend_on_a_local_cluster(tmp_path: Path, backend: str, package: str) -> None:
    pytest.importorskip(package, reason=f"the {backend} extra is not installed")
    mirror(tmp_path, NAMES[:4])
    local = scan(tmp_path, "mirror", "--format", "jsonl", "--no-cache", "--jobs", "1")
    remote = scan(tmp_path, "mirror", "--format", "jsonl", "--no-cache", "--backend", backend)
    assert remote.code == local.code == 1
    assert sorted(remote.stdout.splitlines()) == sorted(local.stdout.splitlines())


def test_unreachable_dask_scheduler_exits_2(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    mirror(tmp_path, ["git-sync"])
    run = scan(tmp_path, "mirror", "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert run.code == 2
    assert run.stderr.startswith("skillbound: error: --scheduler tcp://127.0.0.1:9: cannot "
                                 "reach it: Timed out trying to connect")


def test_progress_bar_only_on_a_terminal_outside_ci(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys
    mirror(tmp_path, ["git-sync"])

    def stderr_on_a_terminal(ci: str | None) -> str:
        leader, follower = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env.update({"CI": ci} if ci else {})
        process = subprocess.run(
            [sys.executable, "-m", "verifier", "scan", "mirror", "--no-cache", "--format",
             "jsonl", "--quiet"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
            stderr=follower, timeout=120)
        os.close(follower)
        assert process.returncode == 0
        return drain(leader)

    assert "scanning" in stderr_on_a_terminal(None)
    assert stderr_on_a_terminal("true") == ""


def test_a_worker_that_dies_costs_only_its_skill(tmp_path: Path) -> None:
    """A worker process that crashes (or a cluster that goes away) gives that skill SB901;
    every other skill of the scan still has its result."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from verifier.discover import discover
    from verifier.pipeline import Options
    from verifier.scan import InlineExecutor, scan as scan_core

    class DyingWorker(InlineExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            if args[0].root.name == "weather-brief":
                future: Future[object] = Future()
                future.set_exception(BrokenProcessPool("a worker process died"))
                return future
            return super().submit(fn, *args, **kwargs)

    root = mirror(tmp_path, ["git-sync", "weather-brief", "alias-evasion"])
    outcomes = {o.report.root.name: o.report
                for o in scan_core(discover([root]), Options(), DyingWorker())}
    assert sorted(outcomes) == ["alias-evasion", "git-sync", "weather-brief"]
    dead = outcomes["weather-brief"]
    assert (dead.verdict, [(f.code, f.message) for f in dead.findings]) == (
        "error", [("SB901", "analysis of this skill failed: BrokenProcessPool: a worker "
                            "process died")])
    assert outcomes["git-sync"].verdict == "pass" and outcomes["alias-evasion"].verdict == "fail"
