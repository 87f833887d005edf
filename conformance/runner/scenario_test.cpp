#include "scenario_test.hpp"

#include "executor.hpp"
#include "fixture.hpp"

namespace startjoin::conformance {
namespace {

class scenario_test : public conformance_test {
  public:
    explicit scenario_test(scenario parsed) : scenario_(std::move(parsed)) {}

    void TestBody() override {
        if (const auto missing = missing_requirement(scenario_.needs, driver().hello())) {
            GTEST_SKIP() << *missing;
        }
        try {
            run_scenario(scenario_, driver());
        } catch (const std::exception& failure) {
            ADD_FAILURE_AT(scenario_.file.c_str(), scenario_.first_line) << failure.what();
        }
    }

  private:
    scenario scenario_;
};

}  // namespace

::testing::Test* make_scenario_test(const scenario& parsed) { return new scenario_test(parsed); }

}  // namespace startjoin::conformance
