// How much of what a driver writes the runner keeps. Drivers run implementations under test and
// may be buggy or hostile; whatever they write, the runner's memory and its messages stay
// bounded (README, "Reliability").
#pragma once

#include <cstddef>

namespace startjoin::conformance {

/// The bytes kept of each console stream (stdout, stderr) of one driver session: the first and
/// the last half, with a count of what was dropped between them. STARTJOIN_CAPTURE_LIMIT (bytes,
/// at least 1024) changes it; default 1 MiB, a thousand times what any test of the suite prints.
/// A malformed value stops the runner with exit 2.
std::size_t capture_limit();

/// The longest line accepted on the reply channel (the handshake included) and the trace FIFO:
/// a longer one, or one that never ends, is a protocol error. 1 MiB: the largest reply or event
/// of the suite (the arguments of a property's case) is a few kilobytes.
inline constexpr std::size_t line_limit = 1 << 20;

/// The most trace events one session records: a child that floods the trace FIFO is stopped
/// there, as a protocol error. The largest case of the suite records a few hundred.
inline constexpr std::size_t event_limit = 100'000;

}  // namespace startjoin::conformance
