#include "self_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "pidfd.hpp"
#include "shard.hpp"

extern char** environ;

namespace startjoin::conformance {

namespace fs = std::filesystem;

temporary_directory::temporary_directory() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/startjoin-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw_errno("mkdtemp " + pattern);
    path_ = pattern;
}

temporary_directory::~temporary_directory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

child spawn_self(const std::vector<std::string>& arguments,
                 const std::vector<std::string>& environment, const fs::path& output) {
    const unique_fd out(::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!out) throw_errno("open " + output.string());
    // Everything is allocated before the spawn; posix_spawn does only async-signal-safe work
    // between its fork and its exec.
    std::vector<std::string> strings = arguments, env = environment;
    std::vector<char*> argv, envp;
    for (std::string& argument : strings) argv.push_back(argument.data());
    argv.push_back(nullptr);
    for (std::string& entry : env) envp.push_back(entry.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_adddup2(&actions, out.get(), STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(&actions, out.get(), STDERR_FILENO);
    ::posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::fflush(nullptr);
    child spawned;
    const int error =
        ::posix_spawn(&spawned.pid, self_executable, &actions, nullptr, argv.data(), envp.data());
    ::posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
        errno = error;
        throw_errno("posix_spawn of the runner's own executable");
    }
    // Our unreaped child: its pid cannot be reused before we wait for it.
    spawned.pidfd.reset(::pidfd_open(spawned.pid, 0));
    if (!spawned.pidfd) throw_errno("pidfd_open");
    return spawned;
}

int reap(const child& process) {
    int status = 0;
    while (::waitpid(process.pid, &status, 0) < 0) {
        if (errno != EINTR) throw_errno("waitpid");
    }
    return status;
}

std::optional<int> wait_or_kill(const child& process, clock::time_point deadline) {
    for (bool killed = false;;) {
        pollfd ready{process.pidfd.get(), POLLIN, 0};
        const int count = ::poll(&ready, 1, poll_timeout(deadline));
        if (count < 0 && errno != EINTR) throw_errno("poll");
        if (count > 0) return reap(process);
        if (clock::now() < deadline) continue;
        if (killed) return std::nullopt;
        ::pidfd_send_signal(process.pidfd.get(), SIGKILL, nullptr, 0);
        killed = true;
        deadline = deadline_after(timeouts::exit());
    }
}

std::string how_it_ended(int status) {
    if (WIFSIGNALED(status)) {
        return fmt::format("was killed by signal {} ({})", WTERMSIG(status),
                           ::strsignal(WTERMSIG(status)));
    }
    return fmt::format("exited with status {}", WEXITSTATUS(status));
}

bool gtest_flag_is(const std::string& flag, const std::string& name) {
    for (const char* prefix : {"--gtest_", "-gtest_", "/gtest_"}) {
        if (flag.starts_with(prefix + name)) return true;
    }
    return false;
}

std::vector<std::string> environment_with(const std::optional<std::string>& rc_params) {
    std::vector<std::string> entries;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text = *entry;
        if (is_sharding_variable(text)) continue;
        if (rc_params && text.starts_with("RC_PARAMS=")) continue;
        entries.emplace_back(text);
    }
    if (rc_params && !rc_params->empty()) entries.push_back("RC_PARAMS=" + *rc_params);
    return entries;
}

std::string read_text(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace startjoin::conformance
