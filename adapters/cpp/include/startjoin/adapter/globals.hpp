// The driver's global variables: one process-wide store of named JSON values, read and written
// by the `set_global`/`get_global` ops in the parent and the `set_global`/`report_global` steps
// in children (spec/protocol.md, feature "globals").
//
// It lives in ordinary process memory, so a forked child starts with a copy of its parent's
// store and its changes stay its own (what the clauses on memory isolation check), while the
// threads of a thread-profile driver all share one store. A mutex guards it for them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace startjoin::adapter::globals {

/// Sets global `name` to `value`.
void set(const std::string& name, nlohmann::json value);

/// The value of global `name`, or null when it was never set.
nlohmann::json get(const std::string& name);

}  // namespace startjoin::adapter::globals
