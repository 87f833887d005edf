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
};
struct eprint {
    std::string text;
};
struct trace {
    std::string event;
};
struct wait {
    std::string gate;
};
struct sleep {
    double seconds = 0;
};
struct exit {
    int code = 0;
};
struct raise {
    std::string message;
};
struct signal {
    int number = 0;
};
struct report_args {};
struct report_pid {};
}  // namespace step

using any_step =
    std::variant<step::print, step::eprint, step::trace, step::wait, step::sleep, step::exit,
                 step::raise, step::signal, step::report_args, step::report_pid>;
using script = std::vector<any_step>;

/// The wire form of a script: a JSON array of step objects.
nlohmann::json to_json(const script& steps);

/// Reads and validates a script. Throws protocol_error naming the index of the first bad step
/// and what is wrong with it ("step 2 (exit): 'code' must be an integer in 0..255").
script parse_script(const nlohmann::json& wire);

/// Whether `name` is a valid gate name: [A-Za-z0-9_.-]{1,64}.
bool is_valid_gate_name(const std::string& name);

/// The gates a script waits on, in order of first mention.
std::vector<std::string> gates_of(const script& steps);

}  // namespace startjoin::protocol
