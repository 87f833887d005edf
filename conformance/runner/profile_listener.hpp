// Keeps each test's phase times (profile.hpp) for the report, and prints where the time went
// at the end of the run when asked (`--profile`).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "profile.hpp"

namespace startjoin::conformance {

/// The phase times of every finished test, by "Suite.Name".
const std::map<std::string, phase_times>& recorded_phase_times();

class profile_listener : public ::testing::EmptyTestEventListener {
  public:
    explicit profile_listener(bool print) : print_(print) {}
    void OnTestStart(const ::testing::TestInfo& test) override;
    void OnTestEnd(const ::testing::TestInfo& test) override;
    void OnTestProgramEnd(const ::testing::UnitTest& unit) override;

  private:
    bool print_;
};

}  // namespace startjoin::conformance
