// spec/start-join.md, "Exit codes".
#include <csignal>

#include "fixture.hpp"

namespace startjoin::conformance {
namespace {

using namespace protocol;
using ExitCode = conformance_test;

STARTJOIN_TEST(ExitCode, ZeroWhenTheTargetReturns, "exitcode.return") {
    session& s = driver();
    const std::string child = s.create({step::print{"done"}});
    s.start(child);
    s.join(child);
    EXPECT_EQ(s.exitcode(child), 0) << s.transcript();
}

STARTJOIN_TEST(ExitCode, ExplicitExitGivesItsCode, "exitcode.explicit") {
    session& s = driver();
    for (const int code : {0, 1, 3, 42, 255}) {
        const std::string child = s.create({step::exit{code}, step::trace{"after-exit"}});
        s.start(child);
        s.join(child);
        EXPECT_EQ(s.exitcode(child), code) << s.transcript();
        EXPECT_FALSE(s.find_event(child, "after-exit").has_value())
            << "the target went on after exit(" << code << ")\n"
            << s.transcript();
    }
}

STARTJOIN_TEST(ExitCode, UncaughtErrorGivesOneAndADiagnostic, "exitcode.uncaught") {
    session& s = driver();
    const std::string marker = "conformance-error-3141";
    const std::string child = s.create({step::raise{marker}, step::trace{"after-raise"}});
    s.start(child);
    s.join(child);
    EXPECT_EQ(s.exitcode(child), 1) << s.transcript();
    s.finish();
    EXPECT_NE(s.captured_stderr().find(marker), std::string::npos)
        << "the diagnostic on stderr must carry the error's message\n"
        << s.transcript();
    EXPECT_FALSE(s.find_event(child, "after-raise").has_value()) << s.transcript();
}

STARTJOIN_TEST(ExitCode, DeathBySignalGivesMinusTheSignal, "exitcode.signal") {
    session& s = driver();
    if (s.hello().profile != "process") GTEST_SKIP() << "signals need the process profile";
    for (const int signal : {SIGKILL, SIGTERM, SIGINT, SIGUSR1}) {
        const std::string child = s.create({step::signal{signal}, step::trace{"survived"}});
        s.start(child);
        s.join(child);
        EXPECT_EQ(s.exitcode(child), -signal) << s.transcript();
        EXPECT_FALSE(s.find_event(child, "survived").has_value()) << s.transcript();
    }
}

}  // namespace
}  // namespace startjoin::conformance
