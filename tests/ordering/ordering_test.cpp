// The ordering checker on hand-written histories: correct ones pass, and each rule finds its
// violation, naming the two entries and the clause.
#include "ordering.hpp"

#include <gtest/gtest.h>

namespace startjoin::conformance {
namespace {

using nlohmann::json;
namespace step = protocol::step;
using history = std::vector<history_entry>;

history_entry event(const std::string& from, const std::string& name, json extra = json::object()) {
    extra["from"] = from;
    extra["event"] = name;
    return {history_entry::kind::trace, from, name, extra};
}

// The return of `operation` ("join(p1)"), with its value if it has one.
history_entry returned(const std::string& operation, json value = json()) {
    json data = {{"id", 1}, {"ok", true}};
    if (!value.is_null()) data["value"] = std::move(value);
    return {history_entry::kind::returned, "parent", operation, data};
}

history_entry failed(const std::string& operation, const std::string& kind) {
    return {history_entry::kind::returned,
            "parent",
            operation,
            {{"id", 1}, {"ok", false}, {"kind", kind}}};
}

history_entry released(const std::string& gate) {
    return {history_entry::kind::released, "runner", gate, {{"gate", gate}, {"count", 1}}};
}

// The one violation `entries` has, or a failure naming what was found.
ordering_violation only_violation(const history& entries,
                                  const std::map<std::string, protocol::script>& scripts = {}) {
    const auto found = check_ordering(entries, scripts);
    EXPECT_EQ(found.size(), 1u) << explain(found);
    return found.empty() ? ordering_violation{} : found.front();
}

TEST(OrderingChecker, ACorrectHistoryPasses) {
    const history entries = {
        returned("create(p1)"),
        returned("start(p1)"),
        event("p1", "began"),
        returned("is_alive(p1)", true),
        released("go"),
        event("p1", "released"),
        returned("join(p1)"),
        returned("is_alive(p1)", false),
        returned("exitcode(p1)", 0),
        returned("join(p1)", true),
        returned("exitcode(p1)", 0),
    };
    const std::map<std::string, protocol::script> scripts = {
        {"p1", {step::trace{"began"}, step::wait{"go"}, step::trace{"released"}}}};
    const auto found = check_ordering(entries, scripts);
    EXPECT_TRUE(found.empty()) << explain(found);
}

TEST(OrderingChecker, AnEventAfterJoinReturnedBreaksJoinAfterExit) {
    const history entries = {returned("create(p1)"), returned("start(p1)"), returned("join(p1)"),
                             event("p1", "last-step")};
    const ordering_violation v = only_violation(entries);
    EXPECT_EQ(v.clause, "join.after-exit");
    EXPECT_EQ(v.earlier, 2u);
    EXPECT_EQ(v.later, 3u);
    // Plain words naming both entries as the transcript numbers them, and the rule.
    EXPECT_NE(v.sentence.find("entry 4 `p1: last-step`"), std::string::npos) << v.sentence;
    EXPECT_NE(v.sentence.find("entry 3 `parent: join(p1) returned`"), std::string::npos)
        << v.sentence;
    EXPECT_NE(v.sentence.find("join() returns only after the child has terminated"),
              std::string::npos);
    const std::string message = explain({v});
    EXPECT_NE(message.find("[join.after-exit]"), std::string::npos) << message;
}

TEST(OrderingChecker, EachWayOfObservingTheEndCitesItsOwnClause) {
    const std::vector<std::pair<history_entry, std::string>> ends = {
        {returned("join(p1)", true), "join-timeout.expires"},
        {returned("is_alive(p1)", false), "alive.running"},
        {returned("exitcode(p1)", 3), "exitcode.absent"},
        {returned("join_threads(p1)", json::array({3, 3})), "join.threads"},
    };
    for (const auto& [end, clause] : ends) {
        const history entries = {returned("start(p1)"), end, event("p1", "still-running")};
        EXPECT_EQ(only_violation(entries).clause, clause) << end.describe();
    }
}

TEST(OrderingChecker, IsAliveFalseBeforeStartShowsNoEnd) {
    const history entries = {returned("create(p1)"), returned("is_alive(p1)", false),
                             returned("start(p1)"), event("p1", "ran"), returned("join(p1)")};
    EXPECT_TRUE(check_ordering(entries).empty());
}

TEST(OrderingChecker, FailedOperationsShowNothing) {
    const history entries = {returned("create(p1)"), failed("join(p1)", "invalid_state"),
                             returned("start(p1)"), event("p1", "ran"), returned("join(p1)")};
    EXPECT_TRUE(check_ordering(entries).empty());
}

TEST(OrderingChecker, AnObservedEndStaysObserved) {
    struct example {
        history entries;
        std::string clause;
    };
    const std::vector<example> examples = {
        {{returned("start(p1)"), returned("join(p1)"), returned("is_alive(p1)", true)},
         "join.state"},
        {{returned("start(p1)"), returned("join(p1)"), returned("exitcode(p1)")}, "join.state"},
        {{returned("start(p1)"), returned("join(p1)", true), returned("is_alive(p1)", true)},
         "alive.after-exit"},
        {{returned("start(p1)"), returned("join(p1)", true), returned("exitcode(p1)")},
         "join-timeout.prompt"},
        {{returned("start(p1)"), returned("is_alive(p1)", false), returned("exitcode(p1)")},
         "alive.after-exit"},
        {{returned("start(p1)"), returned("exitcode(p1)", 3), returned("exitcode(p1)", 4)},
         "exitcode.stable"},
        {{returned("start(p1)"), returned("exitcode(p1)", 3), returned("exitcode(p1)")},
         "exitcode.stable"},
        {{returned("start(p1)"), returned("join(p1)"), returned("join(p1)", false)},
         "join-timeout.prompt"},
    };
    for (const example& each : examples) {
        const ordering_violation v = only_violation(each.entries);
        EXPECT_EQ(v.clause, each.clause) << v.sentence;
        EXPECT_EQ(v.later, 2u) << v.sentence;
    }
}

TEST(OrderingChecker, NestedChildrenFinishBeforeTheirParentRecordsTheirExit) {
    const std::map<std::string, protocol::script> scripts = {
        {"outer", {step::nest{"inner", {step::trace{"inner-done"}}, json::array()}}}};
    const history good = {returned("start(outer)"), event("inner", "inner-done"),
                          event("outer", "nested-exit", {{"process", "inner"}, {"exitcode", 0}}),
                          returned("join(outer)")};
    EXPECT_TRUE(check_ordering(good, scripts).empty());

    const history bad = {returned("start(outer)"),
                         event("outer", "nested-exit", {{"process", "inner"}, {"exitcode", 0}}),
                         event("inner", "inner-done")};
    const ordering_violation v = only_violation(bad, scripts);
    EXPECT_EQ(v.clause, "join.orders-effects");
    EXPECT_NE(v.sentence.find("nested child inner"), std::string::npos) << v.sentence;
}

TEST(OrderingChecker, ANestedHandleTwoScriptsUseIsNotJudged) {
    // Two children each nest an "inner": its events cannot be told apart.
    const std::map<std::string, protocol::script> scripts = {
        {"a", {step::nest{"inner", {step::trace{"x"}}, json::array()}}},
        {"b", {step::nest{"inner", {step::trace{"x"}}, json::array()}}}};
    const history entries = {
        returned("start(a)"), returned("start(b)"),
        event("inner", "x"),  event("a", "nested-exit", {{"process", "inner"}, {"exitcode", 0}}),
        event("inner", "x"),  event("b", "nested-exit", {{"process", "inner"}, {"exitcode", 0}})};
    EXPECT_TRUE(check_ordering(entries, scripts).empty());
}

TEST(OrderingChecker, AnEventAfterAGateBeforeItsReleaseIsTheDriversFault) {
    const std::map<std::string, protocol::script> scripts = {
        {"p1", {step::wait{"go"}, step::trace{"passed"}}}};
    const history entries = {returned("start(p1)"), event("p1", "passed"), released("go"),
                             returned("join(p1)")};
    const ordering_violation v = only_violation(entries, scripts);
    EXPECT_EQ(v.clause, "protocol.gates");
    EXPECT_NE(v.sentence.find("`wait go`"), std::string::npos) << v.sentence;
}

TEST(OrderingChecker, StartThatReturnsOnlyAfterAGatedEventBreaksStartReturns) {
    // start() came back after the child had passed a gate the runner had not opened yet: start()
    // waited for its child.
    const std::map<std::string, protocol::script> scripts = {
        {"p1", {step::trace{"began"}, step::wait{"hold"}, step::trace{"released"}}}};
    const history entries = {returned("create(p1)"), event("p1", "began"), event("p1", "released"),
                             returned("start(p1)"),  released("hold"),     returned("join(p1)")};
    const ordering_violation v = only_violation(entries, scripts);
    EXPECT_EQ(v.clause, "start.returns");
    EXPECT_EQ(v.earlier, 2u);
    EXPECT_EQ(v.later, 3u);
}

TEST(OrderingChecker, AGateReleasedBeforeStartLetsTheChildRunOnAtOnce) {
    const std::map<std::string, protocol::script> scripts = {
        {"p1", {step::wait{"go"}, step::trace{"passed"}}}};
    const history entries = {returned("create(p1)"), released("go"), event("p1", "passed"),
                             returned("start(p1)"), returned("join(p1)")};
    EXPECT_TRUE(check_ordering(entries, scripts).empty());
}

TEST(OrderingChecker, RepeatedEventsAreMatchedToTheirStepInOrder) {
    const std::map<std::string, protocol::script> scripts = {
        {"p1", {step::trace{"x"}, step::wait{"go"}, step::trace{"x"}}}};
    const history good = {returned("start(p1)"), event("p1", "x"), released("go"), event("p1", "x"),
                          returned("join(p1)")};
    EXPECT_TRUE(check_ordering(good, scripts).empty());
    const history bad = {returned("start(p1)"), event("p1", "x"), event("p1", "x"), released("go"),
                         returned("join(p1)")};
    EXPECT_EQ(only_violation(bad, scripts).earlier, 2u);  // the second x, before the release
}

TEST(OrderingChecker, ReportsEachRuleOncePerProcess) {
    const history entries = {returned("start(p1)"), returned("start(p2)"), returned("join(p1)"),
                             returned("join(p2)"),  event("p1", "a"),      event("p1", "b"),
                             event("p2", "a")};
    const auto found = check_ordering(entries);
    ASSERT_EQ(found.size(), 2u) << explain(found);
    EXPECT_EQ(found[0].later, 4u);
    EXPECT_EQ(found[1].later, 6u);
}

TEST(OrderingChecker, ParentEventsAreNotAChildsSteps) {
    const history entries = {returned("start(p1)"), returned("join(p1)"), event("parent", "after"),
                             returned("trace()")};
    EXPECT_TRUE(check_ordering(entries).empty());
}

}  // namespace
}  // namespace startjoin::conformance
