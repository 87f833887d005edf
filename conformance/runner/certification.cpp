#include "certification.hpp"

#include <fmt/format.h>

#include <functional>
#include <set>

#include "errors.hpp"
#include "reporting.hpp"
#include "session.hpp"

namespace startjoin::conformance {
namespace {

using nlohmann::json;

const std::set<std::string> known_error_kinds = {"invalid_state", "closed", "unsupported",
                                                 "bad_request",   "system", "internal"};

// What a successful reply's value must look like.
struct shape {
    const char* description;
    std::function<bool(const json&)> fits;
};
const shape nothing{"no value", [](const json& v) { return v.is_null(); }};
const shape boolean{"true or false", [](const json& v) { return v.is_boolean(); }};
const shape integer{"an integer", [](const json& v) { return v.is_number_integer(); }};
const shape optional_integer{"an integer or null",
                             [](const json& v) { return v.is_null() || v.is_number_integer(); }};
const shape text{"a string", [](const json& v) { return v.is_string(); }};
const shape any_value{"any value", [](const json&) { return true; }};
const shape integers{"an array of integers or nulls", [](const json& v) {
                         if (!v.is_array()) return false;
                         for (const json& item : v) {
                             if (!item.is_null() && !item.is_number_integer()) return false;
                         }
                         return true;
                     }};

class certifier {
  public:
    explicit certifier(session& driver) : driver_(driver) {}

    // The request must succeed with a value of `expected` shape.
    void succeeds(const json& request, const shape& expected) {
        const reply answer = driver_.call(request);
        if (!answer.ok) {
            problem(request,
                    fmt::format("failed with {}: {}", answer.error_kind, answer.error_message));
        } else if (!expected.fits(answer.value)) {
            problem(request, fmt::format("must return {}, returned {}", expected.description,
                                         answer.value.dump()));
        }
    }

    // The request may succeed or fail, but a value must have `expected` shape and an error
    // must carry a known kind.
    void answers(const json& request, const shape& expected) {
        const reply answer = driver_.call(request);
        if (answer.ok && !expected.fits(answer.value)) {
            problem(request, fmt::format("must return {}, returned {}", expected.description,
                                         answer.value.dump()));
        } else if (!answer.ok) {
            known_kind(request, answer);
        }
    }

    // The request must fail, with one of `kinds`.
    void fails(const json& request, const std::set<std::string>& kinds) {
        const reply answer = driver_.call(request);
        if (answer.ok) {
            problem(request,
                    fmt::format("must fail with {}, but succeeded", fmt::join(kinds, " or ")));
        } else if (!kinds.contains(answer.error_kind)) {
            problem(request,
                    fmt::format("must fail with {}, failed with {} ({})", fmt::join(kinds, " or "),
                                answer.error_kind, answer.error_message));
        }
    }

    std::vector<std::string> problems;

  private:
    void known_kind(const json& request, const reply& answer) {
        if (!known_error_kinds.contains(answer.error_kind)) {
            problem(request, fmt::format("failed with unknown error kind '{}' (known: {})",
                                         answer.error_kind, fmt::join(known_error_kinds, ", ")));
        }
    }
    void problem(const json& request, const std::string& what) {
        json shown = request;
        shown.erase("id");
        problems.push_back(fmt::format("{}: {}", shown.dump(), what));
    }

    session& driver_;
};

void check_operations(session& driver, certifier& check) {
    const hello_info& hello = driver.hello();
    const auto has = [&](const char* feature) { return hello.supports(feature); };
    const json p = "certify";
    check.succeeds({{"op", "create"},
                    {"process", p},
                    {"script", json::array({{{"step", "trace"}, {"event", "ran"}}})},
                    {"args", json::array({"certify", 1})}},
                   nothing);
    check.answers({{"op", "is_alive"}, {"process", p}}, boolean);
    check.answers({{"op", "exitcode"}, {"process", p}}, optional_integer);
    check.answers({{"op", "pid"}, {"process", p}}, optional_integer);
    check.answers({{"op", "join"}, {"process", p}}, nothing);  // before start: an error with a kind
    check.succeeds({{"op", "start"}, {"process", p}}, nothing);
    // Waited for here, before anything that relies on join() working: a broken join() would let
    // the terminate() and kill() below end the child before it traced.
    try {
        driver.wait_for_event("certify", "ran");
    } catch (const std::exception&) {
        check.problems.push_back("the target's trace step never reached the trace FIFO");
    }
    check.succeeds({{"op", "join"}, {"process", p}}, nothing);
    check.succeeds({{"op", "is_alive"}, {"process", p}}, boolean);
    // Whether these are set is the suite's business: a broken join() leaves them absent.
    check.succeeds({{"op", "exitcode"}, {"process", p}}, optional_integer);
    check.succeeds({{"op", "pid"}, {"process", p}}, optional_integer);
    if (has("join_timeout"))
        check.succeeds({{"op", "join"}, {"process", p}, {"timeout", 0}}, boolean);
    if (has("terminate")) check.answers({{"op", "terminate"}, {"process", p}}, nothing);
    if (has("kill")) check.answers({{"op", "kill"}, {"process", p}}, nothing);
    if (has("daemon")) check.succeeds({{"op", "daemon"}, {"process", p}}, boolean);
    if (has("name")) check.succeeds({{"op", "name"}, {"process", p}}, text);
    if (has("join_threads"))
        check.answers({{"op", "join_threads"}, {"process", p}, {"threads", 2}}, integers);
    if (has("close")) check.answers({{"op", "close"}, {"process", p}}, nothing);
    if (has("drop")) check.succeeds({{"op", "drop"}, {"process", p}}, nothing);  // p is gone
    if (has("globals")) {
        check.succeeds({{"op", "set_global"}, {"name", "certify"}, {"value", 7}}, nothing);
        check.succeeds({{"op", "get_global"}, {"name", "certify"}}, any_value);
    }
    if (has("count_fds")) check.succeeds({{"op", "count_fds"}}, integer);
    if (has("zombies")) check.succeeds({{"op", "zombies"}}, integers);
    if (has("getpid")) check.succeeds({{"op", "getpid"}}, integer);
    check.succeeds({{"op", "trace"}, {"event", "certify"}}, nothing);
    check.succeeds({{"op", "print"}, {"text", ""}, {"stream", "stderr"}}, nothing);
    check.fails({{"op", "certify-no-such-op"}}, {"unsupported", "bad_request"});
    check.fails({{"op", "start"}, {"process", "certify-no-such-process"}}, {"bad_request"});
    check.fails({{"op", "create"},
                 {"process", "certify-bad-script"},
                 {"script", json::array({{{"step", "fly"}}})},
                 {"args", json::array()}},
                {"unsupported", "bad_request"});
}

}  // namespace

std::vector<std::string> certify_driver(const std::string& command) {
    try {
        session driver(command);
        // The run's summary and reports name the implementation even when no test meets the
        // driver (a shard with no test); a test's own handshake replaces this one.
        note_driver(driver.hello());
        certifier check(driver);
        check_operations(driver, check);
        if (!driver.find_event("parent", "certify")) {
            check.problems.push_back("the parent's trace op never reached the trace FIFO");
        }
        driver.finish();
        return check.problems;
    } catch (const driver_not_runnable&) {
        throw;  // a setup error: the caller stops before any test
    } catch (const std::exception& error) {
        return {error.what()};  // the session's own message names the driver and quotes it
    }
}

}  // namespace startjoin::conformance
