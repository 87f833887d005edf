// Blocking line I/O on raw descriptors, for the protocol channels and the FIFOs.
#pragma once

#include <optional>
#include <string>

namespace startjoin::adapter::detail {

/// Writes all of `data` to `fd`, retrying on EINTR and short writes. Throws std::system_error.
void write_all(int fd, const std::string& data, const char* what);

/// Reads `fd` one line at a time. Reads in blocks but keeps the rest for the next line, so it
/// must be the only reader of its descriptor.
class line_reader {
  public:
    explicit line_reader(int fd) : fd_(fd) {}
    /// The next line without its '\n'; nullopt at end of file. Throws std::system_error.
    std::optional<std::string> next();

  private:
    int fd_;
    std::string pending_;
};

}  // namespace startjoin::adapter::detail
