// Runs a parsed scenario against a driver, statement by statement.
#pragma once

#include <optional>
#include <string>

#include "scenario.hpp"
#include "session.hpp"

namespace startjoin::conformance {

/// Why `driver` cannot run a scenario with `needs` (for the SKIP message), or nullopt.
std::optional<std::string> missing_requirement(const requirements& needs, const hello_info& driver);

/// Runs every statement in order and stops at the first that does not hold, throwing an error
/// whose message starts with the statement's place and text ("spec/start-join.md:88: `exitcode
/// child => 0`: ...") and ends with the session's transcript. Errors of the session itself keep
/// their status markers ([BROKEN], [TIMEOUT]).
void run_scenario(const scenario& scenario, session& driver);

}  // namespace startjoin::conformance
