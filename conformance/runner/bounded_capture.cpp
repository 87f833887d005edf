#include "bounded_capture.hpp"

#include <fmt/format.h>

namespace startjoin::conformance {

bounded_capture::bounded_capture(std::size_t limit)
    : head_limit_(limit / 2), tail_limit_(limit - limit / 2) {}

void bounded_capture::append(std::string_view bytes) {
    if (bytes.empty()) return;
    text_current_ = false;
    if (head_.size() < head_limit_) {
        const std::size_t taken = std::min(bytes.size(), head_limit_ - head_.size());
        head_.append(bytes.substr(0, taken));
        bytes.remove_prefix(taken);
    }
    if (bytes.size() > tail_limit_) {
        dropped_ += tail_.size() + bytes.size() - tail_limit_;
        tail_.assign(bytes.substr(bytes.size() - tail_limit_));
        return;
    }
    tail_.append(bytes);
    if (tail_.size() > 2 * tail_limit_) {
        const std::size_t surplus = tail_.size() - tail_limit_;
        dropped_ += surplus;
        tail_.erase(0, surplus);
    }
}

std::size_t bounded_capture::dropped() const {
    return dropped_ + (tail_.size() > tail_limit_ ? tail_.size() - tail_limit_ : 0);
}

const std::string& bounded_capture::text() const {
    if (text_current_) return text_;
    const std::size_t dropped_bytes = dropped();
    if (dropped_bytes == 0) {
        text_ = head_ + tail_;
    } else {
        const std::string_view tail = std::string_view(tail_).substr(tail_.size() - tail_limit_);
        text_ = fmt::format(
            "{}\n[startjoin: {} bytes dropped here; the runner keeps the first {} and the last {} "
            "bytes of each stream (STARTJOIN_CAPTURE_LIMIT={})]\n{}",
            head_, dropped_bytes, head_limit_, tail_limit_, head_limit_ + tail_limit_, tail);
    }
    text_current_ = true;
    return text_;
}

}  // namespace startjoin::conformance
