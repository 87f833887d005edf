// join(timeout) with timeouts beyond the clock's range (the property's 1e10 and 1e300) against an
// implementation that sleeps out its timeout. The runner's deadline for the reply once wrapped
// around the 64-bit clock into the past, and `deadline - now` wrapped back into a wait of weeks:
// the test hung until its worker was killed (seen in ./tools/check, mutants.join-timeout-sleeps).
// A wait that ends on the child's end plus the tolerance must end there, however large the
// timeout.
#include <gtest/gtest.h>

#include <string>

#include "run_runner.hpp"

namespace startjoin::suite_tests {
namespace {

class HugeTimeouts : public testing::TestWithParam<const char*> {};

TEST_P(HugeTimeouts, AJoinThatSleepsOutItsTimeoutFailsAtTheToleranceAfterTheChildsEnd) {
    const temporary_spec spec(std::string("### [join-timeout.prompt] join(timeout) is prompt\n"
                                          "```scenario\n"
                                          "process child: exit 3\n"
                                          "start child\n"
                                          "join child timeout ") +
                              GetParam() +
                              " => true\n"
                              "```\n");
    const runner_result run =
        run_runner({"--driver", std::string(STARTJOIN_MUTANT_DRIVER) + " join-timeout-sleeps",
                    "--spec", spec.path(), "--gtest_filter=Scenario.JoinTimeoutPrompt", "-j", "1"});
    ASSERT_FALSE(run.hung) << run.output;
    const auto test = run.test("Scenario.JoinTimeoutPrompt");
    ASSERT_TRUE(test.is_object()) << run.output;
    EXPECT_EQ(test["status"], "FAIL") << run.output;
    EXPECT_NE(test.value("message", std::string()).find("did not return within the tolerance"),
              std::string::npos)
        << run.output;
}

INSTANTIATE_TEST_SUITE_P(BeyondTheClock, HugeTimeouts, testing::Values("1e7", "1e10", "1e300"));

}  // namespace
}  // namespace startjoin::suite_tests
