"""What a test case costs the Python driver before its first request: N driver starts (protocol
1, one per case) against one case server and N cases (protocol 2). Each case is: start (or
`case`), read the handshake, `shutdown`, wait for the exit. Time the whole command from outside:

    /usr/bin/time -v python3 bench/python_driver_start.py --python PYTHON --mode starts -n 20
    /usr/bin/time -v python3 bench/python_driver_start.py --python PYTHON --mode cases -n 20

PYTHON runs adapters/python/driver.py (a pyenv shim works too, and shows what a shim costs).
The script also prints its own mean per case. No deadlines: a benchmark, not a test.
"""

import argparse
import json
import fcntl
import os
import select
import subprocess
import sys
import tempfile
import time

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "adapters", "python",
                      "driver.py")


def read_line(fd):
    data = b""
    while not data.endswith(b"\n"):
        # A FIFO no writer has opened yet reads as end of file, but does not poll readable.
        select.select([fd], [], [])
        block = os.read(fd, 1)
        if not block:
            raise RuntimeError("end of file before a whole line: %r" % data)
        data += block
    return json.loads(data.decode("utf-8"))


def as_driver(requests, replies):
    """In the child before exec: its own process group, and `requests` and `replies` as fds 3
    and 4 (copied above 9 first, so that neither is overwritten by the other's move)."""
    os.setpgrp()
    requests = fcntl.fcntl(requests, fcntl.F_DUPFD, 10)
    replies = fcntl.fcntl(replies, fcntl.F_DUPFD, 10)
    os.dup2(requests, 3)
    os.dup2(replies, 4)


def start_driver(python, method, workdir):
    """The driver as the runner starts it: fds 3 and 4 pipes, its own process group."""
    requests_read, requests = os.pipe()
    replies, replies_write = os.pipe()
    command = "exec %s %s --start-method %s" % (python, DRIVER, method)
    environment = dict(os.environ, STARTJOIN_TRACE=os.path.join(workdir, "trace"),
                       STARTJOIN_GATES=workdir)
    environment.pop("PYTHONUNBUFFERED", None)
    process = subprocess.Popen(["/bin/sh", "-c", command], stdin=subprocess.DEVNULL,
                               env=environment,
                               preexec_fn=lambda: as_driver(requests_read, replies_write),
                               pass_fds=(3, 4))
    os.close(requests_read)
    os.close(replies_write)
    read_line(replies)  # the handshake
    return process, requests, replies


def one_start(python, method, workdir):
    process, requests, replies = start_driver(python, method, workdir)
    os.write(requests, b'{"id":1,"op":"shutdown"}\n')
    read_line(replies)
    process.wait()
    os.close(requests)
    os.close(replies)


def one_case(server_requests, server_replies, number, workdir):
    paths = {}
    for fifo in ("requests", "replies", "stdout", "stderr"):
        paths[fifo] = os.path.join(workdir, "%s-%d" % (fifo, number))
        os.mkfifo(paths[fifo])
    requests = os.open(paths["requests"], os.O_RDWR)
    replies, stdout, stderr = (os.open(paths[fifo], os.O_RDONLY | os.O_NONBLOCK)
                               for fifo in ("replies", "stdout", "stderr"))
    request = dict(paths, id=number, op="case", environment={})
    os.write(server_requests, (json.dumps(request) + "\n").encode("utf-8"))
    pid = read_line(server_replies)["value"]["pid"]
    read_line(replies)  # the case parent's handshake
    os.write(requests, b'{"id":1,"op":"shutdown"}\n')
    read_line(replies)
    os.waitpid(pid, 0)  # ours: this process is a child subreaper
    for fd in (requests, replies, stdout, stderr):
        os.close(fd)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--start-method", default="fork", choices=("fork", "spawn", "forkserver"))
    parser.add_argument("--mode", required=True, choices=("starts", "cases"))
    parser.add_argument("-n", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="startjoin-bench-") as workdir:
        began = time.monotonic()
        if options.mode == "starts":
            for _ in range(options.n):
                one_start(options.python, options.start_method, workdir)
        else:
            import ctypes
            if ctypes.CDLL(None).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
                raise OSError("prctl(PR_SET_CHILD_SUBREAPER) failed")
            server, requests, replies = start_driver(options.python, options.start_method,
                                                     workdir)
            for number in range(1, options.n + 1):
                one_case(requests, replies, number, workdir)
            os.write(requests, b'{"id":%d,"op":"shutdown"}\n' % (options.n + 1))
            server.wait()
        elapsed = time.monotonic() - began
    print("%s: %d in %.3f s, %.1f ms each" % (options.mode, options.n, elapsed,
                                              1000 * elapsed / options.n))


if __name__ == "__main__":
    main()
