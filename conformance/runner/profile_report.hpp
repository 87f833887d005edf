// Where the time went, for people: the per-test phase times (profile.hpp) as the report's
// "profile" entries, and the table that `--profile` prints after the summary.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "profile.hpp"

namespace startjoin::conformance {

/// {"driver start": s, "handshake": s, ...} for the JSON report.
nlohmann::json profile_to_json(const phase_times& times);

/// Whether print_profile() prints anything (`--profile`).
void enable_profile_printing(bool enabled);

/// Prints every phase's total over `tests` (name and "profile" entry each) and the slowest
/// tests, when enabled.
void print_profile(const std::vector<std::pair<std::string, nlohmann::json>>& tests);

}  // namespace startjoin::conformance
