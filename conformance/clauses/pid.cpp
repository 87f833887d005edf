// spec/start-join.md, "pid": what the parent is told must be what the child is.
#include "fixture.hpp"

namespace startjoin::conformance {
namespace {

using namespace protocol;
using Pid = conformance_test;

// The child's own view of its pid and parent pid, from its `report pid` event.
std::pair<long long, long long> reported_pid(session& s, const std::string& child) {
    const nlohmann::json& event = s.history()[s.wait_for_event(child, "pid")].data;
    return {event.value("pid", -1LL), event.value("ppid", -1LL)};
}

STARTJOIN_TEST(Pid, IsTheChildsOwnPid, "pid.child") {
    session& s = driver();
    const std::string child = s.create({step::report_pid{}, step::wait{"finish"}});
    s.start(child);
    const auto [own, parent] = reported_pid(s, child);
    const auto told = s.pid(child);
    ASSERT_TRUE(told.has_value()) << "pid() is absent while the child runs\n" << s.transcript();
    EXPECT_GT(*told, 0);
    EXPECT_EQ(*told, own) << "pid() differs from the pid the child sees\n" << s.transcript();
    EXPECT_NE(own, parent) << s.transcript();
    s.release("finish");
    s.join(child);
    EXPECT_EQ(s.pid(child), told) << "pid() changed once the child ended";
}

// The parent of a child is the program that started it: the driver, and, one level down, the
// child that started a nested child. An implementation that forks from a helper process (a
// fork server) gives its children another parent.
STARTJOIN_TEST(Pid, TheChildsParentIsTheParent, "pid.parent") {
    session& s = driver();
    const bool can_nest = s.hello().supports("nest");
    const bool knows_parent = s.hello().supports("getpid");
    if (!can_nest && !knows_parent) GTEST_SKIP() << "needs driver feature getpid or nest";
    protocol::script steps = {step::report_pid{}};
    if (can_nest)
        steps.push_back(step::nest{"grandchild", {step::report_pid{}}, nlohmann::json::array()});
    const std::string child = s.create(steps);
    s.start(child);
    s.join(child);
    const auto [own, parent] = reported_pid(s, child);
    if (knows_parent) {
        const reply driver_pid = s.require({{"op", "getpid"}});
        EXPECT_EQ(parent, driver_pid.value.get<long long>())
            << "the child's parent pid is not the parent's pid\n"
            << s.transcript();
    }
    if (can_nest) {
        const auto [grandchild, grandchild_parent] = reported_pid(s, "grandchild");
        EXPECT_EQ(grandchild_parent, own)
            << "a nested child's parent pid is not the child that started it\n"
            << s.transcript();
        EXPECT_NE(grandchild, own);
    }
}

}  // namespace
}  // namespace startjoin::conformance
