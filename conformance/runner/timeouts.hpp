// Every deadline of the runner, scaled by one environment multiplier for slow machines.
#pragma once

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>

namespace startjoin::conformance {

using clock = std::chrono::steady_clock;
using seconds = std::chrono::duration<double>;

/// STARTJOIN_TIMEOUT_MULTIPLIER (a number > 0, default 1). Read once; a malformed value
/// exits the runner with a message, since every later deadline would be meaningless.
double timeout_multiplier();

/// `base` scaled by the multiplier.
seconds scaled(seconds base);

/// The moment `span` after `from`. Spans come from drivers' and generators' timeouts too
/// (join(timeout=1e300)), so one beyond a century counts as a century: converted as it is, it
/// would overflow the clock's 64-bit count and wrap to a moment in the past, which a later
/// `deadline - now` wraps back into a wait without end.
inline clock::time_point later(clock::time_point from, seconds span) {
    constexpr seconds century(100.0 * 365 * 24 * 3600);
    const seconds bounded =
        std::isnan(span.count()) ? century : std::clamp(span, -century, century);
    return from + std::chrono::duration_cast<clock::duration>(bounded);
}

/// The moment `span` from now.
inline clock::time_point deadline_after(seconds span) { return later(clock::now(), span); }

/// The milliseconds poll() waits to reach `deadline`: rounded up, 0 once it has passed, and at
/// most poll's int (a wait of a century is more than 24 days).
inline int poll_timeout(clock::time_point deadline) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, INT_MAX));
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
