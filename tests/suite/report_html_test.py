"""startjoin-report html on hostile input:

    python3 tests/suite/report_html_test.py --runner RUNNER --reference DRIVER --tool STARTJOIN_REPORT \
        --spec spec/start-join.md

1. a real report of the reference (a few tests), its texts then replaced with markup: a failure
   message with <script> and an <img onerror>, an implementation name, a version, a hostname
   and a SKIP reason. Every page of the site (index.html, diff.html, clauses/*.html) holds them
   escaped, never as markup: its only <script> element is the one loading dashboard.js;
2. bad input exits 2 naming the file and writes no site: a missing report, malformed JSON (with
   the parser's position), JSON that is no report, a folder given as a report, a report with a
   field of the wrong type, a missing spec, a spec without clauses, an output path that is a
   file; usage errors exit 2 too.

Every run has a deadline; nothing sleeps. Exits 0 when every check passes, 1 naming the first
failed check.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

MULTIPLIER = float(os.environ.get("STARTJOIN_TIMEOUT_MULTIPLIER", "1"))
RUN_DEADLINE = 120.0 * MULTIPLIER
TOOL_DEADLINE = 30.0 * MULTIPLIER
SCRIPT = "<script>document.title='pwned'</script>"
IMAGE = "<img src=x onerror=\"alert(1)\">"


class Failure(Exception):
    pass


def check(condition, what, *details):
    if not condition:
        raise Failure(what + "".join("\n    " + str(detail) for detail in details))


def run(args, deadline=TOOL_DEADLINE):
    try:
        result = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                timeout=deadline, check=False)
    except subprocess.TimeoutExpired:
        raise Failure(f"did not end within {deadline:.0f} s: {args}")
    return (result.returncode, result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace"))


def hostile_report(args, directory):
    path = os.path.join(directory, "reference.json")
    status, out, err = run([args.runner, "--driver", args.reference, "--report-json", path,
                            "--gtest_brief=1", "-j", "1", "--gtest_filter=Join.*"], RUN_DEADLINE)
    check(status == 0, f"the runner exited {status}", (out + err)[-3000:])
    with open(path) as file:
        report = json.load(file)
    report["driver"]["implementation"] = "impl" + IMAGE
    report["driver"]["version"] = "1.0" + SCRIPT
    report["run"]["machine"]["hostname"] = "host<b>bold</b>"
    victim = report["tests"][0]
    victim["status"] = "FAIL"
    victim["message"] = f"{SCRIPT} & {IMAGE}\nexpected failure: a cause {SCRIPT} (https://x.invalid/\"><script>)"
    for clause in report["clauses"]:
        if clause["id"] in victim["clauses"]:
            clause["status"] = "FAIL"
        if clause["status"] == "NOT RUN":
            clause.update(status="SKIP", reason="needs <feature> " + SCRIPT)
            break
    hostile = os.path.join(directory, "hostile.json")
    with open(hostile, "w") as file:
        json.dump(report, file)
    return path, hostile


def check_escaped(args, directory):
    reference, hostile = hostile_report(args, directory)
    site = os.path.join(directory, "site")
    status, out, err = run([args.tool, "html", reference, hostile, "-o", site, "--spec", args.spec])
    check(status == 0, f"html exited {status}", out + err)
    pages = [os.path.join(site, "index.html"), os.path.join(site, "diff.html")]
    pages += sorted(glob.glob(os.path.join(site, "clauses", "*.html")))
    check(len(pages) > 50, "the site lacks clause pages", pages)
    for page in pages:
        with open(page, encoding="utf-8") as file:
            html = file.read()
        scripts = re.findall(r"<script[^>]*>", html, re.IGNORECASE)
        check(len(scripts) == 1 and "dashboard.js" in scripts[0],
              f"{page}: a <script> element that is not dashboard.js", scripts)
        for markup in ("<img", "<b>bold", "<feature>", "onerror=\"alert"):
            check(markup not in html, f"{page}: {markup} from a report is in the page unescaped")
    with open(pages[0], encoding="utf-8") as file:
        index = file.read()
    check("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in index,
          "index.html does not show the failure message escaped")
    check("impl&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in index,
          "index.html does not show the implementation's name escaped")
    check("host&lt;b&gt;bold&lt;/b&gt;" in index, "index.html does not say the machine, escaped")
    # The cause's link ends at the quote: it cannot close the href and open an element.
    check('href="https://x.invalid/"' in index, "the cause's link is not cut at the quote")
    print("html: the hostile report's texts are escaped in every page "
          f"({len(pages)} pages)")


def check_bad_input(args, directory):
    site = os.path.join(directory, "bad-site")
    reference = os.path.join(directory, "reference.json")

    def refused(what, arguments, *needles):
        status, out, err = run([args.tool, "html"] + arguments)
        check(status == 2, f"{what}: exit {status}, not 2", out + err)
        for needle in needles:
            check(needle in err, f"{what}: the error does not say {needle!r}", err)
        check(not os.path.exists(site), f"{what}: a site was written anyway")

    missing = os.path.join(directory, "missing.json")
    refused("a missing report", [reference, missing, "-o", site, "--spec", args.spec],
            missing, "cannot read")
    malformed = os.path.join(directory, "malformed.json")
    with open(malformed, "w") as file:
        file.write('{"format": {"name": "startjoin-report", "version": 2},\n  "tests": [}\n')
    refused("malformed JSON", [malformed, "-o", site, "--spec", args.spec],
            malformed, "not valid JSON", "line 2")
    not_a_report = os.path.join(directory, "array.json")
    with open(not_a_report, "w") as file:
        json.dump([1, 2], file)
    refused("JSON that is no report", [not_a_report, "-o", site, "--spec", args.spec],
            not_a_report, "JSON object")
    refused("a folder as a report", [directory, "-o", site, "--spec", args.spec],
            directory, "is a folder")
    with open(reference) as file:
        report = json.load(file)
    report["run"]["machine"]["hostname"] = ["not", "text"]
    wrong_type = os.path.join(directory, "wrong-type.json")
    with open(wrong_type, "w") as file:
        json.dump(report, file)
    refused("a field of the wrong type", [reference, wrong_type, "-o", site, "--spec", args.spec],
            wrong_type, "wrong type")
    no_spec = os.path.join(directory, "no-spec.md")
    refused("a missing spec", [reference, "-o", site, "--spec", no_spec], no_spec, "cannot read")
    empty_spec = os.path.join(directory, "empty-spec.md")
    with open(empty_spec, "w") as file:
        file.write("# A spec\n\n## A section\n\nNo clause.\n")
    refused("a spec without clauses", [reference, "-o", site, "--spec", empty_spec],
            empty_spec, "defines no clause")
    refused("no -o", [reference, "--spec", args.spec], "-o")
    refused("no report", ["-o", site, "--spec", args.spec], "at least one report")
    refused("an unknown option", [reference, "-o", site, "--bogus"], "--bogus")
    a_file = os.path.join(directory, "a-file")
    with open(a_file, "w") as file:
        file.write("x")
    status, out, err = run([args.tool, "html", reference, "-o", a_file, "--spec", args.spec])
    check(status == 2 and a_file in err, f"an output path that is a file: exit {status}", err)
    print("html: bad input exits 2 naming the file, and writes nothing")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runner", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--spec", required=True)
    args = parser.parse_args()
    try:
        with tempfile.TemporaryDirectory(prefix="startjoin-report-html-") as directory:
            check_escaped(args, directory)
            check_bad_input(args, directory)
    except Failure as failure:
        print(f"FAIL: {failure}")
        return 1
    print("report-html: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
