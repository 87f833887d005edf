// tiny::process: a deliberately small start/join implementation on fork() and waitpid(), written
// to show how an implementation of one's own is checked with startjoin (README.md).
//
// It deviates from the spec on one clause, on purpose: start() does not flush the parent's
// stdio before fork() ([output.no-duplicate]), so a line the parent had buffered is written
// again by the child. expectations.json records it.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>

namespace tiny {

class process {
  public:
    /// `target` runs in the child; its return value is the child's exit code.
    explicit process(std::function<int()> target) : target_(std::move(target)) {}
    /// Joins a started child that was not joined yet, so no child outlives its object unreaped.
    ~process();
    process(const process&) = delete;
    process& operator=(const process&) = delete;

    /// Forks the child, which runs the target and ends with its code. std::logic_error when
    /// started already.
    void start();
    /// Waits until the child has ended. std::logic_error before start().
    void join();
    bool is_alive();
    /// Absent before the child's end has been seen; then 0..255, or -S after death by signal S.
    std::optional<int> exitcode();
    std::optional<pid_t> pid() const;

  private:
    /// Collects the child's status with waitpid(options); false while it runs (WNOHANG).
    bool reap(int options);

    std::function<int()> target_;
    pid_t pid_ = -1;
    std::optional<int> exitcode_;
};

/// Ends the calling child with `code`, after flushing its own output.
[[noreturn]] void exit_child(int code);

}  // namespace tiny
