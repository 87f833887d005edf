#include "session.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "errors.hpp"
#include "reaper.hpp"
#include "startjoin/protocol/constants.hpp"

extern char** environ;

namespace startjoin::conformance {
namespace {

using nlohmann::json;

// The driver's environment: the runner's own, without what would change the behaviour under
// test (PYTHONUNBUFFERED turns off the stdout buffering the output clauses are about), plus
// the paths of the FIFOs.
std::vector<std::string> driver_environment(const fifo_dir& fifos) {
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
    environment.push_back(std::string(protocol::trace_env) + "=" + fifos.trace_path());
    environment.push_back(std::string(protocol::gates_env) + "=" + fifos.gates_path());
    return environment;
}

void make_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw_errno("fcntl(O_NONBLOCK)");
}

// Appends what `fd` has now to `into`. Returns false at end of file.
bool read_available(int fd, std::string& into) {
    char block[65536];
    for (;;) {
        const ssize_t got = ::read(fd, block, sizeof block);
        if (got > 0) {
            into.append(block, static_cast<std::size_t>(got));
            continue;
        }
        if (got == 0) return false;
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return true;
        throw_errno("read from the driver");
    }
}

// Calls `each` for every complete line in `buffer` and keeps the incomplete rest.
template <class Each>
void take_lines(std::string& buffer, Each each) {
    std::size_t start = 0;
    for (std::size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
        each(buffer.substr(start, end - start));
    }
    buffer.erase(0, start);
}

std::string quote(std::string_view text, std::size_t limit = 400) {
    std::string shown(text.substr(0, limit));
    if (text.size() > limit) shown += fmt::format("... ({} bytes in all)", text.size());
    return fmt::format("'{}'", shown);
}

std::string indented(std::string_view text) {
    if (text.empty()) return "    (nothing)\n";
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        out += fmt::format("    | {}\n", text.substr(start, end - start));
        start = end + 1;
    }
    if (!text.ends_with('\n')) out += "    (no newline at the end)\n";
    return out;
}

std::string operation_name(const std::string& op, const std::string& process) {
    return process.empty() ? op + "()" : fmt::format("{}({})", op, process);
}

}  // namespace

bool hello_info::supports(const std::string& feature) const {
    return std::find(features.begin(), features.end(), feature) != features.end();
}

std::string history_entry::describe() const {
    if (type == kind::returned) {
        if (data.value("ok", true)) {
            if (data.contains("value"))
                return fmt::format("parent: {} returned {}", event, data["value"].dump());
            return fmt::format("parent: {} returned", event);
        }
        return fmt::format("parent: {} failed ({})", event, data.value("kind", std::string("?")));
    }
    if (type == kind::released) {
        const int count = data.value("count", 1);
        return count == 1 ? fmt::format("runner: released gate {}", event)
                          : fmt::format("runner: released gate {} x{}", event, count);
    }
    json extra = data;
    extra.erase("from");
    extra.erase("event");
    if (extra.empty()) return fmt::format("{}: {}", from, event);
    return fmt::format("{}: {} {}", from, event, extra.dump());
}

session::session(std::string driver_command) : command_(std::move(driver_command)) {
    fifos_ = std::make_unique<fifo_dir>();
    driver_ = std::make_unique<driver_process>(command_, driver_environment(*fifos_));
    make_nonblocking(driver_->replies().get());
    make_nonblocking(driver_->console_out().get());
    make_nonblocking(driver_->console_err().get());
    read_hello();
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
    pump_until(deadline,
               [&] { return hello_line_.has_value() || driver_exited_ || replies_closed_; });
    if (!hello_line_) {
        if (driver_exited_ || replies_closed_) {
            const std::string why = why_it_stopped();
            throw driver_error(
                fmt::format("{} {} before sending its handshake on fd 4; its stderr:\n{}",
                            driver_name(), why, indented(err_)));
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
                                       driver_name(), quote(line), error.what()));
    }
    const auto malformed = [&](const std::string& problem) {
        return driver_error(fmt::format("{} sent a malformed handshake {}: {}", driver_name(),
                                        quote(line), problem));
    };
    if (!hello.is_object() || hello.value("hello", json()) != "startjoin") {
        throw malformed("it must be an object with \"hello\": \"startjoin\"");
    }
    if (!hello.contains("protocol") || !hello["protocol"].is_number_integer()) {
        throw malformed("\"protocol\" must be an integer");
    }
    if (hello["protocol"].get<int>() != protocol::version) {
        throw driver_error(fmt::format("{} speaks protocol {}; this runner speaks protocol {}",
                                       driver_name(), hello["protocol"].get<int>(),
                                       protocol::version));
    }
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
    hello_received_ = true;
}

// The single poll loop of the session: every descriptor the driver writes to is drained here,
// so a chatty child can never block on a full pipe while the runner waits for something else.
bool session::pump_until(clock::time_point deadline, const std::function<bool()>& done) {
    while (!done()) {
        std::vector<pollfd> watched;
        const auto watch = [&](int fd) {
            if (fd >= 0) watched.push_back({fd, POLLIN, 0});
        };
        watch(replies_closed_ ? -1 : driver_->replies().get());
        watch(driver_->console_out().get());
        watch(driver_->console_err().get());
        watch(fifos_->trace_fd());
        watch(driver_exited_ ? -1 : driver_->pidfd());

        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
        if (left.count() <= 0) return false;
        const int ready = ::poll(watched.data(), watched.size(), static_cast<int>(left.count()));
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        // Console and trace first: a reply must find every event written before it recorded.
        read_console(driver_->console_out(), out_);
        read_console(driver_->console_err(), err_);
        read_trace();
        read_replies();
        if (!driver_exited_ && driver_->exit_status()) {
            driver_exited_ = true;
            read_replies();  // whatever it wrote before exiting still counts
        }
    }
    return true;
}

void session::read_console(unique_fd& fd, std::string& into) {
    if (fd && !read_available(fd.get(), into)) fd.reset();  // end of file: every writer is gone
}

void session::read_trace() {
    read_available(fifos_->trace_fd(), trace_buffer_);
    take_lines(trace_buffer_, [&](const std::string& line) { on_trace_line(line); });
}

void session::read_replies() {
    if (replies_closed_) return;
    if (!read_available(driver_->replies().get(), reply_buffer_)) replies_closed_ = true;
    take_lines(reply_buffer_, [&](const std::string& line) { on_reply_line(line); });
}

void session::on_trace_line(const std::string& line) {
    json event;
    try {
        event = json::parse(line);
    } catch (const json::parse_error& error) {
        throw driver_error(
            fmt::format("{}: a child or the parent wrote a trace line that is not JSON: {}: {}",
                        driver_name(), quote(line), error.what()));
    }
    if (!event.is_object() || !event.contains("from") || !event["from"].is_string() ||
        !event.contains("event") || !event["event"].is_string()) {
        throw driver_error(fmt::format(
            "{}: malformed trace line {}: it needs string fields \"from\" and \"event\"",
            driver_name(), quote(line)));
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
                                       driver_name(), quote(line), error.what()));
    }
    const auto malformed = [&](const std::string& problem) {
        return driver_error(fmt::format("{} sent a malformed reply on fd 4: {}: {}", driver_name(),
                                        quote(line), problem));
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
    if (!driver_exited_)
        pump_until(deadline_after(timeouts::exit()), [&] { return driver_exited_; });
    if (driver_exited_) return describe_wait_status(*driver_->exit_status());
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

std::optional<reply> session::await_within(std::uint64_t id, seconds window) {
    const auto deadline = deadline_after(window);
    pump_until(deadline,
               [&] { return replies_.contains(id) || driver_exited_ || replies_closed_; });
    if (const auto found = replies_.find(id); found != replies_.end()) {
        reply answer = std::move(found->second);
        replies_.erase(found);
        return answer;
    }
    if (driver_exited_ || replies_closed_) {
        const std::string why = why_it_stopped();
        const std::string message =
            fmt::format("{} {} while the runner waited for the reply to {}; its stderr:\n{}",
                        driver_name(), why, describe(id), indented(err_));
        // A driver that dies mid-conversation is a crash of what it runs; one that only closes
        // its reply channel broke the protocol.
        if (driver_exited_) throw driver_crash(message);
        throw driver_error(message);
    }
    return std::nullopt;
}

reply session::await(std::uint64_t id) {
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
    const reply answer = call({{"op", "shutdown"}});
    if (!answer.ok) {
        throw driver_error(fmt::format("{} refused shutdown: {}: {}", driver_name(),
                                       answer.error_kind, answer.error_message));
    }
    bool ended_while_held = false;
    if (!held_gate.empty()) {
        ended_while_held = pump_until(deadline_after(timeouts::observation_window()),
                                      [&] { return driver_exited_; });
        release(held_gate);
    }
    const bool ended = pump_until(deadline_after(timeouts::exit()), [&] { return driver_exited_; });
    if (ended) survivors_ = living_children(deadline_after(timeouts::observation_window()));
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
    driver_->kill_and_reap();
    driver_status_ = driver_->exit_status();
    const auto deadline = deadline_after(timeouts::exit());
    const std::vector<std::string> stuck = reap_all_children(deadline);
    // Every writer is dead now, so the pipes reach end of file; collect the last output.
    pump_until(deadline, [&] { return !driver_->console_out() && !driver_->console_err(); });
    read_trace();
    if (!stuck.empty()) {
        throw std::runtime_error(fmt::format("could not reap every process of {}: {}",
                                             driver_name(), fmt::join(stuck, "; ")));
    }
}

std::optional<std::size_t> session::find_event(const std::string& from,
                                               const std::string& event) const {
    for (std::size_t i = 0; i < history_.size(); ++i) {
        const history_entry& entry = history_[i];
        if (entry.type == history_entry::kind::trace && entry.from == from && entry.event == event)
            return i;
    }
    return std::nullopt;
}

std::size_t session::wait_for_event(const std::string& from, const std::string& event) {
    pump_until(deadline_after(timeouts::reply()),
               [&] { return find_event(from, event).has_value(); });
    if (const auto found = find_event(from, event)) return *found;
    throw driver_timeout(fmt::format("{} never recorded event '{}' within {:.1f}s\n{}", from, event,
                                     timeouts::reply().count(), transcript()));
}

std::optional<std::size_t> session::find_return(const std::string& operation) const {
    for (std::size_t i = 0; i < history_.size(); ++i) {
        const history_entry& entry = history_[i];
        if (entry.type == history_entry::kind::returned && entry.event == operation) return i;
    }
    return std::nullopt;
}

std::string session::transcript() const {
    std::string text = fmt::format("  {}\n  history, in arrival order:\n", driver_name());
    if (history_.empty()) text += "    (nothing)\n";
    for (std::size_t i = 0; i < history_.size(); ++i) {
        text += fmt::format("    {:>2}. {}\n", i + 1, history_[i].describe());
    }
    text += "  captured stdout:\n" + indented(out_);
    text += "  captured stderr:\n" + indented(err_);
    return text;
}

}  // namespace startjoin::conformance
