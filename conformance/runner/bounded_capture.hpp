// One console stream of a driver, kept within capture_limit(): all of it while it fits; past
// that, its head and its tail with the number of bytes dropped between them, so a flood costs
// bounded memory and still shows how it began and how it ended.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace startjoin::conformance {

class bounded_capture {
  public:
    explicit bounded_capture(std::size_t limit);

    void append(std::string_view bytes);

    /// Everything written, when nothing was dropped; otherwise the head, a line saying how many
    /// bytes were dropped and why, and the tail. A check that compares output then fails and
    /// shows the reason.
    const std::string& text() const;
    std::size_t dropped() const;

  private:
    std::size_t head_limit_, tail_limit_;
    std::string head_;
    // Holds up to twice tail_limit_, trimmed to the last tail_limit_ bytes when it grows past
    // that, so appending stays amortized O(bytes).
    std::string tail_;
    std::size_t dropped_ = 0;  // besides the surplus still in tail_
    mutable std::string text_;
    mutable bool text_current_ = true;
};

}  // namespace startjoin::conformance
