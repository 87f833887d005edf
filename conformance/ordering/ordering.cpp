// The rules, in the words of spec/start-join.md. "P has terminated" is known from the first
// successful parent operation that shows it: join(P), join(P, S) => true, join_threads(P),
// is_alive(P) => false after start(P), or exitcode(P) => a number.
//
//  1. Nothing of P after its end. No trace event of P arrives after that operation returned
//     ([join.after-exit], [join-timeout.expires], [join.threads], [alive.running],
//     [exitcode.absent], by the operation that claimed the end).
//  2. A nested join orders effects too. No event of nested child N arrives after its parent
//     recorded `nested-exit` for N ([join.orders-effects]).
//  3. The end stays observed. After it, is_alive(P) is false, exitcode(P) is the same number,
//     join(P, S) is true ([join.state], [alive.after-exit], [join-timeout.prompt],
//     [exitcode.stable]).
//  4. Gates hold. An event that P's script records only after `wait G` arrives after the runner
//     first released G; if it arrived before, and start(P) returned only after it while G was
//     still closed, start() waited for the child ([start.returns]); otherwise the driver's wait
//     step did not wait (spec/protocol.md, "Gates"). Needs the scripts.
//
// Every rule follows from the protocol's ordering guarantee: a trace event written before a
// process ends arrives before any reply that observed that end, and the runner records replies
// and events in arrival order.
#include "ordering.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>

namespace startjoin::conformance {
namespace {

using nlohmann::json;

struct operation {
    std::string op;
    std::string process;
};

// "join(p1)" -> {"join", "p1"}; "trace()" -> {"trace", ""}.
operation parse_operation(const std::string& text) {
    const auto open = text.find('(');
    if (open == std::string::npos || !text.ends_with(")")) return {text, ""};
    return {text.substr(0, open), text.substr(open + 1, text.size() - open - 2)};
}

// How the end of a process was first observed.
enum class evidence { join, timed_join, join_threads, not_alive, exit_code };

struct process_facts {
    bool started = false;
    std::optional<std::size_t> ended;  // first entry that showed the end
    evidence ended_by = evidence::join;
    std::optional<std::size_t> code_at;  // first exitcode() that returned a number
    json code;
    std::set<int> reported;           // rules already reported for this process
    std::map<std::string, int> seen;  // event name -> occurrences so far
};

// One event the script of a process records, and the gates waited on before it.
struct scripted_event {
    std::string name;
    std::vector<std::string> after_gates;
};

// The event a step records, if any (spec/protocol.md, "Trace events").
std::optional<std::string> event_of(const protocol::any_step& any) {
    namespace step = protocol::step;
    if (const auto* trace = std::get_if<step::trace>(&any)) return trace->event;
    if (std::holds_alternative<step::report_args>(any)) return "args";
    if (std::holds_alternative<step::report_pid>(any)) return "pid";
    if (std::holds_alternative<step::report_global>(any)) return "global";
    if (std::holds_alternative<step::nest>(any)) return "nested-exit";
    if (std::holds_alternative<step::orphan>(any)) return "orphan";
    return std::nullopt;
}

std::vector<scripted_event> events_of(const protocol::script& steps) {
    std::vector<scripted_event> events;
    std::vector<std::string> gates;
    for (const protocol::any_step& any : steps) {
        if (const auto* wait = std::get_if<protocol::step::wait>(&any)) gates.push_back(wait->gate);
        if (auto name = event_of(any)) events.push_back({std::move(*name), gates});
    }
    return events;
}

// Every script by handle: the created ones and, where a nested handle is used by one script
// only, the nested ones. `ambiguous` gets nested handles that cannot be told apart.
void collect_scripts(const protocol::script& steps, const std::string& owner,
                     std::map<std::string, protocol::script>& into,
                     std::map<std::string, std::string>& outer_of,
                     std::set<std::string>& ambiguous) {
    for (const protocol::any_step& any : steps) {
        const auto* nest = std::get_if<protocol::step::nest>(&any);
        if (nest == nullptr) continue;
        if (into.contains(nest->process) || outer_of.contains(nest->process)) {
            ambiguous.insert(nest->process);
        } else {
            into.emplace(nest->process, nest->steps);
            outer_of.emplace(nest->process, owner);
        }
        collect_scripts(nest->steps, nest->process, into, outer_of, ambiguous);
    }
}

class checker {
  public:
    checker(const std::vector<history_entry>& history,
            const std::map<std::string, protocol::script>& scripts)
        : history_(history) {
        std::map<std::string, protocol::script> all = scripts;
        std::map<std::string, std::string> outer_of;
        std::set<std::string> ambiguous;
        for (const auto& [handle, steps] : scripts) {
            collect_scripts(steps, handle, all, outer_of, ambiguous);
        }
        for (const std::string& handle : ambiguous) {
            all.erase(handle);
            outer_of.erase(handle);
        }
        for (const auto& [handle, steps] : all) scripted_[handle] = events_of(steps);
        for (const auto& [handle, outer] : outer_of) nested_.insert(handle);
        for (std::size_t i = 0; i < history.size(); ++i) {
            const history_entry& entry = history[i];
            if (entry.type == history_entry::kind::released)
                first_release_.try_emplace(entry.event, i);
            if (entry.type == history_entry::kind::returned && entry.data.value("ok", false)) {
                const operation called = parse_operation(entry.event);
                if (called.op == "start") start_returned_.try_emplace(called.process, i);
            }
        }
    }

    std::vector<ordering_violation> run() {
        for (std::size_t i = 0; i < history_.size(); ++i) {
            const history_entry& entry = history_[i];
            if (entry.type == history_entry::kind::trace && entry.from != "parent") {
                on_child_event(i, entry);
            } else if (entry.type == history_entry::kind::returned &&
                       entry.data.value("ok", false)) {
                on_return(i, entry);
            }
        }
        return std::move(found_);
    }

  private:
    // Rule numbers, so each is reported once per process.
    enum rule { after_end = 1, nested = 2, stays_ended = 3, gates = 4 };

    bool first_time(process_facts& facts, rule which) {
        return facts.reported.insert(which).second;
    }

    std::string shown(std::size_t i) const {
        return fmt::format("entry {} `{}`", i + 1, history_[i].describe());
    }

    void on_child_event(std::size_t i, const history_entry& entry) {
        process_facts& facts = facts_[entry.from];
        const int occurrence = facts.seen[entry.event]++;

        if (facts.ended && first_time(facts, after_end)) {
            static const std::map<evidence, std::pair<const char*, const char*>> rules = {
                {evidence::join,
                 {"join.after-exit",
                  "join() returns only after the child has terminated, so every event of the "
                  "child comes before join() returns"}},
                {evidence::timed_join,
                 {"join-timeout.expires",
                  "join(timeout) reports true only once the child has terminated; while it runs, "
                  "join(timeout) returns false"}},
                {evidence::join_threads,
                 {"join.threads",
                  "join() returns, in every thread, only after the child has terminated"}},
                {evidence::not_alive,
                 {"alive.running",
                  "is_alive() is true from start() until the child has terminated"}},
                {evidence::exit_code,
                 {"exitcode.absent", "there is no exit code until the child has terminated"}},
            };
            const auto& [clause, rule_text] = rules.at(facts.ended_by);
            add(clause, *facts.ended, i,
                fmt::format("{} came after {}, which had shown {} terminated: the child was still "
                            "running. Rule: {}.",
                            shown(i), shown(*facts.ended), entry.from, rule_text));
        }

        if (const auto joined = nested_exit_.find(entry.from);
            joined != nested_exit_.end() && first_time(facts, nested)) {
            add("join.orders-effects", joined->second, i,
                fmt::format("{} came after {}: the nested child {} went on after its parent's "
                            "join() of it returned. Rule: everything a child did comes before what "
                            "its parent does after join().",
                            shown(i), shown(joined->second), entry.from));
        }
        if (entry.event == "nested-exit" && entry.data.contains("process") &&
            entry.data["process"].is_string()) {
            const std::string child = entry.data["process"];
            // Only for a nested handle that one script alone uses, so the event is its own.
            if (nested_.contains(child)) nested_exit_.try_emplace(child, i);
        }

        check_gates(i, entry, facts, occurrence);
    }

    void check_gates(std::size_t i, const history_entry& entry, process_facts& facts,
                     int occurrence) {
        const auto script = scripted_.find(entry.from);
        if (script == scripted_.end()) return;
        int count = 0;
        const scripted_event* scripted = nullptr;
        for (const scripted_event& candidate : script->second) {
            if (candidate.name == entry.event && count++ == occurrence) {
                scripted = &candidate;
                break;
            }
        }
        if (scripted == nullptr) return;
        for (const std::string& gate : scripted->after_gates) {
            const auto released = first_release_.find(gate);
            if (released != first_release_.end() && released->second < i) continue;
            if (!first_time(facts, gates)) return;
            const std::string release_text =
                released == first_release_.end()
                    ? fmt::format("the runner never released gate {}", gate)
                    : fmt::format("the runner released gate {} only at entry {}", gate,
                                  released->second + 1);
            const auto start = start_returned_.find(entry.from);
            if (start != start_returned_.end() && start->second > i &&
                (released == first_release_.end() || released->second > start->second)) {
                add("start.returns", i, start->second,
                    fmt::format("{} came before {}, yet {} records `{}` only after `wait {}`, and "
                                "{}: start() returned only after the child had run past a closed "
                                "gate. Rule: start() returns without waiting for any step of the "
                                "target.",
                                shown(i), shown(start->second), entry.from, entry.event, gate,
                                release_text));
            } else {
                add("protocol.gates", i, released == first_release_.end() ? i : released->second,
                    fmt::format("{} came before the gate it follows was opened: {} records `{}` "
                                "only after `wait {}`, and {}. The driver's wait step did not wait "
                                "(spec/protocol.md, \"Gates\").",
                                shown(i), entry.from, entry.event, gate, release_text));
            }
            return;
        }
    }

    void on_return(std::size_t i, const history_entry& entry) {
        const operation called = parse_operation(entry.event);
        if (called.process.empty()) return;
        process_facts& facts = facts_[called.process];
        const bool has_value = entry.data.contains("value");
        const json value = entry.data.value("value", json());
        const auto ended = [&](evidence how) {
            if (facts.ended) return;
            facts.ended = i;
            facts.ended_by = how;
        };
        const auto contradicts = [&](const char* clause, const char* rule_text) {
            if (!first_time(facts, stays_ended)) return;
            add(clause, *facts.ended, i,
                fmt::format("{} contradicts {}, which had shown {} terminated. Rule: {}.", shown(i),
                            shown(*facts.ended), called.process, rule_text));
        };

        if (called.op == "start") {
            facts.started = true;
        } else if (called.op == "join" && !has_value) {
            ended(evidence::join);
        } else if (called.op == "join" && value == true) {
            ended(evidence::timed_join);
        } else if (called.op == "join" && value == false && facts.ended) {
            contradicts("join-timeout.prompt",
                        "once the child has terminated, join(timeout) returns true, whatever the "
                        "timeout");
        } else if (called.op == "join_threads") {
            ended(evidence::join_threads);
        } else if (called.op == "is_alive" && value == false && facts.started) {
            ended(evidence::not_alive);
        } else if (called.op == "is_alive" && value == true && facts.ended) {
            if (facts.ended_by == evidence::join)
                contradicts("join.state",
                            "once join() has returned, is_alive() is false and the exit code is "
                            "set, for as long as the object is open");
            else
                contradicts("alive.after-exit",
                            "once the child has terminated, is_alive() is false, with or without "
                            "join()");
        } else if (called.op == "exitcode" && value.is_number_integer()) {
            if (facts.code_at && facts.code != value) {
                if (first_time(facts, stays_ended)) {
                    add("exitcode.stable", *facts.code_at, i,
                        fmt::format("{} contradicts {}. Rule: once set, the exit code never "
                                    "changes.",
                                    shown(i), shown(*facts.code_at)));
                }
            } else if (!facts.code_at) {
                facts.code_at = i;
                facts.code = value;
            }
            ended(evidence::exit_code);
        } else if (called.op == "exitcode" && value.is_null() && facts.ended) {
            switch (facts.ended_by) {
                case evidence::join:
                case evidence::join_threads:
                    contradicts("join.state",
                                "once join() has returned, the exit code is set, for as long as "
                                "the object is open");
                    break;
                case evidence::timed_join:
                    contradicts("join-timeout.prompt",
                                "when join(timeout) returns true, the exit code is then set");
                    break;
                case evidence::not_alive:
                    contradicts("alive.after-exit",
                                "an is_alive() that observes the end records the exit code");
                    break;
                case evidence::exit_code:
                    contradicts("exitcode.stable", "once set, the exit code never changes");
                    break;
            }
        }
    }

    void add(const std::string& clause, std::size_t earlier, std::size_t later,
             std::string sentence) {
        found_.push_back({clause, earlier, later, std::move(sentence)});
    }

    const std::vector<history_entry>& history_;
    std::map<std::string, std::vector<scripted_event>> scripted_;
    std::set<std::string> nested_;  // nested handles that exactly one script uses
    std::map<std::string, std::size_t> first_release_;
    std::map<std::string, std::size_t> start_returned_;  // the first successful start()
    std::map<std::string, std::size_t> nested_exit_;
    std::map<std::string, process_facts> facts_;
    std::vector<ordering_violation> found_;
};

}  // namespace

std::vector<ordering_violation> check_ordering(
    const std::vector<history_entry>& history,
    const std::map<std::string, protocol::script>& scripts) {
    return checker(history, scripts).run();
}

std::string explain(const std::vector<ordering_violation>& violations) {
    std::string text = fmt::format(
        "the history breaks {} happens-before rule{} of the spec (entries numbered as in the "
        "transcript):\n",
        violations.size(), violations.size() == 1 ? "" : "s");
    for (const ordering_violation& violation : violations) {
        text += fmt::format("  [{}] {}\n", violation.clause, violation.sentence);
    }
    return text;
}

}  // namespace startjoin::conformance
