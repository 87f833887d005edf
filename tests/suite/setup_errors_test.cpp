// Setup mistakes on the runner's command line are usage errors (exit 2) found before any test
// runs, each naming what was wrong; never a run that passes having checked nothing.
#include <gtest/gtest.h>

#include <filesystem>

#include "run_runner.hpp"

namespace startjoin::suite_tests {
namespace {

TEST(SetupErrors, AFilterThatSelectsNoTestIsAUsageError) {
    const runner_result run =
        run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--gtest_filter=Jion.*:NoSuch.Test"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("--gtest_filter=Jion.*:NoSuch.Test selects no test"),
              std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
}

TEST(SetupErrors, AFilterThatSelectsNoTestIsAUsageErrorWithWorkersToo) {
    const runner_result run =
        run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "-j", "2", "--gtest_filter=Jion.*"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("selects no test"), std::string::npos) << run.output;
}

TEST(SetupErrors, AnExpectationsFolderIsNamed) {
    const std::string folder = std::filesystem::temp_directory_path().string();
    const runner_result run = run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--expectations",
                                          folder, "--gtest_filter=Start.*"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("cannot read the expectations file " + folder + ": it is a folder"),
              std::string::npos)
        << run.output;
}

}  // namespace
}  // namespace startjoin::suite_tests
