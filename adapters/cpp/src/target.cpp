#include "startjoin/adapter/target.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "fd_io.hpp"
#include "startjoin/protocol/constants.hpp"

namespace startjoin::adapter {
namespace {

std::string environment_path(const char* variable) {
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') {
        throw std::runtime_error(
            std::string("environment variable ") + variable +
            " is not set: is this driver being run by the conformance runner?");
    }
    return value;
}

int open_retrying(const std::string& path, int flags) {
    for (;;) {
        const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
        if (fd >= 0 || errno != EINTR) return fd;
    }
}

// Executes one step; the overloads mirror the table in spec/protocol.md.
struct step_runner {
    const target& what;
    const ending& how_to_end;

    void operator()(const protocol::step::print& step) const { std::cout << step.text << '\n'; }
    void operator()(const protocol::step::eprint& step) const { std::cerr << step.text << '\n'; }
    void operator()(const protocol::step::trace& step) const {
        write_trace_event(what.process, step.event);
    }
    void operator()(const protocol::step::wait& step) const { wait_for_gate(step.gate); }
    void operator()(const protocol::step::sleep& step) const {
        // A workload step (a child that runs for a while), never used to order events.
        std::this_thread::sleep_for(std::chrono::duration<double>(step.seconds));
    }
    void operator()(const protocol::step::exit& step) const { how_to_end.exit(step.code); }
    void operator()(const protocol::step::raise& step) const {
        if (how_to_end.raise) how_to_end.raise(step.message);
        throw std::runtime_error(step.message);
    }
    void operator()(const protocol::step::signal& step) const { ::kill(::getpid(), step.number); }
    void operator()(const protocol::step::report_args&) const {
        write_trace_event(what.process, "args", {{"args", what.args}});
    }
    void operator()(const protocol::step::report_pid&) const {
        write_trace_event(what.process, "pid", {{"pid", ::getpid()}, {"ppid", ::getppid()}});
    }
};

}  // namespace

void run_target(const target& what, const ending& how_to_end) {
    const step_runner runner{what, how_to_end};
    for (const protocol::any_step& step : what.steps) std::visit(runner, step);
}

void write_trace_event(const std::string& from, const std::string& event,
                       const nlohmann::json& extra) {
    nlohmann::json line = extra;
    line["from"] = from;
    line["event"] = event;
    const std::string path = environment_path(protocol::trace_env);
    const int fd = open_retrying(path, O_WRONLY | O_APPEND);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "open of trace FIFO " + path);
    try {
        // One write per event: lines up to PIPE_BUF never interleave with other writers'.
        detail::write_all(fd, line.dump() + "\n", "write of a trace event");
    } catch (...) {
        ::close(fd);
        throw;
    }
    ::close(fd);
}

void wait_for_gate(const std::string& gate) {
    const std::string path = environment_path(protocol::gates_env) + "/" + gate;
    const int fd = open_retrying(path, O_RDONLY);
    if (fd < 0)
        throw std::system_error(errno, std::generic_category(), "open of gate FIFO " + path);
    char token;
    ssize_t got;
    do {
        got = ::read(fd, &token, 1);  // exactly one byte: each byte releases one waiter
    } while (got < 0 && errno == EINTR);
    const int saved_errno = errno;
    ::close(fd);
    if (got < 0)
        throw std::system_error(saved_errno, std::generic_category(), "read of gate " + path);
    if (got == 0) throw std::runtime_error("gate " + path + " was closed without being released");
}

}  // namespace startjoin::adapter
