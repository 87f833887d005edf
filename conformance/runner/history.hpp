// The record of one test: every trace event, every return of a parent operation and every
// release of a gate, in arrival order. The ordering checker and the transcripts read it.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace startjoin::conformance {

/// One recorded event, in arrival order: a trace event from the parent or a child, the
/// return of a parent operation (recorded when its reply arrives, after every trace event
/// written before it), or the runner's release of a gate (recorded once its bytes are written).
struct history_entry {
    enum class kind { trace, returned, released } type;
    std::string from;   ///< "parent" or a process handle; "runner" for a release
    std::string event;  ///< trace: the event name; returned: "join(p1)", "start(p1)", ...;
                        ///< released: the gate
    nlohmann::json data;
    std::string describe() const;
};

/// "join(p1)", or "shutdown()" for an operation on no process.
std::string operation_name(const std::string& op, const std::string& process);

/// Position of the first trace event `event` from `from` in `history`, if any.
std::optional<std::size_t> find_event(const std::vector<history_entry>& history,
                                      const std::string& from, const std::string& event);
/// Position of the return of `operation` ("join(p1)") in `history`, if any.
std::optional<std::size_t> find_return(const std::vector<history_entry>& history,
                                       const std::string& operation);

/// The history as numbered lines, for failure messages.
std::string describe_history(const std::vector<history_entry>& history);

}  // namespace startjoin::conformance
