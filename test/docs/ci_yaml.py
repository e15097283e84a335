#!/usr/bin/env python3
"""Turns the CI examples of docs/ci.md into a shell script, for test/docs/ci_page.sh.

    ci_yaml.py PAGE MARKER EVENT > script.sh

Reads the YAML block after the line `<!-- MARKER -->` (`ci: github` or `ci: gitlab`), parses it
(a YAML error fails the test), and writes a bash script that runs, in order, the shell of every
job and step that would run on EVENT, the way the CI system runs them: GitHub's `run:` with
`bash --noprofile --norc -eo pipefail` (what `shell: bash` means), GitLab's `script:` lines one
after another in one `bash -eo pipefail`. Environment: the job's and step's `env:` / the
`variables:`, then the connection overrides of the file named by $CI_OVERRIDES (the throwaway
cluster instead of the service container). `uses:` steps (actions/checkout) are skipped; a job
that runs `docker` (the image build) is refused: those blocks are parsed, not run.

EVENT is pull_request or push (to the default branch, main). Only the conditions the page uses
are understood; anything else is an error, so that a new condition cannot be silently ignored.
"""
import re
import shlex
import sys

import yaml


def block(page, marker):
    lines = open(page, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        if line.strip() == f"<!-- {marker} -->":
            if not lines[i + 1].startswith("```"):
                sys.exit(f"{page}: no fenced block right after <!-- {marker} -->")
            end = lines.index("```", i + 2)
            return "\n".join(lines[i + 2:end])
    sys.exit(f"{page}: no <!-- {marker} --> block")


def github_if(expr, event):
    ctx = {"github.event_name": event,
           "github.ref": "refs/heads/main" if event == "push" else "refs/pull/1/merge"}
    expr = expr.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    clauses = [c.strip() for c in expr.split("&&")]
    for c in clauses:
        m = re.fullmatch(r"(github\.event_name|github\.ref) == '([^']*)'", c)
        if not m:
            sys.exit(f"unknown GitHub condition: {c}")
        if ctx[m.group(1)] != m.group(2):
            return False
    return True


def gitlab_rules(rules, event):
    if rules is None:
        return True
    ctx = {"$CI_PIPELINE_SOURCE": "merge_request_event" if event == "pull_request" else "push",
           "$CI_COMMIT_BRANCH": "main" if event == "push" else "",
           "$CI_DEFAULT_BRANCH": "main"}
    for rule in rules:
        m = re.fullmatch(r'(\$[A-Z_]+) == ("([^"]*)"|\$[A-Z_]+)', rule.get("if", "").strip())
        if not m or set(rule) - {"if"}:
            sys.exit(f"unknown GitLab rule: {rule}")
        right = m.group(3) if m.group(3) is not None else ctx.get(m.group(2))
        if ctx.get(m.group(1)) == right and ctx.get(m.group(1)):
            return True
    return False


def exports(env, expand):
    out = []
    for k, v in (env or {}).items():
        v = str(v)
        if expand:  # GitLab expands $VARS in variables
            out.append(f'export {k}="{v}"')
        else:  # GitHub: only ${{ secrets.NAME }}, from the test's SECRET_NAME
            m = re.fullmatch(r"\$\{\{\s*secrets\.([A-Z_]+)\s*\}\}", v)
            out.append(f'export {k}="$SECRET_{m.group(1)}"' if m else f"export {k}={shlex.quote(v)}")
    return out


def step(name, env_lines, shell_cmd, script):
    q = shlex.quote
    return [f"echo {q('::: ' + name)}",
            "(", *env_lines, 'source "$CI_OVERRIDES"',
            f"{shell_cmd} -c {q(script)}", ") || { rc=$?; echo " + q("::: failed: " + name) +
            ' "(exit code $rc)"; exit $rc; }']


def github(doc, event):
    out = []
    if event not in (doc.get(True) or doc.get("on") or {}):
        return out
    for job_name, job in doc["jobs"].items():
        if "if" in job and not github_if(job["if"], event):
            continue
        for s in job["steps"]:
            if "uses" in s:
                continue
            if "if" in s and not github_if(s["if"], event):
                continue
            if re.search(r"\bdocker\b", s["run"]):
                sys.exit(f"job {job_name} runs docker: it cannot run here")
            env = exports(job.get("env"), False) + exports(s.get("env"), False)
            out += step(f"{job_name}: {s.get('name', s['run'])}", env,
                        "bash --noprofile --norc -eo pipefail", s["run"])
    return out


def gitlab(doc, event):
    out = []
    stages = doc.get("stages", ["build", "test", "deploy"])
    jobs = [(n, j) for n, j in doc.items() if isinstance(j, dict) and "script" in j]
    jobs.sort(key=lambda nj: stages.index(nj[1].get("stage", "test")))
    for job_name, job in jobs:
        if not gitlab_rules(job.get("rules"), event):
            continue
        if not all(isinstance(line, str) for line in job["script"]):
            # `- echo "a: b"` is a mapping in YAML, and GitLab refuses the file
            sys.exit(f"job {job_name}: a script line is not a string (quote a line holding ': ')")
        script = "\n".join(job["script"])
        if re.search(r"\bdocker\b", script):
            sys.exit(f"job {job_name} runs docker: it cannot run here")
        env = exports(doc.get("variables"), True) + exports(job.get("variables"), True)
        out += step(job_name, env, "bash -eo pipefail", script)
    return out


def main():
    page, marker, event = sys.argv[1:4]
    doc = yaml.safe_load(block(page, marker))
    lines = (github if "github" in marker else gitlab)(doc, event)
    print("\n".join(lines))


main()
