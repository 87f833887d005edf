// The driver under test as an OS process: launched with the protocol's channels, watched
// through a pidfd, and killed with its whole process group.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "unique_fd.hpp"

namespace startjoin::conformance {

class driver_process {
  public:
    /// Starts `/bin/sh -c command` in a new process group: stdin from /dev/null, requests on
    /// fd 3, replies on fd 4, stdout and stderr captured through pipes. `environment` replaces
    /// the runner's own. Throws std::system_error when the launch fails.
    driver_process(const std::string& command, const std::vector<std::string>& environment);
    /// Takes charge of `pid`, a case parent that a case server forked (spec/protocol.md,
    /// "Cases"): the runner's own child, the leader of its own process group, talking through
    /// the given channels. Throws driver_error when it is not the runner's child.
    driver_process(pid_t pid, unique_fd requests, unique_fd replies, unique_fd out, unique_fd err);
    ~driver_process();
    driver_process(const driver_process&) = delete;
    driver_process& operator=(const driver_process&) = delete;

    pid_t pid() const { return pid_; }
    /// Readable once the driver has exited.
    int pidfd() const { return pidfd_.get(); }
    unique_fd& requests() { return requests_; }
    unique_fd& replies() { return replies_; }
    unique_fd& console_out() { return stdout_; }
    unique_fd& console_err() { return stderr_; }

    /// The driver's wait status once it has exited, without blocking and without reaping it:
    /// while the driver stays a zombie its process-group id cannot be reused, so kill_and_reap()
    /// stays safe.
    std::optional<int> exit_status();

    /// SIGKILL to the driver's process group (the driver and the children it did not move),
    /// then reaps the driver. Idempotent.
    void kill_and_reap();

  private:
    pid_t pid_ = -1;
    unique_fd pidfd_;
    unique_fd requests_, replies_, stdout_, stderr_;
    std::optional<int> status_;
    bool reaped_ = false;
};

/// "exited with status 3", "was killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

}  // namespace startjoin::conformance
