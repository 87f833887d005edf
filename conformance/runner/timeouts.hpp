// Every deadline of the runner, scaled by one environment multiplier for slow machines.
#pragma once

#include <chrono>

namespace startjoin::conformance {

using clock = std::chrono::steady_clock;
using seconds = std::chrono::duration<double>;

/// STARTJOIN_TIMEOUT_MULTIPLIER (a number > 0, default 1). Read once; a malformed value
/// exits the runner with a message, since every later deadline would be meaningless.
double timeout_multiplier();

/// `base` scaled by the multiplier.
seconds scaled(seconds base);

/// The moment `span` from now.
inline clock::time_point deadline_after(seconds span) {
    return clock::now() + std::chrono::duration_cast<clock::duration>(span);
}

namespace timeouts {
/// How long a driver may take to send its handshake or to answer any request.
inline seconds reply() { return scaled(seconds(10)); }
/// How long a driver may take to end after `shutdown`, and the reaper to collect everything.
inline seconds exit() { return scaled(seconds(10)); }
/// How long the runner watches for an event that must NOT happen yet (a join() that returns
/// while its child is held on a gate). It never orders anything: a correct implementation
/// passes with any window; a wider one only catches slower violations.
inline seconds observation_window() { return scaled(seconds(0.1)); }
/// How late join(timeout) may return after its timeout while the child runs
/// ([join-timeout.expires]).
inline seconds join_timeout_tolerance() { return scaled(seconds(1)); }
}  // namespace timeouts

}  // namespace startjoin::conformance
