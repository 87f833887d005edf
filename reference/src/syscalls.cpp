#include "syscalls.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

// glibc 2.36 (Debian bookworm) declares pidfd_open and pidfd_send_signal without
// __BEGIN_DECLS, so C++ would look for mangled names; fixed in glibc 2.37, harmless after.
extern "C" {
#include <sys/pidfd.h>
}

namespace startjoin::detail {

// Output the target buffered must reach its destination before _exit(), which skips stdio's
// exit-time flush. Flushing can throw if a stream has exceptions enabled; nothing may escape.
void flush_all_output() noexcept {
    std::fflush(nullptr);
    try {
        std::cout.flush();
        std::cerr.flush();
        std::clog.flush();
        std::wcout.flush();
        std::wcerr.flush();
        std::wclog.flush();
    } catch (...) {
    }
}

namespace {

// glibc declares waitid's id as id_t and pidfd_send_signal's info as siginfo_t*, matching the
// table; the lambdas only pin the exact overloads and keep the table constant-initialized.
constexpr syscall_table real_table{
    [] { return ::fork(); },
    [](pid_t pid, unsigned int flags) { return ::pidfd_open(pid, flags); },
    [](pollfd* fds, nfds_t count, const timespec* timeout, const sigset_t* mask) {
        return ::ppoll(fds, count, timeout, mask);
    },
    [](idtype_t type, id_t id, siginfo_t* info, int options) {
        return ::waitid(type, id, info, options);
    },
    [](int pidfd, int signal, siginfo_t* info, unsigned int flags) {
        return ::pidfd_send_signal(pidfd, signal, info, flags);
    },
    [] { flush_all_output(); },
    [](int code) { ::_exit(code); },
};

syscall_table active_table = real_table;

}  // namespace

syscall_table& syscalls() noexcept { return active_table; }

const syscall_table& real_syscalls() noexcept { return real_table; }

}  // namespace startjoin::detail
