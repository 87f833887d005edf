// Observations that several clauses share.
#pragma once

#include <string>
#include <vector>

#include "session.hpp"

namespace startjoin::conformance {

/// What join_releasing() saw.
struct held_join {
    /// join() returned while its child was still held on the gate: a violation of
    /// [join.after-exit] that no later check could prove, because the child ends afterwards.
    bool returned_while_held = false;
};

/// Calls join(process) while the child is held on `gate`. For the observation window the gate
/// stays closed and no reply may arrive; then the gate is released and the reply awaited. A
/// correct join() never replies while the gate is closed, so a correct implementation passes
/// however long the window is.
held_join join_releasing(session& driver, const std::string& process, const std::string& gate);

/// What join_with_timeout() saw.
struct join_timing {
    std::optional<reply> answer;  ///< nullopt: no reply within the bound
    seconds took{0};              ///< from sending the request to its reply (or to giving up)
    std::string bound;            ///< the bound applied, in words, for messages
};

/// Sends join(process, timeout) and waits for its reply within the spec's bound ("Tolerances"):
/// the timeout plus the tolerance while the child runs; and when the answer must be true
/// (`must_end`: the child has ended or is ending on its own), also no later than the tolerance
/// after the child's end, which the runner sees through its own pidfd on the child. The
/// tolerance is counted from that end, not from the call, so the time the child still needs to
/// finish (slow under load) is never blamed on join(). Without a pid to watch (profile thread),
/// it is counted from the call.
join_timing join_with_timeout(session& driver, const std::string& process, double timeout,
                              bool must_end);

/// `text` split at '\n'; a last line without '\n' counts as a line.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace startjoin::conformance
