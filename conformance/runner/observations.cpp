#include "observations.hpp"

#include <fmt/format.h>

#include "errors.hpp"
#include "pidfd.hpp"
#include "profile.hpp"
#include "unique_fd.hpp"

namespace startjoin::conformance {

held_join join_releasing(session& driver, const std::string& process, const std::string& gate) {
    held_join seen;
    const auto id = driver.send({{"op", "join"}, {"process", process}});
    std::optional<reply> answer = driver.reply_within_window(id);
    seen.returned_while_held = answer.has_value();
    driver.release(gate);
    if (!answer) answer = driver.await(id);
    if (!answer->ok) {
        throw operation_refused(fmt::format("join({}) failed with {}: {}", process,
                                            answer->error_kind, answer->error_message));
    }
    return seen;
}

namespace {
// The runner's own pidfd on `process`'s child, or an empty fd when it cannot watch it. A child
// already reaped (ESRCH) is watched through no fd: its end is known to be in the past.
struct child_watch {
    unique_fd pidfd;
    bool ended_already = false;
};
child_watch watch_child(session& driver, const std::string& process) {
    child_watch watch;
    if (driver.hello().profile != "process") return watch;
    const auto pid = driver.pid(process);
    if (!pid || *pid <= 0) return watch;
    watch.pidfd = unique_fd(::pidfd_open(static_cast<pid_t>(*pid), 0));
    watch.ended_already = !watch.pidfd && errno == ESRCH;
    return watch;
}
}  // namespace

join_timing join_with_timeout(session& driver, const std::string& process, double timeout,
                              bool must_end) {
    const seconds tolerance = timeouts::join_timeout_tolerance();
    const seconds waiting = seconds(std::max(timeout, 0.0)) + tolerance;
    child_watch watch;
    if (must_end) watch = watch_child(driver, process);
    const bool watched = watch.pidfd || watch.ended_already;
    join_timing seen;
    const clock::time_point sent = clock::now();
    const auto id = driver.send({{"op", "join"}, {"process", process}, {"timeout", timeout}});
    if (!must_end) {
        seen.bound = fmt::format("its timeout plus the tolerance, {:.3f}s", waiting.count());
        seen.answer = driver.await_until(id, later(sent, waiting));
    } else if (!watched) {
        seen.bound = fmt::format("the tolerance, {:.3f}s", tolerance.count());
        seen.answer = driver.await_within(id, tolerance);
    } else {
        // An end seen before the call counts from the call.
        const clock::time_point overall = later(sent, watch.ended_already ? tolerance : waiting);
        seen.answer = driver.await_until(id, overall, watch.pidfd.get(), tolerance);
        if (const auto ended = driver.child_end_seen()) {
            seen.bound = fmt::format(
                "the tolerance, {:.3f}s, after the child's end, which the runner saw {:.3f}s "
                "after the call",
                tolerance.count(), seconds(*ended - sent).count());
        } else if (watch.ended_already) {
            seen.bound = fmt::format("the tolerance, {:.3f}s (the child had ended before the call)",
                                     tolerance.count());
        } else {
            seen.bound = fmt::format(
                "its timeout plus the tolerance, {:.3f}s; the child did not end meanwhile",
                waiting.count());
        }
    }
    seen.took = clock::now() - sent;
    return seen;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace startjoin::conformance
