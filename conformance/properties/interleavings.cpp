// Random interleavings of what the parent and its children do around gates, start() and join():
// the captured output ([join.orders-effects], [output.reaches-parent], [output.no-duplicate])
// and the recorded history (the ordering checker's rules) must be consistent with the
// happens-before order the spec defines.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <limits>

#include "generators.hpp"
#include "harness.hpp"
#include "scenario_text.hpp"

namespace startjoin::conformance::properties {
namespace {

using nlohmann::json;
namespace step = protocol::step;

// What a child's target does, in order.
struct child_item {
    enum class kind { out, err, trace, wait } what = kind::out;
};

// What the parent does. Children's actions keep their own order (start and releases, then the
// join); the parent's own prints and traces go in between.
struct parent_action {
    enum class kind { out, err, trace, start, release, join, join_releasing } what = kind::out;
    std::size_t child = 0;  // start, release, join: the child; release: gate number `gate`
    std::size_t gate = 0;
};

struct choreography {
    std::vector<std::vector<child_item>> children;
    std::vector<parent_action> parent;

    static std::string child_name(std::size_t i) { return fmt::format("p{}", i + 1); }
    static std::string gate_name(std::size_t child, std::size_t gate) {
        return fmt::format("g{}.{}", child + 1, gate + 1);
    }

    // The text of the k-th line or event of child i (counting its items), and of the parent.
    static std::string child_text(std::size_t i, std::size_t k) {
        return fmt::format("p{}.{}", i + 1, k + 1);
    }
    static std::string parent_text(std::size_t k) { return fmt::format("parent.{}", k + 1); }

    protocol::script script(std::size_t i) const {
        protocol::script steps;
        std::size_t gates = 0;
        for (std::size_t k = 0; k < children[i].size(); ++k) {
            switch (children[i][k].what) {
                case child_item::kind::out:
                    steps.push_back(step::print{child_text(i, k)});
                    break;
                case child_item::kind::err:
                    steps.push_back(step::eprint{child_text(i, k)});
                    break;
                case child_item::kind::trace:
                    steps.push_back(step::trace{child_text(i, k)});
                    break;
                case child_item::kind::wait:
                    steps.push_back(step::wait{gate_name(i, gates++)});
                    break;
            }
        }
        if (steps.empty()) steps.push_back(step::trace{"ran"});
        return steps;
    }

    // The parent's statements, in the scenario syntax; `own` numbers its prints and traces.
    std::vector<std::string> statements() const {
        std::vector<std::string> lines;
        for (std::size_t i = 0; i < children.size(); ++i)
            lines.push_back(process_line(child_name(i), script(i)));
        std::size_t own = 0;
        for (const parent_action& action : parent) {
            switch (action.what) {
                case parent_action::kind::out:
                    lines.push_back("print " + quoted(parent_text(own++)));
                    break;
                case parent_action::kind::err:
                    lines.push_back("eprint " + quoted(parent_text(own++)));
                    break;
                case parent_action::kind::trace:
                    lines.push_back("trace " + parent_text(own++));
                    break;
                case parent_action::kind::start:
                    lines.push_back("start " + child_name(action.child));
                    break;
                case parent_action::kind::release:
                    lines.push_back("release " + gate_name(action.child, action.gate));
                    break;
                case parent_action::kind::join:
                    lines.push_back("join " + child_name(action.child));
                    break;
                case parent_action::kind::join_releasing:
                    lines.push_back(fmt::format("join {} releasing {}", child_name(action.child),
                                                gate_name(action.child, action.gate)));
                    break;
            }
        }
        return lines;
    }
};

// Builds a choreography: children's items, the parent's own items, and for each child its
// actions (start placed among the releases of its gates, which may precede it; then a join,
// which may release the last gate itself), interleaved by the picks.
rc::Gen<choreography> choreographies(child_item::kind line_kind, bool joins_optional) {
    return rc::gen::exec([=] {
        using kind = child_item::kind;
        choreography c;
        const std::size_t children = *rc::gen::inRange<std::size_t>(1, 4);
        const auto item = rc::gen::weightedOneOf<child_item>({
            {3, rc::gen::just(child_item{line_kind})},
            {line_kind == kind::trace ? 0u : 2u, rc::gen::just(child_item{kind::err})},
            {2, rc::gen::just(child_item{kind::wait})},
        });
        std::vector<std::vector<parent_action>> sequences;
        for (std::size_t i = 0; i < children; ++i) {
            c.children.push_back(
                *rc::gen::resize(6, rc::gen::container<std::vector<child_item>>(item)));
            std::size_t gates = 0;
            for (const child_item& each : c.children.back()) gates += each.what == kind::wait;
            std::vector<parent_action> actions;
            for (std::size_t g = 0; g < gates; ++g)
                actions.push_back({parent_action::kind::release, i, g});
            const std::size_t start_at = *rc::gen::inRange<std::size_t>(0, gates + 1);
            actions.insert(actions.begin() + static_cast<long>(start_at),
                           {parent_action::kind::start, i, 0});
            const bool joined =
                !joins_optional || *rc::gen::weightedOneOf<bool>(
                                       {{4, rc::gen::just(true)}, {1, rc::gen::just(false)}});
            if (joined) {
                // join releasing: the last gate is released by the join, after start.
                if (gates > 0 && actions.back().what == parent_action::kind::release &&
                    *rc::gen::arbitrary<bool>()) {
                    actions.back().what = parent_action::kind::join_releasing;
                } else {
                    actions.push_back({parent_action::kind::join, i, 0});
                }
            }
            sequences.push_back(std::move(actions));
        }
        const auto own = rc::gen::weightedOneOf<parent_action>({
            {3, rc::gen::just(parent_action{line_kind == kind::trace ? parent_action::kind::trace
                                                                     : parent_action::kind::out})},
            {line_kind == kind::trace ? 0u : 2u,
             rc::gen::just(parent_action{parent_action::kind::err})},
        });
        sequences.push_back(
            *rc::gen::resize(6, rc::gen::container<std::vector<parent_action>>(own)));
        std::size_t total = 0;
        for (const auto& each : sequences) total += each.size();
        c.parent = interleave(sequences, *picks(total));
        return c;
    });
}

// Runs the parent's actions against the driver.
void perform(case_context& c, const choreography& k) {
    session& s = c.driver;
    std::vector<std::string> handles;
    for (std::size_t i = 0; i < k.children.size(); ++i) {
        handles.push_back(
            s.create(k.script(i), json::array(), {.handle = choreography::child_name(i)}));
    }
    std::size_t own = 0;
    for (const parent_action& action : k.parent) {
        const std::string gate = choreography::gate_name(action.child, action.gate);
        switch (action.what) {
            case parent_action::kind::out:
                s.print(choreography::parent_text(own++));
                break;
            case parent_action::kind::err:
                s.print(choreography::parent_text(own++), "stderr");
                break;
            case parent_action::kind::trace:
                s.trace(choreography::parent_text(own++));
                break;
            case parent_action::kind::start:
                s.start(handles[action.child]);
                break;
            case parent_action::kind::release:
                s.release(gate);
                break;
            case parent_action::kind::join:
                s.join(handles[action.child]);
                break;
            case parent_action::kind::join_releasing:
                // Whether join() returned while the gate was closed is for the ordering checker
                // to judge, from the child's events after the gate.
                join_releasing_quickly(s, handles[action.child], gate);
                break;
        }
    }
}

// ---- Output: the happens-before order of lines -------------------------------------------

constexpr std::size_t never = std::numeric_limits<std::size_t>::max();

// One line the case prints, where it stands in the happens-before order.
struct printed_line {
    std::string text;
    std::string stream;       // "stdout" or "stderr"
    std::size_t process = 0;  // child index, or never for the parent
    std::size_t order = 0;    // position within its process's program
    // A child's line happens after the parent's action at `after` (its start, or the release of
    // the last gate before it). A parent's line is printed at action `after` and is written by
    // `written` at the latest: the next start() flushes it ([output.no-duplicate]).
    std::size_t after = 0;
    std::size_t written = never;
};

// A constraint: `first` must appear before `second`, because of `clause`.
struct line_order {
    std::size_t first, second;
    std::string clause;
    std::string why;
};

struct output_model {
    std::vector<printed_line> lines;
    std::vector<line_order> constraints;
};

output_model model_output(const choreography& k) {
    output_model m;
    std::vector<std::size_t> started(k.children.size(), never), joined(k.children.size(), never);
    std::vector<std::vector<std::size_t>> released(k.children.size());
    for (std::size_t i = 0; i < k.children.size(); ++i) {
        std::size_t gates = 0;
        for (const child_item& each : k.children[i]) gates += each.what == child_item::kind::wait;
        released[i].assign(gates, never);
    }
    std::size_t own = 0;
    for (std::size_t q = 0; q < k.parent.size(); ++q) {
        const parent_action& action = k.parent[q];
        switch (action.what) {
            case parent_action::kind::out:
            case parent_action::kind::err:
                m.lines.push_back({choreography::parent_text(own),
                                   action.what == parent_action::kind::out ? "stdout" : "stderr",
                                   never, own, q, never});
                ++own;
                break;
            case parent_action::kind::trace:
                ++own;
                break;
            case parent_action::kind::start:
                started[action.child] = q;
                break;
            case parent_action::kind::release:
                released[action.child][action.gate] = q;
                break;
            case parent_action::kind::join:
                joined[action.child] = q;
                break;
            case parent_action::kind::join_releasing:
                released[action.child][action.gate] = q;
                joined[action.child] = q;
                break;
        }
    }
    // A parent line is written by the first start() after it.
    for (printed_line& line : m.lines) {
        for (std::size_t q = line.after + 1; q < k.parent.size(); ++q) {
            if (k.parent[q].what == parent_action::kind::start) {
                line.written = q;
                break;
            }
        }
    }
    for (std::size_t i = 0; i < k.children.size(); ++i) {
        std::size_t after = started[i], gates = 0;
        for (std::size_t item = 0; item < k.children[i].size(); ++item) {
            const child_item& each = k.children[i][item];
            if (each.what == child_item::kind::wait) {
                after = std::max(after, released[i][gates++]);
                continue;
            }
            if (each.what == child_item::kind::trace) continue;
            m.lines.push_back({choreography::child_text(i, item),
                               each.what == child_item::kind::out ? "stdout" : "stderr", i, item,
                               after, never});
        }
    }
    const auto name_of = [&](const printed_line& line) {
        return line.process == never ? std::string("the parent")
                                     : choreography::child_name(line.process);
    };
    for (std::size_t a = 0; a < m.lines.size(); ++a) {
        for (std::size_t b = 0; b < m.lines.size(); ++b) {
            const printed_line& u = m.lines[a];
            const printed_line& v = m.lines[b];
            if (a == b || u.stream != v.stream) continue;
            if (u.process == v.process) {
                if (u.order < v.order) {
                    m.constraints.push_back(
                        {a, b, "output.reaches-parent",
                         fmt::format("{} printed them in this order", name_of(u))});
                }
                continue;
            }
            if (u.process != never) {
                // A child's lines are written before it ends, so before join() returns.
                const std::size_t end = joined[u.process];
                if (end != never && end < v.after) {
                    m.constraints.push_back(
                        {a, b, "join.orders-effects",
                         fmt::format(
                             "{} printed \"{}\" before it ended, and {} printed \"{}\" after "
                             "join({}) had returned",
                             name_of(u), u.text, name_of(v), v.text, name_of(u))});
                }
            } else if (u.written != never && u.written <= v.after) {
                m.constraints.push_back(
                    {a, b, "output.no-duplicate",
                     fmt::format(
                         "the parent printed \"{}\" before start({}), which flushes it, and "
                         "{} printed \"{}\" after that",
                         u.text, choreography::child_name(k.parent[u.written].child), name_of(v),
                         v.text)});
            }
        }
    }
    return m;
}

// The only order of `stream` the constraints allow, if there is exactly one.
std::optional<std::vector<std::string>> only_order(const output_model& m,
                                                   const std::string& stream) {
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < m.lines.size(); ++i) {
        if (m.lines[i].stream == stream) pending.push_back(i);
    }
    std::vector<std::string> order;
    while (!pending.empty()) {
        std::vector<std::size_t> ready;
        for (const std::size_t candidate : pending) {
            const bool blocked =
                std::any_of(m.constraints.begin(), m.constraints.end(), [&](const line_order& c) {
                    return c.second == candidate &&
                           std::find(pending.begin(), pending.end(), c.first) != pending.end();
                });
            if (!blocked) ready.push_back(candidate);
        }
        if (ready.size() != 1) return std::nullopt;
        order.push_back(m.lines[ready.front()].text);
        pending.erase(std::find(pending.begin(), pending.end(), ready.front()));
    }
    return order;
}

std::vector<std::string> output_scenario(const choreography& k) {
    std::vector<std::string> lines = k.statements();
    lines.push_back("end");
    const output_model m = model_output(k);
    for (const std::string stream : {"stdout", "stderr"}) {
        // stderr may interleave concurrent lines (see positions()), so it is checked by content.
        if (const auto order = only_order(m, stream); order && stream == "stdout") {
            const auto block = output_lines(stream, *order);
            lines.insert(lines.end(), block.begin(), block.end());
            continue;
        }
        std::vector<std::string> printed, kept;
        for (const printed_line& each : m.lines) {
            if (each.stream == stream)
                printed.push_back(fmt::format("{} contains {}", stream, quoted(each.text)));
        }
        if (printed.empty()) continue;
        for (const line_order& c : m.constraints) {
            if (m.lines[c.first].stream == stream)
                kept.push_back(m.lines[c.first].text + " < " + m.lines[c.second].text);
        }
        if (!kept.empty())
            lines.push_back(
                fmt::format("# {}, in an order that keeps {}:", stream, fmt::join(kept, ", ")));
        lines.insert(lines.end(), printed.begin(), printed.end());
    }
    return lines;
}

// Where each printed text is in a captured stream, in bytes, or a complaint. A line may not
// reach the stream in one piece: stderr is unbuffered in most languages (a text and its newline
// are two writes), and the children of a thread-profile driver print into the parent's own
// buffer, concurrently. So concurrent lines can interleave ("p1.1parent.2\n\n"), and what is
// checked is what the spec states: each text appears, exactly once, in the happens-before order.
// Other output (a driver's diagnostics) is ignored. (When the order is unique, no two lines are
// concurrent, and the scenario a failure prints checks whole lines: `stdout =>`.)
std::map<std::string, std::size_t> positions(const output_model& m, const std::string& stream,
                                             const std::string& captured) {
    std::map<std::string, std::size_t> found;
    for (const printed_line& line : m.lines) {
        if (line.stream != stream) continue;
        const std::size_t at = captured.find(line.text);
        if (at == std::string::npos) {
            throw case_failed(
                "output.reaches-parent",
                fmt::format(
                    "\"{}\", printed by {}, never reached {}", line.text,
                    line.process == never ? "the parent" : choreography::child_name(line.process),
                    stream));
        }
        if (captured.find(line.text, at + 1) != std::string::npos) {
            throw case_failed("output.no-duplicate",
                              fmt::format("\"{}\" appears twice on {}", line.text, stream));
        }
        found.emplace(line.text, at);
    }
    return found;
}

void check_output(const case_context& c, const choreography& k) {
    const output_model m = model_output(k);
    for (const std::string stream : {"stdout", "stderr"}) {
        const std::map<std::string, std::size_t> at =
            positions(m, stream,
                      stream == "stdout" ? c.driver.captured_stdout() : c.driver.captured_stderr());
        for (const line_order& rule : m.constraints) {
            const printed_line& u = m.lines[rule.first];
            const printed_line& v = m.lines[rule.second];
            if (u.stream != stream || at.at(u.text) < at.at(v.text)) continue;
            throw case_failed(rule.clause, fmt::format("on {}, \"{}\" must come before \"{}\": {}",
                                                       stream, u.text, v.text, rule.why));
        }
    }
}

struct output_case {
    choreography steps;
};
struct trace_case {
    choreography steps;
};

void showValue(const output_case& c, std::ostream& os) {
    for (const std::string& line : output_scenario(c.steps)) os << line << '\n';
}
void showValue(const trace_case& c, std::ostream& os) {
    for (const std::string& line : c.steps.statements()) os << line << '\n';
}

using Property = property_test;

STARTJOIN_TEST(Property, OutputFollowsHappensBefore, "join.orders-effects", "output.reaches-parent",
               "output.no-duplicate") {
    const auto cases = rc::gen::map(choreographies(child_item::kind::out, true),
                                    [](choreography k) { return output_case{std::move(k)}; });
    check_property("join.orders-effects", cases, [](case_context& c, const output_case& o) {
        c.scenario = output_scenario(o.steps);
        perform(c, o.steps);
        end_program(c);  // `end`: the parent program ends, the console is complete
        check_output(c, o.steps);
    });
}

STARTJOIN_TEST(Property, TraceEventsFollowHappensBefore, "join.after-exit", "join.orders-effects",
               "start.returns") {
    const auto cases = rc::gen::map(choreographies(child_item::kind::trace, false),
                                    [](choreography k) { return trace_case{std::move(k)}; });
    // The checks are the ordering checker's, which the harness runs at the end of every case.
    check_property("join.after-exit", cases, [](case_context& c, const trace_case& t) {
        c.scenario = t.steps.statements();
        perform(c, t.steps);
    });
}

}  // namespace
}  // namespace startjoin::conformance::properties
