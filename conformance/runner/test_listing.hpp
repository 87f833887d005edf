// --list-tests-json: the selected tests with the clauses and sections each checks, for tools
// that register or group the tests by clause (cmake/StartjoinDiscoverTests.cmake labels each
// ctest test with them). gtest owns --gtest_list_tests, whose format has no room for them.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
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

/// The tests the command line's gtest flags select, in gtest's order ("Suite.Test"), as this
/// executable lists them (--gtest_list_tests, in a copy of itself: GoogleTest lists only from
/// RUN_ALL_TESTS, which this process keeps for the run). Exits with status 2 if it cannot.
std::vector<std::string> selected_tests(const options& parsed);

/// The tests the command line's gtest flags select (selected_tests), or none after a message on
/// stderr when they cannot be listed or the filter selects no test: a mistyped command line,
/// which the caller turns into exit 2 before any test runs.
std::optional<std::vector<std::string>> selected_tests_or_complain(const options& parsed);

/// Prints the listing of the tests the command line's gtest flags select (selected_tests) on
/// one line and returns the exit status: 0, or 2 (with a message) if the tests cannot be listed
/// or the filter selects none, as a run would. With --driver-profile, the tests that do not
/// apply to that profile (profile_applicability.hpp) are left out.
int print_test_listing(const options& parsed);

}  // namespace startjoin::conformance
