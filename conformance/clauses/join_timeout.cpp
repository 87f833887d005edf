// spec/start-join.md, "join with timeout".
#include <fmt/format.h>

#include "fixture.hpp"

namespace startjoin::conformance {
namespace {

using namespace protocol;
using JoinTimeout = conformance_test;

// The one check of the suite that is about time: join(timeout) must give up by its timeout
// plus the stated tolerance while the child is held, and then leave the child running.
STARTJOIN_TEST(JoinTimeout, GivesUpWithinItsTimeoutWhileTheChildRuns, "join-timeout.expires") {
    session& s = driver();
    if (!s.hello().supports("join_timeout")) GTEST_SKIP() << "needs driver feature join_timeout";
    const std::string child = s.create({step::wait{"finish"}});
    s.start(child);
    constexpr double timeout = 0.2;
    const auto id = s.send({{"op", "join"}, {"process", child}, {"timeout", timeout}});
    const seconds bound = seconds(timeout) + timeouts::join_timeout_tolerance();
    const std::optional<reply> answer = s.await_within(id, bound);
    ASSERT_TRUE(answer.has_value()) << fmt::format(
        "join(timeout={}) did not return within {:.2f}s while the child was held\n{}", timeout,
        bound.count(), s.transcript());
    ASSERT_TRUE(answer->ok) << answer->error_kind << ": " << answer->error_message;
    EXPECT_EQ(answer->value, false)
        << "join(timeout) must report that the child has not terminated";
    EXPECT_TRUE(s.is_alive(child)) << s.transcript();
    EXPECT_EQ(s.exitcode(child), std::nullopt) << s.transcript();
    s.release("finish");
    s.join(child);
    EXPECT_EQ(s.exitcode(child), 0);
}

}  // namespace
}  // namespace startjoin::conformance
