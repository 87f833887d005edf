#include "boost_process_adapter.hpp"

#include <sys/wait.h>

#include <boost/process/args.hpp>
#include <boost/process/exe.hpp>
#include <boost/version.hpp>
#include <system_error>

#include "startjoin/adapter/program_child.hpp"

namespace startjoin::adapter::boost_process {
namespace {

namespace bp = boost::process;

// The spec's encoding of a raw wait status. Boost's own exit_code() cannot be used: for a child
// killed by signal S it returns S itself (eval_exit_status() is WTERMSIG), so SIGKILL and
// exit(9) look alike. native_exit_code() keeps the raw status. Boost stores `still_active`
// (0x17f, a "stopped" status) until it has collected one; that is no exit code at all.
std::optional<int> spec_exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return std::nullopt;
}

// Boost reports failures as boost::process::process_error, a std::system_error: the operating
// system refused (fork, exec, waitpid, kill).
template <class Operation>
auto reporting_errors(Operation operation) -> decltype(operation()) {
    try {
        return operation();
    } catch (const std::system_error& error) {
        throw operation_error("system", error.what());
    }
}

}  // namespace

boost_process_object::boost_process_object(target what, std::string helper)
    : what_(std::move(what)), helper_(std::move(helper)) {}

// Constructing a child launches it. A second start() launches a second child and move-assigns
// it over the first, as `c = bp::child(...)` does: Boost neither refuses nor waits for the
// first child.
void boost_process_object::start() {
    reporting_errors(
        [&] { child_ = bp::child(bp::exe = helper_, bp::args = encode_target_arguments(what_)); });
}

void boost_process_object::join() {
    reporting_errors([&] { child_.wait(); });
}

// Boost 1.74's wait_for() waits for a SIGCHLD (sigtimedwait) before it first polls with
// waitpid(WNOHANG): for a child that ended before the call it sleeps the whole timeout. On an
// empty child it polls waitpid(-1), which reaps any child of the driver.
bool boost_process_object::join(std::chrono::duration<double> timeout) {
    return reporting_errors([&] { return child_.wait_for(timeout); });
}

bool boost_process_object::is_alive() {
    return reporting_errors([&] { return child_.running(); });
}

// exit_code() reads what wait() or running() collected; it does not poll (Boost: "without any
// meaning if the child wasn't waited for or if it was terminated").
std::optional<int> boost_process_object::exitcode() {
    if (!child_.valid()) return std::nullopt;
    return spec_exit_code(child_.native_exit_code());
}

// id() is -1 for an empty child, Boost's "no process".
std::optional<long long> boost_process_object::pid() {
    if (!child_.valid()) return std::nullopt;
    return child_.id();
}

// Boost's terminate() sends SIGKILL, not SIGTERM: it is the only way Boost offers to end a
// child, so both ops use it.
void boost_process_object::terminate() {
    reporting_errors([&] { child_.terminate(); });
}
void boost_process_object::kill() {
    reporting_errors([&] { child_.terminate(); });
}

boost_process_implementation::boost_process_implementation()
    : helper_(program_beside_this_one("startjoin-boost-child")) {}

description boost_process_implementation::describe() const {
    return {.implementation = "boost-process",
            .version = std::to_string(BOOST_VERSION / 100000) + "." +
                       std::to_string(BOOST_VERSION / 100 % 1000) + "." +
                       std::to_string(BOOST_VERSION % 100),
            .profile = "process",
            .features = {"join_timeout", "terminate", "kill", "globals", "nest", "orphan", "exec",
                         "count_fds", "zombies", "join_threads", "getpid"}};
}

std::unique_ptr<process_object> boost_process_implementation::create(target what) {
    return std::make_unique<boost_process_object>(std::move(what), helper_);
}

}  // namespace startjoin::adapter::boost_process
