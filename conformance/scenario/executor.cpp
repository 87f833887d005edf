#include "executor.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <poll.h>

#include <map>
#include <set>

#include "errors.hpp"
#include "observations.hpp"
#include "pidfd.hpp"
#include "profile.hpp"
#include "timeouts.hpp"
#include "unique_fd.hpp"

namespace startjoin::conformance {
namespace {

using nlohmann::json;
namespace kind = statement_kind;

// A statement that does not hold; the location and the transcript are added by run_scenario.
struct statement_failed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string shown(const json& value) { return value.is_null() ? "none" : value.dump(); }

std::string call_text(const json& request) {
    std::string text = request.value("op", std::string("?")) + "(";
    if (request.contains("process")) text += request["process"].get<std::string>();
    return text + ")";
}

class executor {
  public:
    executor(session& driver, const std::set<std::string>& to_watch)
        : driver_(driver), to_watch_(to_watch) {}

    void operator()(const kind::define_process& process) {
        driver_.create(process.steps, process.args,
                       {.handle = process.name, .daemon = process.daemon});
    }

    void operator()(const kind::operation& operation) {
        const std::string call = call_text(operation.request);
        const reply answer = operation.request.contains("timeout") ? timed_join(operation)
                             : operation.eventually                ? repeated(operation)
                                                    : driver_.call(operation.request);
        if (answer.ok && operation.request["op"] == "start" &&
            to_watch_.contains(operation.request["process"])) {
            watch(operation.request["process"]);
        }
        if (!operation.expected) {
            if (!answer.ok) {
                throw statement_failed(fmt::format("{} failed with {}: {}", call, answer.error_kind,
                                                   answer.error_message));
            }
            return;
        }
        const expectation& expected = *operation.expected;
        if (expected.is_error) {
            if (answer.ok) {
                throw statement_failed(fmt::format("{} returned {} but must fail with {}", call,
                                                   shown(answer.value), expected.error_kind));
            }
            if (answer.error_kind != expected.error_kind) {
                throw statement_failed(fmt::format("{} failed with {} ({}) but must fail with {}",
                                                   call, answer.error_kind, answer.error_message,
                                                   expected.error_kind));
            }
            return;
        }
        if (!answer.ok) {
            throw statement_failed(fmt::format("{} failed with {}: {}; it must return {}", call,
                                               answer.error_kind, answer.error_message,
                                               shown(expected.value)));
        }
        if (answer.value != expected.value) {
            throw statement_failed(fmt::format("{} returned {}, expected {}", call,
                                               shown(answer.value), shown(expected.value)));
        }
    }

    void operator()(const kind::join_releasing& join) {
        if (join_releasing(driver_, join.process, join.gate).returned_while_held) {
            throw statement_failed(
                fmt::format("join({}) returned while the child was still held on gate '{}'",
                            join.process, join.gate));
        }
    }

    void operator()(const kind::release& release) { driver_.release(release.gate, release.count); }

    void operator()(const kind::end_program& end) {
        if (driver_.finish(end.held_gate)) {
            throw statement_failed(
                fmt::format("the parent ended while a child was still held on gate '{}': it did "
                            "not wait for it",
                            end.held_gate));
        }
    }

    void operator()(const kind::await_end& end) {
        if (without_pid_.contains(end.process)) return await_not_alive(end.process);
        const auto found = watched_.find(end.process);
        if (found == watched_.end()) {
            throw statement_failed(
                fmt::format("{} was never started with a pid the runner could watch", end.process));
        }
        if (!found->second) return;  // it had ended and been reaped by the time it was watched
        const phase_scope waiting(phase::events);
        pollfd exited{found->second.get(), POLLIN, 0};
        const auto deadline = deadline_after(timeouts::reply());
        for (;;) {
            const int ready = ::poll(&exited, 1, poll_timeout(deadline));
            if (ready > 0) return;
            if (ready == 0) {
                throw driver_timeout(fmt::format("{} did not end within {:.1f}s", end.process,
                                                 timeouts::reply().count()));
            }
            if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");
        }
    }

    void operator()(const kind::survivors_check&) {
        if (!driver_.survivors().empty()) {
            throw statement_failed(fmt::format("the parent ended but left pid {} running",
                                               fmt::join(driver_.survivors(), ", ")));
        }
    }

    void operator()(const kind::output_check& check) {
        const std::string& captured =
            check.stream == "stdout" ? driver_.captured_stdout() : driver_.captured_stderr();
        if (check.exact) {
            const std::vector<std::string> lines = lines_of(captured);
            if (lines != check.lines) {
                // The captured stream itself is in the transcript that explains the failure.
                throw statement_failed(fmt::format(
                    "captured {} differs (it is in the transcript)\n  expected {}:\n    | {}",
                    check.stream, check.stream, fmt::join(check.lines, "\n    | ")));
            }
        } else if (captured.find(check.lines.front()) == std::string::npos) {
            throw statement_failed(fmt::format("captured {} does not contain {}", check.stream,
                                               json(check.lines.front()).dump()));
        }
    }

    void operator()(const kind::event_check& check) {
        const auto found = driver_.find_event(check.from, check.event);
        if (check.absent) {
            if (found)
                throw statement_failed(fmt::format("{}:{} was recorded (entry {})", check.from,
                                                   check.event, *found + 1));
            return;
        }
        if (!found)
            throw statement_failed(
                fmt::format("{}:{} was never recorded", check.from, check.event));
        const json& data = driver_.history()[*found].data;
        for (const auto& [field, value] : check.fields.items()) {
            if (!data.contains(field) || data[field] != value) {
                throw statement_failed(fmt::format(
                    "{}:{} has {} = {}, expected {}", check.from, check.event, field,
                    data.contains(field) ? data[field].dump() : "nothing", value.dump()));
            }
        }
    }

    void operator()(const kind::order_check& check) {
        std::optional<std::size_t> previous;
        std::string previous_text;
        for (const kind::order_item& item : check.items) {
            const auto position = item.is_return ? driver_.find_return(item.subject)
                                                 : driver_.find_event(item.subject, item.event);
            if (!position) throw statement_failed(fmt::format("{} was never recorded", item.text));
            if (previous && *position <= *previous) {
                throw statement_failed(fmt::format("{} (entry {}) must come after {} (entry {})",
                                                   item.text, *position + 1, previous_text,
                                                   *previous + 1));
            }
            previous = position;
            previous_text = item.text;
        }
    }

  private:
    // join(timeout) is bounded by the spec's tolerance: while the child runs it must give up
    // by its timeout plus the tolerance ([join-timeout.expires]); when it must report true, the
    // child has ended or is ending, so it must return within the tolerance of that end whatever
    // its timeout ([join-timeout.prompt]).
    reply timed_join(const kind::operation& operation) {
        const bool must_end = operation.expected && !operation.expected->is_error &&
                              operation.expected->value == true;
        const join_timing seen =
            join_with_timeout(driver_, operation.request["process"],
                              operation.request["timeout"].get<double>(), must_end);
        if (seen.answer) return std::move(*seen.answer);
        throw statement_failed(
            fmt::format("{} did not return within {}", call_text(operation.request), seen.bound));
    }

    // The runner's own pidfd on a child, opened as soon as start() returns: the child is then
    // running, an unreaped zombie, or already reaped by an implementation that reaps on its own
    // (bash does, on SIGCHLD), which pidfd_open reports as ESRCH: ended. Its pid cannot have
    // been reused in between, since nothing else runs in the driver meanwhile.
    //
    // A started child whose pid the implementation no longer reports (GLib's
    // g_subprocess_get_identifier() is NULL once GLib has reaped the child, which can happen
    // before pid() is asked) cannot be watched from outside; `ended` then asks is_alive().
    void watch(const std::string& process) {
        if (driver_.hello().profile != "process") return;
        const auto pid = driver_.pid(process);
        if (!pid) {
            without_pid_.insert(process);
            return;
        }
        if (*pid <= 0) return;
        unique_fd pidfd(::pidfd_open(static_cast<pid_t>(*pid), 0));
        if (pidfd) {
            watched_[process] = std::move(pidfd);
        } else if (errno == ESRCH) {
            watched_[process] = unique_fd();  // gone already: it has ended
        }
    }

    // `ended` for a child without a pid: the implementation's own word that it ended, asked
    // again until it says so. Each round is one request: nothing here sleeps.
    void await_not_alive(const std::string& process) {
        const phase_scope waiting(phase::events);
        const auto deadline = deadline_after(timeouts::reply());
        for (;;) {
            const reply answer = driver_.call({{"op", "is_alive"}, {"process", process}});
            if (!answer.ok) {
                throw statement_failed(
                    fmt::format("{} has no pid to watch, and is_alive({}) failed with {}: {}",
                                process, process, answer.error_kind, answer.error_message));
            }
            if (answer.value == false) return;
            if (clock::now() >= deadline) {
                throw driver_timeout(fmt::format(
                    "{} did not end within {:.1f}s (it has no pid to watch: is_alive() was "
                    "asked)",
                    process, timeouts::reply().count()));
            }
        }
    }

    // Asks again until the answer is the expected one or the tolerance has passed: for what
    // must become true soon after an event the parent learns of indirectly (a fork server
    // relays a child's end). Each round is one request: nothing here sleeps.
    reply repeated(const kind::operation& operation) {
        const auto deadline = deadline_after(timeouts::join_timeout_tolerance());
        for (;;) {
            reply answer = driver_.call(operation.request);
            if (!answer.ok || answer.value == operation.expected->value ||
                clock::now() >= deadline) {
                return answer;
            }
        }
    }

    session& driver_;
    const std::set<std::string>& to_watch_;
    std::map<std::string, unique_fd> watched_;
    std::set<std::string> without_pid_;  // started, but pid() answered none
};

}  // namespace

std::optional<std::string> missing_requirement(const requirements& needs,
                                               const hello_info& driver) {
    if (needs.process_profile && driver.profile != "process") {
        return fmt::format("needs the process profile; the driver declares profile {}",
                           driver.profile);
    }
    std::vector<std::string> missing;
    for (const std::string& feature : needs.features) {
        if (!driver.supports(feature)) missing.push_back(feature);
    }
    if (!missing.empty()) {
        return fmt::format("needs driver feature{} {}, which the handshake does not declare",
                           missing.size() > 1 ? "s" : "", fmt::join(missing, ", "));
    }
    return std::nullopt;
}

void run_scenario(const scenario& scenario, session& driver) {
    executor run(driver, scenario.watched);
    for (const statement& each : scenario.statements) {
        try {
            std::visit(run, each.what);
        } catch (const statement_failed& failure) {
            throw std::runtime_error(fmt::format("{}:{}: `{}`: {}\n{}", scenario.file, each.line,
                                                 each.text, failure.what(), driver.transcript()));
        } catch (const std::exception& error) {
            throw std::runtime_error(
                fmt::format("{}:{}: `{}`: {}", scenario.file, each.line, each.text, error.what()));
        }
    }
}

}  // namespace startjoin::conformance
