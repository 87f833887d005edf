// The child's side: interpreting a target script (spec/protocol.md, "Target scripts").
#pragma once

#include <functional>
#include <string>

#include "startjoin/adapter/implementation.hpp"

namespace startjoin::adapter {

/// The implementation's own ways to end a target early. They must not return.
struct ending {
    /// Ends the target with exit code `code` the implementation's explicit way.
    std::function<void(int code)> exit;
    /// Raises an uncaught error carrying `message`. Defaults to throwing std::runtime_error.
    std::function<void(const std::string& message)> raise;
};

/// Runs `what`'s steps in order in the calling (child) process or thread. Returns when the
/// script ends; an `exit` or `raise` step leaves through `how_to_end`; `hang` and `busy` never
/// return, and `exec` replaces the process. A `nest` step creates, starts and joins a process
/// object through `what.origin`. Failures of the step machinery itself (an unopenable FIFO, a
/// failed exec) throw std::system_error naming the step.
void run_target(const target& what, const ending& how_to_end);

/// Writes one trace event line {"from": from, "event": event, ...extra} to $STARTJOIN_TRACE.
void write_trace_event(const std::string& from, const std::string& event,
                       const nlohmann::json& extra = nlohmann::json::object());

/// Blocks until the runner releases one waiter of gate `gate` ($STARTJOIN_GATES/gate).
void wait_for_gate(const std::string& gate);

}  // namespace startjoin::adapter
