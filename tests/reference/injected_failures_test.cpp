// System call failures and interruptions, injected through the syscall seam (syscalls.hpp) so
// each path runs deterministically.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <string>

#include "startjoin/process.hpp"
#include "support.hpp"
#include "syscalls.hpp"

namespace startjoin::testing {
namespace {

using namespace std::chrono_literals;

class InjectedFailures : public ReferenceTest {};

// The fakes are plain function pointers, so they talk to the tests through globals.
std::atomic<int> calls{0};
std::atomic<int> gate_to_open{-1};

template <class F>
process_error error_of(F&& operation) {
    try {
        operation();
    } catch (const process_error& error) {
        return error;
    }
    return process_error(error_kind::system, "<no error thrown>");
}

TEST_F(InjectedFailures, ForkFailureIsASystemErrorAndTheProcessStaysStartable) {
    Process process([] { exit_target(5); });
    {
        syscall_override restore;
        detail::syscalls().fork = [] {
            errno = EAGAIN;
            return pid_t{-1};
        };
        const process_error error = error_of([&] { process.start(); });
        EXPECT_EQ(error.kind(), error_kind::system) << error.what();
        EXPECT_NE(std::string(error.what()).find("fork"), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find(process.name()), std::string::npos);
    }
    EXPECT_EQ(process.pid(), std::nullopt);
    process.start();
    process.join();
    EXPECT_EQ(process.exitcode(), 5);
}

TEST_F(InjectedFailures, PidfdOpenFailureKillsAndReapsTheChild) {
    gate release;
    Process process([&release] { release.pass(); });
    {
        syscall_override restore;
        detail::syscalls().pidfd_open = [](pid_t, unsigned int) {
            errno = EMFILE;
            return -1;
        };
        const process_error error = error_of([&] { process.start(); });
        EXPECT_EQ(error.kind(), error_kind::system) << error.what();
        EXPECT_NE(std::string(error.what()).find("pidfd_open"), std::string::npos);
    }
    // The child blocked on the gate, so only the launcher's kill can have ended it.
    int status = 0;
    errno = 0;
    EXPECT_EQ(::waitpid(-1, &status, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
    EXPECT_FALSE(process.is_alive());

    process.start();
    release.open();
    process.join();
    EXPECT_EQ(process.exitcode(), 0);
}

TEST_F(InjectedFailures, JoinRetriesPpollAfterEintr) {
    gate release;
    Process process([&release] { release.pass(); });
    process.start();
    {
        syscall_override restore;
        calls = 0;
        gate_to_open = release.write_fd();
        detail::syscalls().ppoll = [](pollfd* fds, nfds_t count, const timespec* timeout,
                                      const sigset_t* mask) {
            const int call = ++calls;
            // Let the child finish during the interruptions, so a join that took EINTR for
            // "terminated" would find no exit code.
            if (call == 2) write_all(gate_to_open.load(), "x", 1);
            if (call <= 4) {
                errno = EINTR;
                return -1;
            }
            return detail::real_syscalls().ppoll(fds, count, timeout, mask);
        };
        process.join();
    }
    EXPECT_GE(calls.load(), 5);
    EXPECT_EQ(process.exitcode(), 0);
}

TEST_F(InjectedFailures, JoinTimeoutCountsInterruptedTimeAgainstTheDeadline) {
    gate release;
    Process process([&release] { release.pass(); });
    process.start();
    bool joined = true;
    {
        syscall_override restore;
        calls = 0;
        // Waits the whole timeout it is given, then reports a signal. A join that restarted
        // with its original timeout would never finish; the fake gives up after 20 calls.
        detail::syscalls().ppoll = [](pollfd* fds, nfds_t count, const timespec* timeout,
                                      const sigset_t* mask) {
            const int result = detail::real_syscalls().ppoll(fds, count, timeout, mask);
            if (++calls >= 20 || result != 0) return result;
            errno = EINTR;
            return -1;
        };
        joined = process.join(50ms);
    }
    EXPECT_FALSE(joined);
    EXPECT_LE(calls.load(), 2) << "join(timeout) restarted its full timeout after EINTR";
    release.open();
    process.join();
}

TEST_F(InjectedFailures, WaitidEintrIsRetried) {
    Process process([] { exit_target(12); });
    process.start();
    {
        syscall_override restore;
        calls = 0;
        detail::syscalls().waitid = [](idtype_t type, id_t id, siginfo_t* info, int options) {
            if (++calls == 1) {
                errno = EINTR;
                return -1;
            }
            return detail::real_syscalls().waitid(type, id, info, options);
        };
        process.join();
    }
    EXPECT_GE(calls.load(), 2);
    EXPECT_EQ(process.exitcode(), 12);
}

TEST_F(InjectedFailures, PpollFailureIsASystemErrorAndLeavesTheProcessUsable) {
    gate release;
    Process process([&release] { release.pass(); });
    process.start();
    {
        syscall_override restore;
        detail::syscalls().ppoll = [](pollfd*, nfds_t, const timespec*, const sigset_t*) {
            errno = ENOMEM;
            return -1;
        };
        const process_error error = error_of([&] { process.join(); });
        EXPECT_EQ(error.kind(), error_kind::system) << error.what();
        EXPECT_NE(std::string(error.what()).find("ppoll"), std::string::npos) << error.what();
    }
    release.open();
    process.join();
    process.close();  // Would deadlock if the failed join had left itself counted as a waiter.
}

TEST_F(InjectedFailures, TerminatedChildIsNeverSignalled) {
    syscall_override restore;
    calls = 0;
    detail::syscalls().pidfd_send_signal = [](int pidfd, int signal, siginfo_t* info,
                                              unsigned int flags) {
        ++calls;
        return detail::real_syscalls().pidfd_send_signal(pidfd, signal, info, flags);
    };

    // Exited but not yet reaped: terminate() must reap and find it terminated.
    Process exited([] {});
    exited.start();
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(*exited.pid()), &info, WEXITED | WNOWAIT), 0);
    exited.terminate();
    exited.kill();
    EXPECT_EQ(exited.exitcode(), 0);

    // Reaped by join().
    exited.terminate();
    EXPECT_EQ(calls.load(), 0);

    // The counter does count: a running child is signalled exactly once.
    gate never;
    Process running([&never] { never.pass(); });
    running.start();
    running.kill();
    running.join();
    EXPECT_EQ(calls.load(), 1);
    EXPECT_EQ(running.exitcode(), -SIGKILL);
}

}  // namespace
}  // namespace startjoin::testing
