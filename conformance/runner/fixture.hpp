// The fixture of every conformance test: a fresh driver per test, torn down (every process
// killed and reaped) however the test ends.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "clauses.hpp"
#include "expectations.hpp"
#include "session.hpp"
#include "spec_document.hpp"

namespace startjoin::conformance {

/// The driver command given with --driver.
const std::string& driver_command();
void set_driver_command(std::string command);

/// What the protocol check found wrong with the driver (certification.hpp); when anything,
/// every test is BROKEN without running.
const std::vector<std::string>& certification_problems();
void set_certification_problems(std::vector<std::string> problems);

/// The spec the run checks (--spec): its clauses decide what is reported and skipped.
const spec_document& current_spec();
void use_spec(spec_document spec);

/// The driver's known failures (--expectations): the report applies them, and property tests
/// set aside the cases they name.
const expectations& current_expectations();
void use_expectations(expectations expected);

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
