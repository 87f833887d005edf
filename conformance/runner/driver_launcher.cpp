#include "driver_launcher.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>

#include "channel_pump.hpp"
#include "errors.hpp"
#include "reaper.hpp"
#include "startjoin/protocol/constants.hpp"
#include "timeouts.hpp"

extern char** environ;

namespace startjoin::conformance {
namespace {

using nlohmann::json;

// The runner's environment without what would change the behaviour under test
// (PYTHONUNBUFFERED turns off the stdout buffering the output clauses are about).
std::vector<std::string> inherited_environment() {
    const std::vector<std::string_view> removed = {
        "PYTHONUNBUFFERED=", "STARTJOIN_TRACE=", "STARTJOIN_GATES="};
    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        const bool drop = std::any_of(removed.begin(), removed.end(), [&](std::string_view prefix) {
            return text.starts_with(prefix);
        });
        if (!drop) environment.emplace_back(text);
    }
    return environment;
}

// One running case server: its requests go out one at a time, each answered before the next.
class case_server {
  public:
    explicit case_server(const std::string& command)
        : command_(command),
          process_(std::make_unique<driver_process>(command, inherited_environment())),
          pump_(
              *process_, -1, [this](const std::string& line) { lines_.push_back(line); },
              [](const std::string&) {}) {
        spare_from_reaping(process_->pid());
        const json hello = next_line("its handshake");
        if (!hello.is_object() || hello.value("protocol", 0) < 2 || !hello.contains("features") ||
            !hello["features"].is_array() ||
            std::find(hello["features"].begin(), hello["features"].end(), "cases") ==
                hello["features"].end()) {
            throw driver_error(fmt::format(
                "driver `{}` declared feature `cases` once, but its case server's handshake does "
                "not: {}",
                command_, hello.dump()));
        }
    }

    ~case_server() {
        process_->kill_and_reap();
        stop_sparing(process_->pid());
    }

    bool alive() { return !process_->exit_status() && !pump_.replies_closed(); }

    std::unique_ptr<driver_process> fork_case(fifo_dir& fifos) {
        fifo_dir::case_channels channels = fifos.make_case_channels();
        const std::uint64_t id = next_id_++;
        const json request = {
            {"id", id},
            {"op", "case"},
            {"requests", fifos.channel_path("requests")},
            {"replies", fifos.channel_path("replies")},
            {"stdout", fifos.channel_path("stdout")},
            {"stderr", fifos.channel_path("stderr")},
            {"environment",
             {{protocol::trace_env, fifos.trace_path()},
              {protocol::gates_env, fifos.gates_path()}}},
        };
        write_request(request.dump() + "\n");
        const json answer = next_line("its reply to `case`");
        const auto malformed = [&](const std::string& problem) {
            return driver_error(
                fmt::format("case server of driver `{}` answered `case` with {}: {}", command_,
                            answer.dump(), problem));
        };
        if (!answer.is_object() || answer.value("id", json()) != json(id))
            throw malformed(fmt::format("it must be a reply to request #{}", id));
        if (!answer.value("ok", false)) throw malformed("it refused");
        const json value = answer.value("value", json());
        if (!value.is_object() || !value.contains("pid") || !value["pid"].is_number_integer() ||
            value["pid"].get<long long>() <= 0) {
            throw malformed("the value must be {\"pid\": the case parent's pid}");
        }
        return std::make_unique<driver_process>(
            static_cast<pid_t>(value["pid"].get<int>()), std::move(channels.requests),
            std::move(channels.replies), std::move(channels.out), std::move(channels.err));
    }

  private:
    void write_request(const std::string& wire) {
        std::size_t done = 0;
        while (done < wire.size()) {
            const ssize_t written =
                ::write(process_->requests().get(), wire.data() + done, wire.size() - done);
            if (written < 0 && errno == EINTR) continue;
            if (written < 0) throw gone("stopped reading requests");
            done += static_cast<std::size_t>(written);
        }
    }

    json next_line(const char* what) {
        pump_.pump_until(deadline_after(timeouts::reply()), [&] {
            return !lines_.empty() || pump_.driver_exited() || pump_.replies_closed();
        });
        if (lines_.empty()) {
            if (pump_.driver_exited() || pump_.replies_closed())
                throw gone(fmt::format("ended before sending {}", what));
            throw driver_timeout(fmt::format("case server of driver `{}` sent no {} within {:.1f}s",
                                             command_, what, timeouts::reply().count()));
        }
        const std::string line = std::move(lines_.front());
        lines_.pop_front();
        try {
            return json::parse(line);
        } catch (const json::parse_error& error) {
            throw driver_error(
                fmt::format("case server of driver `{}` sent {} that is not JSON: {}: {}", command_,
                            what, quoted_excerpt(line), error.what()));
        }
    }

    driver_error gone(const std::string& what) {
        const auto status = process_->exit_status();
        return driver_error(fmt::format(
            "case server of driver `{}` {}{}; its stderr:\n{}", command_, what,
            status ? " (it " + describe_wait_status(*status) + ")" : "", indented(pump_.err())));
    }

    std::string command_;
    std::unique_ptr<driver_process> process_;
    channel_pump pump_;
    std::deque<std::string> lines_;
    std::uint64_t next_id_ = 1;
};

struct launcher_state {
    std::map<std::string, bool> serves_cases;  // learned from the first handshake
    std::map<std::string, std::unique_ptr<case_server>> servers;
};

launcher_state& state() {
    static launcher_state instance;
    return instance;
}

}  // namespace

std::vector<std::string> driver_environment(const fifo_dir& fifos) {
    std::vector<std::string> environment = inherited_environment();
    environment.push_back(std::string(protocol::trace_env) + "=" + fifos.trace_path());
    environment.push_back(std::string(protocol::gates_env) + "=" + fifos.gates_path());
    return environment;
}

std::unique_ptr<driver_process> launch_driver(const std::string& command, fifo_dir& fifos) {
    if (!uses_case_server(command))
        return std::make_unique<driver_process>(command, driver_environment(fifos));
    std::unique_ptr<case_server>& server = state().servers[command];
    // A server that died (a crash of the implementation in the server itself) costs one case's
    // restart, not the run.
    if (server && !server->alive()) server.reset();
    if (!server) server = std::make_unique<case_server>(command);
    return server->fork_case(fifos);
}

void note_serves_cases(const std::string& command, bool serves_cases) {
    state().serves_cases.emplace(command, serves_cases);
}

bool uses_case_server(const std::string& command) {
    const auto found = state().serves_cases.find(command);
    return found != state().serves_cases.end() && found->second;
}

void stop_case_servers() { state().servers.clear(); }

}  // namespace startjoin::conformance
