#include "tiny_process.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <system_error>

namespace tiny {

process::~process() {
    if (pid_ > 0 && !exitcode_) reap(0);
}

void process::start() {
    if (pid_ != -1) throw std::logic_error("process already started");
    // The deliberate deviation: no std::fflush(nullptr) here ([output.no-duplicate]).
    const pid_t pid = ::fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        // The child never returns into the caller's code, whatever the target does.
        int code = 1;
        try {
            code = target_();
        } catch (const std::exception& error) {
            std::cerr << "uncaught error: " << error.what() << '\n';
        } catch (...) {
            std::cerr << "uncaught error\n";
        }
        exit_child(code);
    }
    pid_ = pid;
}

void process::join() {
    if (pid_ == -1) throw std::logic_error("join() before start()");
    if (!exitcode_) reap(0);
}

bool process::is_alive() { return pid_ != -1 && !exitcode_ && !reap(WNOHANG); }

std::optional<int> process::exitcode() {
    if (pid_ != -1 && !exitcode_) reap(WNOHANG);
    return exitcode_;
}

std::optional<pid_t> process::pid() const {
    if (pid_ == -1) return std::nullopt;
    return pid_;
}

bool process::reap(int options) {
    int status = 0;
    pid_t reaped;
    do {
        reaped = ::waitpid(pid_, &status, options);
    } while (reaped < 0 && errno == EINTR);
    if (reaped < 0) throw std::system_error(errno, std::generic_category(), "waitpid");
    if (reaped == 0) return false;
    exitcode_ = WIFSIGNALED(status) ? -WTERMSIG(status) : WEXITSTATUS(status);
    return true;
}

void exit_child(int code) {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(code);
}

}  // namespace tiny
