// Exit codes (Python's encoding) and the child's handling of the target's outcome.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "startjoin/process.hpp"
#include "support.hpp"

namespace startjoin::testing {
namespace {

class ExitCodes : public ReferenceTest {};

int run_to_completion(Process& process) {
    process.start();
    process.join();
    return process.exitcode().value_or(-1000);
}

TEST_F(ExitCodes, TargetReturningGivesZero) {
    Process process([] {});
    EXPECT_EQ(run_to_completion(process), 0);
}

TEST_F(ExitCodes, ExitTargetGivesItsCode) {
    for (const int code : {0, 1, 7, 255}) {
        Process process([code] { exit_target(code); });
        EXPECT_EQ(run_to_completion(process), code) << "exit_target(" << code << ")";
    }
}

TEST_F(ExitCodes, ExitTargetUnwindsTheTargetsStack) {
    pipe_pair report;
    Process process([&report] {
        struct announces_unwinding {
            int fd;
            ~announces_unwinding() { write_all(fd, "unwound"); }
        } guard{report.write.get()};
        exit_target(5);
    });
    EXPECT_EQ(run_to_completion(process), 5);
    report.write.reset();
    EXPECT_EQ(read_all(report.read.get()), "unwound");
}

TEST_F(ExitCodes, ExitTargetOutOfRangeGivesOneWithDiagnostic) {
    for (const int code : {-1, 256}) {
        captured_fd err(STDERR_FILENO);
        Process process([code] { exit_target(code); });
        const int exitcode = run_to_completion(process);
        const std::string text = err.finish();
        EXPECT_EQ(exitcode, 1) << "exit_target(" << code << ")";
        EXPECT_NE(text.find("startjoin: uncaught exception in " + process.name()),
                  std::string::npos)
            << text;
        EXPECT_NE(text.find("exit_target(" + std::to_string(code) + ")"), std::string::npos)
            << text;
    }
}

TEST_F(ExitCodes, ExitRequestThrownDirectlyOutOfRangeGivesOne) {
    captured_fd err(STDERR_FILENO);
    Process process([] { throw exit_request(300); });
    EXPECT_EQ(run_to_completion(process), 1);
    EXPECT_NE(err.finish().find("outside 0..255"), std::string::npos);
}

TEST_F(ExitCodes, UncaughtStdExceptionGivesOneAndPrintsDiagnostic) {
    captured_fd err(STDERR_FILENO);
    Process process([] { throw std::runtime_error("boom"); });
    process.set_name("Worker");
    const int exitcode = run_to_completion(process);
    const std::string text = err.finish();
    EXPECT_EQ(exitcode, 1);
    EXPECT_EQ(text, "startjoin: uncaught exception in Worker (pid " +
                        std::to_string(*process.pid()) + "): boom\n");
}

TEST_F(ExitCodes, UncaughtNonStdExceptionGivesOneAndPrintsDiagnostic) {
    captured_fd err(STDERR_FILENO);
    Process process([] { throw 42; });
    process.set_name("Thrower");
    const int exitcode = run_to_completion(process);
    const std::string text = err.finish();
    EXPECT_EQ(exitcode, 1);
    EXPECT_EQ(text.rfind("startjoin: uncaught exception in Thrower (pid " +
                             std::to_string(*process.pid()) + "): ",
                         0),
              0u)
        << text;
}

TEST_F(ExitCodes, SelfKillGivesMinusSignal) {
    Process process([] { ::raise(SIGKILL); });
    EXPECT_EQ(run_to_completion(process), -SIGKILL);
}

TEST_F(ExitCodes, AbortGivesMinusSigabrt) {
    Process process([] {
        // No core file: this test is about the exit code, not about littering the build tree.
        const rlimit no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);
        std::abort();
    });
    EXPECT_EQ(run_to_completion(process), -SIGABRT);
}

TEST_F(ExitCodes, TerminateGivesMinusSigterm) {
    gate never;
    Process process([&never] { never.pass(); });
    process.start();
    process.terminate();
    process.join();
    EXPECT_EQ(process.exitcode(), -SIGTERM);
}

TEST_F(ExitCodes, KillGivesMinusSigkill) {
    gate never;
    Process process([&never] { never.pass(); });
    process.start();
    process.kill();
    process.join();
    EXPECT_EQ(process.exitcode(), -SIGKILL);
}

TEST_F(ExitCodes, ArgumentsAreDecayedCopiesAndMayBeMoveOnly) {
    std::string suffix = "ab";
    Process process(
        [](std::unique_ptr<int> value, const std::string& text) {
            exit_target(*value + static_cast<int>(text.size()));
        },
        std::make_unique<int>(40), suffix);
    suffix = "changed after construction";  // The Process holds its own copy.
    EXPECT_EQ(run_to_completion(process), 42);
}

TEST_F(ExitCodes, TargetCanStartAndJoinItsOwnProcess) {
    Process process([] {
        Process inner([] { exit_target(6); });
        inner.start();
        inner.join();
        exit_target(*inner.exitcode() + 1);
    });
    EXPECT_EQ(run_to_completion(process), 7);
}

}  // namespace
}  // namespace startjoin::testing
