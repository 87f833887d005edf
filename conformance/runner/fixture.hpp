// The fixture of every conformance test: a fresh driver per test, torn down (every process
// killed and reaped) however the test ends.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "clauses.hpp"
#include "session.hpp"

namespace startjoin::conformance {

/// The driver command given with --driver.
const std::string& driver_command();
void set_driver_command(std::string command);

class conformance_test : public ::testing::Test {
  protected:
    void SetUp() override;
    void TearDown() override;

    /// The session with this test's driver.
    session& driver() { return *session_; }

  private:
    std::unique_ptr<session> session_;
};

}  // namespace startjoin::conformance
