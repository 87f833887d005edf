// Preconditions, close(), names and the daemon flag, moves and the destructor policy.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include "startjoin/process.hpp"
#include "support.hpp"

namespace startjoin::testing {
namespace {

using namespace std::chrono_literals;

class Lifecycle : public ReferenceTest {};

// The kind of the process_error `operation` throws, or nullopt if it throws nothing.
std::optional<error_kind> error_of(const std::function<void()>& operation) {
    try {
        operation();
    } catch (const process_error& error) {
        return error.kind();
    }
    return std::nullopt;
}

std::string message_of(const std::function<void()>& operation) {
    try {
        operation();
    } catch (const process_error& error) {
        return error.what();
    }
    return {};
}

// Every operation but close(), as (name, call) pairs.
std::vector<std::pair<std::string, std::function<void()>>> operations(Process& process) {
    return {
        {"start", [&] { process.start(); }},
        {"join", [&] { process.join(); }},
        {"join(timeout)", [&] { process.join(0s); }},
        {"is_alive", [&] { process.is_alive(); }},
        {"exitcode", [&] { process.exitcode(); }},
        {"pid", [&] { process.pid(); }},
        {"terminate", [&] { process.terminate(); }},
        {"kill", [&] { process.kill(); }},
        {"name", [&] { process.name(); }},
        {"set_name", [&] { process.set_name("renamed"); }},
        {"daemon", [&] { process.daemon(); }},
        {"set_daemon", [&] { process.set_daemon(true); }},
    };
}

TEST_F(Lifecycle, ErrorKindsHaveTheProtocolsNames) {
    EXPECT_STREQ(to_string(error_kind::invalid_state), "invalid_state");
    EXPECT_STREQ(to_string(error_kind::closed), "closed");
    EXPECT_STREQ(to_string(error_kind::system), "system");
}

TEST_F(Lifecycle, BeforeStartNothingIsObservableAndWaitingIsInvalid) {
    Process process([] {});
    EXPECT_FALSE(process.is_alive());
    EXPECT_EQ(process.exitcode(), std::nullopt);
    EXPECT_EQ(process.pid(), std::nullopt);
    EXPECT_EQ(error_of([&] { process.join(); }), error_kind::invalid_state);
    EXPECT_EQ(error_of([&] { process.join(1s); }), error_kind::invalid_state);
    EXPECT_EQ(error_of([&] { process.terminate(); }), error_kind::invalid_state);
    EXPECT_EQ(error_of([&] { process.kill(); }), error_kind::invalid_state);
    EXPECT_NE(message_of([&] { process.join(); }).find(process.name() + " (not started)"),
              std::string::npos);
}

TEST_F(Lifecycle, StartTwiceIsInvalidStateAndForksOnlyOnce) {
    pipe_pair starts;
    Process process([&starts] { write_all(starts.write.get(), "started;"); });
    process.start();
    const std::string message = message_of([&] { process.start(); });
    EXPECT_EQ(error_of([&] { process.start(); }), error_kind::invalid_state);
    process.join();
    EXPECT_EQ(process.exitcode(), 0);
    // Every child that ran wrote once; EOF comes when all of them (and we) closed the pipe.
    starts.write.reset();
    EXPECT_EQ(read_all(starts.read.get()), "started;");
    EXPECT_NE(message.find(process.name()), std::string::npos) << message;
    EXPECT_NE(message.find("pid " + std::to_string(*process.pid())), std::string::npos) << message;
}

TEST_F(Lifecycle, DefaultNamesAreNumbered) {
    Process first([] {});
    Process second([] {});
    ASSERT_EQ(first.name().rfind("Process-", 0), 0u) << first.name();
    const int number = std::stoi(first.name().substr(8));
    EXPECT_GE(number, 1);
    EXPECT_EQ(second.name(), "Process-" + std::to_string(number + 1));
    second.set_name("worker");
    EXPECT_EQ(second.name(), "worker");
}

TEST_F(Lifecycle, DaemonIsSettableOnlyBeforeStart) {
    gate release;
    Process process([&release] { release.pass(); });
    EXPECT_FALSE(process.daemon());
    process.set_daemon(true);
    EXPECT_TRUE(process.daemon());
    process.set_daemon(false);
    process.start();
    EXPECT_EQ(error_of([&] { process.set_daemon(true); }), error_kind::invalid_state);
    EXPECT_FALSE(process.daemon());
    release.open();
    process.join();
}

TEST_F(Lifecycle, CloseWhileRunningIsInvalidState) {
    gate release;
    Process process([&release] { release.pass(); });
    process.start();
    EXPECT_EQ(error_of([&] { process.close(); }), error_kind::invalid_state);
    EXPECT_TRUE(process.is_alive());  // The failed close() released nothing.
    release.open();
    process.join();
    process.close();
}

TEST_F(Lifecycle, AfterCloseEveryOperationIsClosedAndCloseIsIdempotent) {
    Process process([] {});
    process.start();
    process.join();
    process.close();
    for (auto& [name, operation] : operations(process)) {
        EXPECT_EQ(error_of(operation), error_kind::closed) << name;
    }
    EXPECT_EQ(error_of([&] { process.close(); }), std::nullopt);
    EXPECT_EQ(error_of([&] { process.close(); }), std::nullopt);
}

TEST_F(Lifecycle, CloseAfterExitWithoutJoinReapsFirst) {
    Process process([] {});
    process.start();
    const pid_t pid = *process.pid();
    siginfo_t info{};
    ASSERT_EQ(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT), 0);
    EXPECT_EQ(error_of([&] { process.close(); }), std::nullopt);
    // TearDown checks that no zombie is left.
}

TEST_F(Lifecycle, CloseBeforeStartThenStartIsClosed) {
    Process process([] {});
    process.close();
    EXPECT_EQ(error_of([&] { process.start(); }), error_kind::closed);
}

TEST_F(Lifecycle, SignalsAfterTerminationAreSilentNoOps) {
    Process process([] { exit_target(2); });
    process.start();
    process.join();
    EXPECT_EQ(error_of([&] { process.terminate(); }), std::nullopt);
    EXPECT_EQ(error_of([&] { process.kill(); }), std::nullopt);
    EXPECT_EQ(process.exitcode(), 2);
}

TEST_F(Lifecycle, MovedFromObjectIsInvalidEverywhere) {
    Process original([] { exit_target(8); });
    Process moved(std::move(original));
    for (auto& [name, operation] : operations(original)) {  // NOLINT(bugprone-use-after-move)
        EXPECT_EQ(error_of(operation), error_kind::invalid_state) << name;
    }
    EXPECT_EQ(error_of([&] { original.close(); }), error_kind::invalid_state);
    EXPECT_NE(message_of([&] { original.join(); }).find("moved-from"), std::string::npos);

    moved.start();
    moved.join();
    EXPECT_EQ(moved.exitcode(), 8);
}

TEST_F(Lifecycle, MoveAssignmentJoinsThePreviousChild) {
    gate release;
    pipe_pair report;
    Process target([&] {
        release.pass();
        write_all(report.write.get(), "finished");
    });
    target.start();
    const pid_t previous = *target.pid();
    release.open();
    target = Process([] { exit_target(1); });  // Joins the previous child, like std::jthread.

    int status = 0;
    errno = 0;
    EXPECT_EQ(::waitpid(previous, &status, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD) << "the previous child was not reaped";
    report.write.reset();
    EXPECT_EQ(read_all(report.read.get()), "finished") << "the previous child was not joined";

    Process& alias = target;
    target = std::move(alias);  // Self-move leaves the object as it was.
    target.start();
    target.join();
    EXPECT_EQ(target.exitcode(), 1);
}

TEST_F(Lifecycle, DestructorJoinsANonDaemonChild) {
    gate release;
    pipe_pair report;
    pid_t pid = -1;
    {
        Process process([&] {
            release.pass();
            write_all(report.write.get(), "finished");
        });
        process.start();
        pid = *process.pid();
        release.open();
    }
    int status = 0;
    errno = 0;
    EXPECT_EQ(::waitpid(pid, &status, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
    report.write.reset();
    EXPECT_EQ(read_all(report.read.get()), "finished");
}

TEST_F(Lifecycle, DestructorTerminatesADaemonChild) {
    gate never;
    auto process = std::make_unique<Process>([&never] { never.pass(); });
    process->set_daemon(true);
    process->start();
    const pid_t pid = *process->pid();
    // Destroy on another thread so a destructor that joins without terminating fails the test
    // instead of hanging it.
    auto destroyed = std::async(std::launch::async, [&process] { process.reset(); });
    const bool returned = destroyed.wait_for(scaled(30s)) == std::future_status::ready;
    if (!returned) never.open();
    destroyed.get();
    EXPECT_TRUE(returned) << "the destructor did not terminate the daemon child";
    int status = 0;
    errno = 0;
    EXPECT_EQ(::waitpid(pid, &status, WNOHANG), -1);
    EXPECT_EQ(errno, ECHILD);
}

TEST_F(Lifecycle, ChildCannotUseItsCopyOfTheProcess) {
    Process* self = nullptr;
    Process process([&self] {
        // start() held this copy's mutex across fork; locking it here would deadlock.
        const auto kind = error_of([&] { self->is_alive(); });
        exit_target(kind == error_kind::invalid_state ? 17 : 18);
    });
    self = &process;
    process.start();
    const bool joined = process.join(scaled(30s));
    if (!joined) process.kill();  // The child deadlocked; end it so the test fails, not hangs.
    process.join();
    EXPECT_TRUE(joined);
    EXPECT_EQ(process.exitcode(), 17);
}

TEST_F(Lifecycle, DestructorOfUnstartedOrClosedProcessDoesNothing) {
    {
        Process unstarted([] {});
    }
    {
        Process closed([] {});
        closed.start();
        closed.join();
        closed.close();
    }
    SUCCEED();
}

}  // namespace
}  // namespace startjoin::testing
