// Mutants that replace entries of the reference's syscall seam (reference/src/syscalls.hpp)
// before the driver serves: the defect lives in the mutant, never in the reference code.
#include <fcntl.h>
#include <unistd.h>

#include "catalogue.hpp"
#include "syscalls.hpp"

namespace startjoin::mutants {
namespace {

using detail::flush_all_output;
using detail::syscalls;

bool in_driver() { return static_cast<int>(::getpid()) == driver_pid(); }

// No flush before fork: the parent's buffered output is copied into the child and printed by
// both (a fork() wrapper without fflush(NULL), std::exit() in a forked C++ child).
void no_flush_before_fork() {
    syscalls().flush_output = [] {
        if (!in_driver()) flush_all_output();
    };
}

// No flush when the child ends: _exit() throws away what the target buffered (os._exit(),
// a C/C++ fork wrapper that calls _exit right after the function returns).
void no_flush_at_child_exit() {
    syscalls().flush_output = [] {
        if (in_driver()) flush_all_output();
    };
}

// The child flushes only when it ends with code 0: the error and explicit-exit paths call
// _exit(code) at once (an `except: os._exit(1)` handler, exit() replaced by _exit()).
void flush_only_on_success() {
    no_flush_at_child_exit();
    syscalls().exit_child = [](int code) {
        if (code == 0) flush_all_output();
        ::_exit(code);
    };
}

// The child's stdout and stderr go to /dev/null (daemonizing libraries, "detached" spawn
// options that redirect the standard streams).
void child_output_to_devnull() {
    syscalls().fork = [] {
        const pid_t pid = detail::real_syscalls().fork();
        if (pid == 0) {
            const int null = ::open("/dev/null", O_WRONLY);
            if (null >= 0) {
                ::dup2(null, STDOUT_FILENO);
                ::dup2(null, STDERR_FILENO);
                ::close(null);
            }
        }
        return pid;
    };
}

// Waits with WNOWAIT: the status is read but the child is never reaped, so every joined child
// stays a zombie (a peek meant for is_alive() reused for join()).
void zombie_never_reaped() {
    syscalls().waitid = [](idtype_t type, id_t id, siginfo_t* info, int options) {
        return detail::real_syscalls().waitid(type, id, info, options | WNOWAIT);
    };
}

// Opens a second descriptor on the child per start() and never closes it (the leaked
// descriptor of CPython's early sentinels, or a dup() for a watcher thread that is forgotten).
void pidfd_leaked_per_start() {
    syscalls().pidfd_open = [](pid_t pid, unsigned int flags) {
        const int pidfd = detail::real_syscalls().pidfd_open(pid, flags);
        if (pidfd >= 0) static_cast<void>(::fcntl(pidfd, F_DUPFD_CLOEXEC, 0));
        return pidfd;
    };
}

// clang-format off
const registrar registered[] = {
    registrar({"no-flush-before-fork", "output.no-duplicate", "the parent's buffer is not flushed before fork", make_reference, no_flush_before_fork}),
    registrar({"no-flush-at-child-exit", "output.flush-return", "the child's buffer is lost at _exit", make_reference, no_flush_at_child_exit}),
    registrar({"flush-only-on-success", "output.flush-exit", "a child ending with a nonzero code does not flush", make_reference, flush_only_on_success}),
    registrar({"child-output-to-devnull", "output.reaches-parent", "the child's stdout and stderr go to /dev/null", make_reference, child_output_to_devnull}),
    registrar({"zombie-never-reaped", "hygiene.no-zombie", "waitid with WNOWAIT never reaps", make_reference, zombie_never_reaped}),
    registrar({"pidfd-leaked-per-start", "hygiene.no-fd-leak", "one descriptor leaked per start()", make_reference, pidfd_leaked_per_start}),
};
// clang-format on

}  // namespace
}  // namespace startjoin::mutants
