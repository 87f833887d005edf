// spec/start-join.md, "Hygiene": what a start/join cycle leaves behind in the parent.
#include "errors.hpp"
#include "fixture.hpp"

namespace startjoin::conformance {
namespace {

using namespace protocol;
using Hygiene = conformance_test;

STARTJOIN_TEST(Hygiene, NoZombieRemainsAfterJoin, "hygiene.no-zombie") {
    session& s = driver();
    if (!s.hello().supports("zombies")) GTEST_SKIP() << "needs driver feature zombies";
    std::vector<std::string> children;
    for (const int code : {0, 3}) children.push_back(s.create({step::exit{code}}));
    children.push_back(s.create({step::signal{9}}));
    for (const std::string& child : children) s.start(child);
    for (const std::string& child : children) s.join(child);
    const reply zombies = s.call({{"op", "zombies"}});
    ASSERT_TRUE(zombies.ok) << zombies.error_message;
    EXPECT_EQ(zombies.value, nlohmann::json::array()) << "pids of unreaped children after join()\n"
                                                      << s.transcript();
}

// A cycle is what user code does: create, start, join, and end the object's life. The driver
// keeps every object, so the end of its life is close() where the driver has it (a joined
// object may keep a handle on its child until then, as CPython's sentinel does), else `drop`,
// the driver letting go of the object (CPython 3.6 has no close()). One cycle
// comes first, so descriptors an implementation opens once and keeps (a /dev/null handle) do
// not count; after it every cycle must give back what it took.
STARTJOIN_TEST(Hygiene, StartJoinLeaksNoDescriptor, "hygiene.no-fd-leak", "close.releases") {
    session& s = driver();
    if (!s.hello().supports("count_fds")) GTEST_SKIP() << "needs driver feature count_fds";
    const bool can_close = s.hello().supports("close"), can_drop = s.hello().supports("drop");
    const auto cycle = [&s, can_close, can_drop] {
        const std::string child = s.create({step::print{"cycle"}});
        s.start(child);
        s.join(child);
        if (can_close) {
            s.require({{"op", "close"}, {"process", child}});
        } else if (can_drop) {
            s.require({{"op", "drop"}, {"process", child}});
        }
    };
    const auto count = [&s] {
        const reply answer = s.call({{"op", "count_fds"}});
        if (!answer.ok || !answer.value.is_number_integer()) {
            throw operation_refused("count_fds must return an integer, got " + answer.value.dump());
        }
        return answer.value.get<int>();
    };
    cycle();
    const int before = count();
    for (int i = 0; i < 5; ++i) cycle();
    EXPECT_EQ(count(), before) << "descriptors open in the parent after 5 more start/join cycles\n"
                               << s.transcript();
}

}  // namespace
}  // namespace startjoin::conformance
