// Buffered output around fork and the child's exit: nothing printed twice, nothing lost, and
// the parent's atexit handlers never run in the child.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "startjoin/process.hpp"
#include "support.hpp"

namespace startjoin::testing {
namespace {

class Output : public ReferenceTest {};

// Where the atexit handler writes its marker; -1 (the default, and at the test binary's own
// exit) means it writes nothing. A child copies the value set by the test.
std::atomic<int> atexit_marker_fd{-1};

void write_atexit_marker() {
    const int fd = atexit_marker_fd.load();
    if (fd >= 0) write_all(fd, "atexit ran;");
}

TEST_F(Output, ParentBufferedOutputIsNotPrintedTwice) {
    captured_fd out(STDOUT_FILENO);
    std::printf("parent-buffered|");  // No newline and no flush: it stays in stdout's buffer.
    if (!out.peek().empty()) GTEST_SKIP() << "stdout is unbuffered here; nothing to duplicate";
    Process process([] {});
    process.start();
    process.join();
    EXPECT_EQ(count_occurrences(out.finish(), "parent-buffered|"), 1u);
}

TEST_F(Output, ChildBufferedOutputIsFlushedWhateverTheOutcome) {
    const struct {
        const char* outcome;
        void (*target)();
    } cases[] = {
        {"return", [] { std::printf("child-output|"); }},
        {"exit_target",
         [] {
             std::printf("child-output|");
             exit_target(3);
         }},
        {"uncaught exception",
         [] {
             std::printf("child-output|");
             throw std::runtime_error("expected by the test");
         }},
    };
    for (const auto& each : cases) {
        captured_fd err(STDERR_FILENO);  // Keeps the expected diagnostic out of the test log.
        captured_fd out(STDOUT_FILENO);
        Process process(each.target);
        process.start();
        process.join();
        EXPECT_EQ(count_occurrences(out.finish(), "child-output|"), 1u) << each.outcome;
    }
}

TEST_F(Output, ChildDoesNotRunTheParentsAtexitHandlers) {
    static const bool registered = (std::atexit(write_atexit_marker) == 0);
    ASSERT_TRUE(registered);
    pipe_pair marker;
    atexit_marker_fd = marker.write.get();
    {
        captured_fd err(STDERR_FILENO);
        Process returns([] {});
        Process exits([] { exit_target(0); });
        Process throws([] { throw std::runtime_error("expected by the test"); });
        for (Process* process : {&returns, &exits, &throws}) process->start();
        for (Process* process : {&returns, &exits, &throws}) process->join();
    }
    atexit_marker_fd = -1;
    marker.write.reset();
    EXPECT_EQ(read_all(marker.read.get()), "");
}

}  // namespace
}  // namespace startjoin::testing
