// startjoin::Process: the reference implementation of the start/join contract.
//
// Modeled on Python's multiprocessing.Process with the "fork" start method, in C++ idiom:
// construct it from a callable and its arguments (like std::thread), start() runs the callable in
// a new OS process with its own copy of memory, join() waits for that process to end.
//
//     startjoin::Process worker([](int x) { std::printf("Processing %d\n", x); }, 42);
//     worker.start();   // returns at once; the child runs concurrently
//     worker.join();    // blocks until the child has ended
//     std::puts("Process completed");   // printed after everything the child printed
//
// Every clause of spec/start-join.md names the member that implements it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

namespace startjoin {

/// What a process_error is about; the protocol reports the same names.
enum class error_kind {
    invalid_state,  ///< the call is not allowed in the object's current state
    closed,         ///< the object was closed; every later call fails with this kind
    system,         ///< the operating system refused (fork, pidfd_open, ...)
};

/// The name of a kind as the spec and the driver protocol spell it ("invalid_state", ...).
const char* to_string(error_kind kind) noexcept;

/// The typed error of every Process operation. Preconditions are checked in every build.
class process_error : public std::runtime_error {
  public:
    process_error(error_kind kind, const std::string& message);
    error_kind kind() const noexcept { return kind_; }

  private:
    error_kind kind_;
};

/// Thrown by exit_target() and caught by the child's wrapper: the target asked to end with
/// `code`, like Python's SystemExit. Unwinds the target's stack, so destructors run.
class exit_request {
  public:
    explicit exit_request(int code) noexcept : code_(code) {}
    int code() const noexcept { return code_; }

  private:
    int code_;
};

/// Ends the calling target with exit code `code` (0..255), like sys.exit(code) in a Python
/// target. A code outside 0..255 is a std::invalid_argument, which ends the child with code 1.
[[noreturn]] void exit_target(int code);

namespace detail {
// A type-erased, move-only target: the decayed callable and decayed copies of its arguments.
class target {
  public:
    virtual ~target() = default;
    virtual void run() = 0;
};

template <class F, class... Args>
class bound_target final : public target {
  public:
    template <class G, class... A>
    explicit bound_target(G&& g, A&&... a)
        : function_(std::forward<G>(g)), arguments_(std::forward<A>(a)...) {}
    void run() override { std::apply(std::move(function_), std::move(arguments_)); }

  private:
    F function_;
    std::tuple<Args...> arguments_;
};

struct state;
}  // namespace detail

/// A target function running in its own OS process (see the file comment).
///
/// Thread safety: join(), join(timeout), is_alive(), exitcode() and pid() may be called from
/// several threads at once; they all observe the same termination and exit code. start(),
/// terminate(), kill(), close() and the setters must not race with each other. A Process is
/// used only by the process that created it: a forked child calling into its copy gets
/// invalid_state (the copy's lock may have been held across the fork), as in Python.
///
/// Destructor policy (spec [parent-exit.destructor]): destroying a started Process whose child
/// may still run first ends it the way a parent's exit would, like std::jthread: a non-daemon
/// child is joined, a daemon child is terminated (SIGTERM) and then joined. So a Process never
/// leaves a zombie or an unobserved child behind it.
class Process {
  public:
    /// Captures `function` and decayed copies of `arguments`, like std::thread. Nothing runs
    /// until start(). The child calls std::invoke(function, arguments...).
    template <class F, class... Args>
    requires std::is_invocable_v<std::decay_t<F>, std::decay_t<Args>...>
    explicit Process(F&& function, Args&&... arguments)
        : Process(std::make_unique<detail::bound_target<std::decay_t<F>, std::decay_t<Args>...>>(
              std::forward<F>(function), std::forward<Args>(arguments)...)) {}

    Process(Process&&) noexcept;
    Process& operator=(Process&&) noexcept;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process();

    /// Runs the target in a new process (fork) and returns at once, without waiting for it.
    /// Flushes the parent's stdio first, so nothing the parent buffered is printed twice.
    /// A second call is an invalid_state error and creates no process.
    void start();

    /// Blocks until the child has terminated and records its exit code. May be called any
    /// number of times. invalid_state before start().
    void join();

    /// Waits at most `timeout` (zero or negative: just looks) and returns whether the child has
    /// terminated. Wakes as soon as the child exits, whatever its descendants do.
    bool join(std::chrono::duration<double> timeout);

    /// False before start() and once termination is observable; true in between.
    bool is_alive();

    /// Absent before start() and while the child runs; then 0 (target returned), N (exit_target),
    /// 1 (uncaught exception, with a diagnostic on stderr) or -S (killed by signal S).
    std::optional<int> exitcode();

    /// The child's process id, absent before start().
    std::optional<pid_t> pid() const;

    /// Sends SIGTERM / SIGKILL to the child. Nothing is sent once the child has terminated (its
    /// pid may have been reused). invalid_state before start().
    void terminate();
    void kill();

    /// Releases the object's resources. invalid_state while the child may still run; afterwards
    /// every operation but close() fails with kind closed. Idempotent.
    void close();

    /// A name for messages, "Process-N" by default, like Python's.
    const std::string& name() const;
    void set_name(std::string name);

    /// Daemon children are terminated rather than joined when the parent ends (see the
    /// destructor). Settable only before start(): invalid_state afterwards.
    bool daemon() const;
    void set_daemon(bool daemon);

  private:
    explicit Process(std::unique_ptr<detail::target> target);
    std::unique_ptr<detail::state> state_;
};

}  // namespace startjoin
