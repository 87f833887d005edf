#include "channel_pump.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>

#include <cerrno>
#include <vector>

#include "cancellation.hpp"
#include "capture_limits.hpp"
#include "errors.hpp"

namespace startjoin::conformance {
namespace {

// Hands what `fd` has now to `sink`, a block at a time, so that no channel is read into memory
// faster than its consumer can bound it. Returns false at end of file.
template <class Sink>
bool read_available(int fd, Sink sink) {
    char block[65536];
    for (;;) {
        const ssize_t got = ::read(fd, block, sizeof block);
        if (got > 0) {
            sink(std::string_view(block, static_cast<std::size_t>(got)));
            continue;
        }
        if (got == 0) return false;
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return true;
        throw_errno("read from the driver");
    }
}

// Appends `bytes` to `buffer`, calls `each` for every complete line and keeps the incomplete
// rest, which may not grow past line_limit: a line that long, or one that never ends, is a
// protocol error of `channel`.
template <class Each>
void take_lines(std::string& buffer, std::string_view bytes, const char* channel, Each each) {
    buffer.append(bytes);
    std::size_t start = 0;
    for (std::size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
        if (end - start > line_limit) break;
        each(buffer.substr(start, end - start));
    }
    buffer.erase(0, start);
    if (buffer.size() > line_limit) {
        throw driver_error(fmt::format("{} carried a line longer than {} bytes (it began {})",
                                       channel, line_limit, quoted_excerpt(buffer, 200)));
    }
}

void make_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw_errno("fcntl(O_NONBLOCK)");
}

constexpr short readable = POLLIN | POLLHUP | POLLERR;

}  // namespace

channel_pump::channel_pump(driver_process& driver, int trace_fd, line_handler on_reply,
                           line_handler on_trace)
    : driver_(driver),
      trace_fd_(trace_fd),
      on_reply_(std::move(on_reply)),
      on_trace_(std::move(on_trace)),
      out_(capture_limit()),
      err_(capture_limit()) {
    make_nonblocking(driver_.replies().get());
    make_nonblocking(driver_.console_out().get());
    make_nonblocking(driver_.console_err().get());
}

bool channel_pump::pump_until(clock::time_point deadline, const std::function<bool()>& done) {
    while (!done()) {
        // A cancelled run stops at its next wait; the caller's clean-up (kill_all) reaps
        // without waiting here.
        throw_if_cancelled();
        // Fixed slots, so each revents is found again by position; -1 is ignored by poll.
        pollfd watched[6] = {
            {replies_closed_ ? -1 : driver_.replies().get(), POLLIN, 0},
            {driver_.console_out().get(), POLLIN, 0},
            {driver_.console_err().get(), POLLIN, 0},
            {trace_fd_, POLLIN, 0},
            {driver_exited_ ? -1 : driver_.pidfd(), POLLIN, 0},
            {watched_ready_at_ ? -1 : watched_fd_, POLLIN, 0},
        };
        if (clock::now() >= deadline) return false;
        const int ready = ::poll(watched, 6, poll_timeout(deadline));
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (ready == 0) continue;
        if ((watched[5].revents & readable) != 0) watched_ready_at_ = clock::now();
        // A channel is read only when poll says so: a FIFO whose writer has not opened it yet
        // reads as end of file, but polls as not ready until that writer has come and gone.
        read_round((watched[0].revents & readable) != 0, (watched[1].revents & readable) != 0,
                   (watched[2].revents & readable) != 0);
        if (!driver_exited_ && (watched[4].revents & readable) != 0 && driver_.exit_status()) {
            driver_exited_ = true;
            read_round(true, false, false);  // whatever it wrote before exiting still counts
        }
    }
    return true;
}

void channel_pump::read_round(bool replies_ready, bool out_ready, bool err_ready) {
    // Console and trace first: a reply must find every event written before it recorded.
    const auto keep = [](bounded_capture& capture) {
        return [&capture](std::string_view bytes) { capture.append(bytes); };
    };
    if (out_ready && driver_.console_out() &&
        !read_available(driver_.console_out().get(), keep(out_)))
        driver_.console_out().reset();  // end of file: every writer is gone
    if (err_ready && driver_.console_err() &&
        !read_available(driver_.console_err().get(), keep(err_)))
        driver_.console_err().reset();
    read_trace();
    if (replies_ready) read_replies();
}

void channel_pump::drain() { read_round(!replies_closed_, true, true); }

void channel_pump::read_trace() {
    if (trace_fd_ < 0) return;
    read_available(trace_fd_, [&](std::string_view bytes) {
        take_lines(trace_buffer_, bytes, "the trace FIFO", on_trace_);
    });
}

void channel_pump::read_replies() {
    if (replies_closed_) return;
    const bool open = read_available(driver_.replies().get(), [&](std::string_view bytes) {
        take_lines(reply_buffer_, bytes, "fd 4 (the replies)", on_reply_);
    });
    if (!open) replies_closed_ = true;
}

std::string quoted_excerpt(std::string_view text, std::size_t limit) {
    std::string shown(text.substr(0, limit));
    if (text.size() > limit) shown += fmt::format("... ({} bytes in all)", text.size());
    return fmt::format("'{}'", shown);
}

std::string indented(std::string_view text) {
    if (text.empty()) return "    (nothing)\n";
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        out += fmt::format("    | {}\n", text.substr(start, end - start));
        start = end + 1;
    }
    if (!text.ends_with('\n')) out += "    (no newline at the end)\n";
    return out;
}

}  // namespace startjoin::conformance
