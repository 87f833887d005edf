#!/usr/bin/env python3
"""PROFILE reaches ctest: the thread adapter (adapters/thread/adapter.conf, profile=thread) is
registered with exactly the tests the runner lists for a thread driver, and each registered test
runs the runner with --driver-profile thread; the reference (profile process) with every test.

Read from this build's own ctest registration (`ctest -N --show-only=json-v1`), which is what
startjoin_add_conformance(PROFILE ...) produces in a user's tree too (StartjoinConformance.cmake).
"""
import argparse
import json
import subprocess
import sys


def registered(build, adapter):
    shown = subprocess.run(
        ["ctest", "--test-dir", build, "-N", "-L", f"^{adapter}$", "--show-only=json-v1"],
        capture_output=True, text=True, check=True, timeout=120)
    prefix = f"conformance.{adapter}."
    return {test["name"][len(prefix):]: test["command"]
            for test in json.loads(shown.stdout)["tests"] if test["name"].startswith(prefix)}


def listed(runner, *flags):
    shown = subprocess.run([runner, "--list-tests-json", *flags],
                           capture_output=True, text=True, check=True, timeout=120)
    return [test["name"] for test in json.loads(shown.stdout)["tests"]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--runner", required=True)
    args = parser.parse_args()
    failures = []

    everything = listed(args.runner)
    for_threads = listed(args.runner, "--driver-profile", "thread")
    thread_tests = registered(args.build, "thread")
    reference_tests = registered(args.build, "reference")

    if sorted(thread_tests) != sorted(for_threads):
        failures.append("the thread adapter's ctest tests are not the runner's list for profile "
                        f"thread: extra {sorted(set(thread_tests) - set(for_threads))}, missing "
                        f"{sorted(set(for_threads) - set(thread_tests))}")
    if not len(for_threads) < len(everything):
        failures.append(f"profile thread leaves no test out ({len(for_threads)} of {len(everything)})")
    for name, command in thread_tests.items():
        flag = command.index("--driver-profile") if "--driver-profile" in command else -1
        if flag < 0 or command[flag + 1:flag + 2] != ["thread"]:
            failures.append(f"conformance.thread.{name} runs without --driver-profile thread: "
                            f"{command}")
            break
    if sorted(reference_tests) != sorted(everything):
        failures.append("the reference (profile process) is not registered with every test: "
                        f"{len(reference_tests)} of {len(everything)}")

    for failure in failures:
        print(f"FAIL: {failure}")
    print(f"thread adapter: {len(thread_tests)} tests registered, runner lists {len(for_threads)} "
          f"of {len(everything)} for profile thread; reference: {len(reference_tests)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
