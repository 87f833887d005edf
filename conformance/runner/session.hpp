// One conversation with a driver, from its launch to the reaping of its last descendant: the
// handshake, requests and their replies, gates, and the end of the program (spec/protocol.md).
// The channels are read by channel_pump; what happened is recorded in history.hpp's entries.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "channel_pump.hpp"
#include "driver_process.hpp"
#include "fifo_dir.hpp"
#include "history.hpp"
#include "startjoin/protocol/script.hpp"
#include "timeouts.hpp"

namespace startjoin::conformance {

/// What the driver said about itself in its handshake.
struct hello_info {
    int protocol = 1;
    std::string implementation;
    std::string version;
    std::string profile;
    std::vector<std::string> features;
    bool supports(const std::string& feature) const;
};

struct reply {
    std::uint64_t id = 0;
    bool ok = false;
    nlohmann::json value;  ///< null when the operation returns nothing
    std::string error_kind;
    std::string error_message;
};

/// How session::create() makes a process object.
struct create_options {
    std::string handle;   ///< empty: the next of "p1", "p2", ...
    bool daemon = false;  ///< sent only when set, so drivers without the feature still work
};

class session {
  public:
    /// Launches `/bin/sh -c driver_command`, or forks a case from its case server
    /// (driver_launcher.hpp), and reads the handshake. Throws driver_error or driver_timeout
    /// when the driver does not introduce itself properly.
    explicit session(std::string driver_command);
    /// Kills the driver's process group and reaps every descendant.
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    const std::string& command() const { return command_; }
    const hello_info& hello() const { return hello_; }

    /// Creates a process object running `steps` with `args`; returns its handle. Every gate the
    /// script waits on exists before the request is sent.
    std::string create(const protocol::script& steps,
                       const nlohmann::json& args = nlohmann::json::array(),
                       const create_options& options = {});

    // Operations that the test needs to succeed: an error reply throws operation_refused.
    void start(const std::string& process);
    void join(const std::string& process);
    bool join(const std::string& process, double timeout_seconds);
    bool is_alive(const std::string& process);
    std::optional<int> exitcode(const std::string& process);
    std::optional<long long> pid(const std::string& process);
    void print(const std::string& text, const std::string& stream = "stdout");
    void trace(const std::string& event);

    /// Sends any request and waits for its reply; an error reply throws operation_refused.
    reply require(nlohmann::json request);
    /// Sends any request (an "id" is added) and waits for its reply, whatever it says.
    reply call(nlohmann::json request);
    /// The two halves of call(), for requests whose reply must not arrive too early.
    std::uint64_t send(nlohmann::json request);
    /// Waits for the reply to `id` until the reply deadline; throws driver_timeout after it.
    reply await(std::uint64_t id);
    /// Waits for the reply to `id` at most `window`; nullopt if it has not arrived by then.
    std::optional<reply> await_within(std::uint64_t id, seconds window) {
        return await_until(id, deadline_after(window));
    }
    /// Watches for the reply to `id` during an observation window (spec, "Tolerances"): for a
    /// reply that must not come yet. nullopt if none came.
    std::optional<reply> reply_within_window(std::uint64_t id,
                                             seconds window = timeouts::observation_window());
    /// Waits for the reply to `id` until `deadline`; with `child_pidfd` (a pidfd of a child),
    /// also no longer than `after_end` past the moment the runner sees that child end (then
    /// child_end_seen() tells when). nullopt if the reply has not arrived by then.
    std::optional<reply> await_until(std::uint64_t id, clock::time_point deadline,
                                     int child_pidfd = -1, seconds after_end = seconds(0));
    std::optional<clock::time_point> child_end_seen() const { return child_end_seen_; }

    /// Lets `count` waiters of `gate` go (the gate must appear in a created script).
    void release(const std::string& gate, int count = 1);

    /// Sends `shutdown`, waits for the driver to end, notes which of its processes survived it,
    /// reaps everything and collects the rest of its output. With `held_gate`, the parent must
    /// not end while a child is held on that gate: the gate stays closed for the observation
    /// window, then opens; returns whether the driver ended while the gate was still closed.
    /// Throws driver_timeout if the driver does not end in time (after cleaning up).
    bool finish(const std::string& held_gate = "");
    /// Processes the driver left running when it ended (known after finish()).
    const std::vector<int>& survivors() const { return survivors_; }
    /// Kills the driver's process group and reaps every descendant (finish() and the destructor
    /// do it too). Throws if a process could not be reaped before the deadline.
    void kill_all();

    /// The driver's wait status; known after finish().
    std::optional<int> driver_status() const { return driver_status_; }

    /// The console so far (complete after finish()).
    const std::string& captured_stdout() const { return pump_->out(); }
    const std::string& captured_stderr() const { return pump_->err(); }
    const std::vector<history_entry>& history() const { return history_; }
    /// The script of every process object create() made, by handle.
    const std::map<std::string, protocol::script>& scripts() const { return scripts_; }
    /// Position of the first trace event `event` from `from` in history(), if any.
    std::optional<std::size_t> find_event(const std::string& from, const std::string& event) const {
        return conformance::find_event(history_, from, event);
    }
    /// Waits until `from` has recorded `event` (a child reaching a step), within the reply
    /// deadline; returns its position. Throws driver_timeout if it never comes.
    std::size_t wait_for_event(const std::string& from, const std::string& event);
    /// Position of the return of `operation` ("join(p1)") in history(), if any.
    std::optional<std::size_t> find_return(const std::string& operation) const {
        return conformance::find_return(history_, operation);
    }

    /// Everything a reader needs to understand a failure: driver, history, console.
    std::string transcript() const;

  private:
    struct pending_request {
        std::string op;
        std::string process;
        std::string line;
    };

    bool pump_until(clock::time_point deadline, const std::function<bool()>& done) {
        return pump_->pump_until(deadline, done);
    }
    void check_fresh_case() const;
    void on_reply_line(const std::string& line);
    void on_trace_line(const std::string& line);
    void read_hello();
    std::string driver_name() const;
    std::string describe(std::uint64_t id) const;
    std::string why_it_stopped();

    std::string command_;
    std::unique_ptr<fifo_dir> fifos_;
    std::unique_ptr<driver_process> driver_;
    std::unique_ptr<channel_pump> pump_;
    hello_info hello_;
    bool hello_received_ = false;

    std::uint64_t next_id_ = 1;
    int next_process_ = 1;
    std::map<std::uint64_t, pending_request> pending_;
    std::map<std::uint64_t, reply> replies_;
    std::optional<std::string> hello_line_;
    std::optional<clock::time_point> child_end_seen_;

    std::vector<history_entry> history_;
    std::map<std::string, protocol::script> scripts_;
    std::optional<int> driver_status_;
    std::vector<int> survivors_;
    bool torn_down_ = false;
    mutable bool console_shown_ = false;  // by transcript()
};

}  // namespace startjoin::conformance
