// An owned file descriptor, closed on destruction.
#pragma once

#include <unistd.h>

#include <string>
#include <utility>

namespace startjoin::conformance {

class unique_fd {
  public:
    unique_fd() = default;
    explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    ~unique_fd() { reset(); }

    int get() const noexcept { return fd_; }
    explicit operator bool() const noexcept { return fd_ >= 0; }
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

/// A pipe whose two ends are close-on-exec.
struct pipe_pair {
    unique_fd read_end;
    unique_fd write_end;
};
pipe_pair make_pipe();

/// Throws std::system_error for errno, naming the call that failed.
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace startjoin::conformance
