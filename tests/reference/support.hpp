// Helpers shared by the reference implementation's white-box tests: pipes used as gates (so
// ordering never depends on sleeps), fd capture, descriptor listings and the syscall seam.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <set>
#include <string>
#include <utility>

#include "syscalls.hpp"

namespace startjoin::testing {

/// STARTJOIN_TIMEOUT_MULTIPLIER (default 1): scales every bounded wait on slow machines.
double timeout_multiplier();

/// A bounded wait for something that must happen, scaled by the multiplier.
std::chrono::duration<double> scaled(std::chrono::duration<double> timeout);

/// An owned file descriptor.
class unique_fd {
  public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept;
    ~unique_fd() { reset(); }
    int get() const noexcept { return fd_; }
    void reset() noexcept;

  private:
    int fd_ = -1;
};

/// pipe2(O_CLOEXEC); children inherit both ends anyway, since fork keeps close-on-exec fds.
struct pipe_pair {
    unique_fd read;
    unique_fd write;
    pipe_pair();
};

/// A child (or thread) calls pass() and blocks until the test calls open().
class gate {
  public:
    /// Blocks until one byte arrives (or every write end is closed). Safe in a child.
    void pass() const noexcept;
    /// Lets `waiters` callers of pass() through.
    void open(int waiters = 1) const;
    int write_fd() const noexcept { return pipe_.write.get(); }

  private:
    pipe_pair pipe_;
};

/// write() all of `data`, retrying short writes and EINTR. Safe in a child.
bool write_all(int fd, const void* data, size_t size) noexcept;
inline bool write_all(int fd, const std::string& text) noexcept {
    return write_all(fd, text.data(), text.size());
}

/// Reads until EOF.
std::string read_all(int fd);

/// Redirects `fd` (1 or 2) into an in-memory file until finish(), so a test can read what this
/// process and its children wrote there.
class captured_fd {
  public:
    explicit captured_fd(int fd);
    ~captured_fd();
    captured_fd(const captured_fd&) = delete;
    captured_fd& operator=(const captured_fd&) = delete;
    /// What reached the file so far, without flushing this process's buffers.
    std::string peek() const;
    /// Flushes this process's buffers, restores `fd` and returns everything written.
    std::string finish();

  private:
    int fd_;
    unique_fd saved_;
    unique_fd file_;
};

/// This process's open descriptors (from /proc/self/fd, without the directory's own).
std::set<int> open_fds();

/// What a descriptor refers to, e.g. "anon_inode:[pidfd]".
std::string fd_target(int fd);

size_t count_occurrences(const std::string& text, const std::string& needle);

/// Restores the syscall table when it goes out of scope; tests swap entries in between.
class syscall_override {
  public:
    syscall_override() : saved_(detail::syscalls()) {}
    ~syscall_override() { detail::syscalls() = saved_; }
    syscall_override(const syscall_override&) = delete;
    syscall_override& operator=(const syscall_override&) = delete;

  private:
    detail::syscall_table saved_;
};

/// Every test derives from this: after the test, this process must have no child left, neither
/// running nor a zombie (LTP's rule: leftover children are a failure, and they are reaped).
class ReferenceTest : public ::testing::Test {
  protected:
    void TearDown() override;
};

}  // namespace startjoin::testing
