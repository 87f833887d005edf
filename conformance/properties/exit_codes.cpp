// "Exit codes": every explicit exit code, and death by every signal of a fixed set, reported in
// the spec's encoding, for children that end together and are joined in any order.
#include <fmt/format.h>

#include <csignal>

#include "generators.hpp"
#include "harness.hpp"
#include "scenario_text.hpp"
#include "shell_status.hpp"

namespace startjoin::conformance::properties {
namespace {

using nlohmann::json;
namespace step = protocol::step;

// How a child ends, and the exit code that must be reported for it.
struct ending {
    enum class kind { exit, returns, raise, self_signal, terminated, killed } how = kind::exit;
    int number = 0;     // exit: the code; self_signal: the signal
    bool busy = false;  // terminated, killed: computing (busy) rather than blocked (hang)

    int code() const {
        switch (how) {
            case kind::exit:
                return number;
            case kind::returns:
                return 0;
            case kind::raise:
                return 1;
            case kind::self_signal:
                return -number;
            case kind::terminated:
                return -SIGTERM;
            case kind::killed:
                return -SIGKILL;
        }
        return 0;
    }

    protocol::script script() const {
        switch (how) {
            case kind::exit:
                return {step::exit{number}, step::trace{"after-end"}};
            case kind::returns:
                return {step::trace{"returning"}};
            case kind::raise:
                return {step::raise{"property-error"}, step::trace{"after-end"}};
            case kind::self_signal:
                return {step::signal{number}, step::trace{"after-end"}};
            case kind::terminated:
            case kind::killed:
                return {busy ? protocol::any_step(step::busy{}) : protocol::any_step(step::hang{})};
        }
        return {};
    }

    // The parent's operation that ends the child, if any.
    const char* operation() const {
        return how == kind::terminated ? "terminate" : how == kind::killed ? "kill" : nullptr;
    }
};

// Signals whose default action ends the process: catchable ones and SIGKILL, which cannot be
// caught. Left out: signals that dump core (where core dumps go to a collector, each would cost
// far more than the rest of the suite), and SIGPIPE, which language runtimes ignore on purpose
// (CPython does at startup, and its children inherit that), so a child that sends it to itself
// lives on, which the spec allows.
const std::vector<int> fatal_signals = {SIGHUP,  SIGINT,  SIGKILL,   SIGUSR1, SIGUSR2,
                                        SIGALRM, SIGTERM, SIGVTALRM, SIGPROF};

struct endings_case {
    std::vector<ending> children;
    std::vector<std::size_t> join_order;
};

std::vector<std::string> scenario_of(const endings_case& c) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < c.children.size(); ++i) {
        lines.push_back(process_line(fmt::format("p{}", i + 1), c.children[i].script()));
    }
    for (std::size_t i = 0; i < c.children.size(); ++i)
        lines.push_back(fmt::format("start p{}", i + 1));
    for (std::size_t i = 0; i < c.children.size(); ++i) {
        if (const char* op = c.children[i].operation())
            lines.push_back(fmt::format("{} p{}", op, i + 1));
    }
    for (const std::size_t i : c.join_order) {
        lines.push_back(fmt::format("join p{}", i + 1));
        lines.push_back(fmt::format("exitcode p{} {}", i + 1, result_text(c.children[i].code())));
    }
    for (std::size_t i = 0; i < c.children.size(); ++i) {
        if (c.children[i].script().size() > 1)
            lines.push_back(fmt::format("no event p{}:after-end", i + 1));
    }
    return lines;
}

void showValue(const endings_case& c, std::ostream& os) {
    for (const std::string& line : scenario_of(c)) os << line << '\n';
}

// Starts every child, ends those the parent ends, joins them in the case's order and checks
// each exit code, and that no step after the end ran.
void run_endings(case_context& c, const endings_case& e, const std::string& clause) {
    c.scenario = scenario_of(e);
    session& s = c.driver;
    std::vector<std::string> handles;
    for (std::size_t i = 0; i < e.children.size(); ++i) {
        handles.push_back(
            s.create(e.children[i].script(), json::array(), {.handle = fmt::format("p{}", i + 1)}));
    }
    for (const std::string& handle : handles) s.start(handle);
    for (std::size_t i = 0; i < e.children.size(); ++i) {
        if (const char* op = e.children[i].operation()) {
            expect_ok(s.call({{"op", op}, {"process", handles[i]}}), "exitcode.external-signal",
                      fmt::format("{}(p{})", op, i + 1));
        }
    }
    for (const std::size_t i : e.join_order) {
        s.join(handles[i]);
        const std::optional<int> code = s.exitcode(handles[i]);
        const ending& child = e.children[i];
        if (code != child.code()) {
            const std::string broken = child.how == ending::kind::exit      ? "exitcode.explicit"
                                       : child.how == ending::kind::returns ? "exitcode.return"
                                       : child.how == ending::kind::raise   ? "exitcode.uncaught"
                                       : child.operation() != nullptr ? "exitcode.external-signal"
                                                                      : "exitcode.signal";
            throw case_failed(broken, fmt::format("exitcode(p{}) is {} after join(); its target "
                                                  "ran `{}`, so it must be {}{}",
                                                  i + 1, code ? std::to_string(*code) : "none",
                                                  steps_text(child.script()), child.code(),
                                                  shell_status_note(code, child.code())));
        }
        if (s.find_event(handles[i], "after-end")) {
            throw case_failed(clause,
                              fmt::format("p{} ran a step after the step that ended it", i + 1));
        }
    }
}

rc::Gen<endings_case> endings_cases(const rc::Gen<ending>& one) {
    return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, 9), [one](std::size_t n) {
        return rc::gen::map(
            rc::gen::tuple(rc::gen::container<std::vector<ending>>(n, one), permutation(n)),
            [](const std::tuple<std::vector<ending>, std::vector<std::size_t>>& parts) {
                return endings_case{std::get<0>(parts), std::get<1>(parts)};
            });
    });
}

rc::Gen<ending> exit_endings() {
    return rc::gen::weightedOneOf<ending>({
        {6, rc::gen::map(rc::gen::inRange(0, 256),
                         [](int n) {
                             return ending{ending::kind::exit, n};
                         })},
        {1, rc::gen::just(ending{ending::kind::returns, 0})},
        {1, rc::gen::just(ending{ending::kind::raise, 0})},
    });
}

rc::Gen<ending> signal_endings(bool terminate, bool kill) {
    const auto external = [](ending::kind how) {
        return rc::gen::map(rc::gen::arbitrary<bool>(), [how](bool busy) {
            return ending{how, 0, busy};
        });
    };
    return rc::gen::weightedOneOf<ending>({
        {4, rc::gen::map(rc::gen::elementOf(fatal_signals),
                         [](int s) {
                             return ending{ending::kind::self_signal, s};
                         })},
        {1, rc::gen::map(rc::gen::inRange(0, 256),
                         [](int n) {
                             return ending{ending::kind::exit, n};
                         })},
        {terminate ? 2u : 0u, external(ending::kind::terminated)},
        {kill ? 2u : 0u, external(ending::kind::killed)},
    });
}

using Property = property_test;

STARTJOIN_TEST(Property, ExitCodesArriveExactly, "exitcode.explicit", "exitcode.return",
               "exitcode.uncaught") {
    // Every code once, one child at a time, then random mixes of children ending together.
    for (int first = 0; first < 256; first += 32) {
        run_fixed_case("exitcode.explicit", [first](case_context& c) {
            endings_case sweep;
            for (int code = first; code < first + 32; ++code) {
                sweep.join_order.push_back(sweep.children.size());
                sweep.children.push_back({ending::kind::exit, code});
            }
            run_endings(c, sweep, "exitcode.explicit");
        });
    }
    check_property(
        "exitcode.explicit", endings_cases(exit_endings()),
        [](case_context& c, const endings_case& e) { run_endings(c, e, "exitcode.explicit"); });
}

STARTJOIN_TEST(Property, SignalsGiveMinusTheSignal, "exitcode.signal", "exitcode.external-signal") {
    if (hello().profile != "process") GTEST_SKIP() << "signals need the process profile";
    const bool terminate = hello().supports("terminate"), kill = hello().supports("kill");
    run_fixed_case("exitcode.signal", [&](case_context& c) {
        endings_case sweep;
        for (const int signal : fatal_signals)
            sweep.children.push_back({ending::kind::self_signal, signal});
        for (const bool busy : {false, true}) {
            if (terminate) sweep.children.push_back({ending::kind::terminated, 0, busy});
            if (kill) sweep.children.push_back({ending::kind::killed, 0, busy});
        }
        for (std::size_t i = 0; i < sweep.children.size(); ++i) sweep.join_order.push_back(i);
        run_endings(c, sweep, "exitcode.signal");
    });
    check_property(
        "exitcode.signal", endings_cases(signal_endings(terminate, kill)),
        [](case_context& c, const endings_case& e) { run_endings(c, e, "exitcode.signal"); });
}

}  // namespace
}  // namespace startjoin::conformance::properties
