"""startjoin driver for CPython's multiprocessing.Process (spec/protocol.md, protocol 2): its
code. The program is driver.py beside it:

    python3.X adapters/python/driver.py --start-method fork|spawn|forkserver [--protocol 1|2]
                                        [--module multiprocessing|billiard|multiprocess]
    python3.X adapters/python/driver.py --module multiprocessing.dummy [--protocol 1|2]

Protocol 2 (the default) declares the feature `cases`: when the first request is `case`, the
driver is a case server that forks a fresh case parent for every test case (spec/protocol.md,
"Cases (protocol 2)"); otherwise it is an ordinary driver. `--protocol 1` makes it the protocol 1
driver it used to be, so the suite can keep testing a driver that knows nothing of cases.

The implementation under test is the multiprocessing of the interpreter that runs this file, or,
with --module, a fork of it with the same API (billiard, multiprocess) importable there; the
handshake names it ("billiard-fork", version "4.1.0 (CPython 3.11.2)").
`--module multiprocessing.dummy` tests the same API backed by threads (DummyProcess, a subclass
of threading.Thread): profile `thread`, no start method, and only the features a thread has.
The driver only translates: every operation is one call on a real multiprocessing.Process, and
every child runs the target script through multiprocessing's own machinery (the target gets the
script's arguments as `args=`, exits with sys.exit(N), raises real exceptions, ...). Standard
library only, and runs on CPython 3.6 and later: no syntax or library newer than 3.6.

What CPython lacks is left out of the handshake, never faked: Process.kill() and
Process.close() appeared in 3.7, so older interpreters do not declare `kill` and `close`.

Layout: the target side (what a child runs), script validation, the parent side (one Session
answering requests), the case server, and main(). Every interpreter that spawn and forkserver
start imports this module again (through driver.py, as __mp_main__), so everything at module
level is import-safe. Start-up imports json and the package under test and what the interpreter
has loaded anyway; anything else is imported where it is used.
"""

import gc
import json
import os
import re
import signal
import sys
import time

REQUEST_FD = 3  # runner -> driver, one JSON request per line
REPLY_FD = 4  # driver -> runner, the handshake and one JSON reply per line
TRACE_ENV = "STARTJOIN_TRACE"
GATES_ENV = "STARTJOIN_GATES"
START_METHODS = ("fork", "spawn", "forkserver")
# The package under test: CPython's own, or a fork of it with the same API that users install
# instead (Celery's billiard, the dill-based multiprocess). Chosen with --module.
MODULES = ("multiprocessing", "billiard", "multiprocess", "multiprocessing.dummy")
# Packages whose Process is a thread of this program (spec/start-join.md, "Profiles"): it shares
# the driver's memory, descriptors and signal handlers, and has no start method.
THREAD_MODULES = ("multiprocessing.dummy",)
PROTOCOLS = (1, 2)
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,64}\Z")

# The protocol's global variables (`set_global` / `report_global` steps and ops): a module
# global of the driver, so each process has its own copy, as with any user's module state.
GLOBALS = {}

# True only in the serving driver's memory (set by main()). A child forked from the driver
# inherits it, and with it fds 3 and 4, which it closes first thing (spec/protocol.md,
# "Channels"). Under spawn and forkserver the module is imported afresh in the child, where it is
# False: there fds 3 and 4 were never inherited and may be in use by multiprocessing itself.
_holds_protocol_channels = False


def implementation(module):
    """The package under test, imported on first use (with its `process` module): a child of
    spawn imports only the one its target names, not CPython's multiprocessing as well."""
    __import__(module if module in THREAD_MODULES else module + ".process")
    return sys.modules[module]


def process_class(module, method):
    """What creates a Process object of the package: its context's Process for the start method,
    or, for a thread-backed package, its Process (multiprocessing.dummy has no contexts)."""
    if module in THREAD_MODULES:
        return implementation(module).Process
    return implementation(module).get_context(method).Process


# ---------------------------------------------------------------------------------------------
# The target side: what a child runs.
# ---------------------------------------------------------------------------------------------


def _environment_path(variable):
    value = os.environ.get(variable)
    if not value:
        raise RuntimeError(
            "environment variable %s is not set: is this driver being run by the conformance "
            "runner?" % variable
        )
    return value


def _gate_path(gate):
    return os.path.join(_environment_path(GATES_ENV), gate)


def write_trace(origin, event, **fields):
    """Writes one trace event: open the FIFO, one write of the whole line, close."""
    fields["from"] = origin
    fields["event"] = event
    line = (json.dumps(fields, separators=(",", ":")) + "\n").encode("utf-8")
    fd = os.open(_environment_path(TRACE_ENV), os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
    try:
        written = os.write(fd, line)  # lines up to PIPE_BUF arrive whole
        while written < len(line):
            written += os.write(fd, line[written:])
    finally:
        os.close(fd)


def _take_one_byte(path):
    """Waits on a gate FIFO: opens it, reads exactly one byte, closes it. True when released.
    Only os.open/os.read/os.close, so a raw forked descendant may call it too."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return len(os.read(fd, 1)) == 1  # PEP 475: retried on EINTR
    finally:
        os.close(fd)


def wait_for_gate(gate):
    path = _gate_path(gate)
    if not _take_one_byte(path):
        raise RuntimeError("gate %s was closed without being released" % path)


def _release_protocol_channels():
    global _holds_protocol_channels
    if _holds_protocol_channels:
        _holds_protocol_channels = False
        for fd in (REQUEST_FD, REPLY_FD):
            try:
                os.close(fd)
            except OSError:
                pass


def run_target(*args, **kwargs):
    """The target of every Process this driver creates. `args` are the script's arguments,
    passed as the Process's real `args=`; the keywords say what to run and how to nest:
    handle (the process handle, for trace events), script (validated steps), method and module
    (the start method and the package, for nested processes). Module-level, so spawn and
    forkserver can pickle it."""
    module = kwargs.get("module", "multiprocessing")
    if module not in THREAD_MODULES:
        _set_up_child_process()
    handle = kwargs["handle"]
    nesting = (kwargs["method"], module)
    for step in kwargs["script"]:
        _run_step(step, handle, nesting, args)


def _set_up_child_process():
    """What a child process does first. Not in a thread of the driver (multiprocessing.dummy):
    fds 3 and 4 are the driver's own there, and only the main thread may set a signal handler."""
    _release_protocol_channels()
    # CPython's default SIGINT handler raises KeyboardInterrupt, which multiprocessing's
    # _bootstrap catches and reports as exit code 1, not -2 (CPython issue gh-89186). The
    # `signal` step means "dies of that signal" ([exitcode.signal]), so, as the spec asks of a
    # Python driver, children get SIGINT's default action back, as a user's worker would with
    # signal.signal(SIGINT, SIG_DFL). Every other signal keeps CPython's disposition.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _run_step(step, handle, nesting, args):
    kind = step["step"]
    if kind == "print":
        print(step["text"])  # the normal, buffered sys.stdout; multiprocessing flushes it
    elif kind == "eprint":
        print(step["text"], file=sys.stderr)
    elif kind == "trace":
        write_trace(handle, step["event"])
    elif kind == "wait":
        wait_for_gate(step["gate"])
    elif kind == "sleep":
        time.sleep(step["seconds"])  # workload only, never used to order events
    elif kind == "exit":
        sys.exit(step["code"])  # SystemExit: multiprocessing's _bootstrap turns it into the code
    elif kind == "raise":
        # Uncaught: multiprocessing prints "Process NAME:" and the traceback, exit code 1.
        raise RuntimeError(step["message"])
    elif kind == "signal":
        os.kill(os.getpid(), step["signal"])
    elif kind == "report_args":
        write_trace(handle, "args", args=list(args))
    elif kind == "report_pid":
        write_trace(handle, "pid", pid=os.getpid(), ppid=os.getppid())
    elif kind == "hang":
        while True:
            signal.pause()
    elif kind == "busy":
        counter = 0
        while True:  # pure bytecode, no system call
            counter += 1
    elif kind == "set_global":
        GLOBALS[step["name"]] = step["value"]
    elif kind == "report_global":
        write_trace(handle, "global", name=step["name"], value=GLOBALS.get(step["name"]))
    elif kind == "nest":
        # A process object of the same implementation: the same start method, this target.
        # Its errors (e.g. "daemonic processes are not allowed to have children") propagate:
        # they are uncaught errors of this child.
        method, module = nesting
        nested = process_class(module, method)(
            target=run_target,
            args=tuple(step.get("args", [])),
            kwargs={"handle": step["process"], "script": step["script"], "method": method,
                    "module": module},
        )
        nested.start()
        nested.join()
        write_trace(handle, "nested-exit", process=step["process"], exitcode=nested.exitcode)
    elif kind == "orphan":
        _orphan(handle, step["gate"])
    elif kind == "exec":
        sys.stdout.flush()
        sys.stderr.flush()
        # On failure execl raises OSError, which is then this child's uncaught error.
        os.execl("/bin/sh", "sh", "-c", step["command"])
    else:  # validated at create: never reached
        raise RuntimeError("unknown step %r" % kind)


def _orphan(handle, gate):
    """A raw os.fork(), outside multiprocessing: the descendant keeps every descriptor this
    child has (stdout, stderr, the sentinel's write end ...), waits on the gate and ends with
    os._exit, flushing nothing (the stdio buffers it inherited are the child's)."""
    path = _gate_path(gate)  # everything that can fail happens before the fork
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            code = 0 if _take_one_byte(path) else 1
        finally:
            os._exit(code)
    write_trace(handle, "orphan", pid=pid)


# ---------------------------------------------------------------------------------------------
# Script validation (spec/protocol.md, "Target scripts"): the whole script, nested scripts
# included, is checked at create, before anything runs.
# ---------------------------------------------------------------------------------------------


class ProtocolError(Exception):
    """An error reply: `kind` is one of the protocol's error kinds."""

    def __init__(self, kind, message):
        Exception.__init__(self, message)
        self.kind = kind
        self.message = message


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# The feature each optional step needs (spec/protocol.md, "Features"); None: a base step.
STEP_FEATURES = {
    "print": None, "eprint": None, "trace": None, "wait": None, "sleep": None, "exit": None,
    "raise": None, "signal": None, "report_args": None, "report_pid": None, "hang": None,
    "busy": None, "set_global": "globals", "report_global": "globals", "nest": "nest",
    "orphan": "orphan", "exec": "exec",
}


def validate_script(script, features, path=""):
    if not isinstance(script, list):
        raise ProtocolError("bad_request", "%sscript must be a JSON array of steps, got %s"
                            % (path, json.dumps(script)))
    for index, step in enumerate(script):
        _validate_step(step, index, features, path)


def _validate_step(step, index, features, path):
    position = "%sstep %d" % (path, index)
    if not isinstance(step, dict) or not isinstance(step.get("step"), str):
        raise ProtocolError("bad_request", "%s: must be an object with a string 'step', got %s"
                            % (position, json.dumps(step)))
    kind = step["step"]
    if kind not in STEP_FEATURES:
        raise ProtocolError("unsupported", "%s: unknown step '%s'" % (position, kind))
    where = "%s (%s)" % (position, kind)

    def fail(field, problem):
        raise ProtocolError("bad_request", "%s: '%s' %s" % (where, field, problem))

    def require(field):
        if field not in step:
            fail(field, "is missing")
        return step[field]

    def text(field):
        if not isinstance(require(field), str):
            fail(field, "must be a string")

    def name(field):
        text(field)
        if not NAME_PATTERN.match(step[field]):
            fail(field, "must match [A-Za-z0-9_.-]{1,64}")

    def integer(field, low, high):
        value = require(field)
        if not _is_int(value) or not low <= value <= high:
            fail(field, "must be an integer in %d..%d" % (low, high))

    if kind in ("print", "eprint"):
        text("text")
    elif kind == "trace":
        text("event")
    elif kind in ("wait", "orphan"):
        name("gate")
    elif kind == "sleep":
        value = require("seconds")
        if not _is_number(value) or value < 0:
            fail("seconds", "must be a number >= 0")
    elif kind == "exit":
        integer("code", 0, 255)
    elif kind == "raise":
        text("message")
    elif kind == "signal":
        integer("signal", 1, 64)
    elif kind == "set_global":
        text("name")
        require("value")
    elif kind == "report_global":
        text("name")
    elif kind == "nest":
        name("process")
        if not isinstance(require("script"), list):
            fail("script", "must be a JSON array of steps")
        if "args" in step and not isinstance(step["args"], list):
            fail("args", "must be a JSON array")
        validate_script(step["script"], features, where + " > ")
    elif kind == "exec":
        text("command")
    feature = STEP_FEATURES[kind]
    if feature is not None and feature not in features:
        raise ProtocolError("unsupported", "%s needs feature '%s', which this driver does not "
                            "support" % (where, feature))


# ---------------------------------------------------------------------------------------------
# The parent side.
# ---------------------------------------------------------------------------------------------


def supported_features(package, protocol, module):
    """The protocol features this interpreter's multiprocessing (or `package`, a fork of it) can
    back for real, and, in protocol 2, `cases`."""
    if module in THREAD_MODULES:
        return _thread_features(protocol)
    features = ["join_timeout", "terminate"]
    if hasattr(package.process.BaseProcess, "kill"):  # multiprocessing 3.7+; billiard has none
        features.append("kill")
    if hasattr(package.process.BaseProcess, "close"):  # 3.7+
        features.append("close")
    features += ["drop", "daemon", "name", "globals", "nest", "orphan", "exec", "count_fds",
                 "zombies", "join_threads"]
    if protocol >= 2:
        features.append("cases")
    return features


def _thread_features(protocol):
    """What a thread-backed Process (multiprocessing.dummy's DummyProcess, a threading.Thread)
    has: Thread.join(timeout), the daemon flag and the name, one memory for the globals, and
    DummyProcess.start() from inside a thread for `nest`. It has no terminate(), kill() or close()
    (Python cannot stop a thread), and `orphan` and `exec` are of the process profile. The
    driver's own descriptors and children are what count_fds and zombies observe, as in the
    C++ thread adapter."""
    features = ["join_timeout", "drop", "daemon", "name", "globals", "nest", "count_fds",
                "zombies", "join_threads"]
    if protocol >= 2:
        features.append("cases")
    return features


# The optional feature each op needs; the other ops are base ops.
OP_FEATURES = {
    "terminate": "terminate", "kill": "kill", "close": "close", "drop": "drop",
    "set_daemon": "daemon",
    "daemon": "daemon", "name": "name", "set_global": "globals", "get_global": "globals",
    "count_fds": "count_fds", "zombies": "zombies", "join_threads": "join_threads",
}


def implementation_error(error, threads=False):
    """Maps what a multiprocessing.Process call raised to a protocol error, by what it is
    (`threads`: the Process is multiprocessing.dummy's, a threading.Thread).

    What CPython raises (3.6 to 3.13):
    - ValueError("process object is closed") after close() (3.7+): kind closed.
    - ValueError("Cannot close a process while it is still running. ..."): invalid_state.
    - AssertionError: CPython states its preconditions as asserts ("cannot start a process
      twice", "can only join a started process", "process has already started" from the daemon
      setter, "daemonic processes are not allowed to have children"): invalid_state. Under
      `python -O` these checks do not exist, so the call goes ahead (a second start() forks
      again): that is CPython's real behaviour and the suite reports it.
    - OSError: the operating system refused (fork failed, ...): system.
    - Anything else is internal, naming the exception. That includes the AttributeError that
      terminate() and kill() raise before start() (they call self._popen.terminate() with
      _popen still None: CPython has no check there, [terminate.before-start]), and, under
      `python -O`, the AttributeErrors that stand in for the removed asserts (join() before
      start(): 'NoneType' object has no attribute 'wait'; a second start(), which first forks
      a second child: no attribute '_target').

    threading states its preconditions as RuntimeError ("threads can only be started once",
    "cannot join thread before it is started", "cannot set daemon status of active thread"), and
    so does DummyProcess.start() called from another thread than its creator's: invalid_state.
    """
    message = "%s: %s" % (type(error).__name__, error)
    if threads and isinstance(error, RuntimeError):
        return ProtocolError("invalid_state", message)
    if isinstance(error, ValueError) and str(error) == "process object is closed":
        return ProtocolError("closed", message)
    if isinstance(error, (AssertionError, ValueError)):
        return ProtocolError("invalid_state", message)
    if isinstance(error, OSError):
        return ProtocolError("system", message)
    return ProtocolError("internal", message)


class Session(object):
    def __init__(self, method, protocol, module):
        self.method = method
        self.protocol = protocol
        self.module = module
        self.package = implementation(module)
        self.threads = module in THREAD_MODULES
        self.context = None if self.threads else self.package.get_context(method)
        self.features = supported_features(self.package, protocol, module)
        self.processes = {}  # handle -> multiprocessing.Process
        self.shutdown_requested = False

    def hello(self):
        version = sys.version.split()[0]  # what platform.python_version() says, without its import
        interpreter = sys.implementation.name  # "cpython", "pypy"
        if interpreter != "cpython":  # PyPy: its own version beside the language's
            version += " (%s %s)" % (interpreter, ".".join(
                str(part) for part in sys.implementation.version[:3]))
        if not __debug__:
            version += " -O (asserts removed)"
        name = "%s-multiprocessing-%s" % (interpreter, self.method)
        if self.threads:  # part of the standard library, without a start method
            name = "%s-%s" % (interpreter, self.module)
        elif self.module != "multiprocessing":  # a package of its own, with its own version
            name = "%s-%s" % (self.module, self.method)
            version = "%s (%s %s)" % (getattr(self.package, "__version__", "?"),
                                      "CPython" if interpreter == "cpython" else interpreter,
                                      version)
        return {
            "hello": "startjoin", "protocol": self.protocol,
            "implementation": name, "version": version,
            "profile": "thread" if self.threads else "process", "features": self.features,
        }

    # -- request plumbing --

    def answer(self, line):
        try:
            request = json.loads(line.decode("utf-8"))
        except ValueError as error:
            return self._error(None, "bad_request", "request is not JSON: %s" % error)
        request_id = request.get("id") if isinstance(request, dict) else None
        try:
            if not isinstance(request, dict):
                raise ProtocolError("bad_request", "request must be a JSON object")
            value = self.run(self._string(request, "op"), request)
        except ProtocolError as error:
            return self._error(request_id, error.kind, error.message)
        except Exception as error:  # a bug of the driver, not of the implementation
            return self._error(request_id, "internal", "%s: %s" % (type(error).__name__, error))
        reply = {"id": request_id, "ok": True}
        if value is not None:
            reply["value"] = value
        return reply

    @staticmethod
    def _error(request_id, kind, message):
        return {"id": request_id, "ok": False, "error": {"kind": kind, "message": message}}

    @staticmethod
    def _field(request, name):
        if name not in request:
            raise ProtocolError("bad_request", "request lacks '%s'" % name)
        return request[name]

    def _string(self, request, name):
        value = self._field(request, name)
        if not isinstance(value, str):
            raise ProtocolError("bad_request", "'%s' must be a string" % name)
        return value

    def _bool(self, request, name):
        value = self._field(request, name)
        if not isinstance(value, bool):
            raise ProtocolError("bad_request", "'%s' must be true or false" % name)
        return value

    def _require_feature(self, feature, what):
        if feature not in self.features:
            raise ProtocolError("unsupported", "%s needs feature '%s', which this driver (%s) "
                                "does not support" % (what, feature, self.hello()["version"]))

    def _find(self, request):
        handle = self._string(request, "process")
        if handle not in self.processes:
            raise ProtocolError("bad_request", "unknown process '%s'" % handle)
        return self.processes[handle]

    # -- operations --

    def run(self, op, request):
        if op == "create":
            return self.create(request)
        if op == "print":
            return self.print_(request)
        if op == "trace":
            write_trace("parent", self._string(request, "event"))
            return None
        if op == "shutdown":
            self.shutdown_requested = True
            return None
        if op == "case" and "cases" in self.features:
            raise ProtocolError("bad_request", "'case' is answered only as the first request, "
                                "which makes the driver a case server; this one serves as an "
                                "ordinary driver")
        if op in OP_FEATURES:
            self._require_feature(OP_FEATURES[op], "op '%s'" % op)
        if op == "set_global":
            GLOBALS[self._string(request, "name")] = self._field(request, "value")
            return None
        if op == "get_global":
            return GLOBALS.get(self._string(request, "name"))
        if op == "count_fds":
            return len(os.listdir("/proc/self/fd")) - 1  # less the one listdir opened
        if op == "zombies":
            return zombie_children()
        if op == "drop":
            # What `del p` does in user code: the last reference goes, and reference counting
            # runs the object's finalizers (CPython closes the sentinel of a joined child there).
            self._find(request)
            del self.processes[request["process"]]
            return None
        process_ops = {
            "start": lambda p: p.start(),
            "join": lambda p: self.join(p, request),
            "is_alive": lambda p: p.is_alive(),
            "exitcode": lambda p: p.exitcode,
            # A thread has no pid of its own: DummyProcess has no `pid` (spec/protocol.md, pid:
            # null where absent), as the C++ thread adapter answers.
            "pid": lambda p: None if self.threads else p.pid,
            "terminate": lambda p: p.terminate(),
            "kill": lambda p: p.kill(),
            "close": lambda p: p.close(),
            "set_daemon": lambda p: setattr(p, "daemon", self._bool(request, "daemon")),
            "daemon": lambda p: p.daemon,
            "name": lambda p: p.name,
            "join_threads": lambda p: self.join_threads(p, request),
        }
        if op not in process_ops:
            raise ProtocolError("bad_request", "unknown op '%s'" % op)
        process = self._find(request)
        try:
            return process_ops[op](process)
        except ProtocolError:
            raise
        except Exception as error:
            raise implementation_error(error, self.threads)

    def create(self, request):
        handle = self._string(request, "process")
        if not NAME_PATTERN.match(handle):
            raise ProtocolError("bad_request", "'process' must match [A-Za-z0-9_.-]{1,64}")
        if handle in self.processes:
            raise ProtocolError("bad_request", "process '%s' exists already" % handle)
        script = self._field(request, "script")
        validate_script(script, self.features)
        args = request.get("args", [])
        if not isinstance(args, list):
            raise ProtocolError("bad_request", "'args' must be a JSON array")
        daemon = self._bool(request, "daemon") if "daemon" in request else None
        if daemon is not None:
            self._require_feature("daemon", "create with 'daemon'")
        name = self._string(request, "name") if "name" in request else None
        if name is not None:
            self._require_feature("name", "create with 'name'")
        process = process_class(self.module, self.method)(
            target=run_target, args=tuple(args),
            kwargs={"handle": handle, "script": script, "method": self.method,
                    "module": self.module})
        try:
            # As a user would set them (`p.daemon = ...`, `p.name = ...`), before registering:
            # a refused setting leaves no object behind.
            if daemon is not None:
                process.daemon = daemon
            if name is not None:
                process.name = name
        except Exception as error:
            raise implementation_error(error, self.threads)
        self.processes[handle] = process
        return None

    def print_(self, request):
        text = self._string(request, "text")
        stream = request.get("stream", "stdout")
        # Through the normal buffered streams, never flushed here: user code would not.
        if stream == "stdout":
            print(text)
        elif stream == "stderr":
            print(text, file=sys.stderr)
        else:
            raise ProtocolError("bad_request", "'stream' must be \"stdout\" or \"stderr\"")
        return None

    def join(self, process, request):
        if "timeout" not in request:
            process.join()
            return None
        timeout = request["timeout"]
        if not _is_number(timeout):
            raise ProtocolError("bad_request", "'timeout' must be a number of seconds")
        self._require_feature("join_timeout", "join with a timeout")
        # Process.join(timeout) returns None either way; a user asks exitcode, as here.
        process.join(timeout)
        return process.exitcode is not None

    def join_threads(self, process, request):
        count = self._field(request, "threads")
        if not _is_int(count) or not 1 <= count <= 64:
            raise ProtocolError("bad_request", "'threads' must be an integer in 1..64")
        import threading  # only here: the driver's start-up does not need it

        codes = [None] * count
        errors = [None] * count
        barrier = threading.Barrier(count)

        def joiner(index):
            try:
                barrier.wait()  # every thread calls join() at about once
                process.join()
                codes[index] = process.exitcode
            except Exception as error:
                errors[index] = error

        threads = []
        try:
            for index in range(count):
                thread = threading.Thread(target=joiner, args=(index,))
                thread.start()
                threads.append(thread)
        except Exception:
            barrier.abort()  # release the threads already started
            raise
        finally:
            for thread in threads:
                thread.join()
        for error in errors:
            if error is not None:
                raise error
        return codes


def zombie_children():
    """Pids of this process's children in state Z, ascending, from /proc/PID/stat."""
    me = os.getpid()
    zombies = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as stat:
                line = stat.read().decode("ascii", "replace")
        except OSError:
            continue  # gone meanwhile
        # "PID (COMM) STATE PPID ...": COMM may hold spaces and ')', so split after the last ')'.
        fields = line[line.rfind(")") + 1:].split()
        if len(fields) >= 2 and fields[0] == "Z" and fields[1] == str(me):
            zombies.append(int(entry))
    return sorted(zombies)


class LineReader(object):
    """Lines from a raw descriptor, with os.read only: no buffered file object that a forked
    child would inherit in some intermediate state."""

    def __init__(self, fd):
        self.fd = fd
        self.buffer = b""

    def next_line(self):
        while b"\n" not in self.buffer:
            block = os.read(self.fd, 65536)
            if not block:
                return None  # end of file: the runner is gone (a partial line is dropped)
            self.buffer += block
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


def send(message):
    data = (json.dumps(message, separators=(",", ":")) + "\n").encode("utf-8")
    while data:
        data = data[os.write(REPLY_FD, data):]


# ---------------------------------------------------------------------------------------------
# The case server (spec/protocol.md, "Cases (protocol 2)").
# ---------------------------------------------------------------------------------------------

CASE_PATHS = ("requests", "replies", "stdout", "stderr")


def _parse(line):
    """The request on `line` and its id; the request is None when the line is not a JSON object."""
    try:
        request = json.loads(line.decode("utf-8"))
    except ValueError:
        return None, None
    if not isinstance(request, dict):
        return None, None
    return request, request.get("id")


def _is_case(line):
    request, _ = _parse(line)
    return request is not None and request.get("op") == "case"


def _validate_case(request):
    for field in CASE_PATHS:
        if not isinstance(request.get(field), str) or not request[field]:
            raise ProtocolError("bad_request", "'%s' must be the path of a FIFO" % field)
    environment = request.get("environment")
    if not isinstance(environment, dict) or not all(
            isinstance(value, str) and "\0" not in value for value in environment.values()):
        raise ProtocolError("bad_request", "'environment' must be an object of strings")
    for name in environment:
        if not name or "=" in name or "\0" in name:
            raise ProtocolError("bad_request", "'environment' names a variable %s, which cannot "
                                "be set" % json.dumps(name))


def _fork_case_parent():
    """Forks the case parent through an intermediate process, as a fork server does. Returns
    its pid in the server and 0 in the case parent; raises ProtocolError("system") in the
    server when a fork failed. Nothing here wraps the forks in try/finally: the case parent
    returns through this function into main(), and no cleanup of the server may run in it."""
    for stream in (sys.stdout, sys.stderr):  # empty (the server prints nothing); a copy must
        if stream is not None:                # never print it again
            stream.flush()
    # What the gc module's documentation asks of a process that forks without exec: the objects
    # of start-up move to the permanent generation, so the collections of the case parent (the
    # last one runs as it ends) do not write to every page it shares with the server.
    if hasattr(gc, "freeze"):  # 3.7+
        gc.freeze()
    try:
        read_end, write_end = os.pipe()  # non-inheritable (PEP 446)
    except OSError as error:
        raise ProtocolError("system", "pipe() failed: %s" % error)
    try:
        intermediate = os.fork()
    except OSError as error:
        os.close(read_end)
        os.close(write_end)
        raise ProtocolError("system", "fork of the intermediate process failed: %s" % error)
    if intermediate == 0:
        try:
            pid = os.fork()
        except BaseException:
            os._exit(1)
        if pid == 0:  # the case parent: it owes the server nothing
            os.close(read_end)
            os.close(write_end)
            return 0
        code = 1
        try:
            try:
                os.setpgid(pid, pid)  # the case parent does it too: either order works
            except OSError:
                pass  # it may have ended already
            os.close(read_end)
            os.write(write_end, ("%d\n" % pid).encode("ascii"))  # a few bytes: one write
            code = 0
        finally:
            os._exit(code)  # never back into the server's code
    # The server. The case parent holds a copy of the write end until its first step, so the
    # pid is read up to its newline, not up to end of file.
    os.close(write_end)
    data = b""
    try:
        while not data.endswith(b"\n"):
            block = os.read(read_end, 64)
            if not block:
                break
            data += block
    finally:
        os.close(read_end)
    _, status = os.waitpid(intermediate, 0)
    if status != 0 or not data.endswith(b"\n"):
        raise ProtocolError("system", "fork of the case parent failed (intermediate process "
                            "wait status %d)" % status)
    return int(data)


def serve_cases(requests, line):
    """The case server's loop, from its first request (a `case`) on. Answers only `case` and
    `shutdown`; anything else is bad_request and is not run. Returns None when the server ends;
    in a case parent, returns its `case` request. The server never prints and never creates a
    process object: each case parent starts from the program as it was after start-up."""
    while line is not None:
        request, request_id = _parse(line)
        op = request.get("op") if request is not None else None
        if op == "shutdown":
            send({"id": request_id, "ok": True})
            return None
        if op == "case":
            try:
                _validate_case(request)
                pid = _fork_case_parent()
            except ProtocolError as error:
                reply = Session._error(request_id, error.kind, error.message)
            else:
                if pid == 0:
                    return request
                reply = {"id": request_id, "ok": True, "value": {"pid": pid}}
        elif request is None:
            reply = Session._error(None, "bad_request", "request is not a JSON object")
        else:
            reply = Session._error(request_id, "bad_request", "a case server answers only "
                                   "'case' and 'shutdown', not %s" % json.dumps(op))
        send(reply)
        line = requests.next_line()
    return None  # end of file: the runner is gone


def _relative_imports(code, package=None):
    """The modules a function imports relatively (`from .popen_fork import Popen`, `from .
    import resource_tracker`), as names inside its package: each IMPORT_NAME whose level (the
    first of the two constants before it) is 1, with the names it takes from the package; and,
    given the `package`'s name, its modules the function imports absolutely."""
    import dis  # only here: the server's preparation, run once

    instructions = list(dis.get_instructions(code))
    names = []
    for index, instruction in enumerate(instructions):
        if instruction.opname != "IMPORT_NAME" or index < 2:
            continue
        level = instructions[index - 2].argval
        if level == 0 and package is not None and instruction.argval.startswith(package + "."):
            # `from multiprocessing.connection import wait` (popen_fork's wait(timeout)): the
            # package's own module, named absolutely.
            names.append(instruction.argval[len(package) + 1:])
            continue
        if level != 1:
            continue
        if instruction.argval:
            names.append(instruction.argval)
        else:  # `from . import a, b`: each IMPORT_FROM that follows names a submodule
            for following in instructions[index + 1:]:
                if following.opname != "IMPORT_FROM":
                    break
                names.append(following.argval)
    return names


def import_start_machinery(context):
    """Imports in the case server what multiprocessing imports lazily on a program's first
    start(): the Popen module of the start method (Process._Popen imports it) and what the
    methods of its Popen classes import (spawn's resource tracker module, for example). Every
    case parent, and every child forked from one, then finds them loaded instead of importing
    them again; nothing is started and no object is created. The modules are read from the code
    of the Python that runs this, so the list follows each version instead of being written
    here."""
    import importlib

    package = context.Process.__module__.rpartition(".")[0]
    popen_modules = []
    for name in _relative_imports(context.Process._Popen.__code__):
        popen_modules.append(importlib.import_module("%s.%s" % (package, name)))
    for module in popen_modules:
        popen_class = getattr(module, "Popen", None)
        for cls in getattr(popen_class, "__mro__", ()):
            if not cls.__module__.startswith(package + "."):
                continue
            for member in vars(cls).values():
                code = getattr(member, "__code__", None)
                for name in _relative_imports(code, package) if code is not None else ():
                    try:
                        importlib.import_module("%s.%s" % (package, name))
                    except ImportError:
                        pass  # a name the module imports from the package, not a submodule


def _signal_dispositions():
    """What this program's signals are set to: the handler of each one Python can read (None
    where it cannot: a handler set outside Python), and the mask."""
    numbers = signal.valid_signals() if hasattr(signal, "valid_signals") else range(1, signal.NSIG)
    handlers = {}
    for number in numbers:
        if number in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            handler = signal.getsignal(number)
        except (OSError, ValueError, RuntimeError):
            continue
        if handler is not None:
            handlers[number] = handler
    return handlers, signal.pthread_sigmask(signal.SIG_BLOCK, [])


def _restore_signal_dispositions(dispositions):
    """Puts back the dispositions the server had at start-up. For a Python program the default
    is what the interpreter installs at start-up (SIGINT raises KeyboardInterrupt, SIGPIPE is
    ignored), not SIG_DFL: a case parent behaves as the same program freshly started."""
    handlers, mask = dispositions
    for number, handler in handlers.items():
        if signal.getsignal(number) is not handler:
            try:
                signal.signal(number, handler)
            except (OSError, ValueError, RuntimeError):
                pass
    signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _install(path, flags, target, inheritable):
    """Opens `path` as descriptor `target`, replacing what the server had there."""
    fd = os.open(path, flags | os.O_CLOEXEC)
    if fd == target:
        os.set_inheritable(fd, inheritable)
    else:
        os.dup2(fd, target, inheritable=inheritable)
        os.close(fd)


def enter_case(case, dispositions, case_module):
    """The case parent's first steps (spec/protocol.md, "Cases (protocol 2)"); then main() runs
    it as an ordinary driver, handshake first."""
    os.setpgid(0, 0)
    # fds 3 and 4 stay non-inheritable, as in main(): neither exec'd programs nor spawn's
    # interpreter get them. The console (fds 1 and 2) is inherited by every child.
    _install(case["requests"], os.O_RDONLY, REQUEST_FD, False)
    _install(case["replies"], os.O_WRONLY, REPLY_FD, False)
    _install(case["stdout"], os.O_WRONLY, 1, True)
    _install(case["stderr"], os.O_WRONLY, 2, True)
    # Python chose each stream's line buffering at start-up from isatty(): choose again for
    # the case's own descriptors (it differs only when the server ran on a terminal).
    for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
        wanted = os.isatty(fd) or (fd == 2 and sys.version_info >= (3, 9))
        if stream is not None and hasattr(stream, "reconfigure") and \
                stream.line_buffering != wanted:
            stream.reconfigure(line_buffering=wanted)
    for name, value in case["environment"].items():
        os.environ[name] = value
    _restore_signal_dispositions(dispositions)
    # multiprocessing (and its forks) drew the program's authentication key at import, in the server: a fresh
    # program would have its own, so every case parent draws one.
    # (multiprocessing.dummy's current_process() is a thread: the key is its package's).
    implementation(case_module.split(".")[0]).current_process().authkey = os.urandom(32)
    # From 3.7 on the random module reseeds itself in a forked child (os.register_at_fork); on
    # 3.6 a case parent would repeat the server's sequence (tempfile's names, for one), where a
    # fresh program draws its own.
    if sys.version_info < (3, 7) and "random" in sys.modules:
        sys.modules["random"].seed()


# ---------------------------------------------------------------------------------------------
# main()
# ---------------------------------------------------------------------------------------------


def parse_arguments(argv):
    method = None
    protocol = 2
    module = "multiprocessing"
    rest = list(argv)
    while rest:
        argument = rest.pop(0)
        if "=" in argument:
            argument, value = argument.split("=", 1)
        elif rest:
            value = rest.pop(0)
        else:
            method = module = None
            break
        if argument == "--start-method":
            method = value
        elif argument == "--protocol" and value in [str(p) for p in PROTOCOLS]:
            protocol = int(value)
        elif argument == "--module" and value in MODULES:
            module = value
        else:
            method = module = None
            break
    # A thread-backed package has no start method; every other needs one.
    if (method is None) != (module in THREAD_MODULES) or \
            (method is not None and method not in START_METHODS):
        sys.stderr.write("usage: %s --start-method fork|spawn|forkserver [--protocol 1|2] "
                         "[--module %s]\n       %s --module %s [--protocol 1|2]\n"
                         % (sys.argv[0], "|".join(m for m in MODULES if m not in THREAD_MODULES),
                            sys.argv[0], "|".join(THREAD_MODULES)))
        sys.exit(2)
    return method, protocol, module


def serve(session, requests, line):
    """Answers requests, from `line` on, until shutdown or end of file on fd 3."""
    while line is not None:
        send(session.answer(line))
        if session.shutdown_requested:
            return
        line = requests.next_line()


def main(argv):
    global _holds_protocol_channels
    method, protocol, module = parse_arguments(argv)
    try:
        package = implementation(module)
    except ImportError as error:
        sys.stderr.write("startjoin driver: cannot import %s under %s: %s\n"
                         % (module, sys.executable, error))
        return 2
    if method is not None and method not in package.get_all_start_methods():
        sys.stderr.write("startjoin driver: start method %s is not available here\n" % method)
        return 2
    # Programs this process or its children exec (the exec step, spawn's interpreter) must not
    # inherit the protocol channels; forked children close them in run_target.
    for fd in (REQUEST_FD, REPLY_FD):
        os.set_inheritable(fd, False)
    _holds_protocol_channels = True
    while True:
        session = Session(method, protocol, module)
        send(session.hello())
        requests = LineReader(REQUEST_FD)
        line = requests.next_line()
        if protocol < 2 or line is None or not _is_case(line):
            serve(session, requests, line)
            break
        # A case server from here on. Each case parent comes back out of serve_cases() with
        # its case and goes round again: a fresh Session, its handshake on the case's fd 4.
        dispositions = _signal_dispositions()
        if session.context is not None:
            import_start_machinery(session.context)
        case = serve_cases(requests, line)
        if case is None:
            break
        enter_case(case, dispositions, module)
    # Ending normally, as a program whose main code finishes: multiprocessing's atexit handler
    # terminates daemon children and joins the others, then Python flushes sys.stdout.
    return 0
