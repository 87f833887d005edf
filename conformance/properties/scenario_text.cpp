#include "scenario_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scenario.hpp"

namespace startjoin::conformance::properties {
namespace {

namespace step = protocol::step;

struct step_writer {
    std::string operator()(const step::print& s) const { return "print " + quoted(s.text); }
    std::string operator()(const step::eprint& s) const { return "eprint " + quoted(s.text); }
    std::string operator()(const step::trace& s) const { return "trace " + s.event; }
    std::string operator()(const step::wait& s) const { return "wait " + s.gate; }
    std::string operator()(const step::sleep& s) const {
        return fmt::format("sleep {}", s.seconds);
    }
    std::string operator()(const step::exit& s) const { return fmt::format("exit {}", s.code); }
    std::string operator()(const step::raise& s) const { return "raise " + quoted(s.message); }
    std::string operator()(const step::signal& s) const {
        return fmt::format("signal {}", s.number);
    }
    std::string operator()(const step::report_args&) const { return "report args"; }
    std::string operator()(const step::report_pid&) const { return "report pid"; }
    std::string operator()(const step::hang&) const { return "hang"; }
    std::string operator()(const step::busy&) const { return "busy"; }
    std::string operator()(const step::set_global& s) const {
        return "set " + s.name + " " + s.value.dump();
    }
    std::string operator()(const step::report_global& s) const { return "report global " + s.name; }
    std::string operator()(const step::nest& s) const {
        std::vector<std::string> inner;
        for (const protocol::any_step& each : s.steps) inner.push_back(step_text(each));
        return fmt::format("nest {} [{}]", s.process, fmt::join(inner, "; "));
    }
    std::string operator()(const step::orphan& s) const { return "orphan " + s.gate; }
    std::string operator()(const step::exec& s) const { return "exec " + quoted(s.command); }
};

}  // namespace

std::string quoted(const std::string& text) { return nlohmann::json(text).dump(); }

std::string step_text(const protocol::any_step& any) { return std::visit(step_writer{}, any); }

std::string steps_text(const protocol::script& steps) {
    std::vector<std::string> texts;
    for (const protocol::any_step& each : steps) texts.push_back(step_text(each));
    return fmt::format("{}", fmt::join(texts, "; "));
}

std::string process_line(const std::string& name, const protocol::script& steps,
                         const nlohmann::json& args) {
    std::string head = name;
    if (!args.empty()) {
        std::vector<std::string> shown;
        for (const nlohmann::json& argument : args) shown.push_back(argument.dump());
        head += fmt::format("({})", fmt::join(shown, ", "));
    }
    return fmt::format("process {}: {}", head, steps_text(steps));
}

std::string result_text(const nlohmann::json& value) {
    return "=> " + (value.is_null() ? std::string("none") : value.dump());
}

std::string error_text(const std::string& kind) { return "=> error " + kind; }

std::vector<std::string> output_lines(const std::string& stream,
                                      const std::vector<std::string>& lines) {
    std::vector<std::string> text = {stream + " =>"};
    for (const std::string& line : lines) text.push_back("  | " + line);
    return text;
}

std::string regression_block(const std::string& clause, const std::string& title,
                             const std::vector<std::string>& statements) {
    return fmt::format("### [{}] {}\n\n```scenario\n{}\n```\n", clause, title,
                       fmt::join(statements, "\n"));
}

std::optional<std::string> parse_problem(const std::string& clause,
                                         const std::vector<std::string>& statements) {
    try {
        parse_scenario(scenario_block{clause, "(rendered counterexample)", 1, statements});
    } catch (const std::exception& error) {
        return error.what();
    }
    return std::nullopt;
}

}  // namespace startjoin::conformance::properties
