#include "startjoin/protocol/script.hpp"

#include <algorithm>
#include <string_view>

#include "startjoin/protocol/error.hpp"

namespace startjoin::protocol {
namespace {

using nlohmann::json;

// The wire name of each step and the optional feature it needs (nullptr: a base step), in the
// order of any_step's alternatives.
struct step_info {
    const char* name;
    const char* feature;
};
constexpr step_info steps_info[] = {
    {"print", nullptr},        {"eprint", nullptr},
    {"trace", nullptr},        {"wait", nullptr},
    {"sleep", nullptr},        {"exit", nullptr},
    {"raise", nullptr},        {"signal", nullptr},
    {"report_args", nullptr},  {"report_pid", nullptr},
    {"hang", nullptr},         {"busy", nullptr},
    {"set_global", "globals"}, {"report_global", "globals"},
    {"nest", "nest"},          {"orphan", "orphan"},
    {"exec", "exec"},
};
static_assert(std::size(steps_info) == std::variant_size_v<any_step>);

constexpr const char* name_pattern = "[A-Za-z0-9_.-]{1,64}";

// Reads the fields of one step object, and says exactly which field is wrong. `where` is the
// step's path: "step 2 (exit)", or "step 1 (nest) > step 0 (exit)" inside a nested script.
class field_reader {
  public:
    field_reader(const json& object, std::string where)
        : object_(object), where_(std::move(where)) {}

    const std::string& where() const { return where_; }

    const json& any(const char* field) const { return require(field); }
    std::string text(const char* field) const {
        const json& value = require(field);
        if (!value.is_string()) fail(field, "must be a string");
        return value.get<std::string>();
    }
    std::string name(const char* field) const {
        std::string value = text(field);
        if (!is_valid_name(value)) fail(field, std::string("must match ") + name_pattern);
        return value;
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
    json array_or_empty(const char* field) const {
        auto found = object_.find(field);
        if (found == object_.end()) return json::array();
        if (!found->is_array()) fail(field, "must be a JSON array");
        return *found;
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

script parse_steps(const json& wire, const std::string& path);

// `path` is empty at the top level and "step 1 (nest) > " inside a nested script.
any_step parse_step(const json& object, std::size_t index, const std::string& path) {
    const std::string position = path + "step " + std::to_string(index);
    if (!object.is_object() || !object.contains("step") || !object["step"].is_string()) {
        throw protocol_error(
            "bad_request",
            position + ": must be an object with a string 'step', got " + object.dump());
    }
    const std::string name = object["step"].get<std::string>();
    const field_reader fields(object, position + " (" + name + ")");
    if (name == "print") return step::print{fields.text("text")};
    if (name == "eprint") return step::eprint{fields.text("text")};
    if (name == "trace") return step::trace{fields.text("event")};
    if (name == "wait") return step::wait{fields.name("gate")};
    if (name == "sleep") return step::sleep{fields.number("seconds")};
    if (name == "exit") return step::exit{static_cast<int>(fields.integer("code", 0, 255))};
    if (name == "raise") return step::raise{fields.text("message")};
    if (name == "signal") return step::signal{static_cast<int>(fields.integer("signal", 1, 64))};
    if (name == "report_args") return step::report_args{};
    if (name == "report_pid") return step::report_pid{};
    if (name == "hang") return step::hang{};
    if (name == "busy") return step::busy{};
    if (name == "set_global") return step::set_global{fields.text("name"), fields.any("value")};
    if (name == "report_global") return step::report_global{fields.text("name")};
    if (name == "nest") {
        std::string process = fields.name("process");
        const json& steps = fields.any("script");
        if (!steps.is_array()) fields.fail("script", "must be a JSON array of steps");
        script nested = parse_steps(steps, fields.where() + " > ");
        return step::nest{std::move(process), std::move(nested), fields.array_or_empty("args")};
    }
    if (name == "orphan") return step::orphan{fields.name("gate")};
    if (name == "exec") return step::exec{fields.text("command")};
    throw protocol_error("unsupported", position + ": unknown step '" + name + "'");
}

script parse_steps(const json& wire, const std::string& path) {
    script steps;
    steps.reserve(wire.size());
    for (std::size_t index = 0; index < wire.size(); ++index) {
        steps.push_back(parse_step(wire[index], index, path));
    }
    return steps;
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
            } else if constexpr (std::is_same_v<T, step::wait> || std::is_same_v<T, step::orphan>) {
                object["gate"] = step.gate;
            } else if constexpr (std::is_same_v<T, step::sleep>) {
                object["seconds"] = step.seconds;
            } else if constexpr (std::is_same_v<T, step::exit>) {
                object["code"] = step.code;
            } else if constexpr (std::is_same_v<T, step::raise>) {
                object["message"] = step.message;
            } else if constexpr (std::is_same_v<T, step::signal>) {
                object["signal"] = step.number;
            } else if constexpr (std::is_same_v<T, step::set_global>) {
                object["name"] = step.name;
                object["value"] = step.value;
            } else if constexpr (std::is_same_v<T, step::report_global>) {
                object["name"] = step.name;
            } else if constexpr (std::is_same_v<T, step::nest>) {
                object["process"] = step.process;
                object["script"] = to_json(step.steps);
                object["args"] = step.args;
            } else if constexpr (std::is_same_v<T, step::exec>) {
                object["command"] = step.command;
            }
        },
        any);
    return object;
}

template <class Visit>
void for_each_step(const script& steps, const Visit& visit) {
    for (const any_step& any : steps) {
        visit(any);
        if (const auto* nest = std::get_if<step::nest>(&any)) for_each_step(nest->steps, visit);
    }
}

void add_once(std::vector<std::string>& list, const std::string& item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
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
    return parse_steps(wire, "");
}

const char* name_of(const any_step& step) { return steps_info[step.index()].name; }

const char* feature_of(const any_step& step) { return steps_info[step.index()].feature; }

std::vector<std::string> features_of(const script& steps) {
    std::vector<std::string> features;
    for_each_step(steps, [&](const any_step& any) {
        if (const char* feature = feature_of(any)) add_once(features, feature);
    });
    return features;
}

bool is_valid_name(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '.' || c == '-';
           });
}

bool is_valid_gate_name(const std::string& name) { return is_valid_name(name); }

std::vector<std::string> gates_of(const script& steps) {
    std::vector<std::string> gates;
    for_each_step(steps, [&](const any_step& any) {
        if (const auto* wait = std::get_if<step::wait>(&any)) add_once(gates, wait->gate);
        if (const auto* orphan = std::get_if<step::orphan>(&any)) add_once(gates, orphan->gate);
    });
    return gates;
}

}  // namespace startjoin::protocol
