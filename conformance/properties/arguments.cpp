// [start.arguments], [isolation.arguments]: arguments arrive exactly, whatever they hold.
#include <fmt/format.h>

#include <cstdint>

#include "harness.hpp"
#include "scenario_text.hpp"

namespace startjoin::conformance::properties {
namespace {

using nlohmann::json;
namespace step = protocol::step;

// Code points that text channels mangle: accents, CJK, an emoji (4 bytes in UTF-8, a surrogate
// pair in JSON), a combining mark, right-to-left text, the BOM, the line separator U+2028
// (a line break for JavaScript), the replacement character.
const std::vector<std::uint32_t> unusual_code_points = {
    0xE9, 0xFC, 0xDF, 0x4E2D, 0x6587, 0x1F600, 0x301, 0x5D0, 0xFEFF, 0x2028, 0xFFFD, 0x7F};

// Pieces that split or escape arguments in shells, argv, CSV, JSON and format strings.
const std::vector<std::string> separators = {
    " ",   ",",        ";",         "\t", "\n", "\r\n", "\"",   "'",  "\\", "=",
    "--",  "$HOME",    "`id`",      "*",  "|",  "&&",   "%s",   "{}", "[",  "]",
    "a b", " leading", "trailing ", "-n", "0",  "1",    "null", "\\n"};

std::string utf8(std::uint32_t code_point) {
    std::string out;
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xC0 | (code_point >> 6));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xE0 | (code_point >> 12));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code_point >> 18));
        out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code_point & 0x3F));
    }
    return out;
}

// A string of a few pieces: printable ASCII, separators, unusual code points. No NUL: no argv,
// environment or C string can carry it, and the spec's scenario syntax has no use for it.
rc::Gen<std::string> short_string() {
    const auto piece = rc::gen::weightedOneOf<std::string>({
        {3, rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127))},
        {2, rc::gen::elementOf(separators)},
        {2, rc::gen::map(rc::gen::elementOf(unusual_code_points), utf8)},
    });
    return rc::gen::map(rc::gen::resize(6, rc::gen::container<std::vector<std::string>>(piece)),
                        [](const std::vector<std::string>& pieces) {
                            std::string text;
                            for (const std::string& each : pieces) text += each;
                            return text;
                        });
}

// A long ASCII string, with a separator now and then, up to 2000 bytes.
rc::Gen<std::string> long_string() {
    return rc::gen::map(
        rc::gen::tuple(rc::gen::inRange<std::size_t>(200, 2000), rc::gen::inRange<char>(33, 127)),
        [](const std::tuple<std::size_t, char>& shape) {
            const auto [length, letter] = shape;
            std::string text(length, letter);
            for (std::size_t i = 7; i < length; i += 61) text[i] = ' ';
            return text;
        });
}

// Integers a text channel or a double would change: boundaries of 32 bits and of the integers
// a double holds exactly (2^53), small ones, negative ones.
// Integers in -limit..limit that shrink towards 0: 0, -1, 1, -2, 2, ...
rc::Gen<std::int64_t> around_zero(std::int64_t limit) {
    return rc::gen::map(rc::gen::inRange<std::int64_t>(0, 2 * limit + 1),
                        [](std::int64_t n) { return n % 2 == 1 ? -(n + 1) / 2 : n / 2; });
}

rc::Gen<std::int64_t> integer() {
    constexpr std::int64_t exact = std::int64_t{1} << 53;
    return rc::gen::weightedOneOf<std::int64_t>({
        {4, around_zero(10)},
        {2, rc::gen::elementOf(std::vector<std::int64_t>{
                -1, 255, 256, INT32_MAX, INT32_MIN, std::int64_t{INT32_MAX} + 1,
                std::int64_t{INT32_MIN} - 1, exact, -exact})},
        {2, around_zero(exact)},
    });
}

rc::Gen<json> argument() {
    return rc::gen::weightedOneOf<json>({
        {1, rc::gen::just(json(""))},
        {5, rc::gen::map(short_string(), [](std::string s) { return json(std::move(s)); })},
        {1, rc::gen::map(long_string(), [](std::string s) { return json(std::move(s)); })},
        {4, rc::gen::map(integer(), [](std::int64_t n) { return json(n); })},
    });
}

// A trace line must stay within 4096 bytes to be written atomically; a driver may escape every
// non-ASCII code point as \uXXXX (12 bytes for an emoji). Arguments beyond a safe budget are
// dropped, so the case stays one that the protocol can carry.
json within_budget(const std::vector<json>& arguments) {
    json kept = json::array();
    std::size_t budget = 3000;
    for (const json& argument : arguments) {
        std::size_t cost = argument.dump().size();
        if (argument.is_string()) {
            const std::string& text = argument.get_ref<const std::string&>();
            const bool ascii = std::all_of(text.begin(), text.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x80;
            });
            if (!ascii) cost = text.size() * 6 + 2;
        }
        if (cost > budget) continue;
        budget -= cost;
        kept.push_back(argument);
    }
    return kept;
}

struct arguments_case {
    std::vector<json> processes;  // the argument list of each process
};

std::vector<std::string> scenario_of(const arguments_case& c) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < c.processes.size(); ++i) {
        lines.push_back(
            process_line(fmt::format("p{}", i + 1), {step::report_args{}}, c.processes[i]));
    }
    for (std::size_t i = 0; i < c.processes.size(); ++i)
        lines.push_back(fmt::format("start p{}", i + 1));
    for (std::size_t i = 0; i < c.processes.size(); ++i)
        lines.push_back(fmt::format("join p{}", i + 1));
    for (std::size_t i = 0; i < c.processes.size(); ++i) {
        lines.push_back(
            fmt::format("event p{}:args => {}", i + 1, json{{"args", c.processes[i]}}.dump()));
    }
    return lines;
}

// RapidCheck shows a counterexample's values with showValue: here, as the scenario.
void showValue(const arguments_case& c, std::ostream& os) {
    for (const std::string& line : scenario_of(c)) os << line << '\n';
}

rc::Gen<arguments_case> arguments_cases() {
    const auto list = rc::gen::map(
        rc::gen::resize(8, rc::gen::container<std::vector<json>>(argument())), within_budget);
    return rc::gen::mapcat(rc::gen::inRange<std::size_t>(1, 4), [list](std::size_t processes) {
        return rc::gen::map(
            rc::gen::container<std::vector<json>>(processes, list),
            [](std::vector<json> lists) { return arguments_case{std::move(lists)}; });
    });
}

// Integers compare by value whether JSON read them as signed or unsigned; otherwise the types
// must match: 1 is not "1", and not 1.0.
bool same_value_and_type(const json& a, const json& b) {
    if (a.is_number_integer() && b.is_number_integer()) return a == b;
    if (a.type() != b.type()) return false;
    if (a.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!same_value_and_type(a[i], b[i])) return false;
        }
        return true;
    }
    return a == b;
}

const char* type_name(const json& value) {
    if (value.is_number_integer()) return "integer";
    if (value.is_string()) return "string";
    return value.type_name();
}

// The first difference between the arguments given and those received, in words; a value that
// arrived as the text of its JSON (an integer as a string of its digits) is named as such, the
// way a driver that has only strings deviates.
std::string first_difference(const json& received, const json& given) {
    if (!received.is_array())
        return fmt::format("the arguments arrived as the {}", type_name(received));
    for (std::size_t i = 0; i < std::min(received.size(), given.size()); ++i) {
        const json &got = received[i], &sent = given[i];
        if (same_value_and_type(got, sent)) continue;
        if (got.is_string() && !sent.is_string() &&
            got.get_ref<const std::string&>() == sent.dump()) {
            return fmt::format("argument {}: the {} {} arrived as its JSON text, the string {}", i,
                               type_name(sent), sent.dump(), got.dump());
        }
        return fmt::format("argument {}: the {} {} arrived as the {} {}", i, type_name(sent),
                           sent.dump(), type_name(got), got.dump());
    }
    return fmt::format("{} arguments arrived where {} were given", received.size(), given.size());
}

// The child's target runs once, with exactly the arguments of its object, none mixed up with
// another object's.
void arguments_arrive(case_context& c, const arguments_case& a, const std::string& clause) {
    c.scenario = scenario_of(a);
    session& s = c.driver;
    std::vector<std::string> handles;
    for (std::size_t i = 0; i < a.processes.size(); ++i) {
        handles.push_back(
            s.create({step::report_args{}}, a.processes[i], {.handle = fmt::format("p{}", i + 1)}));
    }
    for (const std::string& handle : handles) s.start(handle);
    for (const std::string& handle : handles) s.join(handle);
    for (std::size_t i = 0; i < handles.size(); ++i) {
        std::vector<json> reports;
        for (const history_entry& entry : s.history()) {
            if (entry.type == history_entry::kind::trace && entry.from == handles[i] &&
                entry.event == "args")
                reports.push_back(entry.data.value("args", json()));
        }
        if (reports.size() != 1) {
            throw case_failed("start.arguments",
                              fmt::format("p{}'s target ran {} times; it must run exactly once",
                                          i + 1, reports.size()));
        }
        if (!same_value_and_type(reports.front(), a.processes[i])) {
            throw case_failed(clause,
                              fmt::format("p{} received the arguments {}\n  but was given {}\n  {}",
                                          i + 1, reports.front().dump(), a.processes[i].dump(),
                                          first_difference(reports.front(), a.processes[i])));
        }
    }
}

using Property = property_test;

STARTJOIN_TEST(Property, ArgumentsArriveExactly, "start.arguments") {
    check_property("start.arguments", arguments_cases(),
                   [](case_context& c, const arguments_case& a) {
                       arguments_arrive(c, a, "start.arguments");
                   });
}

// The same cases, for the clause that says the child's arguments are copies equal in value and
// type; it is process-only, so it has a test of its own that thread drivers skip.
STARTJOIN_TEST(Property, ArgumentsArriveAsCopies, "isolation.arguments") {
    check_property("isolation.arguments", arguments_cases(),
                   [](case_context& c, const arguments_case& a) {
                       arguments_arrive(c, a, "isolation.arguments");
                   });
}

}  // namespace
}  // namespace startjoin::conformance::properties
