// The single poll loop over everything a driver writes: replies (fd 4), its console (fds 1 and
// 2), the trace FIFO and its exit (a pidfd). Draining every channel in one place means a chatty
// child can never block on a full pipe while the runner waits for something else.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "bounded_capture.hpp"
#include "driver_process.hpp"
#include "timeouts.hpp"

namespace startjoin::conformance {

class channel_pump {
  public:
    using line_handler = std::function<void(const std::string&)>;

    /// Watches `driver`'s channels and, when `trace_fd` >= 0, the trace FIFO. Complete lines go
    /// to the handlers: trace lines always before the reply lines read in the same round, so a
    /// reply finds every event written before it recorded.
    channel_pump(driver_process& driver, int trace_fd, line_handler on_reply,
                 line_handler on_trace);

    /// Reads until `done()` holds or `deadline` passes; returns whether `done()` holds.
    bool pump_until(clock::time_point deadline, const std::function<bool()>& done);
    /// Reads what the channels hold now, without waiting: once every writer is gone (killed
    /// and reaped), that is all there will ever be.
    void drain();

    /// Also polls `fd` (a pidfd of a child, -1 for none): the moment it first polls readable is
    /// kept in watched_ready_at() until the next watch_also(). Nothing is read from it.
    void watch_also(int fd) {
        watched_fd_ = fd;
        watched_ready_at_.reset();
    }
    std::optional<clock::time_point> watched_ready_at() const { return watched_ready_at_; }

    bool replies_closed() const { return replies_closed_; }
    bool driver_exited() const { return driver_exited_; }
    /// The console streams, within capture_limit() (bounded_capture.hpp).
    const std::string& out() const { return out_.text(); }
    const std::string& err() const { return err_.text(); }

  private:
    void read_round(bool replies_ready, bool out_ready, bool err_ready);
    void read_trace();
    void read_replies();

    driver_process& driver_;
    int trace_fd_;
    int watched_fd_ = -1;
    std::optional<clock::time_point> watched_ready_at_;
    line_handler on_reply_, on_trace_;
    std::string reply_buffer_, trace_buffer_;
    bounded_capture out_, err_;
    bool replies_closed_ = false;
    bool driver_exited_ = false;
};

/// `text` quoted for a message, cut after `limit` bytes.
std::string quoted_excerpt(std::string_view text, std::size_t limit = 400);
/// `text` as indented "| line" rows, for transcripts.
std::string indented(std::string_view text);

}  // namespace startjoin::conformance
