// Writes generated cases in the scenario syntax of spec/start-join.md ("Reading a scenario"), so
// a failing property prints its smallest counterexample as a block that can be pasted into
// tests/regressions/ and runs on every driver.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "startjoin/protocol/script.hpp"

namespace startjoin::conformance::properties {

/// TEXT as the syntax writes it: a double-quoted JSON string.
std::string quoted(const std::string& text);

/// One step: `print "x"`, `wait go`, `exit 3`, `nest inner [exit 1]`, ...
std::string step_text(const protocol::any_step& step);

/// `STEP; STEP; ...`
std::string steps_text(const protocol::script& steps);

/// `process NAME(ARGS): STEP; STEP` (the argument list only when there are arguments).
std::string process_line(const std::string& name, const protocol::script& steps,
                         const nlohmann::json& args = nlohmann::json::array());

/// `=> RESULT` for a value (`none` for null) or `=> error KIND`.
std::string result_text(const nlohmann::json& value);
std::string error_text(const std::string& kind);

/// `stdout =>` followed by `  | LINE` lines.
std::vector<std::string> output_lines(const std::string& stream,
                                      const std::vector<std::string>& lines);

/// A whole block as tests/regressions/ holds it: a clause heading, a fenced scenario.
///     ### [join.after-exit] Property.ModelOfProcessObjects, seed 42
///     ```scenario
///     ...
///     ```
std::string regression_block(const std::string& clause, const std::string& title,
                             const std::vector<std::string>& statements);

/// Parses the statements as the runner would, so a rendering mistake is caught where it is made.
/// Returns the parser's complaint, if any.
std::optional<std::string> parse_problem(const std::string& clause,
                                         const std::vector<std::string>& statements);

}  // namespace startjoin::conformance::properties
