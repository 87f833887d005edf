#pragma once

#include <gtest/gtest.h>

#include <string>

namespace startjoin::conformance {

/// What a failure says, without GoogleTest's wrapping: the description of an exception thrown
/// in a test ("C++ exception with description \"...\" thrown in the test body.") and the
/// "Failed" line of ADD_FAILURE() and FAIL() are dropped, so a failure reads as what was
/// expected, what was observed, the clause and the scenario. Other assertion messages are kept.
std::string readable_failure(const ::testing::TestPartResult& part);

/// Where a failure comes from, as "FILE:LINE", when that helps a reader: a scenario's line in
/// the spec or a regression file, or a gtest assertion in a test's source. Empty for the
/// runner's own reports of what went wrong (exceptions, ADD_FAILURE in the harness), whose
/// source line says nothing about the implementation.
std::string failure_location(const ::testing::TestPartResult& part);

}  // namespace startjoin::conformance
