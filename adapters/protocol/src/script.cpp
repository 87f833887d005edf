#include "startjoin/protocol/script.hpp"

#include <algorithm>
#include <string_view>

#include "startjoin/protocol/error.hpp"

namespace startjoin::protocol {
namespace {

using nlohmann::json;

// The wire name of each step, in the order of any_step's alternatives.
constexpr std::string_view step_names[] = {"print",       "eprint",    "trace", "wait",
                                           "sleep",       "exit",      "raise", "signal",
                                           "report_args", "report_pid"};
static_assert(std::size(step_names) == std::variant_size_v<any_step>);

std::string_view name_of(const any_step& step) { return step_names[step.index()]; }

// Reads the fields of one step object, and says exactly which field is wrong.
class field_reader {
  public:
    field_reader(const json& object, std::size_t index, std::string_view name)
        : object_(object),
          where_("step " + std::to_string(index) + " (" + std::string(name) + ")") {}

    std::string text(const char* field) const {
        const json& value = require(field);
        if (!value.is_string()) fail(field, "must be a string");
        return value.get<std::string>();
    }
    long long integer(const char* field, long long low, long long high) const {
        const json& value = require(field);
        if (!value.is_number_integer() || value.get<long long>() < low ||
            value.get<long long>() > high) {
            fail(field,
                 "must be an integer in " + std::to_string(low) + ".." + std::to_string(high));
        }
        return value.get<long long>();
    }
    double number(const char* field) const {
        const json& value = require(field);
        if (!value.is_number() || value.get<double>() < 0) fail(field, "must be a number >= 0");
        return value.get<double>();
    }

    [[noreturn]] void fail(const char* field, const std::string& problem) const {
        throw protocol_error("bad_request", where_ + ": '" + field + "' " + problem);
    }

  private:
    const json& require(const char* field) const {
        auto found = object_.find(field);
        if (found == object_.end()) fail(field, "is missing");
        return *found;
    }

    const json& object_;
    std::string where_;
};

any_step parse_step(const json& object, std::size_t index) {
    if (!object.is_object() || !object.contains("step") || !object["step"].is_string()) {
        throw protocol_error("bad_request", "step " + std::to_string(index) +
                                                ": must be an object with a string 'step', got " +
                                                object.dump());
    }
    const std::string name = object["step"].get<std::string>();
    const field_reader fields(object, index, name);
    if (name == "print") return step::print{fields.text("text")};
    if (name == "eprint") return step::eprint{fields.text("text")};
    if (name == "trace") return step::trace{fields.text("event")};
    if (name == "wait") {
        step::wait wait{fields.text("gate")};
        if (!is_valid_gate_name(wait.gate)) fields.fail("gate", "must match [A-Za-z0-9_.-]{1,64}");
        return wait;
    }
    if (name == "sleep") return step::sleep{fields.number("seconds")};
    if (name == "exit") return step::exit{static_cast<int>(fields.integer("code", 0, 255))};
    if (name == "raise") return step::raise{fields.text("message")};
    if (name == "signal") return step::signal{static_cast<int>(fields.integer("signal", 1, 64))};
    if (name == "report_args") return step::report_args{};
    if (name == "report_pid") return step::report_pid{};
    throw protocol_error("unsupported",
                         "step " + std::to_string(index) + ": unknown step '" + name + "'");
}

json step_to_json(const any_step& any) {
    json object = {{"step", name_of(any)}};
    std::visit(
        [&object](const auto& step) {
            using T = std::decay_t<decltype(step)>;
            if constexpr (std::is_same_v<T, step::print> || std::is_same_v<T, step::eprint>) {
                object["text"] = step.text;
            } else if constexpr (std::is_same_v<T, step::trace>) {
                object["event"] = step.event;
            } else if constexpr (std::is_same_v<T, step::wait>) {
                object["gate"] = step.gate;
            } else if constexpr (std::is_same_v<T, step::sleep>) {
                object["seconds"] = step.seconds;
            } else if constexpr (std::is_same_v<T, step::exit>) {
                object["code"] = step.code;
            } else if constexpr (std::is_same_v<T, step::raise>) {
                object["message"] = step.message;
            } else if constexpr (std::is_same_v<T, step::signal>) {
                object["signal"] = step.number;
            }
        },
        any);
    return object;
}

}  // namespace

json to_json(const script& steps) {
    json wire = json::array();
    for (const any_step& step : steps) wire.push_back(step_to_json(step));
    return wire;
}

script parse_script(const json& wire) {
    if (!wire.is_array()) {
        throw protocol_error("bad_request",
                             "script must be a JSON array of steps, got " + wire.dump());
    }
    script steps;
    steps.reserve(wire.size());
    for (std::size_t index = 0; index < wire.size(); ++index) {
        steps.push_back(parse_step(wire[index], index));
    }
    return steps;
}

bool is_valid_gate_name(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
           });
}

std::vector<std::string> gates_of(const script& steps) {
    std::vector<std::string> gates;
    for (const any_step& any : steps) {
        if (const auto* wait = std::get_if<step::wait>(&any)) {
            if (std::find(gates.begin(), gates.end(), wait->gate) == gates.end()) {
                gates.push_back(wait->gate);
            }
        }
    }
    return gates;
}

}  // namespace startjoin::protocol
