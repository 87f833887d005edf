// The launcher: the system calls behind Process, one function per step of a child's life
// (fork and run the target, watch it through a pidfd, signal it, reap it).
//
// It knows nothing about Process's state or locking; failures are std::system_error naming the
// call, which process.cpp turns into process_error(system) naming the process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>

#include "startjoin/process.hpp"

namespace startjoin::detail {

using steady_clock = std::chrono::steady_clock;

/// Flushes the parent's C stdio and C++ standard streams, forks, and in the child runs `target`
/// and _exit()s with its exit code, never returning. Returns the child's pid in the parent.
/// `name` must stay valid in the child (it is the parent's string, copied by fork).
pid_t fork_target(target& target, const char* name);

/// Opens a close-on-exec pidfd for `child`. If that fails, SIGKILLs and reaps the child first,
/// so a failed start leaves no process behind.
int open_pidfd(pid_t child);

/// Waits until `pidfd` is readable, i.e. the child has terminated, or until `deadline`
/// (nullopt: forever). Returns whether it became readable. Retries EINTR against the deadline.
bool wait_terminated(int pidfd, std::optional<steady_clock::time_point> deadline);

/// Reaps the child if it has terminated, without blocking, and returns its exit code in Python's
/// encoding (N for exit(N), -S for death by signal S); nullopt while it runs.
std::optional<int> try_reap(int pidfd);

/// Sends `signal` to the (unreaped) child; a child that is already exiting is not an error.
void send_signal(int pidfd, int signal);

/// Closes a pidfd; close() errors are ignored since the descriptor is released regardless.
void close_pidfd(int pidfd) noexcept;

}  // namespace startjoin::detail
