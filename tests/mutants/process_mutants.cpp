// Mutants that break one operation of the reference driver's process objects (or the arguments
// its create() binds). Each comment names the real implementations or bugs it imitates.
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <iostream>
#include <mutex>
#include <thread>
#include <variant>

#include "catalogue.hpp"
#include "startjoin/adapter/target.hpp"

namespace startjoin::mutants {
namespace {

using namespace std::chrono_literals;
using seconds_d = std::chrono::duration<double>;

[[noreturn]] void system_failure(const std::string& message) {
    throw operation_error("system", message);
}

// --- Exit codes ------------------------------------------------------------------------------

// Decodes death by signal with WTERMSIG and forgets the minus sign (bindings that report
// "killed by signal 9" as exit code 9).
class unsigned_signal final : public reference_process {
  public:
    using reference_process::reference_process;
    std::optional<int> exitcode() override {
        auto code = reference_process::exitcode();
        if (code && *code < 0) *code = -*code;
        return code;
    }
};

// Applies the shell's convention: a status above 128 means "killed by signal status-128"
// (wrappers that read the exit status through `sh -c` or copy bash's $? logic).
class shell_convention final : public reference_process {
  public:
    using reference_process::reference_process;
    std::optional<int> exitcode() override {
        auto code = reference_process::exitcode();
        if (code && *code > 128) *code = -(*code - 128);
        return code;
    }
};

// Lets an exception escape the child's function: std::terminate() aborts the child (exit code
// -6, buffered output lost), as a hand-written fork() wrapper without try/catch does.
std::unique_ptr<process_object> make_uncaught_aborts(target what) {
    protocol::script steps;
    for (const protocol::any_step& step : what.steps) {
        if (const auto* raise = std::get_if<protocol::step::raise>(&step)) {
            steps.push_back(
                protocol::step::eprint{"terminate called after throwing: " + raise->message});
            steps.push_back(protocol::step::signal{SIGABRT});
        } else {
            steps.push_back(step);
        }
    }
    what.steps = std::move(steps);
    return std::make_unique<reference_process>(std::move(what));
}

// The exit code is a field that only is_alive() (a poll()) updates, as subprocess.Popen's
// returncode is, or CPython's exitcode after join() when SIGCHLD is ignored: join() returns and
// the code stays unknown.
class exitcode_from_poll_only final : public reference_process {
  public:
    using reference_process::reference_process;
    bool is_alive() override {
        const bool alive = reference_process::is_alive();
        if (!alive) code_ = reference_process::exitcode();
        return alive;
    }
    std::optional<int> exitcode() override {
        reference_process::exitcode();  // keeps the errors (closed) of the reference
        return code_;
    }

  private:
    std::optional<int> code_;
};

// The exit code starts at 0 rather than "absent" (Boost.Process's exit_code() before the child
// ended, bash's $? after `worker &`).
class exitcode_zero_before_end final : public reference_process {
  public:
    using reference_process::reference_process;
    std::optional<int> exitcode() override { return reference_process::exitcode().value_or(0); }
};

// terminate() records -SIGTERM as the exit code, whatever the child did (wrappers that set
// returncode themselves when they kill, overwriting a code already read).
class terminate_overwrites_code final : public reference_process {
  public:
    using reference_process::reference_process;
    void terminate() override {
        reference_process::terminate();
        forced_ = -SIGTERM;
    }
    std::optional<int> exitcode() override {
        const auto code = reference_process::exitcode();
        if (code && forced_) return forced_;
        return code;
    }

  private:
    std::optional<int> forced_;
};

// --- join() ----------------------------------------------------------------------------------

// A second join() waits again on a pid already reaped and fails with ECHILD (implementations
// that do not cache the status).
class second_join_fails final : public reference_process {
  public:
    using reference_process::reference_process;
    void join() override {
        if (joined_) system_failure("waitpid: No child processes (ECHILD)");
        reference_process::join();
        joined_ = true;
    }

  private:
    bool joined_ = false;
};

// Concurrent join() calls race on waitpid(): the loser gets ECHILD (CPython bpo-18766-style
// races on a shared Popen without a lock).
class concurrent_join_fails final : public reference_process {
  public:
    using reference_process::reference_process;
    void join() override {
        if (waiting_.exchange(true)) system_failure("waitpid: No child processes (ECHILD)");
        try {
            reference_process::join();
        } catch (...) {
            waiting_ = false;
            throw;
        }
        waiting_ = false;
    }

  private:
    std::atomic<bool> waiting_{false};
};

// join(timeout) that ignores its timeout and blocks (a blocking waitpid() behind a timeout
// parameter that is never used).
class join_timeout_blocks final : public reference_process {
  public:
    using reference_process::reference_process;
    bool join(seconds_d) override {
        reference_process::join();
        return true;
    }
};

// join(timeout) that sleeps for the whole timeout and then looks once (the naive
// `time.sleep(timeout); return poll()`).
class join_timeout_sleeps final : public reference_process {
  public:
    using reference_process::reference_process;
    bool join(seconds_d timeout) override {
        if (reference_process::pid() && timeout.count() > 0)
            std::this_thread::sleep_for(std::min(timeout, seconds_d(3600)));
        return reference_process::join(seconds_d(0));
    }
};

// Waits on a sentinel pipe, as CPython's popen_fork does: the child (and every descendant)
// inherits the write end, so EOF comes only when the last of them has closed it. CPython uses it
// for join(timeout) only; billiard-style pools wait on it for join() too.
template <bool for_plain_join>
class sentinel_pipe final : public reference_process {
  public:
    using reference_process::reference_process;
    ~sentinel_pipe() override {
        if (sentinel_ >= 0) ::close(sentinel_);
    }
    void start() override {
        int ends[2];
        if (::pipe(ends) != 0) system_failure(std::string("pipe: ") + std::strerror(errno));
        try {
            reference_process::start();
        } catch (...) {
            ::close(ends[0]);
            ::close(ends[1]);
            throw;
        }
        ::close(ends[1]);
        if (sentinel_ >= 0) ::close(sentinel_);
        sentinel_ = ends[0];
    }
    void join() override {
        if (for_plain_join && sentinel_ >= 0) wait_for_eof(-1);
        reference_process::join();
    }
    bool join(seconds_d timeout) override {
        if (sentinel_ >= 0) {
            const auto ms =
                timeout.count() > 0 ? static_cast<int>(std::min(timeout.count(), 1e6) * 1000) : 0;
            if (!wait_for_eof(ms)) return false;
        }
        return reference_process::join(timeout);
    }
    void close() override {
        reference_process::close();
        if (sentinel_ >= 0) ::close(sentinel_);
        sentinel_ = -1;
    }

  private:
    bool wait_for_eof(int timeout_ms) {
        pollfd entry{sentinel_, POLLIN, 0};
        for (;;) {
            const int ready = ::poll(&entry, 1, timeout_ms);
            if (ready > 0) return true;
            if (ready == 0) return false;
            if (errno != EINTR) system_failure(std::string("poll: ") + std::strerror(errno));
        }
    }
    int sentinel_ = -1;
};

// join() before start() returns at once (a wait that does nothing without a pid).
class join_before_start_ok final : public reference_process {
  public:
    using reference_process::reference_process;
    void join() override {
        if (!started_) return;
        reference_process::join();
    }
    void start() override {
        reference_process::start();
        started_ = true;
    }

  private:
    bool started_ = false;
};

// --- start() ---------------------------------------------------------------------------------

// start() keeps no "started" flag and forks again (CPython's check is an assert, gone under
// `python -O`).
class start_forks_again final : public reference_process {
  public:
    explicit start_forks_again(target what) : reference_process(what), copy_(std::move(what)) {}
    void start() override {
        if (!started_) {
            reference_process::start();
            started_ = true;
            return;
        }
        again_.push_back(std::make_unique<reference_process>(copy_));
        again_.back()->start();
    }

  private:
    target copy_;
    bool started_ = false;
    std::vector<std::unique_ptr<reference_process>> again_;
};

// The object starts its child when it is created, as std::thread and Boost.Process's child do;
// start() then does nothing.
class starts_at_creation final : public reference_process {
  public:
    explicit starts_at_creation(target what) : reference_process(std::move(what)) {
        reference_process::start();
    }
    void start() override {
        if (first_) {
            first_ = false;
            return;
        }
        reference_process::start();
    }

  private:
    bool first_ = true;
};

// One child at a time: start() first joins the previously started child (a pool of size one,
// or a global lock held from start() to join()).
std::mutex serial_mutex;
process_object* last_started = nullptr;
class serialized_start final : public reference_process {
  public:
    using reference_process::reference_process;
    ~serialized_start() override {
        std::lock_guard lock(serial_mutex);
        if (last_started == this) last_started = nullptr;
    }
    void start() override {
        process_object* previous = nullptr;
        {
            std::lock_guard lock(serial_mutex);
            previous = last_started;
        }
        if (previous != nullptr && previous != this) {
            try {
                previous->join();
            } catch (const operation_error&) {
            }
        }
        reference_process::start();
        std::lock_guard lock(serial_mutex);
        last_started = this;
    }
};

// Children may not start children ("daemonic processes are not allowed to have children",
// CPython's rule, applied here to every child).
class nested_start_refused final : public reference_process {
  public:
    using reference_process::reference_process;
    void start() override {
        if (static_cast<int>(::getpid()) != driver_pid()) {
            throw operation_error("invalid_state", "processes are not allowed to have children");
        }
        reference_process::start();
    }
};

// --- Arguments -------------------------------------------------------------------------------

// Forwards all arguments but the last (an off-by-one in a variadic or argv-building layer).
std::unique_ptr<process_object> make_drop_last_argument(target what) {
    if (!what.args.empty()) what.args.erase(what.args.size() - 1);
    return std::make_unique<reference_process>(std::move(what));
}

// Passes the arguments through text (argv, environment): 0 arrives as "0".
std::unique_ptr<process_object> make_arguments_as_text(target what) {
    for (auto& each : what.args) {
        if (!each.is_string()) each = each.dump();
    }
    return std::make_unique<reference_process>(std::move(what));
}

// Binds the arguments by reference to the caller's variable, read at start(): the object created
// last wins (a C++ lambda capturing [&], Python closures created in a loop).
nlohmann::json latest_arguments = nlohmann::json::array();
class arguments_bound_late final : public forwarding_process {
  public:
    explicit arguments_bound_late(target what)
        : forwarding_process(std::make_unique<reference_process>(what)), what_(std::move(what)) {
        latest_arguments = what_.args;
    }
    void start() override {
        if (!started_ && inner_->pid() == std::nullopt) {
            target late = what_;
            late.args = latest_arguments;
            auto replacement = std::make_unique<reference_process>(std::move(late));
            replacement->set_daemon(inner_->daemon());
            replacement->set_name(inner_->name());
            inner_ = std::move(replacement);
        }
        started_ = true;
        inner_->start();
    }

  private:
    target what_;
    bool started_ = false;
};

// --- Liveness and pid ------------------------------------------------------------------------

// is_alive() is "not finished", true before start() too.
class alive_before_start final : public reference_process {
  public:
    using reference_process::reference_process;
    bool is_alive() override {
        if (!reference_process::pid()) return true;
        return reference_process::is_alive();
    }
};

// pid() returns the caller's own pid (thread-based implementations reporting os.getpid()).
class pid_of_parent final : public reference_process {
  public:
    using reference_process::reference_process;
    std::optional<long long> pid() override {
        if (!reference_process::pid()) return std::nullopt;
        return static_cast<long long>(::getpid());
    }
};

// pid() is 0 before start() (a pid_t field initialised to 0).
class pid_zero_before_start final : public reference_process {
  public:
    using reference_process::reference_process;
    std::optional<long long> pid() override { return reference_process::pid().value_or(0); }
};

// --- terminate() and kill() ------------------------------------------------------------------

// terminate() sends SIGKILL (TerminateProcess semantics ported to POSIX, Boost.Process).
class terminate_sends_sigkill final : public reference_process {
  public:
    using reference_process::reference_process;
    void terminate() override { reference_process::kill(); }
};

// kill() sends SIGTERM (a kill() written as an alias of terminate()).
class kill_sends_sigterm final : public reference_process {
  public:
    using reference_process::reference_process;
    void kill() override { reference_process::terminate(); }
};

// terminate() calls kill(pid) without checking whether the child was reaped: ESRCH becomes an
// error (and after pid reuse it would hit a stranger).
class terminate_reaped_pid final : public reference_process {
  public:
    using reference_process::reference_process;
    void terminate() override {
        const auto pid = reference_process::pid();
        if (!pid) return reference_process::terminate();
        if (::kill(static_cast<pid_t>(*pid), SIGTERM) != 0)
            system_failure(std::string("kill: ") + std::strerror(errno));
    }
};

// terminate() and kill() before start() do nothing (`if popen is not None: popen.terminate()`).
class signal_before_start_ok final : public reference_process {
  public:
    using reference_process::reference_process;
    void terminate() override {
        if (reference_process::pid()) reference_process::terminate();
    }
    void kill() override {
        if (reference_process::pid()) reference_process::kill();
    }
};

// --- close() ---------------------------------------------------------------------------------

// close() on a running child returns without complaint and without closing (a close() that
// forgets the precondition).
class close_while_running final : public reference_process {
  public:
    using reference_process::reference_process;
    void close() override {
        if (reference_process::is_alive()) return;
        reference_process::close();
    }
};

// A second close() closes the descriptor again and fails (EBADF from a double close).
class close_twice_fails final : public reference_process {
  public:
    using reference_process::reference_process;
    void close() override {
        if (closed_) system_failure("close: Bad file descriptor (EBADF)");
        reference_process::close();
        closed_ = true;
    }

  private:
    bool closed_ = false;
};

// After close(), the object keeps answering from its cached state (only start() checks).
class answers_after_close final : public reference_process {
  public:
    using reference_process::reference_process;
    void close() override {
        if (!closed_) code_ = reference_process::exitcode();
        reference_process::close();
        closed_ = true;
    }
    void join() override {
        if (!closed_) reference_process::join();
    }
    bool is_alive() override { return closed_ ? false : reference_process::is_alive(); }
    std::optional<int> exitcode() override {
        return closed_ ? code_ : reference_process::exitcode();
    }

  private:
    bool closed_ = false;
    std::optional<int> code_;
};

// The object holds a descriptor on its child (a pidfd, as CPython holds its sentinel) that only
// the destructor releases: close() leaves it open.
class close_keeps_descriptor final : public reference_process {
  public:
    using reference_process::reference_process;
    ~close_keeps_descriptor() override {
        if (handle_ >= 0) ::close(handle_);
    }
    void start() override {
        reference_process::start();
        handle_ = static_cast<int>(
            ::syscall(SYS_pidfd_open, static_cast<pid_t>(*reference_process::pid()), 0));
    }

  private:
    int handle_ = -1;
};

// --- Daemon flag and parent exit -------------------------------------------------------------

// set_daemon() after start() is accepted and ignored (a plain attribute with no check).
class daemon_after_start_ok final : public reference_process {
  public:
    using reference_process::reference_process;
    void set_daemon(bool daemon) override {
        if (reference_process::pid()) return;
        reference_process::set_daemon(daemon);
    }
};

// The parent's end neither joins nor terminates: dropped objects abandon their children (a
// parent that leaves with _exit, or an implementation with no exit hook). `daemons_only` leaves
// non-daemon children joined and only abandons daemon ones.
template <bool daemons_only>
class abandons_at_exit final : public forwarding_process {
  public:
    explicit abandons_at_exit(target what)
        : forwarding_process(std::make_unique<reference_process>(std::move(what))) {}
    ~abandons_at_exit() override {
        try {
            if (inner_->is_alive() && (!daemons_only || inner_->daemon())) {
                static_cast<void>(inner_.release());  // deliberately leaked: never joined
            }
        } catch (const operation_error&) {
        }
    }
};

// The destructor kills a child still running (Boost.Process's child, a finalizer that kills).
class destructor_kills final : public forwarding_process {
  public:
    explicit destructor_kills(target what)
        : forwarding_process(std::make_unique<reference_process>(std::move(what))) {}
    ~destructor_kills() override {
        try {
            if (inner_->is_alive()) inner_->kill();
        } catch (const operation_error&) {
        }
    }
};

// --- Isolation -------------------------------------------------------------------------------

// The target runs on a std::thread of the driver while the implementation claims the process
// profile (multiprocessing.dummy, thread pools behind a Process-like API): it shares memory.
struct thread_exit {
    int code;
};
class thread_in_disguise final : public process_object {
  public:
    explicit thread_in_disguise(target what) : what_(std::move(what)) {}
    ~thread_in_disguise() override {
        if (thread_.joinable()) {
            if (done_) {
                thread_.join();
            } else {
                thread_.detach();
            }
        }
    }
    void start() override {
        if (started_) throw operation_error("invalid_state", "already started");
        started_ = true;
        thread_ = std::thread([this] {
            int code = 0;
            try {
                adapter::run_target(
                    what_, adapter::ending{.exit = [](int exit) { throw thread_exit{exit}; },
                                           .raise = {}});
            } catch (const thread_exit& request) {
                code = request.code;
            } catch (const std::exception& error) {
                std::cerr << "uncaught exception in thread: " << error.what() << std::endl;
                code = 1;
            }
            std::cout.flush();
            code_ = code;
            {
                const std::lock_guard lock(done_mutex_);
                done_ = true;
            }
            done_changed_.notify_all();
        });
    }
    void join() override {
        if (!started_) throw operation_error("invalid_state", "not started");
        if (thread_.joinable()) thread_.join();
    }
    bool join(seconds_d timeout) override {
        if (!started_) throw operation_error("invalid_state", "not started");
        const auto deadline = std::chrono::steady_clock::now() +
                              std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                  std::min(timeout, seconds_d(1e6)));
        std::unique_lock lock(done_mutex_);
        if (!done_changed_.wait_until(lock, deadline, [this] { return done_.load(); }))
            return false;
        lock.unlock();
        join();
        return true;
    }
    bool is_alive() override { return started_ && !done_; }
    std::optional<int> exitcode() override {
        if (!done_) return std::nullopt;
        return code_.load();
    }
    std::optional<long long> pid() override {
        if (!started_) return std::nullopt;
        return static_cast<long long>(::getpid());
    }
    void set_daemon(bool daemon) override { daemon_ = daemon; }
    bool daemon() override { return daemon_; }
    void set_name(const std::string& name) override { name_ = name; }
    std::string name() override { return name_; }

  private:
    bool daemon_ = false;
    std::string name_ = "Thread";
    target what_;
    std::thread thread_;
    bool started_ = false;
    std::atomic<bool> done_{false};
    std::atomic<int> code_{0};
    std::mutex done_mutex_;  // with done_changed_, lets join(timeout) wake when the target ends
    std::condition_variable done_changed_;
};

// clang-format off
const registrar registered[] = {
    registrar({"exitcode-unsigned-signal", "exitcode.external-signal", "death by signal S reads +S", make_process<unsigned_signal>}),
    registrar({"exitcode-shell-convention", "exitcode.explicit", "exit codes above 128 read as signals", make_process<shell_convention>}),
    registrar({"uncaught-error-aborts", "exitcode.uncaught", "an uncaught error aborts the child (-6)", make_uncaught_aborts}),
    registrar({"exitcode-only-from-poll", "join.state", "join() leaves the exit code unknown", make_process<exitcode_from_poll_only>}),
    registrar({"exitcode-zero-before-end", "exitcode.absent", "exit code 0 before the child ends", make_process<exitcode_zero_before_end>}),
    registrar({"terminate-overwrites-exitcode", "exitcode.stable", "terminate() after the end changes the code", make_process<terminate_overwrites_code>}),
    registrar({"second-join-fails", "join.repeatable", "a second join() fails with ECHILD", make_process<second_join_fails>}),
    registrar({"concurrent-join-fails", "join.threads", "concurrent join() calls fail with ECHILD", make_process<concurrent_join_fails>}),
    registrar({"join-timeout-blocks", "join-timeout.expires", "join(timeout) ignores its timeout", make_process<join_timeout_blocks>}),
    registrar({"join-timeout-sleeps", "join-timeout.prompt", "join(timeout) waits out its timeout", make_process<join_timeout_sleeps>}),
    registrar({"sentinel-pipe-join", "join.descendants", "join() waits for EOF on an inherited pipe", make_process<sentinel_pipe<true>>}),
    registrar({"sentinel-pipe-join-timeout", "join-timeout.descendants", "join(timeout) waits for EOF on an inherited pipe", make_process<sentinel_pipe<false>>}),
    registrar({"join-before-start-ok", "join.before-start", "join() before start() returns", make_process<join_before_start_ok>}),
    registrar({"start-forks-again", "start.once", "a second start() forks a second child", make_process<start_forks_again>}),
    registrar({"starts-at-creation", "create.nothing-runs", "the child starts when the object is created", make_process<starts_at_creation>}),
    registrar({"one-child-at-a-time", "start.many", "start() first joins the previous child", make_process<serialized_start>}),
    registrar({"nested-start-refused", "nesting.join", "children may not start children", make_process<nested_start_refused>}),
    registrar({"arguments-drop-last", "start.arguments", "the last argument is dropped", make_drop_last_argument}),
    registrar({"arguments-as-text", "isolation.arguments", "arguments arrive as text", make_arguments_as_text}),
    registrar({"arguments-bound-late", "create.captures", "arguments bound by reference; the last created wins", make_process<arguments_bound_late>}),
    registrar({"alive-before-start", "alive.before-start", "is_alive() is true before start()", make_process<alive_before_start>}),
    registrar({"pid-of-parent", "pid.child", "pid() is the parent's own pid", make_process<pid_of_parent>}),
    registrar({"pid-zero-before-start", "pid.absent", "pid() is 0 before start()", make_process<pid_zero_before_start>}),
    registrar({"terminate-sends-sigkill", "terminate.sigterm", "terminate() sends SIGKILL", make_process<terminate_sends_sigkill>}),
    registrar({"kill-sends-sigterm", "kill.sigkill", "kill() sends SIGTERM", make_process<kill_sends_sigterm>}),
    registrar({"terminate-reaped-pid", "terminate.after-exit", "terminate() signals a reaped pid and fails", make_process<terminate_reaped_pid>}),
    registrar({"signal-before-start-ok", "terminate.before-start", "terminate()/kill() before start() do nothing", make_process<signal_before_start_ok>}),
    registrar({"close-while-running", "close.running", "close() of a running child succeeds", make_process<close_while_running>}),
    registrar({"close-twice-fails", "close.idempotent", "a second close() fails", make_process<close_twice_fails>}),
    registrar({"answers-after-close", "close.after", "operations after close() still answer", make_process<answers_after_close>}),
    registrar({"close-keeps-descriptor", "close.releases", "a descriptor is released by the destructor only", make_process<close_keeps_descriptor>}),
    registrar({"daemon-after-start-ok", "daemon.before-start", "set_daemon() after start() is accepted", make_process<daemon_after_start_ok>}),
    registrar({"exit-without-joining", "parent-exit.joins", "the parent's end abandons its children", make_process<abandons_at_exit<false>>}),
    registrar({"daemon-abandoned", "parent-exit.daemon", "daemon children outlive the parent", make_process<abandons_at_exit<true>>}),
    registrar({"destructor-kills-child", "parent-exit.destructor", "dropping an object kills its child", make_process<destructor_kills>}),
    registrar({"thread-in-disguise", "isolation.child-writes", "the target runs on a thread of the parent", make_process<thread_in_disguise>}),
};
// clang-format on

}  // namespace
}  // namespace startjoin::mutants
