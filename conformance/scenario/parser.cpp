// The scenario syntax of spec/start-join.md ("Reading a scenario"), one statement per line.
#include <csignal>
#include <map>
#include <string_view>

#include "scenario.hpp"

namespace startjoin::conformance {
namespace {

using nlohmann::json;
namespace step = protocol::step;
namespace kind = statement_kind;

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return std::string(text.substr(first, last - first + 1));
}

// Scans `text` and calls `at(position)` for every character outside double-quoted strings and
// outside (), [] and {}; stops early when `at` returns true. Returns the position or npos.
template <class At>
std::size_t scan_top_level(std::string_view text, At at) {
    int depth = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
            continue;
        }
        if (c == '"')
            quoted = true;
        else if (c == '(' || c == '[' || c == '{')
            ++depth;
        else if (c == ')' || c == ']' || c == '}')
            --depth;
        else if (depth == 0 && at(i))
            return i;
    }
    return std::string_view::npos;
}

std::string strip_comment(const std::string& line) {
    const auto hash = scan_top_level(line, [&](std::size_t i) { return line[i] == '#'; });
    return trim(hash == std::string::npos ? line : line.substr(0, hash));
}

std::vector<std::string> split_top_level(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    scan_top_level(text, [&](std::size_t i) {
        if (text[i] == separator) {
            parts.push_back(trim(text.substr(start, i - start)));
            start = i + 1;
        }
        return false;
    });
    parts.push_back(trim(text.substr(start)));
    return parts;
}

// Parses one statement line; `fail` throws a located_error for that line.
class line_parser {
  public:
    line_parser(const std::string& file, int line, std::string text)
        : file_(file), line_(line), rest_(std::move(text)) {}

    [[noreturn]] void fail(const std::string& reason) const {
        throw located_error(file_, line_, reason);
    }

    bool done() const { return rest_.empty(); }
    const std::string& rest() const { return rest_; }

    // The next whitespace-separated word; fails with `what` when there is none.
    std::string word(const char* what) {
        if (rest_.empty()) fail(std::string("expected ") + what);
        const auto end = rest_.find_first_of(" \t");
        std::string taken = rest_.substr(0, end);
        rest_ = end == std::string::npos ? std::string() : trim(rest_.substr(end));
        return taken;
    }

    std::string name(const char* what) {
        std::string taken = word(what);
        if (!protocol::is_valid_gate_name(taken)) {
            fail(std::string(what) + " '" + taken + "' must be 1 to 64 of [A-Za-z0-9_.-]");
        }
        return taken;
    }

    // A double-quoted JSON string, which is the whole rest.
    std::string text(const char* what) {
        const json value = whole_json(what);
        if (!value.is_string()) fail(std::string(what) + " must be a double-quoted string");
        return value.get<std::string>();
    }

    json whole_json(const char* what) {
        const std::string source = std::exchange(rest_, std::string());
        return parse_value(source, what);
    }

    json parse_value(const std::string& source, const char* what) const {
        if (source == "none") return nullptr;
        json value = json::parse(source, nullptr, false);
        if (value.is_discarded()) fail(std::string(what) + " is not a JSON value: " + source);
        return value;
    }

    long long integer(const char* what, long long low, long long high) {
        const std::string taken = word(what);
        std::size_t used = 0;
        long long value = 0;
        try {
            value = std::stoll(taken, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != taken.size() || value < low || value > high) {
            fail(std::string(what) + " must be an integer in " + std::to_string(low) + ".." +
                 std::to_string(high) + ", got '" + taken + "'");
        }
        return value;
    }

    double number(const char* what) {
        const std::string taken = word(what);
        std::size_t used = 0;
        double value = 0;
        try {
            value = std::stod(taken, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != taken.size())
            fail(std::string(what) + " must be a number, got '" + taken + "'");
        return value;
    }

    void expect_end(const char* after) const {
        if (!rest_.empty()) fail(std::string("unexpected '") + rest_ + "' after " + after);
    }

  private:
    const std::string& file_;
    int line_;
    std::string rest_;
};

int signal_number(line_parser& parser) {
    static const std::map<std::string, int> names = {
        {"SIGHUP", SIGHUP},   {"SIGINT", SIGINT},   {"SIGQUIT", SIGQUIT}, {"SIGILL", SIGILL},
        {"SIGABRT", SIGABRT}, {"SIGBUS", SIGBUS},   {"SIGFPE", SIGFPE},   {"SIGKILL", SIGKILL},
        {"SIGUSR1", SIGUSR1}, {"SIGSEGV", SIGSEGV}, {"SIGUSR2", SIGUSR2}, {"SIGPIPE", SIGPIPE},
        {"SIGALRM", SIGALRM}, {"SIGTERM", SIGTERM}};
    const std::string taken = parser.word("a signal");
    if (const auto found = names.find(taken); found != names.end()) return found->second;
    line_parser number(std::string(), 0, taken);
    try {
        return static_cast<int>(number.integer("a signal", 1, 64));
    } catch (const located_error&) {
        parser.fail("signal '" + taken + "' must be a number in 1..64 or a name such as SIGTERM");
    }
}

class scenario_parser {
  public:
    explicit scenario_parser(const scenario_block& block) : block_(block) {
        parsed_.clause = block.clause;
        parsed_.file = block.file;
        parsed_.first_line = block.first_line;
    }

    scenario parse() {
        for (std::size_t i = 0; i < block_.lines.size(); ++i) {
            const int line = block_.first_line + static_cast<int>(i);
            const std::string text = strip_comment(block_.lines[i]);
            if (text.empty()) continue;
            statement parsed{line, text, kind::end_program{}};
            line_being_parsed_ = line;
            line_parser parser(block_.file, line, text);
            parsed.what = parse_statement(parser, i);
            if (ended_ && !std::holds_alternative<kind::output_check>(parsed.what) &&
                !std::holds_alternative<kind::event_check>(parsed.what) &&
                !std::holds_alternative<kind::order_check>(parsed.what) &&
                !std::holds_alternative<kind::survivors_check>(parsed.what)) {
                parser.fail("only checks may follow `end`: the parent program has ended");
            }
            if (std::holds_alternative<kind::end_program>(parsed.what)) {
                if (ended_) parser.fail("`end` appears twice");
                ended_ = true;
            }
            parsed_.statements.push_back(std::move(parsed));
        }
        if (parsed_.statements.empty()) {
            throw located_error(block_.file, block_.first_line, "empty scenario block");
        }
        for (const auto& [gate, line] : released_gates_) {
            if (!waited_gates_.contains(gate)) {
                throw located_error(block_.file, line,
                                    "gate '" + gate + "' is released but no target waits on it");
            }
        }
        return std::move(parsed_);
    }

  private:
    any_statement parse_statement(line_parser& parser, std::size_t& index) {
        const std::string keyword = parser.word("a statement");
        if (keyword == "process") return define(parser, false);
        if (keyword == "daemon") {
            if (parser.word("`process` after `daemon`") != "process")
                parser.fail("expected `daemon process NAME: ...`");
            need_feature("daemon");
            return define(parser, true);
        }
        if (keyword == "end") {
            kind::end_program end;
            if (!parser.done()) {
                if (parser.word("`releasing`") != "releasing")
                    parser.fail("expected `end` or `end releasing GATE`");
                end.held_gate = one_name(parser, "a gate");
                released_gates_.emplace(end.held_gate, line_being_parsed_);
            }
            return end;
        }
        if (keyword == "release") {
            kind::release release{parser.name("a gate"), 1};
            if (!parser.done())
                release.count = static_cast<int>(parser.integer("a count", 1, 1000));
            parser.expect_end("the count");
            released_gates_.emplace(release.gate, line_being_parsed_);
            return release;
        }
        if (keyword == "eventually") {
            const std::string op = parser.word("an operation after `eventually`");
            any_statement repeated = operation(parser, op);
            auto* call = std::get_if<kind::operation>(&repeated);
            if (call == nullptr || !call->expected || call->expected->is_error) {
                parser.fail(
                    "`eventually` takes an operation with an expected result: `eventually OP NAME "
                    "=> RESULT`");
            }
            call->eventually = true;
            return repeated;
        }
        if (keyword == "ended") {
            needs_process("`ended`");
            const std::string process = one_name(parser, "a process name");
            if (!defined_.contains(process)) parser.fail("unknown process '" + process + "'");
            parsed_.watched.insert(process);
            return kind::await_end{process};
        }
        if (keyword == "stdout" || keyword == "stderr") return output(parser, keyword, index);
        if (keyword == "event" || keyword == "no") return event(parser, keyword);
        if (keyword == "order") return order(parser);
        return operation(parser, keyword);
    }

    any_statement define(line_parser& parser, bool daemon) {
        const std::string& text = parser.rest();
        const auto colon = scan_top_level(text, [&](std::size_t i) { return text[i] == ':'; });
        if (colon == std::string::npos) parser.fail("expected `process NAME: STEP; STEP; ...`");
        std::string head = trim(text.substr(0, colon));
        const std::string body = trim(text.substr(colon + 1));
        kind::define_process process;
        process.daemon = daemon;
        if (const auto open = head.find('('); open != std::string::npos) {
            if (!head.ends_with(")")) parser.fail("arguments must be closed with ')'");
            process.args = parser.parse_value(
                "[" + head.substr(open + 1, head.size() - open - 2) + "]", "the argument list");
            for (const json& argument : process.args) {
                if (!argument.is_string() && !argument.is_number_integer()) {
                    parser.fail("arguments must be JSON strings or integers, got " +
                                argument.dump());
                }
            }
            head = trim(head.substr(0, open));
        }
        line_parser name_parser(block_.file, 0, head);
        process.name = name_parser.name("a process name");
        if (!name_parser.done())
            parser.fail("unexpected '" + name_parser.rest() + "' in the process name");
        if (defined_.contains(process.name))
            parser.fail("process '" + process.name + "' is defined twice");
        defined_.insert(process.name);
        process.steps = steps(parser, body);
        return process;
    }

    protocol::script steps(line_parser& parser, const std::string& body) {
        if (body.empty()) parser.fail("a target needs at least one step");
        protocol::script script;
        for (const std::string& text : split_top_level(body, ';')) {
            if (text.empty()) parser.fail("empty step (two ';' in a row, or a ';' at the end)");
            line_parser step_parser(block_.file, line_being_parsed_, text);
            script.push_back(one_step(step_parser));
        }
        return script;
    }

    protocol::any_step one_step(line_parser& parser) {
        const std::string name = parser.word("a step");
        if (name == "print") return step::print{parser.text("the text")};
        if (name == "eprint") return step::eprint{parser.text("the text")};
        if (name == "trace") return step::trace{one_name(parser, "an event")};
        if (name == "wait") {
            const std::string gate = one_name(parser, "a gate");
            waited_gates_.insert(gate);
            return step::wait{gate};
        }
        if (name == "sleep") {
            const double seconds = parser.number("seconds");
            parser.expect_end("the seconds");
            return step::sleep{seconds};
        }
        if (name == "exit") {
            const int code = static_cast<int>(parser.integer("an exit code", 0, 255));
            parser.expect_end("the exit code");
            return step::exit{code};
        }
        if (name == "raise") return step::raise{parser.text("the message")};
        if (name == "signal") {
            needs_process("`signal`");
            const int number = signal_number(parser);
            parser.expect_end("the signal");
            return step::signal{number};
        }
        if (name == "report") {
            const std::string what = parser.word("`args`, `pid` or `global NAME` after `report`");
            if (what == "args")
                return parser.expect_end("report args"), protocol::any_step(step::report_args{});
            if (what == "pid") {
                needs_process("`report pid`");
                parser.expect_end("report pid");
                return step::report_pid{};
            }
            if (what == "global") {
                need_feature("globals");
                return step::report_global{one_name(parser, "a global variable")};
            }
            parser.fail("expected `report args`, `report pid` or `report global NAME`");
        }
        if (name == "set") {
            need_feature("globals");
            const std::string variable = parser.name("a global variable");
            return step::set_global{variable, parser.whole_json("the value")};
        }
        if (name == "nest") {
            need_feature("nest");
            const std::string child = parser.name("the nested process's name");
            const std::string& body = parser.rest();
            if (!body.starts_with("[") || !body.ends_with("]"))
                parser.fail("expected `nest NAME [STEP; ...]`");
            return step::nest{child, steps(parser, trim(body.substr(1, body.size() - 2))),
                              json::array()};
        }
        if (name == "orphan") {
            needs_process("`orphan`");
            need_feature("orphan");
            const std::string gate = one_name(parser, "a gate");
            waited_gates_.insert(gate);
            return step::orphan{gate};
        }
        if (name == "exec") {
            needs_process("`exec`");
            need_feature("exec");
            return step::exec{parser.text("the command")};
        }
        if (name == "hang") return parser.expect_end("hang"), protocol::any_step(step::hang{});
        if (name == "busy") return parser.expect_end("busy"), protocol::any_step(step::busy{});
        parser.fail("unknown step '" + name + "'");
    }

    static std::string one_name(line_parser& parser, const char* what) {
        std::string taken = parser.name(what);
        parser.expect_end(what);
        return taken;
    }

    any_statement operation(line_parser& parser, const std::string& op) {
        // The expectation is whatever follows a top-level "=>".
        std::optional<expectation> expected;
        std::string text = parser.rest();
        const auto arrow =
            scan_top_level(text, [&](std::size_t i) { return text.compare(i, 2, "=>") == 0; });
        if (arrow != std::string::npos) {
            expected = expectation_of(parser, trim(text.substr(arrow + 2)));
            text = trim(text.substr(0, arrow));
        }
        line_parser operands(block_.file, line_being_parsed_, text);
        json request = {{"op", op}};

        static const std::set<std::string> on_process = {
            "start", "join",  "is_alive", "exitcode", "pid",       "terminate",
            "kill",  "close", "name",     "daemon",   "set_daemon"};
        if (on_process.contains(op)) {
            const std::string process = operands.name("a process name");
            if (!defined_.contains(process)) {
                parser.fail("unknown process '" + process + "': define it first with `process " +
                            process + ": ...`");
            }
            request["process"] = process;
            if (op == "pid") needs_process("`pid`");
            if (op == "terminate" || op == "kill") {
                needs_process("`" + op + "`");
                need_feature(op);
            }
            if (op == "close" || op == "name" || op == "daemon")
                need_feature(op == "close" ? "close" : op);
            if (op == "set_daemon") {
                need_feature("daemon");
                const std::string flag = operands.word("true or false");
                if (flag != "true" && flag != "false")
                    parser.fail("set_daemon takes true or false");
                request["daemon"] = flag == "true";
            }
            if (op == "join" && !operands.done()) {
                const std::string modifier = operands.word("`timeout` or `releasing`");
                if (modifier == "timeout") {
                    need_feature("join_timeout");
                    request["timeout"] = operands.number("the timeout in seconds");
                } else if (modifier == "releasing") {
                    const std::string gate = operands.name("a gate");
                    operands.expect_end("the gate");
                    if (expected)
                        parser.fail("`join NAME releasing GATE` takes no `=>`: it must succeed");
                    released_gates_.emplace(gate, line_being_parsed_);
                    return kind::join_releasing{process, gate};
                } else {
                    parser.fail("after `join NAME` expected `timeout SECONDS` or `releasing GATE`");
                }
            }
            operands.expect_end("the operation");
            return kind::operation{request, expected};
        }
        if (op == "print" || op == "eprint") {
            request = {{"op", "print"},
                       {"text", operands.text("the text")},
                       {"stream", op == "print" ? "stdout" : "stderr"}};
        } else if (op == "trace") {
            request["event"] = one_name(operands, "an event");
        } else if (op == "set") {
            need_feature("globals");
            request = {{"op", "set_global"}, {"name", operands.name("a global variable")}};
            request["value"] = operands.whole_json("the value");
        } else if (op == "global") {
            need_feature("globals");
            request = {{"op", "get_global"}, {"name", one_name(operands, "a global variable")}};
        } else {
            parser.fail("unknown statement '" + op + "'");
        }
        return kind::operation{request, expected};
    }

    expectation expectation_of(line_parser& parser, const std::string& text) {
        if (text.empty()) parser.fail("expected a result after `=>`");
        expectation expected;
        if (text.starts_with("error")) {
            line_parser words(block_.file, line_being_parsed_, text);
            words.word("error");
            expected.is_error = true;
            expected.error_kind = words.word("an error kind after `error`");
            words.expect_end("the error kind");
            return expected;
        }
        expected.value = parser.parse_value(text, "the expected result");
        return expected;
    }

    any_statement output(line_parser& parser, const std::string& stream, std::size_t& index) {
        if (!ended_)
            parser.fail("`" + stream + "` checks the whole output, so it must follow `end`");
        const std::string how = parser.word("`=>` or `contains`");
        kind::output_check check{stream, how == "=>", {}};
        if (how == "contains") {
            check.lines.push_back(parser.text("the text"));
            return check;
        }
        if (how != "=>")
            parser.fail("expected `" + stream + " =>` or `" + stream + " contains TEXT`");
        parser.expect_end("=>");
        // The expected lines follow, each "| TEXT" (one space after the bar is not part of TEXT).
        while (index + 1 < block_.lines.size()) {
            const std::string next = trim(block_.lines[index + 1]);
            if (!next.starts_with("|")) break;
            ++index;
            check.lines.push_back(next.size() > 1 && next[1] == ' ' ? next.substr(2)
                                                                    : next.substr(1));
        }
        return check;
    }

    any_statement event(line_parser& parser, const std::string& keyword) {
        kind::event_check check;
        if (keyword == "no") {
            const std::string what = parser.word("`event` or `survivors` after `no`");
            if (what == "survivors") {
                if (!ended_)
                    parser.fail(
                        "`no survivors` checks what the ended program left, so it must follow "
                        "`end`");
                parser.expect_end("no survivors");
                return kind::survivors_check{};
            }
            if (what != "event") parser.fail("expected `no event NAME:EVENT` or `no survivors`");
            check.absent = true;
        }
        std::string text = parser.rest();
        const auto arrow = text.find("=>");
        const std::string subject = trim(text.substr(0, arrow));
        split_subject(parser, subject, check.from, check.event);
        if (check.absent) {
            if (arrow != std::string::npos) parser.fail("`no event` takes no `=>`");
            return check;
        }
        if (arrow == std::string::npos) parser.fail("expected `event NAME:EVENT => {FIELDS}`");
        check.fields = parser.parse_value(trim(text.substr(arrow + 2)), "the fields");
        if (!check.fields.is_object()) parser.fail("the fields of an event must be a JSON object");
        return check;
    }

    void split_subject(line_parser& parser, const std::string& subject, std::string& from,
                       std::string& event) {
        const auto colon = subject.find(':');
        if (colon == std::string::npos) parser.fail("expected NAME:EVENT, got '" + subject + "'");
        from = subject.substr(0, colon);
        event = subject.substr(colon + 1);
        if (from != "parent" && !defined_.contains(from)) {
            parser.fail("unknown process '" + from + "' in '" + subject + "'");
        }
        if (!protocol::is_valid_gate_name(event))
            parser.fail("event '" + event + "' must be 1 to 64 of [A-Za-z0-9_.-]");
    }

    any_statement order(line_parser& parser) {
        kind::order_check check;
        for (const std::string& item_text : split_top_level(parser.rest(), '<')) {
            kind::order_item item;
            item.text = item_text;
            if (const auto open = item_text.find('(');
                open != std::string::npos && item_text.ends_with(")")) {
                item.is_return = true;
                const std::string process = item_text.substr(open + 1, item_text.size() - open - 2);
                if (!defined_.contains(process))
                    parser.fail("unknown process '" + process + "' in '" + item_text + "'");
                item.subject = item_text;
            } else {
                split_subject(parser, item_text, item.subject, item.event);
            }
            check.items.push_back(std::move(item));
        }
        if (check.items.size() < 2) parser.fail("`order` needs at least two items: `order A < B`");
        return check;
    }

    void needs_process(const std::string&) { parsed_.needs.process_profile = true; }
    void need_feature(const std::string& feature) { parsed_.needs.features.insert(feature); }

    const scenario_block& block_;
    scenario parsed_;
    std::set<std::string> defined_;
    std::set<std::string> waited_gates_;
    std::map<std::string, int> released_gates_;
    bool ended_ = false;
    int line_being_parsed_ = 0;
};

}  // namespace

scenario parse_scenario(const scenario_block& block) { return scenario_parser(block).parse(); }

}  // namespace startjoin::conformance
