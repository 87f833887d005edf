// [start.many], [join.any-order], [output.reaches-parent]: up to 32 children run at once, are
// released in one random order and joined in another, and every join reports that child's own
// exit code, pid and output, none mixed up with another's.
#include <fmt/format.h>

#include "generators.hpp"
#include "harness.hpp"
#include "scenario_text.hpp"
#include "shell_status.hpp"

namespace startjoin::conformance::properties {
namespace {

using nlohmann::json;
namespace step = protocol::step;

struct children_case {
    std::size_t count = 1;
    int first_code = 0;  // child i exits with (first_code + i) % 256: all different
    std::vector<std::size_t> release_order;
    std::vector<std::size_t> join_order;
    std::vector<std::size_t> picks;  // how releases and joins interleave
    bool pids = true;                // whether the driver has pids (profile process)

    int code(std::size_t i) const { return static_cast<int>((first_code + i) % 256); }
    std::string output(std::size_t i) const { return fmt::format("p{} was here", i + 1); }

    protocol::script script(std::size_t i) const {
        protocol::script steps;
        if (pids) steps.push_back(step::report_pid{});
        steps.push_back(step::wait{fmt::format("g{}", i + 1)});
        steps.push_back(step::print{output(i)});
        steps.push_back(step::exit{code(i)});
        return steps;
    }

    // The parent's actions after starting everything: +i+1 releases child i, -(i+1) joins it.
    // A join comes after its child's release; otherwise the picks decide.
    std::vector<long> schedule() const {
        std::vector<long> actions;
        std::vector<bool> released(count, false);
        std::size_t next_release = 0, next_join = 0, step = 0;
        while (next_join < count) {
            const std::size_t joinable = join_order[next_join];
            const bool join_now =
                next_release == count ||
                (released[joinable] && step < picks.size() && picks[step] % 2 == 1);
            if (join_now && released[joinable]) {
                actions.push_back(-static_cast<long>(joinable) - 1);
                ++next_join;
            } else {
                const std::size_t child = release_order[next_release++];
                released[child] = true;
                actions.push_back(static_cast<long>(child) + 1);
            }
            ++step;
        }
        return actions;
    }
};

std::vector<std::string> scenario_of(const children_case& c) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < c.count; ++i)
        lines.push_back(process_line(fmt::format("p{}", i + 1), c.script(i)));
    for (std::size_t i = 0; i < c.count; ++i) lines.push_back(fmt::format("start p{}", i + 1));
    for (const long action : c.schedule()) {
        if (action > 0) {
            lines.push_back(fmt::format("release g{}", action));
            continue;
        }
        const std::size_t i = static_cast<std::size_t>(-action - 1);
        lines.push_back(fmt::format("join p{}", i + 1));
        lines.push_back(fmt::format("exitcode p{} {}", i + 1, result_text(c.code(i))));
        if (c.pids)
            lines.push_back(fmt::format("pid p{}   # the pid its event `pid` reported", i + 1));
    }
    lines.push_back("end");
    for (std::size_t i = 0; i < c.count; ++i)
        lines.push_back("stdout contains " + quoted(c.output(i)));
    return lines;
}

void showValue(const children_case& c, std::ostream& os) {
    for (const std::string& line : scenario_of(c)) os << line << '\n';
}

rc::Gen<children_case> children_cases(bool pids) {
    return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, 33), [pids](std::size_t n) {
        return rc::gen::map(
            rc::gen::tuple(rc::gen::inRange(0, 256), permutation(n), permutation(n), picks(2 * n)),
            [n, pids](const auto& parts) {
                return children_case{n,
                                     std::get<0>(parts),
                                     std::get<1>(parts),
                                     std::get<2>(parts),
                                     std::get<3>(parts),
                                     pids};
            });
    });
}

// How many times `text` occurs in `captured`. Counted as text, not as lines: the children of a
// thread-profile driver print into one buffer at once, so their lines can interleave.
std::size_t occurrences(const std::string& captured, const std::string& text) {
    std::size_t count = 0;
    for (auto at = captured.find(text); at != std::string::npos; at = captured.find(text, at + 1))
        ++count;
    return count;
}

using Property = property_test;

STARTJOIN_TEST(Property, ManyChildrenEachReportTheirOwn, "start.many", "join.any-order",
               "output.reaches-parent") {
    const bool pids = hello().profile == "process";
    check_property(
        "join.any-order", children_cases(pids), [](case_context& c, const children_case& k) {
            c.scenario = scenario_of(k);
            session& s = c.driver;
            std::vector<std::string> handles;
            for (std::size_t i = 0; i < k.count; ++i) {
                handles.push_back(
                    s.create(k.script(i), json::array(), {.handle = fmt::format("p{}", i + 1)}));
            }
            for (const std::string& handle : handles) s.start(handle);
            for (const long action : k.schedule()) {
                if (action > 0) {
                    s.release(fmt::format("g{}", action));
                    continue;
                }
                const std::size_t i = static_cast<std::size_t>(-action - 1);
                s.join(handles[i]);
                const std::optional<int> code = s.exitcode(handles[i]);
                if (code != k.code(i)) {
                    throw case_failed(
                        "join.any-order",
                        fmt::format("after join(p{}), exitcode(p{}) is {}; p{} exited with {}{}",
                                    i + 1, i + 1, code ? std::to_string(*code) : "none", i + 1,
                                    k.code(i), shell_status_note(code, k.code(i))));
                }
                if (k.pids) {
                    const auto event = s.find_event(handles[i], "pid");
                    const auto pid = s.pid(handles[i]);
                    const json reported =
                        event ? s.history()[*event].data.value("pid", json()) : json();
                    if (!pid || reported != *pid) {
                        throw case_failed(
                            "pid.child",
                            fmt::format("pid(p{}) is {}, but p{} reported its own pid as {}", i + 1,
                                        pid ? std::to_string(*pid) : "none", i + 1,
                                        reported.dump()));
                    }
                }
            }
            // `end`: the console is complete; each child's line is there, exactly once. (Not
            // before: a child of the thread profile prints into the parent's own buffer.)
            end_program(c);
            for (std::size_t i = 0; i < k.count; ++i) {
                const std::size_t seen = occurrences(s.captured_stdout(), k.output(i));
                if (seen != 1) {
                    throw case_failed(
                        "output.reaches-parent",
                        fmt::format("p{}'s line \"{}\" appears {} times on stdout; it "
                                    "must appear exactly once",
                                    i + 1, k.output(i), seen));
                }
            }
        });
}

}  // namespace
}  // namespace startjoin::conformance::properties
