"""The Python driver as a case server (spec/protocol.md, "Cases (protocol 2)"), tested from the
runner's side without the runner: this script starts the driver, sends `case` requests over FIFOs
it opens exactly as the spec says, and checks what the case parents do.

    python3 tests/suite/python_case_server.py --python PYTHON --start-method fork|spawn|forkserver

PYTHON runs adapters/python/driver.py. Every wait has a deadline (10 s, scaled by
STARTJOIN_TIMEOUT_MULTIPLIER); nothing waits by sleeping. Exits 0 when every check passes, 1 on
the first failed check (which it names), after killing and reaping whatever it started.
"""

import argparse
import ctypes
import json
import fcntl
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "adapters",
                      "python", "driver.py")
PR_SET_CHILD_SUBREAPER = 36
DEADLINE = 10.0 * float(os.environ.get("STARTJOIN_TIMEOUT_MULTIPLIER", "1"))


class Failure(Exception):
    pass


def check(condition, what, *details):
    if not condition:
        raise Failure(what + "".join("\n    " + str(detail) for detail in details))


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


class Lines(object):
    """JSON lines from a non-blocking descriptor, each read with a deadline."""

    def __init__(self, fd, name):
        self.fd = fd
        self.name = name
        self.buffer = b""

    def read(self):
        deadline = time.monotonic() + DEADLINE
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            check(left > 0, "no line on %s within %.0f s" % (self.name, DEADLINE), self.buffer)
            readable, _, _ = select.select([self.fd], [], [], left)
            if readable:
                try:
                    block = os.read(self.fd, 65536)
                except BlockingIOError:
                    continue
                check(block, "%s reached end of file while a line was awaited" % self.name,
                      self.buffer)
                self.buffer += block
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line.decode("utf-8"))


def read_available(fd):
    """What a non-blocking FIFO holds right now, without waiting."""
    data = b""
    while True:
        try:
            block = os.read(fd, 65536)
        except BlockingIOError:
            return data
        if not block:
            return data
        data += block


def read_to_end(fd, name):
    """Everything until every writer has closed the FIFO, with a deadline."""
    deadline = time.monotonic() + DEADLINE
    data = b""
    while True:
        left = deadline - time.monotonic()
        check(left > 0, "%s did not reach end of file within %.0f s" % (name, DEADLINE), data)
        readable, _, _ = select.select([fd], [], [], left)
        if not readable:
            continue
        try:
            block = os.read(fd, 65536)
        except BlockingIOError:
            continue
        if not block:
            return data
        data += block


def wait_exit(pid, what):
    """The exit status of our child `pid` (os.waitstatus_to_exitcode form), with a deadline."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:  # reaped meanwhile (by subprocess's own bookkeeping)
        return None
    try:
        readable, _, _ = select.select([pidfd], [], [], DEADLINE)
        check(readable, "%s (pid %d) did not end within %.0f s" % (what, pid, DEADLINE))
    finally:
        os.close(pidfd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def children(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as listing:
        return listing.read().split()


def parent_of(pid):
    with open("/proc/%d/stat" % pid) as stat:
        line = stat.read()
    return int(line[line.rfind(")") + 1:].split()[1])


def as_driver(requests, replies):
    """In the child before exec: its own process group, and `requests` and `replies` as fds 3
    and 4 (copied above 9 first, so that neither is overwritten by the other's move)."""
    os.setpgrp()
    requests = fcntl.fcntl(requests, fcntl.F_DUPFD, 10)
    replies = fcntl.fcntl(replies, fcntl.F_DUPFD, 10)
    os.dup2(requests, 3)
    os.dup2(replies, 4)


class Driver(object):
    """The driver started as the runner starts it: /bin/sh -c, a new process group, stdin from
    /dev/null, fds 3 and 4 pipes, the console in a file (the server must leave it empty)."""

    def __init__(self, python, method, workdir, extra=()):
        self.requests_read, self.requests = os.pipe()
        self.replies_fd, replies_write = os.pipe()
        os.set_blocking(self.replies_fd, False)
        self.console = os.path.join(workdir, "server-console")
        environment = dict(os.environ)
        environment.pop("PYTHONUNBUFFERED", None)
        # Paths that do not exist: a case parent traces through its case's environment only.
        environment["STARTJOIN_TRACE"] = os.path.join(workdir, "no-such-trace")
        environment["STARTJOIN_GATES"] = os.path.join(workdir, "no-such-gates")
        command = "exec %s %s --start-method %s %s" % (python, DRIVER, method, " ".join(extra))
        with open(self.console, "wb") as console:
            self.process = subprocess.Popen(
                ["/bin/sh", "-c", command], stdin=subprocess.DEVNULL, stdout=console,
                stderr=console, env=environment, pass_fds=(3, 4),
                preexec_fn=lambda: as_driver(self.requests_read, replies_write))
        os.close(self.requests_read)
        os.close(replies_write)
        self.replies = Lines(self.replies_fd, "the driver's fd 4")
        self.next_id = 1

    def request(self, op, **fields):
        fields["id"] = self.next_id
        fields["op"] = op
        self.next_id += 1
        os.write(self.requests, (json.dumps(fields) + "\n").encode("utf-8"))
        reply = self.replies.read()
        check(reply.get("id") == fields["id"], "reply to %s has the wrong id" % op, reply)
        return reply

    def close(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(DEADLINE)
        os.close(self.requests)
        os.close(self.replies_fd)


class Case(object):
    """One case's FIFOs, opened as the runner opens them before it sends `case`."""

    def __init__(self, workdir, name):
        self.directory = os.path.join(workdir, name)
        os.mkdir(self.directory)
        paths = {}
        for fifo in ("requests", "replies", "stdout", "stderr"):
            paths[fifo] = os.path.join(self.directory, fifo)
            os.mkfifo(paths[fifo])
        self.paths = paths
        self.requests = os.open(paths["requests"], os.O_RDWR | os.O_CLOEXEC)
        self.replies_fd, self.stdout, self.stderr = (
            os.open(paths[fifo], os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            for fifo in ("replies", "stdout", "stderr"))
        self.replies = Lines(self.replies_fd, "%s's replies FIFO" % name)
        self.next_id = 1
        self.pid = None

    def request(self, op, **fields):
        fields["id"] = self.next_id
        fields["op"] = op
        self.next_id += 1
        os.write(self.requests, (json.dumps(fields) + "\n").encode("utf-8"))
        reply = self.replies.read()
        check(reply.get("id") == fields["id"], "case reply to %s has the wrong id" % op, reply)
        check(reply.get("ok"), "case request %s failed" % op, fields, reply)
        return reply.get("value")

    def close(self):
        for fd in (self.requests, self.replies_fd, self.stdout, self.stderr):
            os.close(fd)


def expect_error(reply, kind, what):
    check(not reply.get("ok") and reply.get("error", {}).get("kind") == kind,
          "%s: expected error %s" % (what, kind), reply)


def start_case(server, workdir, name, trace):
    case = Case(workdir, name)
    environment = {"STARTJOIN_TRACE": trace, "STARTJOIN_GATES": os.path.join(workdir, "gates"),
                   "STARTJOIN_CASE": name}
    reply = server.request("case", environment=environment, **case.paths)
    check(reply.get("ok") and isinstance(reply.get("value", {}).get("pid"), int),
          "case reply carries the case parent's pid", reply)
    case.pid = reply["value"]["pid"]
    # The intermediate is gone and reaped: the case parent is ours (we are a subreaper), the
    # leader of its own group, and the server has no child left.
    check(parent_of(case.pid) == os.getpid(), "the case parent is the test's child",
          "its parent: %d" % parent_of(case.pid))
    check(os.getpgid(case.pid) == case.pid, "the case parent leads its own process group")
    check(children(server.process.pid) == [], "the server has no child after a case",
          children(server.process.pid))
    hello = case.replies.read()
    check(hello.get("hello") == "startjoin" and hello.get("protocol") == 2,
          "the case parent's handshake arrives on the replies FIFO", hello)
    check(children(case.pid) == [], "the case parent has no child at start", children(case.pid))
    return case


def finish_case(case):
    """shutdown, then the case parent's exit status and its whole console."""
    check(case.request("shutdown") is None, "shutdown has no value")
    code = wait_exit(case.pid, "the case parent")
    stdout = read_to_end(case.stdout, "the stdout FIFO")
    stderr = read_to_end(case.stderr, "the stderr FIFO")
    case.close()
    return code, stdout.decode("utf-8"), stderr.decode("utf-8")


def test_case_server(python, method, workdir):
    trace = os.path.join(workdir, "trace")
    os.mkfifo(trace)
    os.mkdir(os.path.join(workdir, "gates"))
    # Held open for the whole test, as the runner does: opening it for writing never blocks.
    trace_fd = os.open(trace, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
    events = Lines(trace_fd, "the trace FIFO")
    server = Driver(python, method, workdir)
    try:
        hello = server.replies.read()
        check(hello.get("protocol") == 2 and "cases" in hello.get("features", []),
              "the driver declares protocol 2 and feature cases", hello)

        # Case 1: a global, a child that prints and reports its pid, a parent line kept buffered.
        case = start_case(server, workdir, "case1", trace)
        case.request("set_global", name="g", value=1)
        check(case.request("get_global", name="g") == 1, "case 1 reads its own global")
        case.request("create", process="p1",
                     script=[{"step": "report_pid"}, {"step": "print", "text": "from p1"}])
        name = case.request("name", process="p1")
        check(name.endswith("Process-1"), "the first process is (Fork|Spawn|...)Process-1", name)
        case.request("start", process="p1")
        case.request("join", process="p1")
        check(case.request("exitcode", process="p1") == 0, "p1 exits with 0")
        event = events.read()
        # Forked by the case parent, or (forkserver) by the fork server the case parent started.
        check(event.get("event") == "pid" and (
            event.get("ppid") == case.pid or str(event.get("ppid")) in children(case.pid)),
              "p1 descends from the case parent", event, children(case.pid))
        case.request("print", text="from the parent")
        early = read_available(case.stdout).decode("utf-8")
        check("from the parent" not in early, "the parent's line stays buffered until it ends",
              early)
        code, stdout, stderr = finish_case(case)
        check(code == 0, "case 1's parent exits with 0", code, stderr)
        check(early + stdout == "from p1\nfrom the parent\n",
              "case 1's stdout FIFO has the child's line, then the parent's", early + stdout)
        check(stderr == "", "case 1 printed nothing on stderr", stderr)

        # The server answers only case and shutdown, and runs nothing else.
        expect_error(server.request("create", process="x", script=[]), "bad_request",
                     "create sent to the case server")
        expect_error(server.request("print", text="leak"), "bad_request",
                     "print sent to the case server")
        expect_error(server.request("case", requests="r"), "bad_request", "an incomplete case")
        expect_error(server.request("case", requests="r", replies="r", stdout="o", stderr="e",
                                    environment={"A=B": "x"}),
                     "bad_request", "a case whose environment names no variable")

        # Case 2: isolated from case 1.
        case = start_case(server, workdir, "case2", trace)
        check(case.request("get_global", name="g") is None, "case 1's global is unset in case 2")
        case.request("create", process="p1", script=[{"step": "report_global", "name": "g"}])
        name = case.request("name", process="p1")
        check(name.endswith("Process-1"), "case 2's first process is number 1 again", name)
        case.request("start", process="p1")
        case.request("join", process="p1")
        check(case.request("exitcode", process="p1") == 0, "case 2's p1 exits with 0")
        event = events.read()
        check(event.get("event") == "global" and event.get("value") is None,
              "case 2's child does not see case 1's global", event)
        check(case.request("zombies") == [], "case 2 leaves no zombie")
        code, stdout, stderr = finish_case(case)
        check((code, stdout, stderr) == (0, "", ""), "case 2 ends with 0 and prints nothing",
              code, stdout, stderr)

        check(server.request("shutdown").get("ok"), "the server answers shutdown")
        check(wait_exit(server.process.pid, "the case server") == 0, "the server exits with 0")
        with open(server.console) as console:
            printed = console.read()
        check(printed == "", "the case server printed nothing", printed)
    finally:
        server.close()
        os.close(trace_fd)


def test_ordinary_driver(python, method, workdir, protocol):
    """A first request other than `case`: an ordinary driver (protocol 2), or the protocol 1
    driver (--protocol 1), which knows no `case`."""
    extra = ("--protocol", "1") if protocol == 1 else ()
    driver = Driver(python, method, workdir, extra)
    try:
        hello = driver.replies.read()
        check(hello.get("protocol") == protocol and
              ("cases" in hello.get("features", [])) == (protocol == 2),
              "protocol %d handshake" % protocol, hello)
        reply = driver.request("get_global", name="g")
        check(reply.get("ok") and reply.get("value") is None, "get_global answered", reply)
        expect_error(driver.request("case", requests="r", replies="r", stdout="o", stderr="e",
                                    environment={}),
                     "bad_request", "case after another request (protocol %d)" % protocol)
        os.close(driver.requests)  # end of file: the driver ends as for shutdown
        driver.requests = os.open("/dev/null", os.O_RDONLY)
        check(wait_exit(driver.process.pid, "the driver") == 0, "the driver exits with 0")
    finally:
        driver.close()


def reap_everything():
    """Kills the descendants that became our children (a forkserver or resource tracker left by
    a case parent, ...) and reaps them, until there is no child left (ECHILD)."""
    while True:
        for pid in children(os.getpid()):
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass
            wait_exit(int(pid), "a leftover descendant")
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter for the driver")
    parser.add_argument("--start-method", required=True, choices=("fork", "spawn", "forkserver"))
    options = parser.parse_args()
    become_subreaper()
    status = 0
    with tempfile.TemporaryDirectory(prefix="startjoin-cases-") as workdir:
        try:
            for name, test in (
                    ("case server", lambda d: test_case_server(options.python,
                                                               options.start_method, d)),
                    ("ordinary protocol 2 driver",
                     lambda d: test_ordinary_driver(options.python, options.start_method, d, 2)),
                    ("protocol 1 driver",
                     lambda d: test_ordinary_driver(options.python, options.start_method, d, 1))):
                directory = os.path.join(workdir, name.replace(" ", "-"))
                os.mkdir(directory)
                test(directory)
                print("ok: %s (%s)" % (name, options.start_method))
        except Failure as failure:
            print("FAILED (%s): %s" % (options.start_method, failure))
            status = 1
        finally:
            reap_everything()
    return status


if __name__ == "__main__":
    sys.exit(main())
