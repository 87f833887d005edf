// The argument codec of program children (startjoin/adapter/program_child.hpp): what
// encode_target_arguments() packs, decode_target_arguments() gives back unchanged.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "startjoin/adapter/program_child.hpp"

namespace startjoin::adapter {
namespace {

namespace step = protocol::step;
using nlohmann::json;

target round_trip(const target& what) {
    return decode_target_arguments(encode_target_arguments(what));
}

void expect_same(const target& decoded, const target& what) {
    EXPECT_EQ(decoded.process, what.process);
    EXPECT_TRUE(decoded.steps == what.steps);
    EXPECT_EQ(decoded.args, what.args);
    EXPECT_EQ(decoded.origin, nullptr);
}

TEST(ProgramChild, AwkwardArgumentsRoundTrip) {
    const target what{
        "p1",
        {step::print{"quote \" backslash \\ newline \n"}, step::exit{3}},
        json::array({"", " ", "a b", "'single'", "\"double\"", "$HOME `id` ;|&", "-", "--x",
                     "line\nbreak\ttab", "s", "j", "\xc3\xa9\xe2\x82\xac", "[1]", "null", 0,
                     -7, 1.5, true, false, nullptr, json::array({"x", 1}),
                     json::object({{"k", json::array()}})}),
        nullptr};
    expect_same(round_trip(what), what);
}

// A string that looks like JSON stays a string, a number stays a number: TYPES says which.
TEST(ProgramChild, StringsAreNotParsed) {
    const target what{"p2", {}, json::array({"1", 1, "true", true, "null", nullptr}), nullptr};
    const std::vector<std::string> argv = encode_target_arguments(what);
    ASSERT_EQ(argv.size(), 3u + 6u);
    EXPECT_EQ(argv[2], "sjsjsj");
    EXPECT_EQ(argv[3], "1");
    expect_same(decode_target_arguments(argv), what);
}

TEST(ProgramChild, NestedScriptsRoundTrip) {
    const target what{
        "outer",
        {step::nest{"inner", {step::report_args{}, step::raise{"boom"}}, json::array({"a", 2})},
         step::report_pid{}},
        json::array(),
        nullptr};
    expect_same(round_trip(what), what);
}

TEST(ProgramChild, MalformedArgumentsAreRejected) {
    EXPECT_THROW(decode_target_arguments({"p1", "[]"}), std::invalid_argument);
    EXPECT_THROW(decode_target_arguments({"p1", "[]", "ss", "only one"}), std::invalid_argument);
    EXPECT_THROW(decode_target_arguments({"p1", "[]", "x", "v"}), std::invalid_argument);
    EXPECT_ANY_THROW(decode_target_arguments({"p1", "not json", ""}));
    EXPECT_ANY_THROW(decode_target_arguments({"p1", "[]", "j", "{"}));
}

// Any handle, any strings (every byte but NUL, which argv cannot carry) and integers.
RC_GTEST_PROP(ProgramChild, ArbitraryArgumentsRoundTrip,
              (const std::vector<std::string>& strings, const std::vector<long long>& numbers,
               const std::string& text)) {
    const auto no_nul = [](std::string value) {
        std::erase(value, '\0');
        return value;
    };
    json args = json::array();
    for (std::size_t i = 0; i < std::max(strings.size(), numbers.size()); ++i) {
        if (i < strings.size()) args.push_back(no_nul(strings[i]));
        if (i < numbers.size()) args.push_back(numbers[i]);
    }
    // The script travels as JSON text, so its strings are UTF-8: printable ASCII here.
    std::string printable;
    for (const char c : text) printable += static_cast<char>(' ' + (static_cast<unsigned char>(c) % 95));
    const target what{"p" + std::to_string(strings.size()), {step::print{printable}}, args, nullptr};
    const target decoded = round_trip(what);
    RC_ASSERT(decoded.process == what.process);
    RC_ASSERT(decoded.steps == what.steps);
    RC_ASSERT(decoded.args == what.args);
}

}  // namespace
}  // namespace startjoin::adapter
