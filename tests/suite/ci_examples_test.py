#!/usr/bin/env python3
"""examples/ci/: both CI files are valid YAML with the job structure the README promises.

Each has a shard job whose matrix runs every shard 1..N of one N (--shard K/N numbers shards
from 1) for the same adapters as its merge job, which needs the shard job, merges the shards'
JSON reports with `startjoin-report merge` and gates with `startjoin-report diff`.
"""
import argparse
import re
import sys

import yaml

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


def script_text(steps_or_lines):
    """Every command of a job as one text, from GitHub steps or GitLab script lines."""
    text = []
    for item in steps_or_lines:
        text.append(item.get("run", "") if isinstance(item, dict) else str(item))
    return "\n".join(text)


def github_expressions_as_variables(text):
    """`${{ matrix.shard }}` as `$SHARD`, so that both files' commands read alike."""
    return re.sub(r"\$\{\{\s*matrix\.(\w+)\s*\}\}", lambda m: "$" + m.group(1).upper(), text)


def check_shards(where, shards, total, command):
    """`shards` are the matrix's shard numbers, `total` the N every shard gets."""
    numbers = sorted(int(shard) for shard in shards)
    check(numbers == list(range(1, total + 1)),
          f"{where}: the shard matrix {numbers} is not every shard 1..{total}, each once")
    check(re.search(r"--shard \"?[^ ]*SHARD[^ ]*/[^ ]*SHARDS", command) is not None,
          f"{where}: the shard job does not pass --shard K/N: {command!r}")
    for flag in ("--report-junit",):
        check(flag in command, f"{where}: the shard job does not write {flag}")


def check_merge(where, command):
    check(re.search(r"startjoin-report merge shard-\S*\*\.json -o report\.json", command),
          f"{where}: the merge job does not merge the shards' reports: {command!r}")
    check(re.search(r"startjoin-report diff \S+ report\.json", command),
          f"{where}: the merge job does not gate with startjoin-report diff: {command!r}")


def check_github(path):
    workflow = yaml.safe_load(open(path))
    # YAML 1.1 reads the key `on` as true.
    check("on" in workflow or True in workflow, f"{path}: no `on:` trigger")
    jobs = workflow.get("jobs", {})
    if not check("shard" in jobs and "merge" in jobs, f"{path}: jobs are {list(jobs)}"):
        return
    shard, merge = jobs["shard"], jobs["merge"]
    matrix = shard["strategy"]["matrix"]
    command = github_expressions_as_variables(script_text(shard["steps"]))
    check_shards(path, matrix["shard"], int(shard["env"]["SHARDS"]), command)
    check("--report-json" in command or "build/reports/" in command,
          f"{path}: the shard job keeps no JSON report")
    uploads = [step for step in shard["steps"]
               if str(step.get("uses", "")).startswith("actions/upload-artifact")]
    check(uploads and "${{ matrix.shard }}" in uploads[0]["with"]["name"],
          f"{path}: each shard must upload its reports under a name of its own")
    needs = merge.get("needs", [])
    check("shard" in ([needs] if isinstance(needs, str) else needs),
          f"{path}: the merge job does not need the shard job")
    check(merge["strategy"]["matrix"]["adapter"] == matrix["adapter"],
          f"{path}: the merge job's adapters differ from the shards'")
    check_merge(path, github_expressions_as_variables(script_text(merge["steps"])))


def check_gitlab(path):
    pipeline = yaml.safe_load(open(path))
    if not check("shard" in pipeline and "merge" in pipeline,
                 f"{path}: jobs are {list(pipeline)}"):
        return
    shard, merge = pipeline["shard"], pipeline["merge"]
    check(pipeline.get("stages", []).index(shard["stage"]) <
          pipeline.get("stages", []).index(merge["stage"]),
          f"{path}: the merge stage does not come after the shard stage")
    (matrix,) = shard["parallel"]["matrix"]
    command = script_text(shard["script"])
    check_shards(path, matrix["SHARD"], int(pipeline["variables"]["SHARDS"]), command)
    check(any("$SHARD" in p for p in shard["artifacts"]["paths"]),
          f"{path}: each shard must keep its reports under a name of its own")
    needs = [n["job"] if isinstance(n, dict) else n for n in merge.get("needs", [])]
    check("shard" in needs, f"{path}: the merge job does not need the shard job")
    (merge_matrix,) = merge["parallel"]["matrix"]
    check(merge_matrix["ADAPTER"] == matrix["ADAPTER"],
          f"{path}: the merge job's adapters differ from the shards'")
    check_merge(path, script_text(merge["script"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", required=True, help="the examples/ci directory")
    args = parser.parse_args()
    check_github(f"{args.examples}/github-actions.yml")
    check_gitlab(f"{args.examples}/gitlab-ci.yml")
    for failure in failures:
        print(f"FAIL: {failure}")
    print(f"ci examples: {len(failures)} problem{'s' if len(failures) != 1 else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
