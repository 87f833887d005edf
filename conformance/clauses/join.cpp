// spec/start-join.md, "join()".
#include "fixture.hpp"
#include "observations.hpp"

namespace startjoin::conformance {
namespace {

using namespace protocol;
using Join = conformance_test;

STARTJOIN_TEST(Join, BlocksUntilChildHasEnded, "join.after-exit") {
    session& s = driver();
    const std::string child = s.create({step::wait{"finish"}, step::trace{"last-step"}});
    s.start(child);
    const held_join join = join_releasing(s, child, "finish");
    EXPECT_FALSE(join.returned_while_held)
        << "join() returned while the child was still held on its gate\n"
        << s.transcript();

    const auto last_step = s.find_event(child, "last-step");
    const auto returned = s.find_return("join(" + child + ")");
    ASSERT_TRUE(last_step.has_value())
        << "the child's last step is not recorded before join() returned\n"
        << s.transcript();
    EXPECT_LT(*last_step, *returned) << "join() returned before the child's last step\n"
                                     << s.transcript();
    EXPECT_FALSE(s.is_alive(child)) << "is_alive() is true after join() returned";
    EXPECT_EQ(s.exitcode(child), 0) << s.transcript();
}

STARTJOIN_TEST(Join, BeforeStartIsInvalidState, "join.before-start") {
    session& s = driver();
    const std::string child = s.create({step::trace{"ran"}});
    const reply early = s.call({{"op", "join"}, {"process", child}});
    EXPECT_FALSE(early.ok) << "join() before start() succeeded\n" << s.transcript();
    EXPECT_EQ(early.error_kind, "invalid_state")
        << "join() before start() must fail with invalid_state; it said: " << early.error_message;
    EXPECT_FALSE(s.find_event(child, "ran").has_value()) << "the target ran without start()\n"
                                                         << s.transcript();
}

STARTJOIN_TEST(Join, RepeatsWithTheSameResult, "join.repeatable") {
    session& s = driver();
    const std::string child = s.create({step::exit{7}});
    s.start(child);
    for (int round = 1; round <= 3; ++round) {
        s.join(child);
        EXPECT_EQ(s.exitcode(child), 7) << "after join() number " << round << "\n"
                                        << s.transcript();
        EXPECT_FALSE(s.is_alive(child)) << "after join() number " << round;
    }
}

// join() from several threads of the parent at once: all block while the child is held, all
// return once it has ended, and all see the same exit code.
STARTJOIN_TEST(Join, FromSeveralThreadsAtOnce, "join.threads") {
    session& s = driver();
    if (!s.hello().supports("join_threads")) GTEST_SKIP() << "needs driver feature join_threads";
    constexpr int threads = 8;
    const std::string child = s.create({step::wait{"finish"}, step::exit{5}});
    s.start(child);
    const auto id = s.send({{"op", "join_threads"}, {"process", child}, {"threads", threads}});
    EXPECT_FALSE(s.reply_within_window(id).has_value())
        << "join() returned in some thread while the child was held on its gate\n"
        << s.transcript();
    s.release("finish");
    const reply joined = s.await(id);
    ASSERT_TRUE(joined.ok) << joined.error_kind << ": " << joined.error_message;
    EXPECT_EQ(joined.value, nlohmann::json(std::vector<int>(threads, 5)))
        << "every thread must see exit code 5\n"
        << s.transcript();
}

}  // namespace
}  // namespace startjoin::conformance
