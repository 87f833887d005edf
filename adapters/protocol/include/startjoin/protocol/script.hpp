// Target scripts: the steps a child interprets (spec/protocol.md, "Target scripts").
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

namespace startjoin::protocol {

namespace step {
struct print {
    std::string text;
    friend bool operator==(const print&, const print&) = default;
};
struct eprint {
    std::string text;
    friend bool operator==(const eprint&, const eprint&) = default;
};
struct trace {
    std::string event;
    friend bool operator==(const trace&, const trace&) = default;
};
struct wait {
    std::string gate;
    friend bool operator==(const wait&, const wait&) = default;
};
struct sleep {
    double seconds = 0;
    friend bool operator==(const sleep&, const sleep&) = default;
};
struct exit {
    int code = 0;
    friend bool operator==(const exit&, const exit&) = default;
};
struct raise {
    std::string message;
    friend bool operator==(const raise&, const raise&) = default;
};
struct signal {
    int number = 0;
    friend bool operator==(const signal&, const signal&) = default;
};
struct report_args {
    friend bool operator==(const report_args&, const report_args&) = default;
};
struct report_pid {
    friend bool operator==(const report_pid&, const report_pid&) = default;
};
struct hang {
    friend bool operator==(const hang&, const hang&) = default;
};
struct busy {
    friend bool operator==(const busy&, const busy&) = default;
};
struct set_global {
    std::string name;
    nlohmann::json value;
    friend bool operator==(const set_global&, const set_global&) = default;
};
struct report_global {
    std::string name;
    friend bool operator==(const report_global&, const report_global&) = default;
};
struct nest;  // holds a whole script, so it is defined after any_step
struct orphan {
    std::string gate;
    friend bool operator==(const orphan&, const orphan&) = default;
};
struct exec {
    std::string command;
    friend bool operator==(const exec&, const exec&) = default;
};
}  // namespace step

using any_step = std::variant<step::print, step::eprint, step::trace, step::wait, step::sleep,
                              step::exit, step::raise, step::signal, step::report_args,
                              step::report_pid, step::hang, step::busy, step::set_global,
                              step::report_global, step::nest, step::orphan, step::exec>;
using script = std::vector<any_step>;

namespace step {
/// Runs `steps` in a nested process object of the same implementation, with handle `process`.
struct nest {
    std::string process;
    script steps;
    nlohmann::json args = nlohmann::json::array();
    friend bool operator==(const nest&, const nest&) = default;
};
}  // namespace step

/// The wire form of a script: a JSON array of step objects.
nlohmann::json to_json(const script& steps);

/// Reads and validates a script, nested scripts included. Throws protocol_error naming the
/// path to the first bad step and what is wrong with it ("step 2 (exit): 'code' must be an
/// integer in 0..255", "step 1 (nest) > step 0 (wait): 'gate' is missing").
script parse_script(const nlohmann::json& wire);

/// The wire name of a step ("print", "nest", ...).
const char* name_of(const any_step& step);

/// The optional feature (spec/protocol.md, "Features") a step needs, or nullptr for a base step.
const char* feature_of(const any_step& step);

/// The optional features a script needs, nested scripts included, in order of first mention.
std::vector<std::string> features_of(const script& steps);

/// Whether `name` is a valid gate or process name: [A-Za-z0-9_.-]{1,64}.
bool is_valid_name(const std::string& name);
bool is_valid_gate_name(const std::string& name);

/// The gates a script mentions (`wait` and `orphan` steps, nested scripts included), in order
/// of first mention. The runner creates each of them before it sends the script.
std::vector<std::string> gates_of(const script& steps);

}  // namespace startjoin::protocol
