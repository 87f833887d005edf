// The test that runs one spec or regression scenario against a fresh driver: what the runner
// hands to registration.hpp, so that the scenario reader needs no fixture and no session.
#pragma once

#include <gtest/gtest.h>

#include "scenario.hpp"

namespace startjoin::conformance {

/// A new test running `parsed` (a registration.hpp scenario_test_factory).
::testing::Test* make_scenario_test(const scenario& parsed);

}  // namespace startjoin::conformance
