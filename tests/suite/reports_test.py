"""The reports CI systems read (--report-junit, --report-markdown), checked against the JSON
report of the same run, from real runs of the runner; the JUnit file both element by element
(xml.etree) and as a JUnit consumer reads it (junitparser, Debian python3-junitparser):

    python3 tests/suite/reports_test.py --runner RUNNER --reference DRIVER --mutant MUTANT

1. the reference driver on the join and start tests, in workers and twice (-j 2 --repeat 2):
   everything passes, and the reports are those of the merged last run;
2. the mutant `second-join-fails` (it breaks [join.repeatable]) in the runner itself (-j 1), with
   an expectations file: one test citing the clause is XFAIL, another is expected to time out
   and so FAILs, with the expectation's reason (`<script>`, `&`, `]]>`, a control character) in
   its message, which must come back through the XML parser; the reports are written although
   the run failed;
3. a report path that cannot be written: exit 2 before the driver is ever started.

Every run has a deadline (subprocess timeout, scaled by STARTJOIN_TIMEOUT_MULTIPLIER); nothing
sleeps. Exits 0 when every check passes, 1 naming the first failed check.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import junitparser  # Debian python3-junitparser: a JUnit reader as CI tools use one

MULTIPLIER = float(os.environ.get("STARTJOIN_TIMEOUT_MULTIPLIER", "1"))
RUN_DEADLINE = 240.0 * MULTIPLIER
# A usage error needs no driver; it must come long before the first test could end.
USAGE_DEADLINE = 10.0 * MULTIPLIER
MUTANT, MUTANT_CLAUSE = "second-join-fails", "join.repeatable"
# What a CI page must show as it is and never break on; \x01 is no XML character at all.
NASTY = "<script>alert(1)</script> & ]]> \x01 | `tick`"

FAILING = {"FAIL", "TIMEOUT", "CRASH", "XPASS"}


class Failure(Exception):
    pass


def check(condition, what, *details):
    if not condition:
        raise Failure(what + "".join("\n    " + str(detail) for detail in details))


def visible(text):
    """The runner's visible_text(): characters XML cannot carry, as \\xNN per UTF-8 byte."""
    out = []
    for ch in text:
        code = ord(ch)
        allowed = (code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
                   or 0x10000 <= code <= 0x10FFFF) and code != 0x7F
        out.append(ch if allowed else "".join("\\x%02x" % b for b in ch.encode("utf-8", "surrogateescape")))
    return "".join(out)


def section_of(test):
    return test["clauses"][0].split(".")[0] if test["clauses"] else "uncited"


def run(args, deadline):
    try:
        return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=deadline, check=False)
    except subprocess.TimeoutExpired:
        raise Failure(f"the runner did not end within {deadline:.0f} s: {args}")


def run_with_reports(runner, driver, directory, extra):
    paths = {kind: os.path.join(directory, f"report.{kind}") for kind in ("json", "xml", "md")}
    for path in paths.values():
        if os.path.exists(path):
            os.unlink(path)
    result = run([runner, "--driver", driver, "--report-json", paths["json"], "--report-junit",
                  paths["xml"], "--report-markdown", paths["md"]] + extra, RUN_DEADLINE)
    output = (result.stdout + result.stderr).decode("utf-8", "replace")[-4000:]
    for kind, path in paths.items():
        check(os.path.exists(path), f"no {kind} report (runner exit {result.returncode})", output)
    with open(paths["json"], encoding="utf-8") as file:
        report = json.load(file)
    try:
        junit = ET.parse(paths["xml"]).getroot()
    except ET.ParseError as error:
        raise Failure(f"the JUnit report is not well-formed XML: {error}")
    with open(paths["md"], encoding="utf-8") as file:
        markdown = file.read()
    check_with_junitparser(paths["xml"], report)
    return result.returncode, report, junit, markdown, output


def check_with_junitparser(path, report):
    """What a JUnit consumer sees: junitparser's reading of the file gives every test of the JSON
    report once, with the result kind and message its status calls for, and totals that add up."""
    try:
        xml = junitparser.JUnitXml.fromfile(path)
    except Exception as error:  # junitparser raises lxml's or ElementTree's own errors
        raise Failure(f"junitparser cannot read the JUnit report: {error}")
    tests = {test["name"]: test for test in report["tests"]}
    kinds = {junitparser.Failure: "failure", junitparser.Error: "error",
             junitparser.Skipped: "skipped"}
    seen = {}
    for suite in xml:
        check(isinstance(suite, junitparser.TestSuite), "junitparser found no <testsuite>", suite)
        cases = list(suite)
        check(suite.tests == len(cases), f"junitparser: testsuite {suite.name} counts",
              suite.tests, len(cases))
        for case in cases:
            check(case.name not in seen, "junitparser: a test twice", case.name)
            test = tests.get(case.name)
            check(test is not None, "junitparser: a testcase the JSON report lacks", case.name)
            status = test["status"]
            wanted = ("failure" if status in FAILING else "error" if status == "BROKEN" else
                      "skipped" if status in ("SKIP", "NOT RUN") else None)
            found = [kinds.get(type(result), type(result).__name__) for result in case.result]
            check(found == ([wanted] if wanted else []),
                  f"junitparser: {case.name} ({status}) reads as {found}, not {wanted}")
            if wanted:
                check(case.result[0].message == visible(test["message"]).split("\n")[0],
                      f"junitparser: {case.name}: the {wanted}'s message",
                      repr(case.result[0].message))
            check(case.time >= 0, f"junitparser: {case.name}: time", case.time)
            seen[case.name] = status
    check(set(seen) == set(tests), "junitparser: tests of the JSON report missing",
          sorted(set(tests) - set(seen)))
    passed = sum(1 for status in seen.values() if status in ("PASS", "XFAIL"))
    check(passed == sum(1 for t in report["tests"] if t["status"] in ("PASS", "XFAIL")),
          "junitparser: passing tests", passed)


def property_of(testcase, name):
    for prop in testcase.iterfind("properties/property"):
        if prop.get("name") == name:
            return prop.get("value")
    return None


def check_seconds(element, what):
    text = element.get("time")
    check(text is not None and re.fullmatch(r"\d+(\.\d+)?", text) is not None,
          f"{what}: time is not a non-negative number", text)
    return float(text)


def check_junit(junit, report):
    """Structure and counts of the JUnit report against the JSON report of the same run."""
    check(junit.tag == "testsuites", "the JUnit root is not <testsuites>", junit.tag)
    tests = {test["name"]: test for test in report["tests"]}
    seen = set()
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_time = 0.0
    for suite in junit.findall("testsuite"):
        name = suite.get("name")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        suite_time = 0.0
        for case in suite.findall("testcase"):
            test = tests.get(case.get("name"))
            check(test is not None, "a testcase the JSON report lacks", case.get("name"))
            check(test["name"] not in seen, "a test twice in the JUnit report", test["name"])
            seen.add(test["name"])
            check(name == section_of(test), f"{test['name']} in the wrong testsuite", name,
                  test["clauses"])
            check(case.get("classname") == "startjoin." + name, f"{test['name']}: classname",
                  case.get("classname"))
            suite_time += check_seconds(case, test["name"])
            status = test["status"]
            check(property_of(case, "startjoin.status") == status,
                  f"{test['name']}: startjoin.status property", property_of(case, "startjoin.status"))
            kind = ("failure" if status in FAILING else "error" if status == "BROKEN" else
                    "skipped" if status in ("SKIP", "NOT RUN") else None)
            verdicts = [child for child in case if child.tag in ("failure", "error", "skipped")]
            counts["tests"] += 1
            if kind is None:
                check(not verdicts, f"{test['name']} ({status}) carries a verdict element",
                      [v.tag for v in verdicts])
            else:
                check(len(verdicts) == 1 and verdicts[0].tag == kind,
                      f"{test['name']} ({status}) is not one <{kind}>", [v.tag for v in verdicts])
                counts[{"failure": "failures", "error": "errors", "skipped": "skipped"}[kind]] += 1
                expected = visible(test["message"])
                check((verdicts[0].text or "") == expected,
                      f"{test['name']}: the <{kind}> text is not the message",
                      repr(verdicts[0].text), repr(expected))
                check(verdicts[0].get("message") == expected.split("\n")[0],
                      f"{test['name']}: the <{kind}> message attribute is not the first line",
                      repr(verdicts[0].get("message")))
            if status == "XFAIL":
                out = case.findtext("system-out") or ""
                check(out == visible(test["message"]), f"{test['name']}: XFAIL's system-out",
                      repr(out))
        for key, number in counts.items():
            check(suite.get(key) == str(number), f"testsuite {name}: {key}", suite.get(key), number)
            totals[key] += number
        suite_seconds = check_seconds(suite, "testsuite " + name)
        check(abs(suite_seconds - suite_time) < 0.002 * (counts["tests"] + 1),
              f"testsuite {name}: time is not the sum of its tests'", suite_seconds, suite_time)
        total_time += suite_time
    check(seen == set(tests), "tests of the JSON report missing from the JUnit report",
          sorted(set(tests) - seen))
    json_totals = report["totals"]["tests"]
    expected_totals = {
        "tests": len(report["tests"]),
        "failures": sum(n for s, n in json_totals.items() if s in FAILING),
        "errors": json_totals.get("BROKEN", 0),
        "skipped": json_totals.get("SKIP", 0) + json_totals.get("NOT RUN", 0),
    }
    for key, number in expected_totals.items():
        check(junit.get(key) == str(number), f"testsuites {key}", junit.get(key), number)
        check(totals[key] == number, f"sum of the testsuites' {key}", totals[key], number)
    check(abs(check_seconds(junit, "testsuites") - total_time) < 0.002 * (len(tests) + 1),
          "testsuites time is not the sum of its tests'")


def table_cells(line):
    """The cells of a Markdown table row, split at pipes that are not escaped."""
    check(line.startswith("| ") and line.endswith(" |"), "not a table row", line)
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line[2:-2])]


def check_markdown(markdown, report):
    """One row per clause of the JSON report, in its order, with the same status and counts."""
    lines = markdown.splitlines()
    totals = [line for line in lines if re.search(r"\d+ clauses: .*; \d+ tests: ", line)]
    check(len(totals) == 1, "no single totals line in the Markdown report", markdown[:500])
    check(f"{len(report['clauses'])} clauses: " in totals[0] and
          f"; {len(report['tests'])} tests: " in totals[0], "the totals line disagrees", totals[0])
    header = lines.index("| clause | tests | status | first message |")
    check(lines[header + 1] == "|---|---|---|---|", "no table separator", lines[header + 1])
    rows = [table_cells(line) for line in lines[header + 2:] if line.startswith("|")]
    check(len(rows) == len(report["clauses"]), "not one row per clause", len(rows),
          len(report["clauses"]))
    tests = {test["name"]: test for test in report["tests"]}
    for cells, clause in zip(rows, report["clauses"]):
        check(len(cells) == 4, "a row without four cells", cells)
        check(cells[0] == clause["id"] and cells[2] == clause["status"],
              "a row disagrees with the JSON report", cells, clause["id"], clause["status"])
        passed = sum(tests[name]["status"] == "PASS" for name in clause["tests"])
        check(cells[1] == f"{passed}/{len(clause['tests'])}", f"{clause['id']}: passed/total",
              cells[1])
    return dict((cells[0], cells) for cells in rows)


def list_clauses(runner):
    result = run([runner, "--list-clauses"], USAGE_DEADLINE * 3)
    check(result.returncode == 0, "--list-clauses failed", result.stderr.decode()[-2000:])
    tests = {}
    for line in result.stdout.decode().splitlines():
        name, *clauses = line.split()
        tests[name] = clauses
    return tests


def reference_run(args, directory):
    # Workers and --repeat: the reports are those of the merged last run, like the JSON one.
    status, report, junit, markdown, output = run_with_reports(
        args.runner, args.reference, directory,
        ["-j", "2", "--repeat", "2", "--gtest_brief=1", "--gtest_filter=Join.*:Start.*:Scenario.Join*"])
    check(status == 0, "the reference failed", output)
    check(len(report["tests"]) >= 5, "too few tests ran to check anything",
          len(report["tests"]))
    check(all(test["status"] == "PASS" for test in report["tests"]), "a reference test did not pass")
    check_junit(junit, report)
    check(len(junit.findall("testsuite")) >= 2, "one testsuite for two sections")
    check(junit.get("failures") == "0" and junit.get("errors") == "0", "failures in a clean run")
    check_markdown(markdown, report)
    print(f"reference: {len(report['tests'])} tests in {len(junit.findall('testsuite'))} "
          "testsuites agree with the JSON report")


def mutant_run(args, directory, cited):
    citing = sorted(name for name, clauses in cited.items()
                    if MUTANT_CLAUSE in clauses and not name.startswith("Property."))
    check(len(citing) >= 2, f"fewer than two tests cite [{MUTANT_CLAUSE}]", citing)
    xfail_test, fail_test = citing[0], citing[1]
    expectations = os.path.join(directory, "expectations.json")
    with open(expectations, "w", encoding="utf-8") as file:
        json.dump([{"test": xfail_test, "mode": "fail", "reason": "known: " + NASTY},
                   {"test": fail_test, "mode": "timeout", "reason": NASTY}], file)
    # The clause's tests, and passing ones of another section beside them.
    selected = citing + ["Start.*"]
    status, report, junit, markdown, output = run_with_reports(
        args.runner, f"{args.mutant} {MUTANT}", directory,
        ["-j", "1", "--gtest_brief=1", "--expectations", expectations,
         "--gtest_filter=" + ":".join(selected)])
    check(status == 1, "the run against the mutant did not fail", status, output)
    tests = {test["name"]: test for test in report["tests"]}
    check(tests[xfail_test]["status"] == "XFAIL", f"{xfail_test} is not XFAIL",
          tests[xfail_test]["status"])
    check(tests[fail_test]["status"] == "FAIL", f"{fail_test} is not FAIL (expected to time out)",
          tests[fail_test]["status"])
    check(NASTY in tests[fail_test]["message"], "the reason is not in the message",
          tests[fail_test]["message"][:500])
    check_junit(junit, report)

    cases = {case.get("name"): case for case in junit.iter("testcase")}
    failure = cases[fail_test].find("failure")
    check(failure is not None and visible(NASTY) in failure.text,
          "the nasty message did not round-trip through the XML parser", repr(failure.text)[:800])
    check("\\x01" in failure.text and "\x01" not in failure.text, "the control character is "
          "not escaped visibly", repr(failure.text)[:800])
    xfail = cases[xfail_test]
    check(property_of(xfail, "startjoin.status") == "XFAIL", "XFAIL lacks its property")
    check(xfail.find("failure") is None and xfail.find("error") is None, "XFAIL does not pass")
    check("known: " + visible(NASTY) in (xfail.findtext("system-out") or ""),
          "XFAIL's reason is not in <system-out>", xfail.findtext("system-out"))

    rows = check_markdown(markdown, report)
    row = rows.get(MUTANT_CLAUSE)
    check(row is not None and row[2] == "FAIL", f"[{MUTANT_CLAUSE}] is not FAIL in Markdown", row)
    first = tests[fail_test]["message"].split("\n")[0]
    check(NASTY.split("&")[0] in first, "the failing message's first line lacks the reason", first)
    check("&lt;script&gt;" in row[3] and "<script>" not in markdown,
          "HTML is not escaped in the Markdown cell", row[3])
    check("\\|" in row[3] and "\\`tick\\`" in row[3] and "\\x01" in row[3],
          "|, backticks or the control character are not escaped in the cell", row[3])
    check("\x01" not in markdown, "a raw control character in the Markdown report")
    print(f"mutant {MUTANT}: FAIL, XFAIL and the escaped message agree across the three reports")


def bad_paths(args, directory):
    marker = os.path.join(directory, "driver-started")
    # The driver leaves a mark if it is ever started: a usage error must come before that.
    driver = f"touch {marker}; exec {args.reference}"
    missing = os.path.join(directory, "no-such-folder", "report")
    for flag in ("--report-json", "--report-junit", "--report-markdown"):
        for path, why in ((missing, "does not exist"), (directory, "is a folder")):
            result = run([args.runner, "--driver", driver, flag, path], USAGE_DEADLINE)
            stderr = result.stderr.decode("utf-8", "replace")
            check(result.returncode == 2, f"{flag} {path}: exit {result.returncode}, not 2", stderr)
            check(path in stderr and why in stderr and flag in stderr,
                  f"{flag}: the message does not name the flag, the path and why", stderr)
            check(not os.path.exists(marker), f"{flag}: the driver was started before the "
                  "usage error")
            check(b"[ RUN" not in result.stdout, f"{flag}: a test ran before the usage error")
    print("bad report paths: exit 2 before the driver starts, naming the flag, path and reason")


def invalid_utf8_run(args, directory):
    # A driver that prints bytes that are not UTF-8 and dies: BROKEN, its stderr in the protocol
    # check's problems. No report may be lost for such bytes (nlohmann::json refuses to write
    # them); they show as \xNN.
    driver = "printf '\\377\\376 not utf-8\\n' >&2; exit 1"
    status, report, junit, markdown, output = run_with_reports(
        args.runner, driver, directory, ["-j", "1", "--gtest_brief=1", "--gtest_filter=Start.*"])
    check(status == 1, "the run against a broken driver did not fail", status, output)
    check(report["tests"] and all(test["status"] == "BROKEN" for test in report["tests"]),
          "the broken driver's tests are not BROKEN", [t["status"] for t in report["tests"]])
    problems = report["certification"]["problems"]
    check(any("\\xff\\xfe not utf-8" in problem for problem in problems),
          "the JSON report lacks the driver's bytes as visible escapes", problems)
    errors = [case.find("error") for case in junit.iter("testcase")]
    check(errors and all(error is not None for error in errors), "BROKEN is not <error> in JUnit")
    print("invalid UTF-8 from a driver: all three reports written, the bytes shown as \\xNN")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runner", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--mutant", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="startjoin-reports-") as directory:
        try:
            bad_paths(args, directory)
            reference_run(args, directory)
            invalid_utf8_run(args, directory)
            mutant_run(args, directory, list_clauses(args.runner))
        except Failure as failure:
            print(f"FAILED: {failure}")
            return 1
    print("reports: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
