// The driver command is a shell command line (users write `python3 -S driver.py --x 'a b'`), run
// by /bin/sh -c. Debian's /bin/sh (dash) does not exec the last command of a -c string: it
// forks it and waits, so the shell stays between the runner and the driver, holding the
// protocol fds open. A driver that closed its reply channel then looked like a hang (the shell
// still held the write end), and a driver's death by signal S arrived as the shell's exit 128+S.
#pragma once

#include <string>

namespace startjoin::conformance {

/// What to pass to /bin/sh -c for `command`: "exec COMMAND" when the command is one simple
/// command that exec can replace the shell with (no unquoted ; & | or newline, no leading
/// assignment, a first word that is neither a reserved word nor a shell builtin), so the driver
/// is the runner's own child; the command unchanged otherwise.
std::string shell_command_line(const std::string& command);

}  // namespace startjoin::conformance
