// The model-based test: random sequences of operations over several process objects at once,
// each answer checked against a model of what the spec allows.
//
// The model knows, for each object, its phase: created (never started), blocked (started, its
// child held on its gate), ending (its gate released, or signalled: the child ends on its own,
// with one of a known set of codes, at a moment the parent cannot know), terminated (a join
// observed the end), closed. Every child runs `wait GATE; trace passed; exit CODE`, so it ends
// only when the test says so and no sleep orders anything. From the phase the model predicts
// each answer, errors included. Where the spec leaves a choice (is_alive() of an ending child is
// true or false, depending on whether it has exited yet), the model allows both. Predictions
// depend on the model alone, never on what the driver happened to answer, so every `=>` of the
// scenario a failure prints holds on any conforming driver. That an end, once observed, stays
// observed, and the exit code with it, is for the ordering checker to judge (ordering.cpp, rule
// 3), which it does at the end of every case.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <rapidcheck/state.h>

#include <set>

#include "harness.hpp"
#include "observations.hpp"
#include "scenario_text.hpp"
#include "shell_status.hpp"

namespace startjoin::conformance::properties {
namespace {

using nlohmann::json;
namespace step = protocol::step;

// ---- The model ------------------------------------------------------------------------------

enum class phase { created, blocked, ending, terminated, closed };

struct object_model {
    int code = 0;  // what its script exits with
    phase now = phase::created;
    bool gate_released = false;
    std::set<int> codes;  // ending, terminated: the exit codes it may report
    bool joined = false;  // terminated by a join() (rather than observed by join(timeout))
};

// What the driver offers; fixed for a test, kept in the model so commands can be generated for it.
struct capabilities {
    bool join_timeout = false, close = false, terminate = false, kill = false, pids = false;
};

struct model {
    std::map<std::string, object_model> objects;  // by local name: p1, p2, ...
    int created = 0;
    capabilities can;
};

constexpr int max_objects = 4;

std::string gate_of(const std::string& object) { return "g" + object.substr(1); }

protocol::script script_of(const std::string& gate, int code) {
    return {step::wait{gate}, step::trace{"passed"}, step::exit{code}};
}

// ---- The system under test: the driver, and what it has said so far -------------------------

struct observed_driver {
    case_context& context;
    std::map<std::string, long long> pids;  // the pid, fixed from start() on

    session& driver() { return context.driver; }
    void say(const std::string& statement) { context.scenario.push_back(statement); }

    reply call(const std::string& op, const std::string& object, json extra = json::object()) {
        extra["op"] = op;
        extra["process"] = object;
        return driver().call(std::move(extra));
    }

    // Leaves no child running: every gate opened, every child that may still run joined.
    void clean_up(const model& final_state) {
        for (const auto& [object, facts] : final_state.objects) {
            if (!facts.gate_released) driver().release(gate_of(object));
        }
        for (const auto& [object, facts] : final_state.objects) {
            if (facts.now != phase::blocked && facts.now != phase::ending) continue;
            const reply answer = call("join", object);
            if (!answer.ok) {
                throw case_failed("join.after-exit",
                                  fmt::format("join({}) at the end of the case failed with {}: {}",
                                              object, answer.error_kind, answer.error_message));
            }
        }
    }
};

using command = rc::state::Command<model, observed_driver>;

// What an operation must answer: a value, one of several values, or an error of a kind.
struct prediction {
    std::vector<json> values;  // any of these; empty with error_kind set: an error
    std::string error_kind;
    std::string clause;            // the clause a wrong answer breaks
    bool returns_nothing = false;  // start, join, terminate, kill, close: success, no value
};

prediction error(const std::string& kind, const std::string& clause) { return {{}, kind, clause}; }
prediction value(json v, const std::string& clause) { return {{std::move(v)}, "", clause}; }
prediction either(std::vector<json> vs, const std::string& clause) {
    return {std::move(vs), "", clause};
}
prediction succeeds(const std::string& clause) { return {{nullptr}, "", clause, true}; }

std::string shown(const json& v) { return v.is_null() ? "none" : v.dump(); }

std::string shown(const reply& answer) {
    return answer.ok ? shown(answer.value)
                     : "error " + answer.error_kind + " (" + answer.error_message + ")";
}

// `statement` with its certain result, or a comment listing the allowed ones.
std::string with_result(const std::string& statement, const prediction& p) {
    if (!p.error_kind.empty()) return statement + " " + error_text(p.error_kind);
    if (p.returns_nothing) return statement;  // without `=>`, the operation must succeed
    if (p.values.size() == 1) return statement + " " + result_text(p.values.front());
    std::vector<std::string> allowed;
    for (const json& v : p.values) allowed.push_back(shown(v));
    return fmt::format("{}   # {}: {} is right here", statement, fmt::join(allowed, " or "),
                       allowed.size() == 2 ? "either" : "any");
}

// Checks `answer` against `p`; the statement is already in the scenario.
void check(observed_driver& sut, const reply& answer, const prediction& p,
           const std::string& call) {
    bool right;
    if (!p.error_kind.empty()) {
        right = !answer.ok && answer.error_kind == p.error_kind;
    } else {
        right = answer.ok &&
                std::find(p.values.begin(), p.values.end(), answer.value) != p.values.end();
    }
    if (right) {
        // Where either answer is right, say which one came, for whoever reads the scenario.
        if (p.values.size() > 1)
            sut.context.scenario.back() += "; the driver said " + shown(answer);
        return;
    }
    std::string expected;
    if (!p.error_kind.empty()) {
        expected = "the error " + p.error_kind;
    } else {
        std::vector<std::string> allowed;
        for (const json& v : p.values) allowed.push_back(shown(v));
        expected = fmt::format("{}", fmt::join(allowed, " or "));
    }
    std::string note;
    if (call.starts_with("exitcode(") && answer.ok && answer.value.is_number_integer()) {
        for (const json& v : p.values) {
            if (v.is_number_integer() && note.empty())
                note = shell_status_note(answer.value.get<int>(), v.get<int>());
        }
    }
    const std::string what =
        fmt::format("{} answered {}; the model expects {}{}", call, shown(answer), expected, note);
    // A wrong answer to a query changed nothing the model tracks: when it is a deviation seen
    // before, the case goes on, so that what comes after it is checked too (a deviation most
    // cases show would otherwise hide every later one). A wrong action (start, join, close, a
    // signal) stops the case: the model no longer knows the driver's state.
    const bool query = call.starts_with("is_alive(") || call.starts_with("exitcode(") ||
                       call.starts_with("pid(") || call.starts_with("daemon(") ||
                       call.starts_with("name(");
    if (query && sut.context.set_aside &&
        sut.context.set_aside(fmt::format("[{}] {}", p.clause, what))) {
        sut.say(fmt::format("# ^ the driver answered {}: a deviation set aside, the case goes on",
                            shown(answer)));
        return;
    }
    sut.say(fmt::format("# ^ the driver answered {}", shown(answer)));
    throw case_failed(p.clause, what);
}

// Picks an existing object, or discards the command when there is none.
std::string pick_object(const model& m) {
    RC_PRE(!m.objects.empty());
    std::vector<std::string> names;
    for (const auto& [name, facts] : m.objects) names.push_back(name);
    return *rc::gen::elementOf(names);
}

// ---- The commands ---------------------------------------------------------------------------

struct create_object : command {
    std::string object;
    int code;
    explicit create_object(const model& m)
        : object(fmt::format("p{}", m.created + 1)), code(*rc::gen::inRange(0, 256)) {}
    void checkPreconditions(const model& m) const override {
        RC_PRE(static_cast<int>(m.objects.size()) < max_objects);
        RC_PRE(!m.objects.contains(object));
    }
    void apply(model& m) const override {
        m.objects[object] = object_model{code, phase::created, false, {}};
        m.created = std::max(m.created, std::stoi(object.substr(1)));
    }
    void run(const model&, observed_driver& sut) const override {
        const std::string gate = gate_of(object);
        sut.say(process_line(object, script_of(gate, code)));
        sut.driver().create(script_of(gate, code), json::array(), {.handle = object});
    }
    void show(std::ostream& os) const override {
        os << process_line(object, script_of(gate_of(object), code));
    }
};

// An operation on one object, with its statement in the scenario syntax.
struct object_command : command {
    std::string object;
    explicit object_command(const model& m) : object(pick_object(m)) {}
    void checkPreconditions(const model& m) const override { RC_PRE(m.objects.contains(object)); }
    const object_model& facts(const model& m) const { return m.objects.at(object); }
};

struct start_object : object_command {
    using object_command::object_command;
    void apply(model& m) const override {
        object_model& o = m.objects.at(object);
        if (o.now != phase::created) return;
        o.now = o.gate_released ? phase::ending : phase::blocked;
        o.codes = {o.code};
    }
    void run(const model& m, observed_driver& sut) const override {
        const phase now = facts(m).now;
        const prediction p = now == phase::created  ? succeeds("start.returns")
                             : now == phase::closed ? error("closed", "close.after")
                                                    : error("invalid_state", "start.once");
        sut.say(with_result("start " + object, p));
        const reply answer = sut.call("start", object);
        check(sut, answer, p, "start(" + object + ")");
    }
    void show(std::ostream& os) const override { os << "start " << object; }
};

struct release_gate : object_command {
    using object_command::object_command;
    void checkPreconditions(const model& m) const override {
        object_command::checkPreconditions(m);
        RC_PRE(!facts(m).gate_released);
    }
    void apply(model& m) const override {
        object_model& o = m.objects.at(object);
        o.gate_released = true;
        if (o.now == phase::blocked) o.now = phase::ending;
    }
    void run(const model&, observed_driver& sut) const override {
        sut.say("release " + gate_of(object));
        sut.driver().release(gate_of(object));
    }
    void show(std::ostream& os) const override { os << "release " << gate_of(object); }
};

// join() on an object whose child is not held: it must not block for good.
struct join_object : object_command {
    using object_command::object_command;
    void checkPreconditions(const model& m) const override {
        object_command::checkPreconditions(m);
        RC_PRE(facts(m).now != phase::blocked);
    }
    void apply(model& m) const override {
        object_model& o = m.objects.at(object);
        if (o.now == phase::ending || o.now == phase::terminated) {
            o.now = phase::terminated;
            o.joined = true;
        }
    }
    void run(const model& m, observed_driver& sut) const override {
        const phase now = facts(m).now;
        const prediction p = now == phase::created  ? error("invalid_state", "join.before-start")
                             : now == phase::closed ? error("closed", "close.after")
                             : now == phase::terminated ? succeeds("join.repeatable")
                                                        : succeeds("join.after-exit");
        sut.say(with_result("join " + object, p));
        check(sut, sut.call("join", object), p, "join(" + object + ")");
    }
    void show(std::ostream& os) const override { os << "join " << object; }
};

// join() while the child is held on its gate, which opens once join() has been seen blocking.
struct join_releasing : object_command {
    using object_command::object_command;
    void checkPreconditions(const model& m) const override {
        object_command::checkPreconditions(m);
        RC_PRE(facts(m).now == phase::blocked && !facts(m).gate_released);
    }
    void apply(model& m) const override {
        object_model& o = m.objects.at(object);
        o.gate_released = true;
        o.now = phase::terminated;
        o.joined = true;
    }
    void run(const model&, observed_driver& sut) const override {
        sut.say(fmt::format("join {} releasing {}", object, gate_of(object)));
        const bool early = join_releasing_quickly(sut.driver(), object, gate_of(object));
        if (early) {
            throw case_failed(
                "join.after-exit",
                fmt::format("join({}) returned while its child was still held on gate {}", object,
                            gate_of(object)));
        }
    }
    void show(std::ostream& os) const override {
        os << "join " << object << " releasing " << gate_of(object);
    }
};

struct join_with_timeout : object_command {
    double timeout;
    explicit join_with_timeout(const model& m)
        : object_command(m),
          timeout(*rc::gen::elementOf(std::vector<double>{30, -1, 0, 0.001, 0.003})) {}
    void checkPreconditions(const model& m) const override {
        object_command::checkPreconditions(m);
        RC_PRE(m.can.join_timeout);
        RC_PRE(!(facts(m).now == phase::blocked && timeout > 1));  // would wait it out
    }
    void apply(model& m) const override {
        object_model& o = m.objects.at(object);
        if (o.now == phase::ending && timeout > 1) o.now = phase::terminated;
    }
    void run(const model& m, observed_driver& sut) const override {
        const phase now = facts(m).now;
        prediction p;
        if (now == phase::created)
            p = error("invalid_state", "join.before-start");
        else if (now == phase::closed)
            p = error("closed", "close.after");
        else if (now == phase::blocked)
            p = value(false, timeout > 0 ? "join-timeout.expires" : "join-timeout.poll");
        else if (now == phase::terminated || timeout > 1)
            p = value(true, "join-timeout.prompt");
        else
            p = either({false, true}, "join-timeout.poll");
        const std::string statement = fmt::format("join {} timeout {}", object, timeout);
        sut.say(with_result(statement, p));
        const join_timing seen = conformance::join_with_timeout(
            sut.driver(), object, timeout, now == phase::ending || now == phase::terminated);
        const std::optional<reply>& answer = seen.answer;
        const seconds took = seen.took;
        const std::string call = fmt::format("join({}, timeout={})", object, timeout);
        if (!answer) {
            throw case_failed(p.clause,
                              fmt::format("{} did not return within {}", call, seen.bound));
        }
        check(sut, *answer, p, call);
        if (now == phase::blocked && timeout > 0 && took.count() < timeout) {
            throw case_failed("join-timeout.expires",
                              fmt::format("{} returned false after {:.6f}s, before its timeout",
                                          call, took.count()));
        }
    }
    void show(std::ostream& os) const override {
        os << "join " << object << " timeout " << timeout;
    }
};

struct ask_is_alive : object_command {
    using object_command::object_command;
    void run(const model& m, observed_driver& sut) const override {
        const phase now = facts(m).now;
        prediction p;
        if (now == phase::created)
            p = value(false, "alive.before-start");
        else if (now == phase::closed)
            p = error("closed", "close.after");
        else if (now == phase::blocked)
            p = value(true, "alive.running");
        else if (now == phase::terminated)
            p = value(false, facts(m).joined ? "join.state" : "alive.after-exit");
        else
            p = either({true, false}, "alive.after-exit");
        sut.say(with_result("is_alive " + object, p));
        check(sut, sut.call("is_alive", object), p, "is_alive(" + object + ")");
    }
    void show(std::ostream& os) const override { os << "is_alive " << object; }
};

struct ask_exitcode : object_command {
    using object_command::object_command;
    void run(const model& m, observed_driver& sut) const override {
        const object_model& o = facts(m);
        prediction p;
        if (o.now == phase::created)
            p = value(nullptr, "exitcode.absent");
        else if (o.now == phase::closed)
            p = error("closed", "close.after");
        else if (o.now == phase::blocked)
            p = value(nullptr, "exitcode.absent");
        else {
            std::vector<json> allowed;
            for (const int code : o.codes) allowed.push_back(code);
            if (o.now == phase::ending) allowed.insert(allowed.begin(), nullptr);
            const std::string clause = o.joined                     ? "join.state"
                                       : o.now == phase::terminated ? "join-timeout.prompt"
                                       : o.codes.contains(-15)      ? "terminate.sigterm"
                                       : o.codes.contains(-9)       ? "kill.sigkill"
                                                                    : "exitcode.explicit";
            p = either(std::move(allowed), clause);
        }
        sut.say(with_result("exitcode " + object, p));
        check(sut, sut.call("exitcode", object), p, "exitcode(" + object + ")");
    }
    void show(std::ostream& os) const override { os << "exitcode " << object; }
};

struct ask_pid : object_command {
    using object_command::object_command;
    void checkPreconditions(const model& m) const override {
        object_command::checkPreconditions(m);
        RC_PRE(m.can.pids);
    }
    void run(const model& m, observed_driver& sut) const override {
        const phase now = facts(m).now;
        if (now == phase::created || now == phase::closed) {
            const prediction p = now == phase::created ? value(nullptr, "pid.absent")
                                                       : error("closed", "close.after");
            sut.say(with_result("pid " + object, p));
            check(sut, sut.call("pid", object), p, "pid(" + object + ")");
            return;
        }
        sut.say("pid " + object + "   # the child's pid, the same every time");
        const reply answer = sut.call("pid", object);
        const std::string call = "pid(" + object + ")";
        if (!answer.ok || !answer.value.is_number_integer() || answer.value.get<long long>() <= 0) {
            sut.say(fmt::format("# ^ the driver answered {}", shown(answer)));
            throw case_failed("pid.absent",
                              fmt::format("{} answered {}; after start() it is the child's pid, "
                                          "a positive number",
                                          call, shown(answer)));
        }
        const long long pid = answer.value.get<long long>();
        const auto [first, inserted] = sut.pids.emplace(object, pid);
        if (!inserted && first->second != pid) {
            throw case_failed("pid.absent",
                              fmt::format("{} answered {}, and {} before: the pid changed", call,
                                          pid, first->second));
        }
        if (now == phase::blocked) {
            // Two children that are both held on their gates are two live processes.
            for (const auto& [other, facts] : m.objects) {
                const auto seen = sut.pids.find(other);
                if (other != object && facts.now == phase::blocked && seen != sut.pids.end() &&
                    seen->second == pid) {
                    throw case_failed(
                        "pid.child",
                        fmt::format("{} and pid({}) are both {}, while both children run", call,
                                    other, pid));
                }
            }
        }
    }
    void show(std::ostream& os) const override { os << "pid " << object; }
};

// terminate() or kill(): SIGTERM or SIGKILL to a child that may still run.
template <bool Kill>
struct send_signal : object_command {
    using object_command::object_command;
    static constexpr const char* op = Kill ? "kill" : "terminate";
    static constexpr int code = Kill ? -9 : -15;
    void checkPreconditions(const model& m) const override {
        object_command::checkPreconditions(m);
        const bool supported = Kill ? m.can.kill : m.can.terminate;
        RC_PRE(supported);
    }
    void apply(model& m) const override {
        object_model& o = m.objects.at(object);
        if (o.now == phase::blocked) {
            o.now = phase::ending;
            o.codes = {code};
        } else if (o.now == phase::ending) {
            o.codes.insert(code);  // unless the child has exited already
        }
    }
    void run(const model& m, observed_driver& sut) const override {
        const phase now = facts(m).now;
        const prediction p =
            now == phase::created      ? error("invalid_state", "terminate.before-start")
            : now == phase::closed     ? error("closed", "close.after")
            : now == phase::terminated ? succeeds("terminate.after-exit")
                                       : succeeds(Kill ? "kill.sigkill" : "terminate.sigterm");
        sut.say(with_result(std::string(op) + " " + object, p));
        check(sut, sut.call(op, object), p, std::string(op) + "(" + object + ")");
    }
    void show(std::ostream& os) const override { os << op << " " << object; }
};

// close(), except while the child may or may not have exited: that answer is not predictable.
struct close_object : object_command {
    using object_command::object_command;
    void checkPreconditions(const model& m) const override {
        object_command::checkPreconditions(m);
        RC_PRE(m.can.close);
        RC_PRE(facts(m).now != phase::ending);
    }
    void apply(model& m) const override {
        object_model& o = m.objects.at(object);
        if (o.now != phase::blocked) o.now = phase::closed;
    }
    void run(const model& m, observed_driver& sut) const override {
        const phase now = facts(m).now;
        const prediction p = now == phase::blocked  ? error("invalid_state", "close.running")
                             : now == phase::closed ? succeeds("close.idempotent")
                                                    : succeeds("close.after");
        sut.say(with_result("close " + object, p));
        const reply answer = sut.call("close", object);
        check(sut, answer, p, "close(" + object + ")");
    }
    void show(std::ostream& os) const override { os << "close " << object; }
};

using kill_object = send_signal<true>;
using terminate_object = send_signal<false>;

void run_model(case_context& context, const capabilities& can) {
    model initial;
    initial.can = can;
    observed_driver sut{context, {}};
    // Sequences grow with RapidCheck's size, at most 40 commands: longer ones find nothing that
    // shorter ones over 4 objects miss, and cost time.
    const auto commands = *rc::gen::scale(
        0.4,
        rc::state::gen::commands(
            initial, rc::state::gen::execOneOfWithArgs<
                         create_object, create_object, start_object, start_object, release_gate,
                         join_object, join_releasing, join_with_timeout, ask_is_alive, ask_exitcode,
                         ask_pid, terminate_object, kill_object, close_object>()));
    rc::state::runAll(commands, initial, sut);
    model final_state = initial;
    for (const auto& each : commands) each->apply(final_state);
    sut.clean_up(final_state);
}

capabilities capabilities_of(const hello_info& hello, bool signals_and_pids) {
    capabilities can;
    can.join_timeout = hello.supports("join_timeout");
    can.close = hello.supports("close");
    if (signals_and_pids) {
        can.terminate = hello.supports("terminate");
        can.kill = hello.supports("kill");
        can.pids = true;
    }
    return can;
}

using Property = property_test;

STARTJOIN_TEST(Property, ModelOfProcessObjects, "create.nothing-runs", "start.once",
               "join.before-start", "join.after-exit", "join.repeatable", "join.state",
               "join-timeout.expires", "join-timeout.prompt", "join-timeout.poll",
               "alive.before-start", "alive.running", "alive.after-exit", "exitcode.absent",
               "exitcode.stable", "close.running", "close.after", "close.idempotent") {
    const capabilities can = capabilities_of(hello(), false);
    check_property("join.after-exit", [can](case_context& context) { run_model(context, can); });
}

STARTJOIN_TEST(Property, ModelWithSignalsAndPids, "terminate.sigterm", "kill.sigkill",
               "terminate.after-exit", "terminate.before-start", "exitcode.external-signal",
               "pid.absent") {
    if (hello().profile != "process") GTEST_SKIP() << "signals and pids need the process profile";
    const capabilities can = capabilities_of(hello(), true);
    check_property("terminate.sigterm", [can](case_context& context) { run_model(context, can); });
}

}  // namespace
}  // namespace startjoin::conformance::properties
