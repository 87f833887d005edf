// join(), join(timeout), is_alive() and exitcode(): waiting for and observing termination.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <latch>
#include <limits>
#include <thread>
#include <vector>

#include "startjoin/process.hpp"
#include "support.hpp"

namespace startjoin::testing {
namespace {

using namespace std::chrono_literals;

class Waiting : public ReferenceTest {};

// Blocks until the child has exited without reaping it (WNOWAIT), so a test can check that
// is_alive() and exitcode() observe termination on their own, without join().
void wait_until_exited_unreaped(pid_t pid) {
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == -1 &&
           errno == EINTR) {
    }
}

TEST_F(Waiting, JoinManyTimesGivesTheSameCode) {
    Process process([] { exit_target(3); });
    process.start();
    for (int i = 0; i < 5; ++i) {
        process.join();
        EXPECT_EQ(process.exitcode(), 3);
        EXPECT_TRUE(process.join(0s));
        EXPECT_FALSE(process.is_alive());
    }
}

TEST_F(Waiting, ConcurrentJoinsAllSeeTheSameCode) {
    constexpr int joiners = 8;
    gate release;
    Process process([&release] {
        release.pass();
        exit_target(42);
    });
    process.start();

    std::latch all_waiting(joiners);
    std::vector<std::future<std::optional<int>>> results;
    for (int i = 0; i < joiners; ++i) {
        results.push_back(std::async(std::launch::async, [&process, &all_waiting, i] {
            all_waiting.count_down();
            if (i % 2 == 0) {
                process.join();
            } else {
                // Mixed with bounded joins and non-blocking observers on purpose.
                while (!process.join(std::chrono::milliseconds(1 + i)) && process.is_alive()) {
                }
            }
            return process.exitcode();
        }));
    }
    all_waiting.wait();
    release.open();
    for (auto& result : results) EXPECT_EQ(result.get(), 42);
    EXPECT_EQ(process.exitcode(), 42);
}

TEST_F(Waiting, JoinTimeoutWhileChildBlockedReturnsFalseThenTrue) {
    gate release;
    Process process([&release] { release.pass(); });
    process.start();
    EXPECT_FALSE(process.join(20ms));
    EXPECT_TRUE(process.is_alive());
    EXPECT_EQ(process.exitcode(), std::nullopt);

    release.open();
    EXPECT_TRUE(process.join(scaled(30s)));
    EXPECT_FALSE(process.is_alive());
    EXPECT_EQ(process.exitcode(), 0);
}

TEST_F(Waiting, ZeroAndNegativeTimeoutsOnlyLook) {
    gate release;
    Process process([&release] { release.pass(); });
    process.start();
    // Run the looks on another thread so a join that blocks fails the test instead of hanging it.
    auto looks = std::async(std::launch::async, [&process] {
        return std::vector<bool>{
            process.join(0s), process.join(-1s), process.join(-1e300s),
            process.join(std::chrono::duration<double>(std::numeric_limits<double>::quiet_NaN()))};
    });
    const bool returned = looks.wait_for(scaled(30s)) == std::future_status::ready;
    release.open();  // Unblocks a broken join too, so the future can be collected.
    EXPECT_TRUE(returned) << "join with a zero or negative timeout blocked";
    EXPECT_EQ(looks.get(), (std::vector<bool>{false, false, false, false}));

    process.join();
    EXPECT_TRUE(process.join(0s));
    EXPECT_TRUE(process.join(-5s));
}

TEST_F(Waiting, InfiniteTimeoutWaitsLikeJoin) {
    Process process([] { exit_target(9); });
    process.start();
    EXPECT_TRUE(process.join(std::chrono::duration<double>::max()));
    EXPECT_EQ(process.exitcode(), 9);
}

TEST_F(Waiting, GrandchildHoldingInheritedDescriptorsDoesNotHoldUpJoin) {
    // The orphaned grandchild is reparented to this process, so the test can reap it.
    ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    gate grandchild_gate;
    pipe_pair report;
    Process process([&] {
        const pid_t grandchild = ::fork();
        if (grandchild == 0) {
            // Holds every descriptor the child had (pipes included) and outlives it.
            grandchild_gate.pass();
            ::_exit(0);
        }
        write_all(report.write.get(), &grandchild, sizeof grandchild);
    });
    process.start();

    // A correct join returns as soon as the child exits; one that waits for EOF on an inherited
    // pipe would give up after 30 s and fail here rather than hang.
    EXPECT_TRUE(process.join(scaled(30s)));
    EXPECT_EQ(process.exitcode(), 0);

    pid_t grandchild = -1;
    ASSERT_EQ(::read(report.read.get(), &grandchild, sizeof grandchild),
              static_cast<ssize_t>(sizeof grandchild));
    ASSERT_GT(grandchild, 0);
    EXPECT_EQ(::kill(grandchild, SIGKILL), 0);
    int status = 0;
    EXPECT_EQ(::waitpid(grandchild, &status, 0), grandchild);
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST_F(Waiting, IsAliveFalseAfterExitWithoutJoin) {
    Process process([] {});
    process.start();
    wait_until_exited_unreaped(*process.pid());
    EXPECT_FALSE(process.is_alive());
    EXPECT_EQ(process.exitcode(), 0);
}

TEST_F(Waiting, ExitcodeObservedWithoutJoin) {
    Process process([] { exit_target(4); });
    process.start();
    wait_until_exited_unreaped(*process.pid());
    EXPECT_EQ(process.exitcode(), 4);
    EXPECT_FALSE(process.is_alive());
}

TEST_F(Waiting, NoZombieAfterJoin) {
    Process process([] {});
    process.start();
    const pid_t pid = *process.pid();
    process.join();
    int status = 0;
    errno = 0;
    EXPECT_EQ(::waitpid(pid, &status, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
}

}  // namespace
}  // namespace startjoin::testing
