// The one seam between the reference implementation and the kernel.
//
// Every system call whose failure or interruption changes what Process does goes through this
// table, so white-box tests can inject EINTR, EMFILE or EAGAIN deterministically instead of
// hoping a real signal lands at the right instant. The two steps around a child's life that
// the output clauses are about (flushing stdio, leaving with _exit) go through it too, so the
// suite's mutant drivers (tests/mutants) can break them at run time without a line of defect
// in this code. Production code never changes it.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

namespace startjoin::detail {

struct syscall_table {
    pid_t (*fork)();
    int (*pidfd_open)(pid_t pid, unsigned int flags);
    int (*ppoll)(pollfd* fds, nfds_t count, const timespec* timeout, const sigset_t* mask);
    int (*waitid)(idtype_t type, id_t id, siginfo_t* info, int options);
    int (*pidfd_send_signal)(int pidfd, int signal, siginfo_t* info, unsigned int flags);
    /// Flushes every stdio and iostream buffer of the calling process (before fork, and in the
    /// child before it leaves).
    void (*flush_output)();
    /// Ends the child: _exit, which skips the parent's atexit handlers and stdio buffers. Must
    /// not return.
    void (*exit_child)(int code);
};

/// The real flush_output, for mutants that wrap it.
void flush_all_output() noexcept;

/// The table in use. Tests may replace entries while no Process operation runs and must put
/// the originals back (see tests/reference).
syscall_table& syscalls() noexcept;

/// The real system calls, for tests that wrap them.
const syscall_table& real_syscalls() noexcept;

}  // namespace startjoin::detail
