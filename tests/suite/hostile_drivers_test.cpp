// Drivers that write without bound: the runner's memory and its messages stay bounded, and the
// flood is reported as what it is (a failing check that says what was dropped, a protocol
// error), never as the runner running out of memory.
#include <gtest/gtest.h>

#include <string>

#include "run_runner.hpp"

namespace startjoin::suite_tests {
namespace {

// 1 GiB of NUL bytes, written to `target` (a shell redirection) before anything else.
std::string one_gib_to(const std::string& target) {
    return "dd if=/dev/zero bs=1M count=1024 status=none " + target;
}

constexpr long runner_memory_bound_kib = 200 * 1024;

// The flood precedes each session's handshake; the handshake deadline is scaled up so that
// writing 2 GiB (the protocol check's session and the test's) fits on a loaded machine. No
// verdict depends on the deadline's length.
TEST(HostileDriver, AStdoutFloodIsCutWithMemoryBounded) {
    const std::string driver =
        "bash -c '" + one_gib_to(">&1") + "; exec " + STARTJOIN_REFERENCE_DRIVER + " --protocol 1'";
    const runner_result run = run_runner(
        {"--driver", driver, "--gtest_filter=Seed.ParentOutputAppearsOnlyAfterChildCompletes"},
        {"STARTJOIN_TIMEOUT_MULTIPLIER=10"});
    const auto test = run.test("Seed.ParentOutputAppearsOnlyAfterChildCompletes");
    EXPECT_EQ(test["status"], "FAIL") << run.output.substr(0, 4000);
    EXPECT_NE(test.value("message", std::string()).find("bytes dropped here"), std::string::npos)
        << run.output.substr(0, 4000);
    EXPECT_LT(run.peak_rss_kib, runner_memory_bound_kib);
    EXPECT_LT(run.output.size(), 16U << 20) << "the runner's own output is not bounded";
}

TEST(HostileDriver, AHandshakeLineWithoutEndIsBrokenWithMemoryBounded) {
    const std::string driver = "bash -c '" + one_gib_to(">&4") + "'";
    const runner_result run =
        run_runner({"--driver", driver, "--gtest_filter=Join.BeforeStartIsInvalidState"});
    EXPECT_EQ(run.exit_code, 1) << run.output.substr(0, 4000);
    const auto test = run.test("Join.BeforeStartIsInvalidState");
    EXPECT_EQ(test["status"], "BROKEN") << run.output.substr(0, 4000);
    EXPECT_NE(run.output.find("fd 4 (the replies) carried a line longer than 1048576 bytes"),
              std::string::npos)
        << run.output.substr(0, 4000);
    EXPECT_LT(run.peak_rss_kib, runner_memory_bound_kib);
}

TEST(HostileDriver, AMalformedCaptureLimitIsAUsageError) {
    const runner_result run =
        run_runner({"--driver", STARTJOIN_REFERENCE_DRIVER, "--gtest_filter=Join.*"},
                   {"STARTJOIN_CAPTURE_LIMIT=12"});
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find("STARTJOIN_CAPTURE_LIMIT='12' is not a number of bytes"),
              std::string::npos)
        << run.output;
}

}  // namespace
}  // namespace startjoin::suite_tests
