#include "session.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cancellation.hpp"
#include "capture_limits.hpp"
#include "driver_launcher.hpp"
#include "errors.hpp"
#include "profile.hpp"
#include "reaper.hpp"
#include "startjoin/protocol/constants.hpp"

namespace startjoin::conformance {
namespace {

using nlohmann::json;

}  // namespace

bool hello_info::supports(const std::string& feature) const {
    return std::find(features.begin(), features.end(), feature) != features.end();
}

session::session(std::string driver_command) : command_(std::move(driver_command)) {
    throw_if_cancelled();  // a cancelled run starts nothing more (a property's next case)
    fifos_ = std::make_unique<fifo_dir>();
    const bool forked_case = uses_case_server(command_);
    {
        const phase_scope starting(phase::driver_start);
        driver_ = launch_driver(command_, *fifos_);
    }
    pump_ = std::make_unique<channel_pump>(
        *driver_, fifos_->trace_fd(), [this](const std::string& line) { on_reply_line(line); },
        [this](const std::string& line) { on_trace_line(line); });
    const phase_scope greeting(phase::handshake);
    read_hello();
    if (forked_case) {
        check_fresh_case();
    } else {
        note_serves_cases(command_, hello_.protocol >= 2 && hello_.supports("cases"));
    }
}

// A case parent must start as the program would on its own: a child already running means the
// case server did work of its own, or handed on something of an earlier case.
void session::check_fresh_case() const {
    std::vector<std::string> children;
    const std::string tasks = fmt::format("/proc/{}/task", driver_->pid());
    std::error_code ignored;
    for (const auto& task : std::filesystem::directory_iterator(tasks, ignored)) {
        std::ifstream list(task.path() / "children");
        for (std::string child; list >> child;) children.push_back(child);
    }
    if (!children.empty()) {
        throw driver_error(fmt::format(
            "{} forked a case parent that has children at its handshake (pids {}): a case must "
            "start with none (spec/protocol.md, \"Cases\")",
            driver_name(), fmt::join(children, ", ")));
    }
}

session::~session() {
    try {
        kill_all();
    } catch (const std::exception& error) {
        fmt::print(stderr, "startjoin-conformance: cleanup after {} failed: {}\n", driver_name(),
                   error.what());
    }
}

std::string session::driver_name() const {
    if (hello_received_)
        return fmt::format("driver `{}` ({} {})", command_, hello_.implementation, hello_.version);
    return fmt::format("driver `{}`", command_);
}

void session::read_hello() {
    const auto deadline = deadline_after(timeouts::reply());
    pump_until(deadline, [&] {
        return hello_line_.has_value() || pump_->driver_exited() || pump_->replies_closed();
    });
    if (!hello_line_) {
        if (pump_->driver_exited() || pump_->replies_closed()) {
            const std::string why = why_it_stopped();
            const std::optional<int> status = driver_->exit_status();
            // The shell's own codes for "not found" and "not executable": the command never ran.
            if (status && WIFEXITED(*status) &&
                (WEXITSTATUS(*status) == 127 || WEXITSTATUS(*status) == 126)) {
                throw driver_not_runnable(fmt::format(
                    "{} could not be run: /bin/sh {} ({}); its stderr:\n{}", driver_name(), why,
                    WEXITSTATUS(*status) == 127 ? "command not found" : "not executable",
                    indented(pump_->err())));
            }
            throw driver_error(
                fmt::format("{} {} before sending its handshake on fd 4; its stderr:\n{}",
                            driver_name(), why, indented(pump_->err())));
        }
        throw driver_timeout(fmt::format("{} sent no handshake on fd 4 within {:.1f}s",
                                         driver_name(), timeouts::reply().count()));
    }
    const std::string& line = *hello_line_;
    json hello;
    try {
        hello = json::parse(line);
    } catch (const json::parse_error& error) {
        throw driver_error(fmt::format("{} sent a handshake that is not JSON: {}: {}",
                                       driver_name(), quoted_excerpt(line), error.what()));
    }
    const auto malformed = [&](const std::string& problem) {
        return driver_error(fmt::format("{} sent a malformed handshake {}: {}", driver_name(),
                                        quoted_excerpt(line), problem));
    };
    if (!hello.is_object() || hello.value("hello", json()) != "startjoin") {
        throw malformed("it must be an object with \"hello\": \"startjoin\"");
    }
    if (!hello.contains("protocol") || !hello["protocol"].is_number_integer()) {
        throw malformed("\"protocol\" must be an integer");
    }
    const int version = hello["protocol"].get<int>();
    if (version < protocol::oldest_version || version > protocol::version) {
        throw driver_error(
            fmt::format("{} speaks protocol {}; this runner speaks protocols {} to {}",
                        driver_name(), version, protocol::oldest_version, protocol::version));
    }
    hello_.protocol = version;
    for (const char* field : {"implementation", "version", "profile"}) {
        if (!hello.contains(field) || !hello[field].is_string()) {
            throw malformed(fmt::format("\"{}\" must be a string", field));
        }
    }
    hello_.implementation = hello["implementation"];
    hello_.version = hello["version"];
    hello_.profile = hello["profile"];
    if (hello_.profile != "process" && hello_.profile != "thread") {
        throw malformed("\"profile\" must be \"process\" or \"thread\"");
    }
    const json features = hello.value("features", json::array());
    if (!features.is_array() || !std::all_of(features.begin(), features.end(),
                                             [](const json& f) { return f.is_string(); })) {
        throw malformed("\"features\" must be an array of strings");
    }
    hello_.features = features.get<std::vector<std::string>>();
    if (version < 2 && hello_.supports("cases"))
        throw malformed("feature \"cases\" needs protocol 2");
    hello_received_ = true;
}

void session::on_trace_line(const std::string& line) {
    json event;
    try {
        event = json::parse(line);
    } catch (const json::parse_error& error) {
        throw driver_error(
            fmt::format("{}: a child or the parent wrote a trace line that is not JSON: {}: {}",
                        driver_name(), quoted_excerpt(line), error.what()));
    }
    if (!event.is_object() || !event.contains("from") || !event["from"].is_string() ||
        !event.contains("event") || !event["event"].is_string()) {
        throw driver_error(fmt::format(
            "{}: malformed trace line {}: it needs string fields \"from\" and \"event\"",
            driver_name(), quoted_excerpt(line)));
    }
    if (history_.size() >= event_limit) {
        throw driver_error(fmt::format("{}: more than {} trace events in one test; the last was {}",
                                       driver_name(), event_limit, quoted_excerpt(line)));
    }
    history_.push_back({history_entry::kind::trace, event["from"], event["event"], event});
}

void session::on_reply_line(const std::string& line) {
    if (!hello_received_ && !hello_line_) {
        hello_line_ = line;
        return;
    }
    json message;
    try {
        message = json::parse(line);
    } catch (const json::parse_error& error) {
        throw driver_error(fmt::format("{} sent a reply that is not JSON on fd 4: {}: {}",
                                       driver_name(), quoted_excerpt(line), error.what()));
    }
    const auto malformed = [&](const std::string& problem) {
        return driver_error(fmt::format("{} sent a malformed reply on fd 4: {}: {}", driver_name(),
                                        quoted_excerpt(line), problem));
    };
    if (!message.is_object()) throw malformed("a reply must be a JSON object");
    if (!message.contains("id") || !message["id"].is_number_unsigned()) {
        throw malformed("\"id\" must be the id of the request it answers");
    }
    const auto id = message["id"].get<std::uint64_t>();
    const auto request = pending_.find(id);
    if (request == pending_.end())
        throw malformed(fmt::format("no request #{} is waiting for a reply", id));
    if (!message.contains("ok") || !message["ok"].is_boolean())
        throw malformed("\"ok\" must be true or false");

    reply answer;
    answer.id = id;
    answer.ok = message["ok"].get<bool>();
    answer.value = message.value("value", json());
    if (!answer.ok) {
        const json error = message.value("error", json());
        if (!error.is_object() || !error.contains("kind") || !error["kind"].is_string() ||
            !error.contains("message") || !error["message"].is_string()) {
            throw malformed(
                "a failed reply needs \"error\": {\"kind\": string, \"message\": string}");
        }
        answer.error_kind = error["kind"];
        answer.error_message = error["message"];
    }
    json data = {{"id", id}, {"ok", answer.ok}};
    if (!answer.ok) data["kind"] = answer.error_kind;
    if (!answer.value.is_null()) data["value"] = answer.value;
    history_.push_back({history_entry::kind::returned, "parent",
                        operation_name(request->second.op, request->second.process), data});
    pending_.erase(request);
    replies_.emplace(id, std::move(answer));
}

std::string session::why_it_stopped() {
    // A dying driver's fd 4 reaches end of file just before its pidfd reports the exit; wait
    // for the exit so the message gives the real cause (a crash, an exit status).
    if (!pump_->driver_exited())
        pump_until(deadline_after(timeouts::exit()), [&] { return pump_->driver_exited(); });
    if (pump_->driver_exited()) return describe_wait_status(*driver_->exit_status());
    return "closed fd 4 but kept running";
}

std::string session::describe(std::uint64_t id) const {
    const auto found = pending_.find(id);
    return found == pending_.end() ? fmt::format("request #{}", id)
                                   : fmt::format("request #{} {}", id, found->second.line);
}

std::uint64_t session::send(json request) {
    // One request at a time: that is what lets a reply's arrival order it exactly after the
    // trace events written before it (see pump_until).
    if (!pending_.empty())
        throw std::logic_error("send() while " + describe(pending_.begin()->first) + " is pending");
    const std::uint64_t id = next_id_++;
    request["id"] = id;
    const std::string line = request.dump();
    pending_.emplace(id, pending_request{request.value("op", std::string()),
                                         request.value("process", std::string()), line});
    const std::string wire = line + "\n";
    std::size_t done = 0;
    while (done < wire.size()) {
        const ssize_t written =
            ::write(driver_->requests().get(), wire.data() + done, wire.size() - done);
        if (written < 0 && errno == EINTR) continue;
        if (written < 0) {
            throw driver_error(fmt::format("{} stopped reading requests on fd 3 ({}) before {}",
                                           driver_name(), std::strerror(errno), describe(id)));
        }
        done += static_cast<std::size_t>(written);
    }
    return id;
}

std::optional<reply> session::await_until(std::uint64_t id, clock::time_point deadline,
                                          int child_pidfd, seconds after_end) {
    const auto settled = [&] {
        return replies_.contains(id) || pump_->driver_exited() || pump_->replies_closed();
    };
    pump_->watch_also(child_pidfd);
    pump_until(deadline, [&] { return settled() || pump_->watched_ready_at().has_value(); });
    if (const auto ended = pump_->watched_ready_at(); ended && !settled()) {
        pump_until(std::min(deadline, later(*ended, after_end)), settled);
    }
    child_end_seen_ = pump_->watched_ready_at();
    pump_->watch_also(-1);
    if (const auto found = replies_.find(id); found != replies_.end()) {
        reply answer = std::move(found->second);
        replies_.erase(found);
        return answer;
    }
    if (pump_->driver_exited() || pump_->replies_closed()) {
        const std::string why = why_it_stopped();
        const std::string message =
            fmt::format("{} {} while the runner waited for the reply to {}; its stderr:\n{}",
                        driver_name(), why, describe(id), indented(pump_->err()));
        // A driver that dies mid-conversation is a crash of what it runs; one that only closes
        // its reply channel broke the protocol.
        if (pump_->driver_exited()) throw driver_crash(message);
        throw driver_error(message);
    }
    return std::nullopt;
}

std::optional<reply> session::reply_within_window(std::uint64_t id, seconds window) {
    const phase_scope watching(phase::windows);
    return await_within(id, window);
}

reply session::await(std::uint64_t id) {
    const phase_scope waiting(phase::commands);
    if (auto answer = await_within(id, timeouts::reply())) return std::move(*answer);
    throw driver_timeout(fmt::format("{} did not answer {} within {:.1f}s: the operation hangs\n{}",
                                     driver_name(), describe(id), timeouts::reply().count(),
                                     transcript()));
}

reply session::call(json request) { return await(send(std::move(request))); }

reply session::require(json request) {
    const std::string name =
        operation_name(request.value("op", std::string()), request.value("process", std::string()));
    reply answer = call(std::move(request));
    if (!answer.ok) {
        throw operation_refused(
            fmt::format("{} failed with {}: {}", name, answer.error_kind, answer.error_message));
    }
    return answer;
}

std::string session::create(const protocol::script& steps, const json& args,
                            const create_options& options) {
    for (const std::string& gate : protocol::gates_of(steps)) fifos_->ensure_gate(gate);
    const std::string handle =
        options.handle.empty() ? fmt::format("p{}", next_process_++) : options.handle;
    json request = {{"op", "create"},
                    {"process", handle},
                    {"script", protocol::to_json(steps)},
                    {"args", args}};
    if (options.daemon) request["daemon"] = true;
    require(std::move(request));
    scripts_.emplace(handle, steps);
    return handle;
}

void session::start(const std::string& process) {
    require({{"op", "start"}, {"process", process}});
}
void session::join(const std::string& process) { require({{"op", "join"}, {"process", process}}); }

bool session::join(const std::string& process, double timeout_seconds) {
    const reply answer =
        require({{"op", "join"}, {"process", process}, {"timeout", timeout_seconds}});
    if (!answer.value.is_boolean()) {
        throw driver_error(
            fmt::format("the reply to join({}, timeout) must carry true or false, got {}", process,
                        answer.value.dump()));
    }
    return answer.value.get<bool>();
}

bool session::is_alive(const std::string& process) {
    const reply answer = require({{"op", "is_alive"}, {"process", process}});
    if (!answer.value.is_boolean()) {
        throw driver_error(fmt::format("the reply to is_alive({}) must carry true or false, got {}",
                                       process, answer.value.dump()));
    }
    return answer.value.get<bool>();
}

std::optional<int> session::exitcode(const std::string& process) {
    const reply answer = require({{"op", "exitcode"}, {"process", process}});
    if (answer.value.is_null()) return std::nullopt;
    if (!answer.value.is_number_integer()) {
        throw driver_error(
            fmt::format("the reply to exitcode({}) must carry an integer or null, got {}", process,
                        answer.value.dump()));
    }
    return answer.value.get<int>();
}

std::optional<long long> session::pid(const std::string& process) {
    const reply answer = require({{"op", "pid"}, {"process", process}});
    if (answer.value.is_null()) return std::nullopt;
    if (!answer.value.is_number_integer()) {
        throw driver_error(fmt::format("the reply to pid({}) must carry an integer or null, got {}",
                                       process, answer.value.dump()));
    }
    return answer.value.get<long long>();
}

void session::print(const std::string& text, const std::string& stream) {
    require({{"op", "print"}, {"text", text}, {"stream", stream}});
}

void session::trace(const std::string& event) { require({{"op", "trace"}, {"event", event}}); }

void session::release(const std::string& gate, int count) {
    fifos_->release_gate(gate, count);
    history_.push_back(
        {history_entry::kind::released, "runner", gate, {{"gate", gate}, {"count", count}}});
}

bool session::finish(const std::string& held_gate) {
    if (torn_down_) return false;
    const phase_scope ending(phase::teardown);
    const reply answer = call({{"op", "shutdown"}});
    if (!answer.ok) {
        throw driver_error(fmt::format("{} refused shutdown: {}: {}", driver_name(),
                                       answer.error_kind, answer.error_message));
    }
    bool ended_while_held = false;
    if (!held_gate.empty()) {
        const phase_scope watching(phase::windows);
        ended_while_held = pump_until(deadline_after(timeouts::observation_window()),
                                      [&] { return pump_->driver_exited(); });
        release(held_gate);
    }
    const bool ended =
        pump_until(deadline_after(timeouts::exit()), [&] { return pump_->driver_exited(); });
    // A helper of the program that is itself ending (a fork server that sees its parent gone
    // on an end of file) is no survivor: each gets the tolerance to end, and the wait ends on
    // its exit (a pidfd), so only a real survivor costs the whole tolerance.
    if (ended) survivors_ = living_children(deadline_after(timeouts::join_timeout_tolerance()));
    kill_all();
    if (!ended) {
        throw driver_timeout(fmt::format(
            "{} did not end within {:.1f}s after shutdown (its children were killed)\n{}",
            driver_name(), timeouts::exit().count(), transcript()));
    }
    return ended_while_held;
}

void session::kill_all() {
    if (torn_down_) return;
    torn_down_ = true;
    const phase_scope ending(phase::teardown);
    driver_->kill_and_reap();
    driver_status_ = driver_->exit_status();
    const std::vector<std::string> stuck = reap_all_children(deadline_after(timeouts::exit()));
    // Every writer is dead now, so what the channels hold is all there will be.
    pump_->drain();
    if (!stuck.empty()) {
        throw std::runtime_error(fmt::format("could not reap every process of {}: {}",
                                             driver_name(), fmt::join(stuck, "; ")));
    }
}

std::size_t session::wait_for_event(const std::string& from, const std::string& event) {
    const phase_scope waiting(phase::events);
    pump_until(deadline_after(timeouts::reply()),
               [&] { return find_event(from, event).has_value(); });
    if (const auto found = find_event(from, event)) return *found;
    throw driver_timeout(fmt::format("{} never recorded event '{}' within {:.1f}s\n{}", from, event,
                                     timeouts::reply().count(), transcript()));
}

std::string session::transcript() const {
    std::string text = fmt::format("  {}\n  history, in arrival order:\n", driver_name());
    text += describe_history(history_);
    // A test with several failures explains each with a transcript; the console output, which
    // may be the largest part, is shown in the first one only.
    if (console_shown_) return text + "  captured stdout and stderr: in the first transcript\n";
    console_shown_ = true;
    text += "  captured stdout:\n" + indented(pump_->out());
    text += "  captured stderr:\n" + indented(pump_->err());
    return text;
}

}  // namespace startjoin::conformance
