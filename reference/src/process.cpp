// Process: the object's state and the contract's precondition checks. Every check runs in every
// build and throws process_error (CPython's asserts vanish under `python -O`). The system calls
// themselves live in launcher.cpp.
#include "startjoin/process.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>

#include "launcher.hpp"

namespace startjoin {
namespace detail {

// Everything a Process owns, behind one pointer: moving a Process moves the pointer, and the
// public header needs neither <mutex> nor the launcher.
struct state {
    std::mutex mutex;
    // Threads blocked in wait_terminated() hold a copy of pidfd without the mutex; close() and
    // the destructor wait on this until there are none, so nobody polls a closed (or reused) fd.
    std::condition_variable no_waiters;
    int waiters = 0;

    // The process that created the object. A forked child has a copy of every Process in
    // memory, with mutexes possibly locked by parent threads that do not exist there (start()
    // itself holds one across fork); using those copies is refused before locking, as Python
    // refuses ("can only test a child process").
    pid_t creator = ::getpid();

    std::unique_ptr<detail::target> callable;  // Dropped once the child has its copy, like Python.
    std::string name;
    bool daemon = false;
    bool started = false;
    bool closed = false;
    pid_t pid = -1;
    int pidfd = -1;
    std::optional<int> exitcode;  // Set exactly once, by whichever call reaps the child.
};

}  // namespace detail

namespace {

using detail::state;
using detail::steady_clock;
using guard = std::unique_lock<std::mutex>;

std::atomic<unsigned long> processes_created{0};

// "Process-3 (pid 4242, started)": the name, the pid and the state, for every error message.
std::string describe(const state& s) {
    std::string text = s.name;
    if (s.closed) return text + " (closed)";
    if (!s.started) return text + " (not started)";
    text += " (pid " + std::to_string(s.pid) + ", ";
    if (!s.exitcode) {
        text += "started";
    } else if (*s.exitcode >= 0) {
        text += "exited with code " + std::to_string(*s.exitcode);
    } else {
        text += "killed by signal " + std::to_string(-*s.exitcode);
    }
    return text + ")";
}

[[noreturn]] void fail(error_kind kind, const state& s, const char* operation,
                       const std::string& reason) {
    throw process_error(kind, std::string(operation) + " on " + describe(s) + ": " + reason);
}

state& owned(const std::unique_ptr<state>& s, const char* operation) {
    if (!s) {
        throw process_error(
            error_kind::invalid_state,
            std::string(operation) + " on a moved-from Process: it no longer owns a process");
    }
    if (const pid_t self = ::getpid(); self != s->creator) {
        throw process_error(error_kind::invalid_state,
                            std::string(operation) + " on " + s->name + " in process " +
                                std::to_string(self) + ": only its creator, process " +
                                std::to_string(s->creator) + ", may use it");
    }
    return *s;
}

void require_open(const state& s, const char* operation) {
    if (s.closed) fail(error_kind::closed, s, operation, "the Process was closed");
}

void require_started(const state& s, const char* operation) {
    require_open(s, operation);
    if (!s.started) fail(error_kind::invalid_state, s, operation, "the Process was not started");
}

// Runs a launcher call, turning its std::system_error into process_error(system) that names the
// process.
template <class F>
decltype(auto) system_call(const state& s, const char* operation, F&& call) {
    try {
        return std::forward<F>(call)();
    } catch (const std::system_error& error) {
        fail(error_kind::system, s, operation, error.what());
    }
}

// With the mutex held: reaps the child if it has terminated, without blocking, so termination is
// observable without join(). Returns whether it has terminated. Reaping only ever happens here,
// under the mutex, so exactly one caller reaps and the others read the cached code.
bool reap_nonblocking(state& s, const char* operation) {
    if (!s.exitcode)
        s.exitcode = system_call(s, operation, [&] { return detail::try_reap(s.pidfd); });
    return s.exitcode.has_value();
}

std::optional<steady_clock::time_point> deadline_after(std::chrono::duration<double> timeout) {
    const double seconds = timeout.count();
    if (!(seconds > 0)) return steady_clock::now();  // Zero, negative or NaN: just look.
    // Beyond ~31 years (or infinity) is "forever"; it also keeps the time_point from overflowing.
    if (seconds > 1e9) return std::nullopt;
    return steady_clock::now() + std::chrono::ceil<std::chrono::nanoseconds>(timeout);
}

bool wait_for_exit(state& s, const char* operation,
                   std::optional<steady_clock::time_point> deadline) {
    guard lock(s.mutex);
    require_started(s, operation);
    for (;;) {
        if (reap_nonblocking(s, operation)) return true;
        if (deadline && steady_clock::now() >= *deadline) return false;

        // Block without the mutex so concurrent joiners, is_alive() and terminate() go on.
        ++s.waiters;
        const int pidfd = s.pidfd;
        lock.unlock();
        bool ready = false;
        std::string error;
        try {
            ready = detail::wait_terminated(pidfd, deadline);
        } catch (const std::system_error& failure) {
            error = failure.what();
        }
        lock.lock();
        if (--s.waiters == 0) s.no_waiters.notify_all();
        if (!error.empty()) fail(error_kind::system, s, operation, error);
        if (!ready) return reap_nonblocking(s, operation);
        // Readable: the child has terminated. Go round to reap it (or to find another joiner
        // already did). Should waitid() not see the zombie yet, the next poll returns at once.
    }
}

void signal_child(state& s, const char* operation, int signal) {
    guard lock(s.mutex);
    require_started(s, operation);
    // Never signal a terminated child: there is nothing left to end, and once reaped its pid
    // may name another process. Holding the mutex keeps anyone from reaping in between.
    if (reap_nonblocking(s, operation)) return;
    system_call(s, operation, [&] { detail::send_signal(s.pidfd, signal); });
}

// Drops the pidfd and the target; the caller has made sure the child was reaped or is being
// abandoned by a destructor that could not reap it.
void release(state& s, guard& lock) {
    s.no_waiters.wait(lock, [&] { return s.waiters == 0; });
    detail::close_pidfd(s.pidfd);
    s.pidfd = -1;
    s.callable.reset();
    s.closed = true;
}

}  // namespace

Process::Process(std::unique_ptr<detail::target> target)
    : state_(std::make_unique<detail::state>()) {
    state_->callable = std::move(target);
    state_->name = "Process-" + std::to_string(processes_created.fetch_add(1) + 1);
}

Process::Process(Process&&) noexcept = default;

Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        // The process this object owned gets the destructor's treatment (join, or terminate and
        // join for a daemon) when `previous` goes out of scope, like std::jthread.
        Process previous(std::move(*this));
        state_ = std::move(other.state_);
    }
    return *this;
}

Process::~Process() {
    // Moved from, or a copy inherited by a forked child, which owns nothing.
    if (!state_ || state_->creator != ::getpid()) return;
    state& s = *state_;
    try {
        bool running = false;
        bool daemon = false;
        {
            guard lock(s.mutex);
            running = s.started && !s.closed && !s.exitcode;
            daemon = s.daemon;
        }
        if (running) {
            if (daemon) terminate();
            join();
        }
    } catch (...) {
        // A destructor must not throw. The only failures left are system ones (e.g. the program
        // set SIGCHLD to SIG_IGN and the kernel reaped the child itself): nothing to wait for.
    }
    try {
        guard lock(s.mutex);
        if (!s.closed) release(s, lock);
    } catch (...) {
    }
}

void Process::start() {
    state& s = owned(state_, "start()");
    guard lock(s.mutex);
    require_open(s, "start()");
    if (s.started) {
        fail(error_kind::invalid_state, s, "start()",
             "it was already started; a Process can be started only once");
    }
    const pid_t pid =
        system_call(s, "start()", [&] { return detail::fork_target(*s.callable, s.name.c_str()); });
    int pidfd = -1;
    try {
        pidfd = detail::open_pidfd(pid);
    } catch (const std::system_error& error) {
        fail(error_kind::system, s, "start()",
             "child pid " + std::to_string(pid) + " was killed because " + error.what() +
                 "; the Process can be started again");
    }
    // Committed only now, so a failed start leaves the object as it was.
    s.pid = pid;
    s.pidfd = pidfd;
    s.started = true;
    s.callable.reset();  // The child has its own copy; release what it captured, as Python does.
}

void Process::join() { wait_for_exit(owned(state_, "join()"), "join()", std::nullopt); }

bool Process::join(std::chrono::duration<double> timeout) {
    return wait_for_exit(owned(state_, "join(timeout)"), "join(timeout)", deadline_after(timeout));
}

bool Process::is_alive() {
    state& s = owned(state_, "is_alive()");
    guard lock(s.mutex);
    require_open(s, "is_alive()");
    return s.started && !reap_nonblocking(s, "is_alive()");
}

std::optional<int> Process::exitcode() {
    state& s = owned(state_, "exitcode()");
    guard lock(s.mutex);
    require_open(s, "exitcode()");
    if (s.started) reap_nonblocking(s, "exitcode()");
    return s.exitcode;
}

std::optional<pid_t> Process::pid() const {
    state& s = owned(state_, "pid()");
    guard lock(s.mutex);
    require_open(s, "pid()");
    if (!s.started) return std::nullopt;
    return s.pid;
}

void Process::terminate() { signal_child(owned(state_, "terminate()"), "terminate()", SIGTERM); }

void Process::kill() { signal_child(owned(state_, "kill()"), "kill()", SIGKILL); }

void Process::close() {
    state& s = owned(state_, "close()");
    guard lock(s.mutex);
    if (s.closed) return;
    if (s.started && !reap_nonblocking(s, "close()")) {
        fail(error_kind::invalid_state, s, "close()",
             "the child is still running; join(), terminate() or kill() it first");
    }
    release(s, lock);
}

const std::string& Process::name() const {
    state& s = owned(state_, "name()");
    guard lock(s.mutex);
    require_open(s, "name()");
    return s.name;
}

void Process::set_name(std::string name) {
    state& s = owned(state_, "set_name()");
    guard lock(s.mutex);
    require_open(s, "set_name()");
    s.name = std::move(name);
}

bool Process::daemon() const {
    state& s = owned(state_, "daemon()");
    guard lock(s.mutex);
    require_open(s, "daemon()");
    return s.daemon;
}

void Process::set_daemon(bool daemon) {
    state& s = owned(state_, "set_daemon()");
    guard lock(s.mutex);
    require_open(s, "set_daemon()");
    if (s.started) {
        fail(error_kind::invalid_state, s, "set_daemon()",
             "the daemon flag can only be set before start()");
    }
    s.daemon = daemon;
}

}  // namespace startjoin
