#include "reporting.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "clauses.hpp"
#include "fixture.hpp"
#include "json_text.hpp"
#include "profile_report.hpp"
#include "report_files.hpp"
#include "report_junit.hpp"
#include "report_markdown.hpp"
#include "startjoin/protocol/constants.hpp"

namespace startjoin::conformance {
namespace {

std::optional<hello_info>& last_driver() {
    static std::optional<hello_info> hello;
    return hello;
}

int count(const std::map<std::string, int>& totals, const char* status) {
    const auto found = totals.find(status);
    return found == totals.end() ? 0 : found->second;
}

// "84 passed, 3 expected failures, 2 skipped": every status that occurred, so that the numbers
// add up to the number of tests (gtest's own totals did not: they count XFAIL as failed).
std::string test_totals_text(const std::map<std::string, int>& totals) {
    std::string text = fmt::format("{} passed", count(totals, "PASS"));
    for (const auto& [status, words] : {std::pair{"FAIL", "failed"},
                                        {"TIMEOUT", "timed out"},
                                        {"CRASH", "crashed"},
                                        {"BROKEN", "broken"},
                                        {"XPASS", "passed unexpectedly"},
                                        {"XFAIL", "expected failures"},
                                        {"SKIP", "skipped"}}) {
        if (const int number = count(totals, status)) text += fmt::format(", {} {}", number, words);
    }
    return text;
}

// The errors of errors.hpp carry their status as a marker in the message; the most telling one
// wins when a test has several failures.
std::string status_of(const ::testing::TestResult& result, std::string& message) {
    if (result.Skipped()) {
        for (int i = 0; i < result.total_part_count(); ++i) {
            const auto& part = result.GetTestPartResult(i);
            if (part.skipped() && part.message() != nullptr) message += part.message();
        }
        return "SKIP";
    }
    if (!result.Failed()) return "PASS";
    const auto rank = [](const std::string& status) {
        return status == "BROKEN" ? 3 : status == "CRASH" ? 2 : status == "TIMEOUT" ? 1 : 0;
    };
    std::string status = "FAIL";
    for (int i = 0; i < result.total_part_count(); ++i) {
        const auto& part = result.GetTestPartResult(i);
        if (!part.failed()) continue;
        const std::string text = part.message() != nullptr ? part.message() : "";
        if (!message.empty()) message += "\n";
        message += text;
        for (const std::string marked : {"BROKEN", "CRASH", "TIMEOUT"}) {
            if (text.find("[" + marked + "]") != std::string::npos && rank(marked) > rank(status)) {
                status = marked;
            }
        }
    }
    return status;
}

// A clause's status is its worst test's: a real failure first, then a stale expectation, then
// an expected failure; it passes if a test passed; it is skipped if every test was skipped;
// NOT RUN if none ran (a --gtest_filter left it out).
std::string clause_status(const std::vector<const test_outcome*>& tests) {
    for (const char* worst : {"BROKEN", "CRASH", "TIMEOUT", "FAIL", "XPASS", "XFAIL", "PASS"}) {
        for (const test_outcome* test : tests) {
            if (test->status == worst) return worst;
        }
    }
    return tests.empty() ? "NOT RUN" : "SKIP";
}

// The tally a property test recorded (property_test::record_known_cases); none is all zeros.
known_case_tally tally_of(const ::testing::TestResult& result, std::size_t known) {
    known_case_tally tally;
    tally.seen.assign(known, 0);
    for (int i = 0; i < result.test_property_count(); ++i) {
        const ::testing::TestProperty& property = result.GetTestProperty(i);
        const std::string key = property.key(), value = property.value();
        if (key == ran_every_case_key) tally.ran_every_case = value == "yes";
        if (key != known_cases_seen_key) continue;
        std::size_t index = 0, start = 0;
        while (index < known && start <= value.size()) {
            const std::size_t comma = std::min(value.find(',', start), value.size());
            tally.seen[index++] = std::stoi(value.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return tally;
}

}  // namespace

bool is_failure(const std::string& status) {
    return status == "FAIL" || status == "TIMEOUT" || status == "CRASH" || status == "BROKEN" ||
           status == "XPASS";
}

int exit_status_of(const std::vector<test_outcome>& outcomes) {
    for (const test_outcome& outcome : outcomes) {
        if (is_failure(outcome.status)) return 1;
    }
    return 0;
}

void note_driver(const hello_info& hello) { last_driver() = hello; }
const std::optional<hello_info>& noted_driver() { return last_driver(); }

nlohmann::json to_json(const test_outcome& outcome) {
    nlohmann::json entry = {{"name", outcome.name},
                            {"clauses", outcome.clauses},
                            {"status", outcome.status},
                            {"message", outcome.message}};
    if (!outcome.profile.is_null()) entry["profile"] = outcome.profile;
    return entry;
}

test_outcome test_outcome_from_json(const nlohmann::json& entry) {
    return {entry.at("name").get<std::string>(),
            entry.at("clauses").get<std::vector<std::string>>(),
            entry.at("status").get<std::string>(), entry.at("message").get<std::string>(),
            entry.value("profile", nlohmann::json())};
}

nlohmann::json to_json(const hello_info& hello) {
    return {{"implementation", hello.implementation},
            {"version", hello.version},
            {"protocol", hello.protocol},
            {"profile", hello.profile},
            {"features", hello.features}};
}

hello_info hello_from_json(const nlohmann::json& entry) {
    hello_info hello;
    hello.implementation = entry.value("implementation", std::string());
    hello.version = entry.value("version", std::string());
    hello.protocol = entry.value("protocol", 1);
    hello.profile = entry.value("profile", std::string());
    hello.features = entry.value("features", std::vector<std::string>());
    return hello;
}

report_listener::report_listener(report_paths paths, expectations expected, bool worker)
    : paths_(std::move(paths)), expected_(std::move(expected)), worker_(worker) {
    // A worker's file starts empty, so that what it holds is what this process wrote.
    if (worker_ && paths_.json) std::ofstream(*paths_.json, std::ios::trunc);
}

void report_listener::append_line(const nlohmann::json& line) {
    std::ofstream file(*paths_.json, std::ios::app);
    file << json_text(line) << '\n';
    file.flush();
    if (!file) {
        fmt::print(stderr, "startjoin-conformance: cannot write the report to {}\n", *paths_.json);
        std::exit(2);
    }
}

void report_listener::OnTestStart(const ::testing::TestInfo&) { reset_phase_times(); }

void report_listener::OnTestEnd(const ::testing::TestInfo& info) {
    test_outcome outcome;
    outcome.profile = profile_to_json(current_phase_times());
    for (int i = 0; i < info.result()->test_property_count(); ++i) {
        const ::testing::TestProperty& property = info.result()->GetTestProperty(i);
        if (std::string(property.key()) == cases_run_key)
            outcome.profile["cases"] = std::stoi(property.value());
    }
    outcome.name = std::string(info.test_suite_name()) + "." + info.name();
    if (const auto found = clauses_by_test().find(outcome.name); found != clauses_by_test().end()) {
        outcome.clauses = found->second;
    }
    outcome.status = status_of(*info.result(), outcome.message);
    if (const auto known = expected_.known_cases(outcome.name); !known.empty()) {
        outcome.status = apply_known_cases(known, tally_of(*info.result(), known.size()),
                                           outcome.status, outcome.message);
    } else if (const expected_failure* expectation =
                   expected_.find(outcome.name, outcome.clauses)) {
        outcome.status = apply_expectation(*expectation, outcome.status, outcome.message);
    }
    if (worker_ && paths_.json) {
        if (!driver_written_ && last_driver()) {
            append_line({{"driver", to_json(*last_driver())}});
            driver_written_ = true;
        }
        append_line({{"test", to_json(outcome)}});
    }
    outcomes_.push_back(std::move(outcome));
}

void report_listener::OnTestProgramEnd(const ::testing::UnitTest&) {
    if (worker_) return;  // the coordinator prints the run's summary
    print_summary(outcomes_, last_driver());
    write_reports(paths_, outcomes_, last_driver());
}

namespace {

// The clauses in the summary's order: every clause of the spec, in its order, then any clause a
// test cites that the spec lacks (the traceability test fails on those).
std::vector<std::string> clause_order(
    const std::map<std::string, std::vector<const test_outcome*>>& by_clause) {
    std::vector<std::string> order;
    for (const spec_clause& clause : current_spec().clauses) order.push_back(clause.id);
    for (const auto& [clause, tests] : by_clause) {
        if (current_spec().find(clause) == nullptr) order.push_back(clause);
    }
    return order;
}

std::map<std::string, std::vector<const test_outcome*>> tests_by_clause(
    const std::vector<test_outcome>& outcomes) {
    std::map<std::string, std::vector<const test_outcome*>> by_clause;
    for (const test_outcome& outcome : outcomes) {
        for (const std::string& clause : outcome.clauses) by_clause[clause].push_back(&outcome);
    }
    return by_clause;
}

}  // namespace

std::vector<clause_verdict> clause_verdicts(const std::vector<test_outcome>& outcomes) {
    auto by_clause = tests_by_clause(outcomes);
    std::vector<clause_verdict> verdicts;
    for (const std::string& clause : clause_order(by_clause)) {
        clause_verdict verdict;
        verdict.id = clause;
        verdict.tests = std::move(by_clause[clause]);
        verdict.status = current_spec().find(clause) ? clause_status(verdict.tests) : "UNDEFINED";
        for (const test_outcome* test : verdict.tests) {
            verdict.passed += test->status == "PASS";
            if (test->status == "SKIP" && verdict.reason.empty()) verdict.reason = test->message;
        }
        verdicts.push_back(std::move(verdict));
    }
    return verdicts;
}

std::string totals_text(const std::vector<test_outcome>& outcomes,
                        const std::vector<clause_verdict>& verdicts) {
    std::map<std::string, int> clause_totals, test_totals;
    for (const clause_verdict& verdict : verdicts) ++clause_totals[verdict.status];
    for (const test_outcome& outcome : outcomes) ++test_totals[outcome.status];
    int failed = 0;
    for (const auto& [status, number] : clause_totals) {
        failed += is_failure(status) || status == "UNDEFINED" ? number : 0;
    }
    return fmt::format(
        "{} clauses: {} passed, {} failed, {} expected failures, {} skipped, {} not run; "
        "{} tests: {}",
        verdicts.size(), count(clause_totals, "PASS"), failed, count(clause_totals, "XFAIL"),
        count(clause_totals, "SKIP"), count(clause_totals, "NOT RUN"), outcomes.size(),
        test_totals_text(test_totals));
}

void print_summary(const std::vector<test_outcome>& outcomes,
                   const std::optional<hello_info>& hello) {
    const std::vector<clause_verdict> verdicts = clause_verdicts(outcomes);
    fmt::print("\nstartjoin conformance of driver `{}`", driver_command());
    if (hello) {
        fmt::print(": {} {} (protocol {}, profile {})", hello->implementation, hello->version,
                   hello->protocol, hello->profile);
    }
    fmt::print("\n  {:<36} {:>7}  {}\n", "clause", "tests", "status");
    for (const clause_verdict& verdict : verdicts) {
        fmt::print("  {:<36} {:>3}/{:<3}  {}{}\n", "[" + verdict.id + "]", verdict.passed,
                   verdict.tests.size(), verdict.status,
                   verdict.status == "SKIP" ? " (" + verdict.reason + ")" : "");
    }
    for (const test_outcome& outcome : outcomes) {
        if (is_failure(outcome.status)) fmt::print("  {} {}\n", outcome.status, outcome.name);
    }
    fmt::print("{}\n", totals_text(outcomes, verdicts));
    std::vector<std::pair<std::string, nlohmann::json>> profiles;
    for (const test_outcome& outcome : outcomes)
        profiles.emplace_back(outcome.name, outcome.profile);
    print_profile(profiles);
    std::fflush(stdout);
}

void write_report(const std::string& path, const std::vector<test_outcome>& outcomes,
                  const std::optional<hello_info>& hello, const nlohmann::json& extra) {
    std::map<std::string, int> clause_totals, test_totals;
    nlohmann::json clauses = nlohmann::json::array();
    for (const clause_verdict& verdict : clause_verdicts(outcomes)) {
        ++clause_totals[verdict.status];
        nlohmann::json names = nlohmann::json::array();
        for (const test_outcome* test : verdict.tests) names.push_back(test->name);
        nlohmann::json entry = {{"id", verdict.id}, {"status", verdict.status}, {"tests", names}};
        if (verdict.status == "SKIP") entry["reason"] = verdict.reason;
        clauses.push_back(std::move(entry));
    }
    nlohmann::json tests = nlohmann::json::array();
    for (const test_outcome& outcome : outcomes) {
        ++test_totals[outcome.status];
        tests.push_back(to_json(outcome));
    }
    const std::vector<std::string>& problems = certification_problems();
    nlohmann::json report = {
        {"driver",
         {{"command", driver_command()},
          {"protocol", hello ? hello->protocol : protocol::version},
          {"implementation", hello ? hello->implementation : ""},
          {"version", hello ? hello->version : ""},
          {"profile", hello ? hello->profile : ""}}},
        {"certification",
         {{"status", problems.empty() ? "certified" : "BROKEN"}, {"problems", problems}}},
        {"tests", tests},
        {"clauses", clauses},
        {"totals", {{"tests", test_totals}, {"clauses", clause_totals}}}};
    for (const auto& [key, value] : extra.items()) report[key] = value;
    write_report_file("--report-json", path, json_text(report, 2) + "\n");
}

void write_reports(const report_paths& paths, const std::vector<test_outcome>& outcomes,
                   const std::optional<hello_info>& hello, const nlohmann::json& extra) {
    if (paths.json) write_report(*paths.json, outcomes, hello, extra);
    if (paths.junit) write_report_file("--report-junit", *paths.junit, junit_report(outcomes));
    if (paths.markdown) {
        write_report_file("--report-markdown", *paths.markdown, markdown_report(outcomes, hello));
    }
}

namespace {

// Forwards every event to gtest's own printer except those where the runner knows better.
class status_printer : public ::testing::TestEventListener {
  public:
    status_printer(std::unique_ptr<::testing::TestEventListener> gtest_printer,
                   const report_listener* report, bool worker)
        : inner_(std::move(gtest_printer)), report_(report), worker_(worker) {}

    void OnTestProgramStart(const ::testing::UnitTest& unit) override {
        inner_->OnTestProgramStart(unit);
    }
    // A worker's frame ("Running 10 tests", its long --gtest_filter) would repeat once per
    // worker; the coordinator prints the run's.
    void OnTestIterationStart(const ::testing::UnitTest& unit, int iteration) override {
        if (!worker_) inner_->OnTestIterationStart(unit, iteration);
    }
    void OnEnvironmentsSetUpStart(const ::testing::UnitTest& unit) override {
        if (!worker_) inner_->OnEnvironmentsSetUpStart(unit);
    }
    void OnEnvironmentsSetUpEnd(const ::testing::UnitTest& unit) override {
        if (!worker_) inner_->OnEnvironmentsSetUpEnd(unit);
    }
    void OnTestSuiteStart(const ::testing::TestSuite& suite) override {
        inner_->OnTestSuiteStart(suite);
    }
    void OnTestStart(const ::testing::TestInfo& info) override { inner_->OnTestStart(info); }
    void OnTestPartResult(const ::testing::TestPartResult& result) override {
        inner_->OnTestPartResult(result);
    }
    // gtest says FAILED for an expected failure and OK for an unexpected pass; the report
    // listener has already judged this test (gtest calls end events in reverse order).
    void OnTestEnd(const ::testing::TestInfo& info) override {
        const test_outcome* outcome = report_->last_outcome();
        if (outcome == nullptr || (outcome->status != "XFAIL" && outcome->status != "XPASS")) {
            inner_->OnTestEnd(info);
            return;
        }
        const bool brief = ::testing::GTEST_FLAG(brief);
        if (brief && outcome->status == "XFAIL") return;  // brief shows failures only
        fmt::print("[  {:<7} ] {}.{} ({} ms)\n", outcome->status, info.test_suite_name(),
                   info.name(), info.result()->elapsed_time());
        // The expectation's reason (XFAIL) or why the pass is unexpected (XPASS): what a reader
        // of one test's output (ctest's, say) needs and the summary does not repeat.
        fmt::print("{}\n", outcome->message);
        std::fflush(stdout);
    }
    void OnTestSuiteEnd(const ::testing::TestSuite& suite) override {
        inner_->OnTestSuiteEnd(suite);
    }
    void OnEnvironmentsTearDownStart(const ::testing::UnitTest& unit) override {
        if (!worker_) inner_->OnEnvironmentsTearDownStart(unit);
    }
    void OnEnvironmentsTearDownEnd(const ::testing::UnitTest& unit) override {
        if (!worker_) inner_->OnEnvironmentsTearDownEnd(unit);
    }
    // gtest's totals ("[  PASSED  ] 86 tests", "[  FAILED  ] 3 tests, listed below") count by
    // gtest's verdicts; the runner's summary below counts by its own and is the one to read.
    void OnTestIterationEnd(const ::testing::UnitTest& unit, int) override {
        if (worker_) return;
        fmt::print("[==========] {} test{} from {} test suite{} ran. ({} ms total)\n",
                   unit.test_to_run_count(), unit.test_to_run_count() == 1 ? "" : "s",
                   unit.test_suite_to_run_count(), unit.test_suite_to_run_count() == 1 ? "" : "s",
                   unit.elapsed_time());
        std::fflush(stdout);
    }
    void OnTestProgramEnd(const ::testing::UnitTest& unit) override {
        inner_->OnTestProgramEnd(unit);
    }

  private:
    std::unique_ptr<::testing::TestEventListener> inner_;
    const report_listener* report_;
    bool worker_;
};

}  // namespace

void install_status_printer(const report_listener* report, bool worker) {
    ::testing::TestEventListeners& listeners = ::testing::UnitTest::GetInstance()->listeners();
    std::unique_ptr<::testing::TestEventListener> gtest_printer(
        listeners.Release(listeners.default_result_printer()));
    if (!gtest_printer) return;  // someone replaced it already; leave theirs
    // gtest calls end events in the reverse order of appending: appended before the report
    // listener, the printer sees a test's end after the report listener has judged it.
    listeners.Append(new status_printer(std::move(gtest_printer), report, worker));
}

}  // namespace startjoin::conformance
