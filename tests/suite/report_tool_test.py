"""startjoin-report on real reports of the runner:

    python3 tests/suite/report_tool_test.py --runner RUNNER --reference DRIVER --mutant MUTANT \
        --tool STARTJOIN_REPORT

1. merge: the reference driver run as two shards (two --gtest_filter selections that partition
   the Start and Join tests; one in workers, one in the runner itself) merged into one report,
   compared with a single run over the union: the same tests with the same statuses, the same
   clause verdicts and totals, the inputs in "merged_from";
2. diff: the union run against a run of the mutant `second-join-fails` exits 1 and lists the
   regressions (the tests citing [join.repeatable]) first; a report against itself exits 0;
3. bad input exits 2 naming the file and what is wrong: a missing file, malformed JSON (with the
   parser's position), a report without a format version, a test with two statuses in two
   shards, reports of two drivers, an unknown command; --help exits 0.

Properties are left out: a property's status may depend on its seed. Every run has a deadline;
nothing sleeps. Exits 0 when every check passes, 1 naming the first failed check.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

MULTIPLIER = float(os.environ.get("STARTJOIN_TIMEOUT_MULTIPLIER", "1"))
RUN_DEADLINE = 240.0 * MULTIPLIER
TOOL_DEADLINE = 30.0 * MULTIPLIER
MUTANT, MUTANT_CLAUSE = "second-join-fails", "join.repeatable"


class Failure(Exception):
    pass


def check(condition, what, *details):
    if not condition:
        raise Failure(what + "".join("\n    " + str(detail) for detail in details))


def run(args, deadline):
    try:
        result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                timeout=deadline, check=False)
    except subprocess.TimeoutExpired:
        raise Failure(f"did not end within {deadline:.0f} s: {args}")
    return (result.returncode, result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace"))


def runner_report(args, directory, name, driver, filter_, jobs, expected_exit):
    path = os.path.join(directory, name)
    status, out, err = run([args.runner, "--driver", driver, "--report-json", path,
                            "--gtest_brief=1", "-j", str(jobs), f"--gtest_filter={filter_}"],
                           RUN_DEADLINE)
    check(status == expected_exit, f"{name}: the runner exited {status}, not {expected_exit}",
          (out + err)[-3000:])
    return path


def load(path):
    with open(path) as file:
        return json.load(file)


def tool(args, *arguments):
    return run([args.tool] + list(arguments), TOOL_DEADLINE)


def statuses(report):
    return {test["name"]: test["status"] for test in report["tests"]}


def verdicts(report):
    return {clause["id"]: (clause["status"], sorted(clause["tests"]))
            for clause in report["clauses"]}


def check_merge(args, directory):
    shard_a = runner_report(args, directory, "shard-a.json", args.reference, "Start.*", 2, 0)
    shard_b = runner_report(args, directory, "shard-b.json", args.reference, "Join.*", 1, 0)
    union = runner_report(args, directory, "union.json", args.reference, "Start.*:Join.*", 2, 0)
    merged = os.path.join(directory, "merged.json")
    status, out, err = tool(args, "merge", shard_a, shard_b, "-o", merged)
    check(status == 0, f"merge exited {status}", out + err)
    check(os.path.exists(merged), "merge exited 0 and wrote no report", out + err)
    merged_report, union_report = load(merged), load(union)
    check(len(load(shard_a)["tests"]) > 0 and len(load(shard_b)["tests"]) > 0,
          "a shard ran no test")
    check(statuses(merged_report) == statuses(union_report),
          "the merged tests differ from the single run's",
          set(statuses(merged_report).items()) ^ set(statuses(union_report).items()))
    check(verdicts(merged_report) == verdicts(union_report),
          "the merged clause verdicts differ from the single run's",
          {k: v for k, v in verdicts(merged_report).items() if verdicts(union_report).get(k) != v})
    check([c["id"] for c in merged_report["clauses"]] == [c["id"] for c in union_report["clauses"]],
          "the merged clauses are not in the spec's order")
    check(merged_report["totals"] == union_report["totals"], "the merged totals differ",
          merged_report["totals"], union_report["totals"])
    check(merged_report["merged_from"] == [shard_a, shard_b], "merged_from is wrong",
          merged_report["merged_from"])
    runs = [load(shard_a)["run"], load(shard_b)["run"]]
    check(abs(merged_report["run"]["seconds"] - sum(r["seconds"] for r in runs)) < 1e-6,
          "the merged run's duration is not the sum of the shards'", merged_report["run"])
    check(merged_report["run"]["started"] == min(r["started"] for r in runs),
          "the merged run did not start at the earliest start", merged_report["run"])
    return shard_a, union


def check_diff(args, directory, union):
    mutant = runner_report(args, directory, "mutant.json", f"{args.mutant} {MUTANT}",
                           "Start.*:Join.*", 2, 1)
    status, out, err = tool(args, "diff", union, mutant)
    check(status == 1, f"diff against the mutant exited {status}, not 1", out + err)
    lines = out.splitlines()
    check(lines and lines[0].startswith("regressions ("),
          "the diff does not list the regressions first", out)
    regressed = []
    for line in lines[1:]:
        if not line.startswith("  "):
            break
        regressed.append(line.strip().split(":")[0])
    broken = {test["name"] for test in load(mutant)["tests"]
              if MUTANT_CLAUSE in test["clauses"] and test["status"] != "PASS"}
    check(broken and broken <= set(regressed),
          f"tests citing [{MUTANT_CLAUSE}] that fail are not listed as regressions", broken, out)
    status, out, err = tool(args, "diff", union, union)
    check(status == 0, f"a report against itself: diff exited {status}, not 0", out + err)
    check("0 regressions, 0 fixed, 0 other changes, 0 added, 0 removed" in out,
          "a report against itself shows changes", out)
    return mutant


def expect_usage_error(args, what, needles, *arguments):
    status, out, err = tool(args, *arguments)
    check(status == 2, f"{what}: exit {status}, not 2", out + err)
    for needle in needles:
        check(needle in err, f"{what}: the error does not say {needle!r}", err)


def check_errors(args, directory, shard_a, union, mutant):
    missing = os.path.join(directory, "missing.json")
    expect_usage_error(args, "a missing file", [missing], "diff", missing, union)
    malformed = os.path.join(directory, "malformed.json")
    with open(malformed, "w") as file:
        file.write('{\n  "format": {"name": "startjoin-report",\n  "version": }\n}\n')
    expect_usage_error(args, "malformed JSON", [malformed, "line 3"], "diff", union, malformed)
    old = load(union)
    del old["format"]
    version1 = os.path.join(directory, "version1.json")
    with open(version1, "w") as file:
        json.dump(old, file)
    expect_usage_error(args, "a version 1 report", [version1, "version 1"], "diff", version1,
                       union)
    conflicting = load(shard_a)
    conflicting["tests"][0]["status"] = "FAIL"
    conflict = os.path.join(directory, "conflict.json")
    with open(conflict, "w") as file:
        json.dump(conflicting, file)
    merged = os.path.join(directory, "never.json")
    expect_usage_error(args, "a test with two statuses",
                       [shard_a, conflict, conflicting["tests"][0]["name"]],
                       "merge", shard_a, conflict, "-o", merged)
    check(not os.path.exists(merged), "a failed merge wrote its output")
    expect_usage_error(args, "reports of two drivers", [union, mutant],
                       "merge", union, mutant, "-o", merged)
    expect_usage_error(args, "an unknown command", ["unknown command frobnicate", "usage:"],
                       "frobnicate")
    expect_usage_error(args, "merge without -o", ["-o"], "merge", union)
    status, out, _ = tool(args, "--help")
    check(status == 0 and "startjoin-report merge" in out, "--help", status, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for flag in ("--runner", "--reference", "--mutant", "--tool"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix="startjoin-report-tool-") as directory:
            shard_a, union = check_merge(args, directory)
            mutant = check_diff(args, directory, union)
            check_errors(args, directory, shard_a, union, mutant)
    except Failure as failure:
        print(f"report-tool: FAILED: {failure}")
        return 1
    print("report-tool: two shards merge into the single run's report; diff lists the mutant's "
          "regressions first; bad input exits 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
