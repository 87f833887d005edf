// Turns the spec's scenarios into GoogleTest tests, so they run, filter and report like the
// example tests in clauses/.
#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "scenario.hpp"
#include "spec_document.hpp"

namespace startjoin::conformance {

/// Makes the test that runs one parsed scenario. The runner supplies it (scenario_test.hpp): the
/// test needs a driver, which this file knows nothing about.
using scenario_test_factory = std::function<::testing::Test*(const scenario&)>;

/// Registers one test per scenario of `document`, in suite "Scenario", named after its clause
/// ("[join.after-exit]" -> "JoinAfterExit", a second block -> "JoinAfterExit2"), citing that
/// clause. A scenario that does not parse, and every problem of the document itself, becomes a
/// failing test of suite "SpecProblem" whose message gives file, line and reason.
/// Regression scenarios (tests/regressions/) go to suite "Regression", their problems to
/// "SpecProblem.RegressionN".
/// Each scenario's test is made by `make_test`.
void register_scenarios(const spec_document& document, const scenario_test_factory& make_test);
void register_regressions(const spec_document& regressions, const scenario_test_factory& make_test);

/// The test name for a clause ID: "join-timeout.descendants" -> "JoinTimeoutDescendants".
std::string test_name_for(const std::string& clause);

}  // namespace startjoin::conformance
