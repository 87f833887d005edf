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

/// `text` split at '\n'; a last line without '\n' counts as a line.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace startjoin::conformance
