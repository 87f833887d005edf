// "join() with a timeout": random timeouts, zero and negative ones included, against children
// that are held on a gate, that have ended, or that end during the wait. join(timeout) returns
// within its bound ("Tolerances") and reports the right state.
#include <fmt/format.h>

#include "harness.hpp"
#include "observations.hpp"
#include "scenario_text.hpp"

namespace startjoin::conformance::properties {
namespace {

using nlohmann::json;
namespace step = protocol::step;

struct timed_child {
    enum class state {
        held,      // waits on its gate during the join: false, after the timeout
        joined,    // ended and joined before: true at once, whatever the timeout
        ended,     // ended on its own, not joined: true promptly (timeouts of 1 s or more only)
        released,  // its gate is released just before the join: true promptly (likewise)
    } what = state::held;
    double timeout = 0;
    int code = 0;

    bool must_return_true() const { return what != state::held; }
    bool waits() const { return what == state::held || what == state::released; }
    protocol::script script(const std::string& gate) const {
        if (waits()) return {step::wait{gate}, step::exit{code}};
        return {step::exit{code}};
    }
};

struct timeouts_case {
    std::vector<timed_child> children;
};

std::vector<std::string> scenario_of(const timeouts_case& c) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < c.children.size(); ++i) {
        lines.push_back(process_line(fmt::format("p{}", i + 1),
                                     c.children[i].script(fmt::format("g{}", i + 1))));
    }
    for (std::size_t i = 0; i < c.children.size(); ++i)
        lines.push_back(fmt::format("start p{}", i + 1));
    for (std::size_t i = 0; i < c.children.size(); ++i) {
        const timed_child& child = c.children[i];
        const std::string p = fmt::format("p{}", i + 1);
        if (child.what == timed_child::state::joined) lines.push_back("join " + p);
        if (child.what == timed_child::state::released)
            lines.push_back(fmt::format("release g{}", i + 1));
        lines.push_back(fmt::format("join {} timeout {} {}", p, child.timeout,
                                    result_text(child.must_return_true())));
        if (child.what == timed_child::state::held) {
            lines.push_back(fmt::format("is_alive {} => true", p));
            lines.push_back(fmt::format("exitcode {} => none", p));
            lines.push_back(fmt::format("release g{}", i + 1));
            lines.push_back("join " + p);
        }
        lines.push_back(fmt::format("exitcode {} {}", p, result_text(child.code)));
    }
    return lines;
}

void showValue(const timeouts_case& c, std::ostream& os) {
    for (const std::string& line : scenario_of(c)) os << line << '\n';
}

// Timeouts a held child is joined with: negative, zero, and short positive ones (each is waited
// out, so they stay short; a few reach 20 ms).
rc::Gen<double> short_timeout() {
    return rc::gen::weightedOneOf<double>({
        {2, rc::gen::elementOf(std::vector<double>{-1e9, -1, -0.001})},
        {2, rc::gen::just(0.0)},
        {5, rc::gen::map(rc::gen::inRange(1, 51), [](int n) { return n * 0.0001; })},
        {1, rc::gen::map(rc::gen::inRange(5, 21), [](int n) { return n * 0.001; })},
    });
}

// Timeouts for a child that has ended or ends now: however large, join returns promptly. Some
// overflow a 32-bit count of milliseconds, or a double's exact integers.
rc::Gen<double> long_timeout() {
    return rc::gen::elementOf(std::vector<double>{1, 2.5, 30, 3600, 1e7, 1e10, 1e300});
}

rc::Gen<timed_child> timed_children() {
    using state = timed_child::state;
    const auto code = rc::gen::inRange(0, 256);
    const auto make = [](state what) {
        return [what](const std::tuple<double, int>& parts) {
            return timed_child{what, std::get<0>(parts), std::get<1>(parts)};
        };
    };
    return rc::gen::weightedOneOf<timed_child>({
        {4, rc::gen::map(rc::gen::tuple(short_timeout(), code), make(state::held))},
        {2, rc::gen::map(rc::gen::tuple(rc::gen::oneOf(short_timeout(), long_timeout()), code),
                         make(state::joined))},
        {2, rc::gen::map(rc::gen::tuple(long_timeout(), code), make(state::ended))},
        {2, rc::gen::map(rc::gen::tuple(long_timeout(), code), make(state::released))},
    });
}

rc::Gen<timeouts_case> timeouts_cases() {
    return rc::gen::map(
        rc::gen::resize(
            4, rc::gen::nonEmpty(rc::gen::container<std::vector<timed_child>>(timed_children()))),
        [](std::vector<timed_child> children) { return timeouts_case{std::move(children)}; });
}

using Property = property_test;

STARTJOIN_TEST(Property, JoinTimeoutReturnsInTimeWithTheRightState, "join-timeout.expires",
               "join-timeout.prompt", "join-timeout.poll") {
    if (!hello().supports("join_timeout")) GTEST_SKIP() << "needs driver feature join_timeout";
    check_property(
        "join-timeout.expires", timeouts_cases(), [](case_context& c, const timeouts_case& t) {
            c.scenario = scenario_of(t);
            session& s = c.driver;
            std::vector<std::string> handles;
            for (std::size_t i = 0; i < t.children.size(); ++i) {
                handles.push_back(s.create(t.children[i].script(fmt::format("g{}", i + 1)),
                                           json::array(), {.handle = fmt::format("p{}", i + 1)}));
            }
            for (const std::string& handle : handles) s.start(handle);
            const seconds tolerance = timeouts::join_timeout_tolerance();
            for (std::size_t i = 0; i < t.children.size(); ++i) {
                const timed_child& child = t.children[i];
                const std::string& p = handles[i];
                const std::string shown =
                    fmt::format("join(p{}, timeout={})", i + 1, child.timeout);
                const std::string gate = fmt::format("g{}", i + 1);
                if (child.what == timed_child::state::joined) s.join(p);
                if (child.what == timed_child::state::released) s.release(gate);

                // The bound: for a held child, the timeout (if positive) plus the tolerance; for
                // one that has ended or ends now, the tolerance after its end, however large the
                // timeout.
                const bool held = child.what == timed_child::state::held;
                const join_timing seen = join_with_timeout(s, p, child.timeout, !held);
                const std::optional<reply>& answer = seen.answer;
                const seconds took = seen.took;
                if (!answer) {
                    throw case_failed(
                        held ? "join-timeout.expires" : "join-timeout.prompt",
                        fmt::format("{} did not return within {}", shown, seen.bound));
                }
                expect_ok(*answer,
                          held ? (child.timeout > 0 ? "join-timeout.expires" : "join-timeout.poll")
                               : "join-timeout.prompt",
                          shown);
                if (answer->value != json(!held)) {
                    throw case_failed(
                        held ? (child.timeout > 0 ? "join-timeout.expires" : "join-timeout.poll")
                             : "join-timeout.prompt",
                        fmt::format("{} returned {}; the child {}, so it must return {}", shown,
                                    answer->value.dump(),
                                    held ? "is held on its gate" : "has ended or is ending",
                                    !held));
                }
                if (held && child.timeout > 0 && took.count() < child.timeout) {
                    throw case_failed(
                        "join-timeout.expires",
                        fmt::format("{} returned false after {:.6f}s, before its timeout", shown,
                                    took.count()));
                }
                if (held) {
                    if (!s.is_alive(p)) {
                        throw case_failed(
                            "join-timeout.expires",
                            fmt::format("is_alive(p{}) is false after {} gave up; the child "
                                        "is still held on its gate",
                                        i + 1, shown));
                    }
                    if (const auto code = s.exitcode(p)) {
                        throw case_failed(
                            "join-timeout.expires",
                            fmt::format("exitcode(p{}) is {} after {} gave up; the child is "
                                        "still held on its gate",
                                        i + 1, *code, shown));
                    }
                    s.release(gate);
                    s.join(p);
                }
                const std::optional<int> code = s.exitcode(p);
                if (code != child.code) {
                    throw case_failed(
                        held ? "join.state" : "join-timeout.prompt",
                        fmt::format("exitcode(p{}) is {} after the child ended with {}", i + 1,
                                    code ? std::to_string(*code) : "none", child.code));
                }
            }
        });
}

}  // namespace
}  // namespace startjoin::conformance::properties
