"""The JSON Schemas of spec/ against the files they describe, from real runs of the runner:

    /usr/bin/python3 tests/suite/report_schemas_test.py --runner RUNNER --reference DRIVER \
        --mutant MUTANT --source SOURCE_DIR

1. report.schema.json: the report of the reference driver on a few tests and one property, in
   workers (-j 2, so the tests come through the workers' JSON lines) and in the runner itself
   (-j 1); and of the mutant `second-join-fails` with an expectations file, so that FAIL, XFAIL
   and XPASS appear. Each report also says what the run was: format version 2, the seed given in
   RC_PARAMS, the options, a duration for every test.
2. expectations.schema.json: every adapters/*/expectations.json and
   examples/consumer/expectations.json, and an edge file (upper-case modes, `intermittent`, a
   `case` entry) that the runner accepts too.
3. Negative cases: broken reports and broken expectations files are rejected by the schemas,
   and each broken expectations file is also refused by the runner (exit 2), so the schema and
   the parser cannot drift apart unnoticed.

Needs the Debian package python3-jsonschema (tools/bootstrap). Every run has a deadline; nothing
sleeps. Exits 0 when every check passes, 1 naming the first failed check.
"""

import argparse
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

MULTIPLIER = float(os.environ.get("STARTJOIN_TIMEOUT_MULTIPLIER", "1"))
RUN_DEADLINE = 240.0 * MULTIPLIER
MUTANT, MUTANT_CLAUSE = "second-join-fails", "join.repeatable"
SEED = "4242"
FAILING = {"FAIL", "TIMEOUT", "CRASH", "BROKEN", "XPASS"}


class Failure(Exception):
    pass


def check(condition, what, *details):
    if not condition:
        raise Failure(what + "".join("\n    " + str(detail) for detail in details))


def run(args, env=None):
    try:
        result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                timeout=RUN_DEADLINE, check=False, env=env)
    except subprocess.TimeoutExpired:
        raise Failure(f"did not end within {RUN_DEADLINE:.0f} s: {args}")
    return result.returncode, (result.stdout + result.stderr).decode("utf-8", "replace")


def validator(source, name):
    with open(os.path.join(source, "spec", name)) as file:
        schema = json.load(file)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors_of(validator_, document):
    return [f"{list(error.absolute_path)}: {error.message}"
            for error in validator_.iter_errors(document)]


def report_of(args, directory, name, driver, extra, env_params, expected_exit):
    path = os.path.join(directory, name)
    env = dict(os.environ, RC_PARAMS=env_params)
    status, output = run([args.runner, "--driver", driver, "--report-json", path,
                          "--gtest_brief=1"] + extra, env)
    check(status == expected_exit, f"{name}: the runner exited {status}, not {expected_exit}",
          output[-3000:])
    with open(path) as file:
        return json.load(file)


def tests_citing(args, clause):
    status, output = run([args.runner, "--list-clauses"])
    check(status == 0, "--list-clauses failed", output[-2000:])
    cited = {}
    for line in output.splitlines():
        name, *clauses = line.split()
        cited[name] = clauses
    return cited, sorted(name for name, clauses in cited.items()
                         if clause in clauses and not name.startswith("Property."))


def check_run_metadata(name, report, jobs, filter_):
    check(report["format"] == {"name": "startjoin-report", "version": 2},
          f"{name}: wrong format", report["format"])
    run_ = report["run"]
    check(run_["seed"] == SEED, f"{name}: the seed is not RC_PARAMS's", run_["seed"])
    check(run_["options"]["jobs"] == jobs and run_["options"]["filter"] == filter_,
          f"{name}: the options are not the command line's", run_["options"])
    check(run_["seconds"] > 0, f"{name}: the run took no time", run_)
    check(any(test["seconds"] > 0 for test in report["tests"]),
          f"{name}: no test took any time", [t["seconds"] for t in report["tests"]])
    total = sum(test["seconds"] for test in report["tests"])
    # Run in workers, the tests overlap; in one process they fit in the run.
    check(jobs > 1 or total <= run_["seconds"], f"{name}: the tests took longer than the run",
          total, run_["seconds"])


def check_reports(args, directory, reports):
    cited, citing = tests_citing(args, MUTANT_CLAUSE)
    check(len(citing) >= 2, f"fewer than two tests cite [{MUTANT_CLAUSE}]", citing)
    prop = next((name for name in sorted(cited) if name.startswith("Property.")), None)
    check(prop is not None, "no property test is listed")
    passing = [name for name in sorted(cited) if name.startswith("Start.")][:3]
    filter_ = ":".join(passing + [prop] + citing[:1])
    params = f"seed={SEED} max_success=3"
    for jobs in (2, 1):
        name = f"reference -j {jobs}"
        report = report_of(args, directory, f"reference-{jobs}.json", args.reference,
                           ["-j", str(jobs), f"--gtest_filter={filter_}"], params, 0)
        check_run_metadata(name, report, jobs, filter_)
        check(prop in {t["name"] for t in report["tests"]}, f"{name}: the property did not run")
        reports[name] = report

    # The mutant with expectations: a clause expected to fail (XFAIL), a test expected to time
    # out that fails instead (FAIL), a passing test expected to fail (XPASS).
    expectations = [
        {"clause": MUTANT_CLAUSE, "mode": "fail", "reason": "the mutant breaks it"},
        {"test": citing[1], "mode": "timeout", "reason": "it fails, it does not time out"},
        {"test": passing[0], "mode": "fail", "reason": "it passes"},
    ]
    path = os.path.join(directory, "mutant-expectations.json")
    with open(path, "w") as file:
        json.dump(expectations, file)
    filter_ = ":".join(citing[:2] + passing)
    report = report_of(args, directory, "mutant.json", f"{args.mutant} {MUTANT}",
                       ["-j", "1", "--expectations", path, f"--gtest_filter={filter_}"],
                       f"seed={SEED}", 1)
    check_run_metadata("mutant", report, 1, filter_)
    check(report["run"]["options"]["expectations"] == path,
          "mutant: the expectations file is not in the options", report["run"]["options"])
    statuses = {test["status"] for test in report["tests"]}
    check({"FAIL", "XFAIL", "XPASS", "PASS"} <= statuses,
          "mutant: the report lacks FAIL, XFAIL, XPASS or PASS", statuses)
    reports["mutant"] = report


def check_report_schema(args, reports):
    report_schema = validator(args.source, "report.schema.json")
    for name, report in reports.items():
        problems = errors_of(report_schema, report)
        check(not problems, f"the report of {name} does not match spec/report.schema.json",
              *problems[:10])
    good = reports["mutant"]
    broken = {
        "no format": lambda r: r.pop("format"),
        "format version 1": lambda r: r["format"].update(version=1),
        "a test status the runner never writes": lambda r: r["tests"][0].update(status="OK"),
        "a test without seconds": lambda r: r["tests"][0].pop("seconds"),
        "no run": lambda r: r.pop("run"),
        "a run started at no UTC time": lambda r: r["run"].update(started="5 Dec 2026"),
        "a driver without features": lambda r: r["driver"].pop("features"),
        "a SKIP clause without a reason": lambda r: r["clauses"][0].update(status="SKIP"),
    }
    for what, breaks in broken.items():
        report = copy.deepcopy(good)
        breaks(report)
        check(errors_of(report_schema, report), f"the report schema accepts a report with {what}")


def check_expectations_schema(args, directory, cited):
    schema = validator(args.source, "expectations.schema.json")
    files = sorted(glob.glob(os.path.join(args.source, "adapters", "*", "expectations.json")))
    files.append(os.path.join(args.source, "examples", "consumer", "expectations.json"))
    check(len(files) >= 2, "no expectations files found", args.source)
    for path in files:
        with open(path) as file:
            problems = errors_of(schema, json.load(file))
        check(not problems, f"{path} does not match spec/expectations.schema.json", *problems[:10])

    prop = next(name for name in sorted(cited) if name.startswith("Property.") and cited[name])
    test = next(name for name in sorted(cited) if name.startswith("Start."))
    edge = [
        {"test": test, "mode": "TIMEOUT", "reason": "upper case", "intermittent": True,
         "link": "https://example.invalid/1"},
        {"clause": cited[test][0], "mode": "Crash", "reason": "mixed case"},
        {"test": prop, "clause": cited[prop][0], "mode": "fail", "reason": "a known case",
         "case": "exit code -?[0-9]+"},
        {"clause": cited[test][:2] if len(cited[test]) > 1 else [cited[test][0]], "mode": "fail",
         "reason": "one cause under several clauses"},
        {"test": prop, "clause": cited[prop][:2], "mode": "fail", "reason": "a known case under "
         "two clauses", "case": "signal -?[0-9]+"},
    ]
    check(not errors_of(schema, edge), "the schema rejects a file the runner accepts",
          *errors_of(schema, edge))
    status, output = expectations_run(args, directory, "edge", edge, f"--gtest_filter={test}")
    check(status in (0, 1), "the runner refuses the edge expectations file", status, output[-2000:])

    base = {"test": test, "mode": "fail", "reason": "r"}
    broken = {
        "both test and clause": [dict(base, clause=cited[test][0])],
        "neither test nor clause": [{"mode": "fail", "reason": "r"}],
        "an empty test": [dict(base, test="")],
        "an unknown mode": [dict(base, mode="explode")],
        "no reason": [{"test": test, "mode": "fail"}],
        "an empty reason": [dict(base, reason="")],
        "the placeholder reason": [dict(base, reason="TODO: the cause: replace this")],
        "an unknown field": [dict(base, note="x")],
        "intermittent as text": [dict(base, intermittent="yes")],
        "a link that is no string": [dict(base, link=1)],
        "a case without a clause": [dict(base, test=prop, case="x")],
        "a case whose mode is not fail": [
            {"test": prop, "clause": cited[prop][0], "mode": "timeout", "reason": "r", "case": "x"}],
        "an empty case": [{"test": prop, "clause": cited[prop][0], "mode": "fail", "reason": "r",
                           "case": ""}],
        "an empty list of clauses": [{"clause": [], "mode": "fail", "reason": "r"}],
        "a clause named twice": [{"clause": [cited[test][0], cited[test][0]], "mode": "fail",
                                  "reason": "r"}],
        "a clause that is no string": [{"clause": [cited[test][0], 7], "mode": "fail",
                                        "reason": "r"}],
        "an empty clause in a list": [{"clause": [cited[test][0], ""], "mode": "fail",
                                       "reason": "r"}],
        "an object, not an array": dict(base),
    }
    for what, entries in broken.items():
        check(errors_of(schema, entries), f"the expectations schema accepts {what}")
        status, output = expectations_run(args, directory, "broken", entries,
                                          f"--gtest_filter={test}")
        check(status == 2, f"the runner does not refuse expectations with {what} (exit {status})",
              output[-1000:])


def expectations_run(args, directory, name, entries, filter_flag):
    path = os.path.join(directory, f"{name}-expectations.json")
    with open(path, "w") as file:
        json.dump(entries, file)
    return run([args.runner, "--driver", args.reference, "--expectations", path, "-j", "1",
                "--gtest_brief=1", filter_flag])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for flag in ("--runner", "--reference", "--mutant", "--source"):
        parser.add_argument(flag, required=True)
    args = parser.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix="startjoin-schemas-") as directory:
            reports = {}
            check_reports(args, directory, reports)
            check_report_schema(args, reports)
            cited, _ = tests_citing(args, MUTANT_CLAUSE)
            check_expectations_schema(args, directory, cited)
    except Failure as failure:
        print(f"report-schemas: FAILED: {failure}")
        return 1
    print("report-schemas: reports of 3 runs and every expectations file match the schemas; "
          "broken ones are rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
