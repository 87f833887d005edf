#include "launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <system_error>

#include "syscalls.hpp"

namespace startjoin::detail {
namespace {

[[noreturn]] void throw_errno(const char* call) {
    throw std::system_error(errno, std::generic_category(), call);
}

void report_uncaught(const char* name, const char* what) noexcept {
    std::fprintf(stderr, "startjoin: uncaught exception in %s (pid %ld): %s\n", name,
                 static_cast<long>(::getpid()), what);
}

// Runs in the child only. Like CPython's BaseProcess._bootstrap + os._exit: the target's outcome
// becomes the exit code and the child leaves with _exit, so it never returns into the parent's
// code (a test framework, a server loop) and never runs the parent's atexit handlers or static
// destructors.
[[noreturn]] void run_target_and_exit(target& target, const char* name) noexcept {
    int code = 0;
    try {
        target.run();
    } catch (const exit_request& request) {
        code = request.code();
        // exit_target() validates, but exit_request can also be thrown directly; _exit would
        // silently truncate an out-of-range code to 8 bits.
        if (code < 0 || code > 255) {
            report_uncaught(name, "exit_request with an exit code outside 0..255");
            code = 1;
        }
    } catch (const std::exception& error) {
        report_uncaught(name, error.what());
        code = 1;
    } catch (...) {
        report_uncaught(name, "an exception not derived from std::exception");
        code = 1;
    }
    syscalls().flush_output();
    syscalls().exit_child(code);
    ::_exit(code);  // a replacement that returns must still never return into the caller
}

}  // namespace

pid_t fork_target(target& target, const char* name) {
    // Whatever the parent buffered would otherwise be copied into the child and printed twice.
    syscalls().flush_output();
    const pid_t pid = syscalls().fork();
    if (pid == -1) throw_errno("fork");
    if (pid == 0) run_target_and_exit(target, name);
    return pid;
}

int open_pidfd(pid_t child) {
    // The pid cannot have been reused yet: it is our child and nobody has reaped it (unless the
    // program set SIGCHLD to SIG_IGN, which no fork-based API can survive).
    const int pidfd = syscalls().pidfd_open(child, 0);
    if (pidfd == -1) {
        const int error = errno;
        // Without a pidfd the child can be neither waited for nor signalled safely: end it now.
        ::kill(child, SIGKILL);
        while (::waitpid(child, nullptr, 0) == -1 && errno == EINTR) {
        }
        errno = error;
        throw_errno("pidfd_open");
    }
    // The kernel always sets O_CLOEXEC on pidfds; make sure anyway, since a pidfd leaked into an
    // exec'd program would let it signal our child.
    const int flags = ::fcntl(pidfd, F_GETFD);
    if (flags != -1 && (flags & FD_CLOEXEC) == 0) ::fcntl(pidfd, F_SETFD, flags | FD_CLOEXEC);
    return pidfd;
}

bool wait_terminated(int pidfd, std::optional<steady_clock::time_point> deadline) {
    pollfd entry{pidfd, POLLIN, 0};
    for (;;) {
        timespec remaining{};
        const timespec* timeout = nullptr;
        if (deadline) {
            const auto left =
                std::chrono::ceil<std::chrono::nanoseconds>(*deadline - steady_clock::now());
            if (left.count() > 0) {
                remaining.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
                remaining.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
            }
            timeout = &remaining;
        }
        const int ready = syscalls().ppoll(&entry, 1, timeout, nullptr);
        if (ready > 0) return true;
        if (ready == 0) return false;
        if (errno != EINTR) throw_errno("ppoll");
        // Interrupted: go round with the time that is left, or give up if there is none.
        if (deadline && steady_clock::now() >= *deadline) return false;
    }
}

std::optional<int> try_reap(int pidfd) {
    siginfo_t info{};
    for (;;) {
        // si_pid stays 0 when WNOHANG finds nothing to reap.
        info.si_pid = 0;
        if (syscalls().waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED | WNOHANG) == 0)
            break;
        if (errno != EINTR) throw_errno("waitid");
    }
    if (info.si_pid == 0) return std::nullopt;
    if (info.si_code == CLD_EXITED) return info.si_status;
    return -info.si_status;  // CLD_KILLED or CLD_DUMPED: Python's -S encoding.
}

void send_signal(int pidfd, int signal) {
    // ESRCH: the child has already exited (it may be a zombie); there is nothing left to end.
    if (syscalls().pidfd_send_signal(pidfd, signal, nullptr, 0) == -1 && errno != ESRCH)
        throw_errno("pidfd_send_signal");
}

void close_pidfd(int pidfd) noexcept {
    if (pidfd >= 0) ::close(pidfd);
}

}  // namespace startjoin::detail
