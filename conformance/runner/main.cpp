// startjoin-conformance --driver 'COMMAND' [--report-json FILE] [gtest flags]
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <optional>
#include <string>
#include <string_view>

#include "fixture.hpp"
#include "reaper.hpp"
#include "reporting.hpp"
#include "timeouts.hpp"

namespace {

constexpr const char* usage =
    "usage: startjoin-conformance --driver 'COMMAND' [--report-json FILE] [gtest flags]\n"
    "  --driver COMMAND     the driver to test, run as /bin/sh -c COMMAND (spec/protocol.md)\n"
    "  --report-json FILE   also write every test's and clause's verdict to FILE as JSON\n"
    "environment: STARTJOIN_TIMEOUT_MULTIPLIER scales every deadline (default 1)\n";

struct options {
    std::optional<std::string> driver;
    std::optional<std::string> report_json;
};

// Reads our own flags; gtest has already taken its own out of argv.
options parse(int argc, char** argv) {
    options parsed;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value_of = [&](std::string_view flag) -> std::optional<std::string> {
            if (arg == flag) {
                if (i + 1 >= argc) {
                    fmt::print(stderr, "startjoin-conformance: {} needs a value\n{}", flag, usage);
                    std::exit(2);
                }
                return std::string(argv[++i]);
            }
            if (arg.starts_with(std::string(flag) + "="))
                return std::string(arg.substr(flag.size() + 1));
            return std::nullopt;
        };
        if (arg == "--help" || arg == "-h") {
            fmt::print("{}", usage);
            std::exit(0);
        } else if (auto driver = value_of("--driver")) {
            parsed.driver = std::move(driver);
        } else if (auto report = value_of("--report-json")) {
            parsed.report_json = std::move(report);
        } else {
            fmt::print(stderr, "startjoin-conformance: unknown argument '{}'\n{}", arg, usage);
            std::exit(2);
        }
    }
    return parsed;
}

}  // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    const options parsed = parse(argc, argv);
    startjoin::conformance::timeout_multiplier();  // a malformed multiplier stops us here

    if (!::testing::GTEST_FLAG(list_tests)) {
        if (!parsed.driver || parsed.driver->empty()) {
            fmt::print(stderr, "startjoin-conformance: --driver is required\n{}", usage);
            return 2;
        }
        startjoin::conformance::set_driver_command(*parsed.driver);
        // A driver that dies must show up as an error on write, not kill the runner.
        ::signal(SIGPIPE, SIG_IGN);
        startjoin::conformance::become_subreaper();
        ::testing::UnitTest::GetInstance()->listeners().Append(
            new startjoin::conformance::report_listener(parsed.report_json));
    }
    return RUN_ALL_TESTS();
}
