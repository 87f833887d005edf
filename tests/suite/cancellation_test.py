#!/usr/bin/env python3
"""SIGINT and SIGTERM in the middle of a run: the runner reports what ran, marks the rest NOT
RUN, writes its report with the run marked interrupted, exits 128 + the signal, and leaves no
process and no temporary folder behind. The signal is sent once the runner's own output shows a
property under way (evidence, not a timer); every wait has a deadline.

usage: cancellation_test.py --runner R --reference D
"""
import argparse
import json
import os
import pathlib
import select
import signal
import subprocess
import sys
import tempfile
import time
import uuid


def processes_with(marker):
    """Pids of the processes whose environment holds `marker`."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def read_until(process, needle, deadline):
    """The runner's output up to the first line holding `needle`."""
    text = b""
    while needle.encode() not in text:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([process.stdout], [], [], left)[0]:
            raise AssertionError("no %r in the runner's output within the deadline:\n%s"
                                 % (needle, text.decode(errors="replace")))
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            raise AssertionError("the runner ended before %r:\n%s" % (needle,
                                                                   text.decode(errors="replace")))
        text += chunk
    return text


def check(arguments, jobs, sent):
    multiplier = float(os.environ.get("STARTJOIN_TIMEOUT_MULTIPLIER", "1"))
    with tempfile.TemporaryDirectory() as scratch:
        temporary = pathlib.Path(scratch) / "tmp"
        temporary.mkdir()
        report = pathlib.Path(scratch) / "report.json"
        marker = "STARTJOIN_CANCELLATION_TEST=" + uuid.uuid4().hex
        environment = dict(os.environ, TMPDIR=str(temporary))
        environment[marker.split("=")[0]] = marker.split("=")[1]
        for name in ("GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX"):
            environment.pop(name, None)
        process = subprocess.Popen(
            [arguments.runner, "--driver", arguments.reference, "-j", str(jobs),
             "--report-json", str(report), "--gtest_filter=Property.*"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environment)
        try:
            output = read_until(process, "[ RUN      ] Property.", time.monotonic() + 120 * multiplier)
            process.send_signal(sent)
            rest, _ = process.communicate(timeout=120 * multiplier)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        output = (output + rest).decode(errors="replace")
        name = signal.Signals(sent).name
        assert process.returncode == 128 + sent, (process.returncode, output[-3000:])
        assert "not run" in output, output[-3000:]
        result = json.loads(report.read_text())
        assert result["run"].get("interrupted") == "the run was interrupted by " + name, result["run"]
        statuses = {test["name"]: test["status"] for test in result["tests"]}
        assert len(statuses) == 10, statuses  # every selected property, run or not
        assert "NOT RUN" in statuses.values(), statuses
        assert set(statuses.values()) <= {"PASS", "NOT RUN"}, statuses
        # Nothing left: no process of the run (the marker is in every one's environment; the
        # runner, their subreaper, reaps them all before it exits), no FIFO folder.
        assert not processes_with(marker), processes_with(marker)
        assert not list(temporary.iterdir()), list(temporary.iterdir())
        print("ok: %s with -j %d: exit %d, %d not run" % (
            name, jobs, process.returncode, list(statuses.values()).count("NOT RUN")))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runner", required=True)
    parser.add_argument("--reference", required=True)
    arguments = parser.parse_args()
    check(arguments, 1, signal.SIGINT)
    check(arguments, 2, signal.SIGTERM)
    return 0


if __name__ == "__main__":
    sys.exit(main())
