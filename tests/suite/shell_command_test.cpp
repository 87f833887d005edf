// Which driver commands the runner hands to /bin/sh as `exec COMMAND` (so the driver replaces
// the shell and is the runner's own child) and which it leaves for the shell to run.
#include "shell_command.hpp"

#include <gtest/gtest.h>

namespace startjoin::conformance {
namespace {

TEST(ShellCommand, ASimpleCommandReplacesTheShell) {
    EXPECT_EQ(shell_command_line("python3 -S /x/driver.py --start-method fork"),
              "exec python3 -S /x/driver.py --start-method fork");
    EXPECT_EQ(shell_command_line("/opt/d/driver"), "exec /opt/d/driver");
    EXPECT_EQ(shell_command_line("driver 2>/dev/null"), "exec driver 2>/dev/null");
}

TEST(ShellCommand, SeparatorsInsideQuotesAreWords) {
    EXPECT_EQ(shell_command_line("driver --arg 'a;b|c&d'"), "exec driver --arg 'a;b|c&d'");
    EXPECT_EQ(shell_command_line("driver \"a;b\" c\\;d"), "exec driver \"a;b\" c\\;d");
    EXPECT_EQ(shell_command_line("bash -c 'printf x >&4; exec sleep 1'"),
              "exec bash -c 'printf x >&4; exec sleep 1'");
}

TEST(ShellCommand, ListsPipelinesAndGroupsStayWithTheShell) {
    for (const std::string command :
         {"printf x >&4; cat", "cd /x && driver", "driver | tee log", "driver &", "(driver)",
          "driver\nother", "driver 'unbalanced"}) {
        EXPECT_EQ(shell_command_line(command), command) << command;
    }
}

TEST(ShellCommand, AssignmentsBuiltinsAndReservedWordsStayWithTheShell) {
    for (const std::string command :
         {"PYTHONHASHSEED=0 python3 driver.py", "exec driver", "cd /x", "if true; then driver; fi",
          "{ driver; }", ". ./env", "eval driver", ""}) {
        EXPECT_EQ(shell_command_line(command), command) << command;
    }
}

}  // namespace
}  // namespace startjoin::conformance
