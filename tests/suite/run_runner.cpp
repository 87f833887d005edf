#include "run_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace startjoin::suite_tests {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

nlohmann::json find_by(const nlohmann::json& list, const char* key, const std::string& value) {
    if (!list.is_array()) return nullptr;
    for (const auto& entry : list) {
        if (entry.value(key, std::string()) == value) return entry;
    }
    return nullptr;
}

double timeout_multiplier() {
    const char* text = std::getenv("STARTJOIN_TIMEOUT_MULTIPLIER");
    const double value = text != nullptr ? std::strtod(text, nullptr) : 1.0;
    return value > 0 ? value : 1.0;
}

// Waits for `child` until `deadline`; the wait status, or none if the deadline passed first.
// `usage` receives the child's resource usage (with its reaped descendants').
std::optional<int> wait_until(pid_t child, std::chrono::steady_clock::time_point deadline,
                              rusage& usage) {
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
    if (pidfd < 0) throw std::runtime_error("pidfd_open failed");
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        pollfd ready{pidfd, POLLIN, 0};
        const int count = ::poll(&ready, 1, static_cast<int>(std::max<long>(0, left.count())));
        if (count > 0) break;
        if (count < 0 && errno != EINTR) throw std::runtime_error("poll failed");
        if (count == 0 && std::chrono::steady_clock::now() >= deadline) {
            ::close(pidfd);
            return std::nullopt;
        }
    }
    ::close(pidfd);
    int status = 0;
    while (::wait4(child, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    return status;
}

}  // namespace

nlohmann::json runner_result::test(const std::string& name) const {
    return report.is_object() ? find_by(report.value("tests", nlohmann::json()), "name", name)
                              : nullptr;
}

nlohmann::json runner_result::clause(const std::string& id) const {
    return report.is_object() ? find_by(report.value("clauses", nlohmann::json()), "id", id)
                              : nullptr;
}

runner_result run_runner(const std::vector<std::string>& arguments,
                         const std::vector<std::string>& environment) {
    const auto directory =
        std::filesystem::temp_directory_path() /
        ("startjoin-suite-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    std::filesystem::create_directories(directory);
    const auto output_path = directory / "output.txt";
    const auto report_path = directory / "report.json";

    std::vector<std::string> argv_strings = {STARTJOIN_RUNNER};
    argv_strings.insert(argv_strings.end(), arguments.begin(), arguments.end());
    argv_strings.push_back("--report-json=" + report_path.string());
    std::vector<char*> argv;
    for (auto& argument : argv_strings) argv.push_back(argument.data());
    argv.push_back(nullptr);

    const pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        const int output = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(output, 1);
        ::dup2(output, 2);
        // A sharded run of these tests must not shard the runners they start.
        for (const char* name :
             {"GTEST_TOTAL_SHARDS", "GTEST_SHARD_INDEX", "GTEST_SHARD_STATUS_FILE"})
            ::unsetenv(name);
        for (const std::string& entry : environment) ::putenv(const_cast<char*>(entry.c_str()));
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    runner_result result;
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                              std::chrono::duration<double>(300 * timeout_multiplier()));
    rusage usage{};
    std::optional<int> status = wait_until(child, deadline, usage);
    if (!status) {
        result.hung = true;
        ::kill(child, SIGKILL);  // still our unreaped child: the pid cannot have been reused
        status =
            wait_until(child, std::chrono::steady_clock::now() + std::chrono::seconds(10), usage);
    }
    result.peak_rss_kib = usage.ru_maxrss;
    result.exit_code = status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
    result.output = read_file(output_path);
    if (std::filesystem::exists(report_path)) {
        result.report = nlohmann::json::parse(read_file(report_path), nullptr, false);
    }
    std::filesystem::remove_all(directory);
    return result;
}

std::string fake_driver(const std::string& body) {
    return "printf '%s\\n' '{\"hello\":\"startjoin\",\"protocol\":1,\"implementation\":\"fake\","
           "\"version\":\"0\",\"profile\":\"process\",\"features\":[]}' >&4; " +
           body;
}

}  // namespace startjoin::suite_tests
