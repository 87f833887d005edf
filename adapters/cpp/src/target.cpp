#include "startjoin/adapter/target.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "fd_io.hpp"
#include "startjoin/adapter/globals.hpp"
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

int open_retrying(const char* path, int flags) noexcept {
    for (;;) {
        const int fd = ::open(path, flags | O_CLOEXEC);
        if (fd >= 0 || errno != EINTR) return fd;
    }
}

std::string gate_path(const std::string& gate) {
    return environment_path(protocol::gates_env) + "/" + gate;
}

// How taking a byte from a gate ended.
enum class gate_result { released, closed, open_failed, read_failed };

// Waits on the gate FIFO `path`: opens it, reads exactly one byte (each byte releases one
// waiter), closes it. Only open, read and close, which are async-signal-safe, so a process forked
// from a multithreaded driver may call it; on failure errno says why.
gate_result take_one_byte(const char* path) noexcept {
    const int fd = open_retrying(path, O_RDONLY);
    if (fd < 0) return gate_result::open_failed;
    char token;
    ssize_t got;
    do {
        got = ::read(fd, &token, 1);
    } while (got < 0 && errno == EINTR);
    const int saved_errno = errno;
    ::close(fd);
    errno = saved_errno;
    if (got < 0) return gate_result::read_failed;
    return got == 0 ? gate_result::closed : gate_result::released;
}

// What the child buffered must reach its destination before exec replaces the process.
void flush_output() {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
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
    void operator()(const protocol::step::hang&) const {
        for (;;) ::pause();  // until a signal ends the process
    }
    void operator()(const protocol::step::busy&) const {
        // Each store to a volatile is a side effect the compiler must keep, so the loop is
        // neither removed nor assumed to end; it makes no system call.
        volatile unsigned long counter = 0;
        for (;;) counter = counter + 1;
    }
    void operator()(const protocol::step::set_global& step) const {
        globals::set(step.name, step.value);
    }
    void operator()(const protocol::step::report_global& step) const {
        write_trace_event(what.process, "global",
                          {{"name", step.name}, {"value", globals::get(step.name)}});
    }
    void operator()(const protocol::step::nest& step) const {
        if (what.origin == nullptr) {
            throw std::runtime_error("step nest: the target of " + what.process +
                                     " has no implementation to create process " + step.process);
        }
        // Errors of the nested object (operation_error) are uncaught errors of this target.
        const std::unique_ptr<process_object> nested =
            what.origin->create(target{step.process, step.steps, step.args, what.origin});
        nested->start();
        nested->join();
        const std::optional<int> code = nested->exitcode();
        write_trace_event(what.process, "nested-exit",
                          {{"process", step.process},
                           {"exitcode", code ? nlohmann::json(*code) : nlohmann::json(nullptr)}});
    }
    void operator()(const protocol::step::orphan& step) const {
        // A raw fork, outside the implementation. Everything that allocates happens before it,
        // so the orphan only makes async-signal-safe calls even if this process has threads.
        const std::string path = gate_path(step.gate);
        const pid_t pid = ::fork();
        if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork of an orphan");
        if (pid == 0) {
            // Holds every descriptor this child has (stdout, stderr, ...) until released, then
            // ends without flushing the stdio buffers it inherited: they are the child's.
            ::_exit(take_one_byte(path.c_str()) == gate_result::released ? 0 : 1);
        }
        write_trace_event(what.process, "orphan", {{"pid", pid}});
    }
    void operator()(const protocol::step::exec& step) const {
        flush_output();
        ::execl("/bin/sh", "sh", "-c", step.command.c_str(), static_cast<char*>(nullptr));
        throw std::system_error(errno, std::generic_category(),
                                "step exec: execl of /bin/sh -c '" + step.command + "'");
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
    const int fd = open_retrying(path.c_str(), O_WRONLY | O_APPEND);
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
    const std::string path = gate_path(gate);
    switch (take_one_byte(path.c_str())) {
        case gate_result::released:
            return;
        case gate_result::closed:
            throw std::runtime_error("gate " + path + " was closed without being released");
        case gate_result::open_failed:
            throw std::system_error(errno, std::generic_category(), "open of gate FIFO " + path);
        case gate_result::read_failed:
            throw std::system_error(errno, std::generic_category(), "read of gate " + path);
    }
}

}  // namespace startjoin::adapter
