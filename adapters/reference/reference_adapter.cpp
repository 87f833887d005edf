#include "reference_adapter.hpp"

#include <unistd.h>

#include "startjoin/adapter/target.hpp"
#include "startjoin/protocol/constants.hpp"

namespace startjoin::adapter {
namespace {

// The function every reference child runs: the target script, with the script's arguments
// passed through Process as real arguments.
void run_child(const target& what) {
    // The protocol channels belong to the driver's parent side (spec/protocol.md, "Channels").
    ::close(protocol::request_fd);
    ::close(protocol::reply_fd);
    run_target(what, ending{.exit = [](int code) { exit_target(code); }, .raise = {}});
}

template <class Operation>
auto reporting_errors(Operation operation) -> decltype(operation()) {
    try {
        return operation();
    } catch (const process_error& error) {
        throw operation_error(to_string(error.kind()), error.what());
    }
}

}  // namespace

reference_process::reference_process(target what) : process_(run_child, std::move(what)) {}

void reference_process::start() {
    reporting_errors([&] { process_.start(); });
}
void reference_process::join() {
    reporting_errors([&] { process_.join(); });
}
bool reference_process::join(std::chrono::duration<double> timeout) {
    return reporting_errors([&] { return process_.join(timeout); });
}
bool reference_process::is_alive() {
    return reporting_errors([&] { return process_.is_alive(); });
}
std::optional<int> reference_process::exitcode() {
    return reporting_errors([&] { return process_.exitcode(); });
}
std::optional<long long> reference_process::pid() {
    return reporting_errors([&]() -> std::optional<long long> {
        if (const auto pid = process_.pid()) return *pid;
        return std::nullopt;
    });
}
void reference_process::terminate() {
    reporting_errors([&] { process_.terminate(); });
}
void reference_process::kill() {
    reporting_errors([&] { process_.kill(); });
}
void reference_process::close() {
    reporting_errors([&] { process_.close(); });
}
void reference_process::set_daemon(bool daemon) {
    reporting_errors([&] { process_.set_daemon(daemon); });
}
bool reference_process::daemon() {
    return reporting_errors([&] { return process_.daemon(); });
}
void reference_process::set_name(const std::string& name) {
    reporting_errors([&] { process_.set_name(name); });
}
std::string reference_process::name() {
    return reporting_errors([&] { return process_.name(); });
}

description reference_implementation::describe() const {
    return {
        .implementation = "startjoin-reference",
        .version = "0.1.0",
        .profile = "process",
        .features = {"join_timeout", "terminate", "kill", "close", "daemon", "name", "globals",
                     "nest", "orphan", "exec", "count_fds", "zombies", "join_threads", "getpid"}};
}

std::unique_ptr<process_object> reference_implementation::create(target what) {
    return std::make_unique<reference_process>(std::move(what));
}

}  // namespace startjoin::adapter
