// Setup mistakes on the runner's command line are usage errors (exit 2) found before any test
// runs, each naming what was wrong; never a run that passes having checked nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

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

TEST(SetupErrors, AMissingDriverIsAUsageErrorBeforeAnyTest) {
    const runner_result run =
        run_runner({"--driver", "/nonexistent/startjoin-driver --x", "-j", "2"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("driver `/nonexistent/startjoin-driver --x` could not be run: "
                              "/bin/sh exited with status 127 (command not found)"),
              std::string::npos)
        << run.output;
    EXPECT_NE(run.output.find("/nonexistent/startjoin-driver: not found"), std::string::npos)
        << run.output;  // the shell's own words, from the driver's stderr
    EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
}

TEST(SetupErrors, ADriverThatIsNotExecutableIsAUsageError) {
    const std::filesystem::path driver = std::filesystem::temp_directory_path() /
                                         ("startjoin-not-executable-" + std::to_string(::getpid()));
    std::ofstream(driver) << "#!/bin/sh\n";
    std::filesystem::permissions(
        driver, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const runner_result run = run_runner({"--driver", driver.string()});
    std::filesystem::remove(driver);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("(not executable)"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
}

// The line between the two: a driver program that runs and exits without a handshake is the
// driver's fault (BROKEN, exit 1), not the command line's.
TEST(SetupErrors, ADriverThatRunsAndDiesIsBrokenNotAUsageError) {
    const runner_result run = run_runner({"--driver", "exit 3", "--gtest_filter=Start.*"});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("exited with status 3 before sending its handshake"),
              std::string::npos)
        << run.output;
}

TEST(SetupErrors, ADriverOfAnotherProfileIsAUsageErrorBeforeAnyTest) {
    // The reference declares profile process; a build that registered it as a thread
    // implementation would read every verdict wrongly.
    const runner_result run = run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER,
                                          "--driver-profile", "thread", "--gtest_filter=Join.*"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("declares profile process, but --driver-profile says thread"),
              std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find("[ RUN"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace startjoin::suite_tests
