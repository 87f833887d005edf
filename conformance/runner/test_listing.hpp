// --list-tests-json: the selected tests with the clauses and sections each checks, for tools
// that register or group the tests by clause (cmake/StartjoinDiscoverTests.cmake labels each
// ctest test with them). gtest owns --gtest_list_tests, whose format has no room for them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "options.hpp"

namespace startjoin::conformance {

/// The listing of `tests` ("Suite.Test", in the order given):
///     {"tests": [{"name": "Join.AfterExit", "clauses": ["join.after-exit"],
///                 "sections": ["join"]}, ...]}
/// `sections` holds each distinct section of `clauses` once, in the order first cited; a test
/// that cites no clause has both empty.
nlohmann::json test_listing(const std::vector<std::string>& tests);

/// Prints the listing of the tests the command line's gtest flags select (selected_tests) on
/// one line and returns the exit status: 0, or 2 (with a message) if the tests cannot be listed
/// or the filter selects none, as a run would.
int print_test_listing(const options& parsed);

}  // namespace startjoin::conformance
