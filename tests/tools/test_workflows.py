"""The tools and workflows: bounded in time, never a quiet build, no import path edits, no import cycle."""

from __future__ import annotations

import ast
import re
import subprocess

import yaml

from booksite import ROOT

BUILDERS = [ROOT / "Makefile", *sorted((ROOT / "scripts").glob("*.py")), *sorted((ROOT / ".github").rglob("*.yml"))]


def test_every_workflow_job_has_a_time_limit():
    for workflow in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
        for name, job in jobs.items():
            assert isinstance(job.get("timeout-minutes"), int), f"{workflow.name}: job {name} has no timeout-minutes"


def test_no_build_runs_quiet():
    """``mkdocs build -q`` exits 0 on a failing worked example's warning: no tool may use it."""
    quiet = re.compile(r"""mkdocs["',\s]+(?:build|serve)\b[^\n]*?(?:["'\s])(?:-q|--quiet)\b""")
    offenders = [path.relative_to(ROOT) for path in BUILDERS if quiet.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
    assert quiet.search('subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", site])')


def test_the_docs_workflow_verifies_the_site_before_uploading_it():
    steps = yaml.safe_load((ROOT / ".github" / "workflows" / "docs.yml").read_text())["jobs"]["build"]["steps"]
    runs = [step.get("run", "") or step.get("uses", "") for step in steps]
    verify = next(i for i, run in enumerate(runs) if "make verify" in run)
    upload = next(i for i, run in enumerate(runs) if "upload-pages-artifact" in run)
    assert verify < upload
    assert re.search(r"^build:.*\n(?:\t.*\n)*\t.*booksite\.verify", (ROOT / "Makefile").read_text(), re.M)


def test_nothing_edits_the_import_path_or_loads_a_module_from_a_file():
    tracked = subprocess.run(["git", "ls-files", "*.py", "*.md", "*.yml"], cwd=ROOT, capture_output=True, text=True)
    pattern = re.compile(r"sys\.path\.(?:insert|append)|spec_from_file_location|SourceFileLoader")
    offenders = [
        name
        for name in tracked.stdout.split()
        if name != "tests/tools/test_workflows.py" and pattern.search((ROOT / name).read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_import_cycle_between_tests_scripts_and_the_machinery():
    """booksite imports neither tests nor scripts; tests and scripts import booksite, never each other."""

    def imports(folder: str) -> set[str]:
        names = set()
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names.add(node.module.split(".")[0])
        return names

    assert not imports("tools/booksite") & {"tests", "scripts"}
    assert "scripts" not in imports("tests") and "tests" not in imports("scripts")
    assert "booksite" in imports("tests") and "booksite" in imports("scripts")
