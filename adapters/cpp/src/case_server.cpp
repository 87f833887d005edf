#include "case_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <system_error>

#include "startjoin/protocol/constants.hpp"

namespace startjoin::adapter::detail {
namespace {

using nlohmann::json;

json error_reply(const json& id, const std::string& kind, const std::string& message) {
    return {{"id", id}, {"ok", false}, {"error", {{"kind", kind}, {"message", message}}}};
}

// In the case parent, before anything else can fail: a descriptor that cannot be opened leaves
// nothing to report on, so the process ends and the runner sees the case parent die.
void open_onto(const std::string& path, int flags, int target) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0 || ::dup2(fd, target) < 0) ::_exit(125);
    ::close(fd);
}

// Everything the case parent must do before it is an ordinary driver (spec/protocol.md, "The
// case parent, first thing").
void become_case_parent(const json& request) {
    ::setpgid(0, 0);
    // fds 3 and 4 stay close-on-exec, as the server's were: programs the children exec must not
    // hold the protocol channels.
    open_onto(request["requests"].get<std::string>(), O_RDONLY, protocol::request_fd);
    open_onto(request["replies"].get<std::string>(), O_WRONLY, protocol::reply_fd);
    open_onto(request["stdout"].get<std::string>(), O_WRONLY, STDOUT_FILENO);
    open_onto(request["stderr"].get<std::string>(), O_WRONLY, STDERR_FILENO);
    for (const int fd : {protocol::request_fd, protocol::reply_fd}) {
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    for (const auto& [name, value] : request["environment"].items()) {
        ::setenv(name.c_str(), value.get<std::string>().c_str(), 1);
    }
    struct sigaction defaults {};
    defaults.sa_handler = SIG_DFL;
    for (int signal = 1; signal < NSIG; ++signal) ::sigaction(signal, &defaults, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

// A request is well formed when every path is a string and the environment maps strings to
// strings; checked in the server, where a reply can still say what is wrong.
std::string malformed_case(const json& request) {
    for (const char* field : {"requests", "replies", "stdout", "stderr"}) {
        if (!request.contains(field) || !request[field].is_string())
            return std::string("'") + field + "' must be the path of a FIFO";
    }
    if (!request.contains("environment") || !request["environment"].is_object())
        return "'environment' must be an object of strings";
    for (const auto& [name, value] : request["environment"].items()) {
        if (!value.is_string()) return "'environment' must be an object of strings";
    }
    return "";
}

// Forks the case parent through an intermediate that exits at once, so the runner (a child
// subreaper) becomes its parent. Returns the case parent's pid in the server, 0 in the case
// parent, -1 with errno on failure.
pid_t fork_case_parent() {
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) return -1;
    const pid_t intermediate = ::fork();
    if (intermediate < 0) {
        ::close(report[0]);
        ::close(report[1]);
        return -1;
    }
    if (intermediate == 0) {
        ::close(report[0]);
        const pid_t case_parent = ::fork();
        if (case_parent == 0) {
            ::close(report[1]);
            return 0;
        }
        if (case_parent > 0) ::setpgid(case_parent, case_parent);
        const pid_t told = case_parent;
        (void)!::write(report[1], &told, sizeof told);
        ::_exit(case_parent > 0 ? 0 : 1);
    }
    ::close(report[1]);
    pid_t case_parent = -1;
    ssize_t got;
    do {
        got = ::read(report[0], &case_parent, sizeof case_parent);
    } while (got < 0 && errno == EINTR);
    ::close(report[0]);
    while (::waitpid(intermediate, nullptr, 0) < 0 && errno == EINTR) {
    }
    if (got != sizeof case_parent || case_parent <= 0) {
        errno = EAGAIN;
        return -1;
    }
    return case_parent;
}

}  // namespace

bool is_case_request(const std::string& line) {
    const json request = json::parse(line, nullptr, false);
    return request.is_object() && request.value("op", json()) == "case";
}

bool serve_cases(line_reader& requests, const std::string& first,
                 const std::function<void()>& before_fork) {
    std::optional<std::string> line = first;
    for (; line; line = requests.next()) {
        const json request = json::parse(*line, nullptr, false);
        const json id = request.is_object() ? request.value("id", json()) : json();
        json reply;
        const std::string op = request.is_object() ? request.value("op", std::string()) : "";
        if (op == "shutdown") {
            write_all(protocol::reply_fd, json({{"id", id}, {"ok", true}}).dump() + "\n",
                      "write of a reply");
            return false;
        }
        if (op != "case") {
            reply = error_reply(id, "bad_request",
                                "this driver serves cases: it answers only `case` and `shutdown`");
        } else if (const std::string problem = malformed_case(request); !problem.empty()) {
            reply = error_reply(id, "bad_request", problem);
        } else {
            if (before_fork) before_fork();
            const pid_t case_parent = fork_case_parent();
            if (case_parent == 0) {
                become_case_parent(request);
                return true;
            }
            if (case_parent < 0) {
                reply = error_reply(id, "system",
                                    std::string("fork of the case parent failed: ") +
                                        std::system_category().message(errno));
            } else {
                reply = {{"id", id}, {"ok", true}, {"value", {{"pid", case_parent}}}};
            }
        }
        write_all(protocol::reply_fd, reply.dump() + "\n", "write of a reply");
    }
    return false;
}

}  // namespace startjoin::adapter::detail
