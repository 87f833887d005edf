// spec/start-join.md, "start()".
#include "fixture.hpp"

namespace startjoin::conformance {
namespace {

using namespace protocol;
using Start = conformance_test;

// The child is held on a gate that only opens after start() has returned: a start() that
// waits for its target never returns, and the reply deadline reports it.
STARTJOIN_TEST(Start, ReturnsWhileChildIsStillRunning, "start.returns") {
    session& s = driver();
    const std::string child =
        s.create({step::trace{"began"}, step::wait{"hold"}, step::trace{"released"}});
    s.start(child);
    const auto start_returned = s.find_return("start(" + child + ")");
    s.release("hold");
    s.join(child);

    const auto released = s.find_event(child, "released");
    ASSERT_TRUE(released.has_value()) << "the child never ran to its end\n" << s.transcript();
    EXPECT_LT(*start_returned, *released)
        << "start() returned only after the child had passed a gate that opens after start()\n"
        << s.transcript();
    EXPECT_EQ(s.exitcode(child), 0) << s.transcript();
}

STARTJOIN_TEST(Start, SecondCallIsInvalidStateAndCreatesNothing, "start.once") {
    session& s = driver();
    const std::string child = s.create({step::trace{"ran"}, step::wait{"hold"}});
    s.start(child);
    const auto first_pid = s.pid(child);

    const reply second = s.call({{"op", "start"}, {"process", child}});
    EXPECT_FALSE(second.ok) << "a second start() succeeded\n" << s.transcript();
    EXPECT_EQ(second.error_kind, "invalid_state")
        << "a second start() must fail with invalid_state; it said: " << second.error_message;
    EXPECT_EQ(s.pid(child), first_pid) << "the second start() replaced the child";

    // A second process would be held on the gate too; release enough for both, so one that
    // should not exist gets to report itself before join() returns.
    s.release("hold", 2);
    s.join(child);
    s.finish();
    std::size_t runs = 0;
    for (const history_entry& entry : s.history()) {
        runs += entry.type == history_entry::kind::trace && entry.event == "ran";
    }
    EXPECT_EQ(runs, 1u) << "the target ran " << runs << " times\n" << s.transcript();
}

// Every child is held on the same gate until all have reported that they run: an
// implementation that runs children one at a time never gets the second one going.
STARTJOIN_TEST(Start, ManyChildrenRunAtTheSameTime, "start.many") {
    session& s = driver();
    constexpr int children = 8;
    std::vector<std::string> handles;
    for (int i = 0; i < children; ++i) {
        handles.push_back(
            s.create({step::trace{"running"}, step::wait{"all-running"}, step::exit{i}}));
    }
    for (const std::string& child : handles) s.start(child);
    for (const std::string& child : handles) s.wait_for_event(child, "running");
    s.release("all-running", children);
    for (int i = 0; i < children; ++i) {
        s.join(handles[i]);
        EXPECT_EQ(s.exitcode(handles[i]), i) << s.transcript();
    }
}

}  // namespace
}  // namespace startjoin::conformance
