#include "thread_adapter.hpp"

#include <exception>
#include <iostream>
#include <system_error>

#include "startjoin/adapter/target.hpp"

namespace startjoin::adapter::thread {
namespace {

// The `exit N` step of a thread. C++ has no way to end just one thread with a code, so it is an
// exception that only the top of the thread catches; it does not derive from std::exception.
struct thread_exit {
    int code;
};

// The function every thread runs. Unlike a forked child it must leave fds 3 and 4 alone: they
// are the driver's own protocol channels, shared by every thread.
void run_thread(const target& what, outcome& result) {
    int code = 0;
    try {
        run_target(
            what, ending{.exit = [](int exit_code) { throw thread_exit{exit_code}; }, .raise = {}});
    } catch (const thread_exit& exit) {
        code = exit.code;
    } catch (const std::exception& error) {
        // An exception leaving a std::thread's function calls std::terminate and ends the whole
        // program; the adapter ends only the thread, with code 1, as Python's threading does.
        std::cerr << "Exception in thread " << what.process << ": " << error.what() << '\n';
        code = 1;
    } catch (...) {
        std::cerr << "Exception in thread " << what.process << ": unknown exception\n";
        code = 1;
    }
    result.code = code;
    result.done.store(true, std::memory_order_release);
}

// std::thread::join() reports its refusals as std::system_error: invalid_argument when the
// thread is not joinable (never started, or joined already), no_such_process, and
// resource_deadlock_would_occur for a thread joining itself.
template <class Operation>
auto reporting_errors(Operation operation) -> decltype(operation()) {
    try {
        return operation();
    } catch (const std::system_error& error) {
        const std::error_code code = error.code();
        const bool refused = code == std::errc::invalid_argument ||
                             code == std::errc::no_such_process ||
                             code == std::errc::resource_deadlock_would_occur;
        throw operation_error(refused ? "invalid_state" : "system", error.what());
    }
}

}  // namespace

thread_object::thread_object(target what) : what_(std::move(what)) {}

// std::thread has no start(): constructing one starts it. A second start() constructs a second
// thread and move-assigns it over the first, as `t = std::thread(...)` does; over a thread that
// is still joinable, that assignment calls std::terminate (the new thread has already started).
void thread_object::start() {
    auto result = std::make_shared<outcome>();
    thread_ = reporting_errors(
        [&] { return std::thread([what = what_, result] { run_thread(what, *result); }); });
    outcome_ = std::move(result);
}

void thread_object::join() {
    reporting_errors([&] { thread_.join(); });
}

// std::thread has no is_alive(), and joinable() stays true after the function has returned,
// until join(). As Python's threading.Thread.is_alive(), "alive" means started and not ended.
bool thread_object::is_alive() {
    return outcome_ != nullptr && !outcome_->done.load(std::memory_order_acquire);
}

// A thread has no exit code: 0 when the target returns, N for `exit N`, 1 for an uncaught
// exception (run_thread); none before it has ended.
std::optional<int> thread_object::exitcode() {
    if (outcome_ == nullptr || !outcome_->done.load(std::memory_order_acquire)) return std::nullopt;
    return outcome_->code;
}

// A thread is not a process: there is no pid of its own to report.
std::optional<long long> thread_object::pid() { return std::nullopt; }

description thread_implementation::describe() const {
    return {.implementation = "std-thread",
            .version = "C++" + std::to_string(__cplusplus / 100 % 100),
            .profile = "thread",
            .features = {"globals", "nest", "count_fds", "zombies"}};
}

std::unique_ptr<process_object> thread_implementation::create(target what) {
    return std::make_unique<thread_object>(std::move(what));
}

}  // namespace startjoin::adapter::thread
