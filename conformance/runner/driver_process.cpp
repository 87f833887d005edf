#include "driver_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "errors.hpp"
#include "pidfd.hpp"
#include "reaper.hpp"
#include "shell_command.hpp"
#include "startjoin/protocol/constants.hpp"

namespace startjoin::conformance {
namespace {

// posix_spawn file actions that dup2 onto fds 0..4 are only safe when no source already sits on
// a target number, so every source is first moved above them.
unique_fd above_targets(unique_fd fd) {
    const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, 10);
    if (moved < 0) throw_errno("fcntl(F_DUPFD_CLOEXEC)");
    return unique_fd(moved);
}

class spawn_actions {
  public:
    spawn_actions() { check(posix_spawn_file_actions_init(&actions_), "file_actions_init"); }
    ~spawn_actions() { posix_spawn_file_actions_destroy(&actions_); }
    void open_null_stdin() {
        check(posix_spawn_file_actions_addopen(&actions_, 0, "/dev/null", O_RDONLY, 0), "addopen");
    }
    void dup_to(int source, int target) {
        check(posix_spawn_file_actions_adddup2(&actions_, source, target), "adddup2");
    }
    const posix_spawn_file_actions_t* get() const { return &actions_; }

    static void check(int error, const char* what) {
        if (error != 0) throw std::system_error(error, std::generic_category(), what);
    }

  private:
    posix_spawn_file_actions_t actions_;
};

class spawn_attributes {
  public:
    spawn_attributes() {
        spawn_actions::check(posix_spawnattr_init(&attributes_), "spawnattr_init");
        // A new process group, so the whole tree can be killed at once; default dispositions
        // and an empty mask, so the runner's own (SIGPIPE ignored) never leak into the driver.
        sigset_t all, none;
        sigfillset(&all);
        sigemptyset(&none);
        spawn_actions::check(posix_spawnattr_setpgroup(&attributes_, 0), "setpgroup");
        spawn_actions::check(posix_spawnattr_setsigdefault(&attributes_, &all), "setsigdefault");
        spawn_actions::check(posix_spawnattr_setsigmask(&attributes_, &none), "setsigmask");
        spawn_actions::check(
            posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                                       POSIX_SPAWN_SETSIGMASK),
            "setflags");
    }
    ~spawn_attributes() { posix_spawnattr_destroy(&attributes_); }
    const posix_spawnattr_t* get() const { return &attributes_; }

  private:
    posix_spawnattr_t attributes_;
};

}  // namespace

driver_process::driver_process(const std::string& command,
                               const std::vector<std::string>& environment) {
    pipe_pair request_pipe = make_pipe(), reply_pipe = make_pipe();
    pipe_pair out_pipe = make_pipe(), err_pipe = make_pipe();
    const unique_fd child_requests = above_targets(std::move(request_pipe.read_end));
    const unique_fd child_replies = above_targets(std::move(reply_pipe.write_end));
    const unique_fd child_out = above_targets(std::move(out_pipe.write_end));
    const unique_fd child_err = above_targets(std::move(err_pipe.write_end));

    spawn_actions actions;
    actions.open_null_stdin();
    actions.dup_to(child_out.get(), 1);
    actions.dup_to(child_err.get(), 2);
    actions.dup_to(child_requests.get(), protocol::request_fd);
    actions.dup_to(child_replies.get(), protocol::reply_fd);
    const spawn_attributes attributes;

    const std::string command_line = shell_command_line(command);
    std::vector<char*> argv = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"),
                               const_cast<char*>(command_line.c_str()), nullptr};
    std::vector<char*> envp;
    for (const std::string& entry : environment) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);

    const int error =
        posix_spawn(&pid_, "/bin/sh", actions.get(), attributes.get(), argv.data(), envp.data());
    if (error != 0) throw std::system_error(error, std::generic_category(), "posix_spawn /bin/sh");

    // The driver cannot be reaped by anyone but this object, so its pid stays valid here.
    pidfd_ = unique_fd(::pidfd_open(pid_, 0));
    if (!pidfd_) {
        const int saved = errno;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        throw std::system_error(saved, std::generic_category(), "pidfd_open of the driver");
    }
    requests_ = std::move(request_pipe.write_end);
    replies_ = std::move(reply_pipe.read_end);
    stdout_ = std::move(out_pipe.read_end);
    stderr_ = std::move(err_pipe.read_end);
}

driver_process::driver_process(pid_t pid, unique_fd requests, unique_fd replies, unique_fd out,
                               unique_fd err)
    : pid_(pid),
      requests_(std::move(requests)),
      replies_(std::move(replies)),
      stdout_(std::move(out)),
      stderr_(std::move(err)) {
    // Only a child of this process is safe to hold by pid (it cannot be reaped and its pid
    // reused behind our back), and only a child's exit status can be waited for.
    if (parent_of(pid) != ::getpid()) {
        throw driver_error(fmt::format(
            "the case server answered with pid {}, which is not a child of the runner: the case "
            "parent must be forked through an intermediate process that exits (spec/protocol.md, "
            "\"Cases\")",
            pid));
    }
    pidfd_ = unique_fd(::pidfd_open(pid_, 0));
    if (!pidfd_) throw_errno("pidfd_open of the case parent");
}

driver_process::~driver_process() {
    try {
        kill_and_reap();
    } catch (const std::system_error&) {
        // waitid on our own pidfd cannot fail but for a bug; never throw from a destructor.
    }
}

namespace {
// Waits on the driver's pidfd; `flags` decide whether it blocks and whether it reaps.
siginfo_t wait_on(int pidfd, int flags) {
    siginfo_t info{};
    int result;
    do {
        result = ::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED | flags);
    } while (result < 0 && errno == EINTR);
    if (result < 0) throw_errno("waitid on the driver");
    return info;
}

int wait_status_of(const siginfo_t& info) {
    if (info.si_code == CLD_EXITED) return (info.si_status & 0xff) << 8;
    return info.si_status | (info.si_code == CLD_DUMPED ? 0x80 : 0);
}
}  // namespace

std::optional<int> driver_process::exit_status() {
    if (!status_) {
        const siginfo_t info = wait_on(pidfd_.get(), WNOHANG | WNOWAIT);
        if (info.si_pid != 0) status_ = wait_status_of(info);
    }
    return status_;
}

void driver_process::kill_and_reap() {
    if (reaped_ || pid_ <= 0) return;
    // The leader is not reaped yet, so the group id still names this driver's group.
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    const siginfo_t info = wait_on(pidfd_.get(), 0);
    if (!status_) status_ = wait_status_of(info);
    reaped_ = true;
}

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) {
        const int code = WEXITSTATUS(status);
        std::string text = "exited with status " + std::to_string(code);
        // A driver command that is not one simple command runs under /bin/sh
        // (shell_command.hpp), which reports its command's death by signal S as 128+S.
        if (code > 128 && code <= 128 + 64) {
            text += " (the shell's report of death by signal " + std::to_string(code - 128) + " (" +
                    ::strsignal(code - 128) + "))";
        }
        return text;
    }
    if (WIFSIGNALED(status)) {
        return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               ::strsignal(WTERMSIG(status)) + ")";
    }
    return "ended with wait status " + std::to_string(status);
}

}  // namespace startjoin::conformance
