#include "reporting.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "cancellation.hpp"
#include "clauses.hpp"
#include "failure_text.hpp"
#include "fixture.hpp"
#include "json_text.hpp"
#include "profile_report.hpp"
#include "report_files.hpp"
#include "report_format.hpp"
#include "report_junit.hpp"
#include "report_markdown.hpp"
#include "run_metadata.hpp"
#include "startjoin/protocol/constants.hpp"
#include "suggested_expectations.hpp"

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
                                        {"SKIP", "skipped"},
                                        {"NOT RUN", "not run"}}) {
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
    // NOT RUN first: a test the run's cancellation stopped has no verdict, whatever else failed.
    const auto rank = [](const std::string& status) {
        return status == "NOT RUN"   ? 4
               : status == "BROKEN"  ? 3
               : status == "CRASH"   ? 2
               : status == "TIMEOUT" ? 1
                                     : 0;
    };
    std::string status = "FAIL";
    for (int i = 0; i < result.total_part_count(); ++i) {
        const auto& part = result.GetTestPartResult(i);
        if (!part.failed()) continue;
        const std::string text = readable_failure(part);
        if (!message.empty()) message += "\n";
        message += text;
        for (const std::string marked : {"NOT RUN", "BROKEN", "CRASH", "TIMEOUT"}) {
            if (text.find("[" + marked + "]") != std::string::npos && rank(marked) > rank(status)) {
                status = marked;
            }
        }
    }
    return status;
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

// The deviations a failing property recorded (property_test::report_deviations).
std::vector<std::pair<std::string, std::string>> deviations_of(
    const ::testing::TestResult& result) {
    std::vector<std::pair<std::string, std::string>> deviations;
    for (int i = 0; i < result.test_property_count(); ++i) {
        const ::testing::TestProperty& property = result.GetTestProperty(i);
        if (std::string(property.key()) != deviations_key) continue;
        for (const nlohmann::json& entry : nlohmann::json::parse(property.value())) {
            deviations.emplace_back(entry.at(0).get<std::string>(), entry.at(1).get<std::string>());
        }
    }
    return deviations;
}

// What a property says of each clause it cites (test_outcome::clause_statuses): when it failed,
// FAIL for the clauses its deviations named and nothing for the others; when it held apart
// from its known cases, PASS for every clause but theirs. Only clauses the test cites count.
std::map<std::string, std::string> blame(const test_outcome& outcome,
                                         const std::map<std::string, std::string>& known) {
    const auto cites = [&](const std::string& clause) {
        return std::find(outcome.clauses.begin(), outcome.clauses.end(), clause) !=
               outcome.clauses.end();
    };
    std::map<std::string, std::string> statuses;
    if (outcome.status == "FAIL") {
        for (const auto& [clause, what] : outcome.deviations) {
            if (cites(clause)) statuses[clause] = "FAIL";
        }
        if (statuses.empty()) return {};  // it named no clause it cites: every one is FAIL
    } else if ((outcome.status == "XFAIL" || outcome.status == "XPASS") && !known.empty()) {
        for (const std::string& clause : outcome.clauses) statuses[clause] = "PASS";
    } else {
        return {};
    }
    for (const auto& [clause, status] : known) {
        if (cites(clause) && statuses[clause] != "FAIL") statuses[clause] = status;
    }
    return statuses;
}

}  // namespace

void note_driver(const hello_info& hello) { last_driver() = hello; }
const std::optional<hello_info>& noted_driver() { return last_driver(); }

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

report_listener::report_listener(report_paths paths, expectations expected, bool worker,
                                 nlohmann::json extra)
    : paths_(std::move(paths)),
      expected_(std::move(expected)),
      worker_(worker),
      extra_(std::move(extra)) {
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
    outcome.seconds = static_cast<double>(info.result()->elapsed_time()) / 1000.0;
    outcome.name = std::string(info.test_suite_name()) + "." + info.name();
    if (const auto found = clauses_by_test().find(outcome.name); found != clauses_by_test().end()) {
        outcome.clauses = found->second;
    }
    outcome.status = status_of(*info.result(), outcome.message);
    if (cancelled() && is_failure(outcome.status)) {
        // It ended after SIGINT or SIGTERM: its failure may be the interruption itself (a
        // property's cancelled case, reworded by RapidCheck), so it has no verdict.
        outcome.status = "NOT RUN";
        outcome.message = "[NOT RUN] " + cancellation_reason() + "\n" + outcome.message;
    }
    std::map<std::string, std::string> known_statuses;
    if (outcome.status == "NOT RUN") {
        // No verdict, so no expectation applies: an expected failure not run is not an XPASS.
    } else if (const auto known = expected_.known_cases(outcome.name); !known.empty()) {
        outcome.status = apply_known_cases(known, tally_of(*info.result(), known.size()),
                                           outcome.status, outcome.message, known_statuses);
    } else if (const expected_failure* expectation =
                   expected_.find(outcome.name, outcome.clauses)) {
        outcome.status = apply_expectation(*expectation, outcome.status, outcome.message);
    }
    if (outcome.status != "NOT RUN") outcome.deviations = deviations_of(*info.result());
    outcome.clause_statuses = blame(outcome, known_statuses);
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
    write_reports(paths_, outcomes_, last_driver(), extra_);
}

std::vector<clause_verdict> clause_verdicts(const std::vector<test_outcome>& outcomes) {
    std::vector<std::string> spec_clauses;
    for (const spec_clause& clause : current_spec().clauses) spec_clauses.push_back(clause.id);
    return clause_verdicts(outcomes, spec_clauses);
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
    const std::vector<clause_verdict> verdicts = clause_verdicts(outcomes);
    nlohmann::json tests = nlohmann::json::array();
    for (const test_outcome& outcome : outcomes) tests.push_back(to_json(outcome));
    const std::vector<std::string>& problems = certification_problems();
    nlohmann::json report = {
        {"format", {{"name", report_format_name}, {"version", report_format_version}}},
        {"run", run_json()},
        {"driver",
         {{"command", driver_command()},
          {"protocol", hello ? hello->protocol : protocol::version},
          {"implementation", hello ? hello->implementation : ""},
          {"version", hello ? hello->version : ""},
          {"profile", hello ? hello->profile : ""},
          {"features", hello ? hello->features : std::vector<std::string>()}}},
        {"certification",
         {{"status", problems.empty() ? "certified" : "BROKEN"}, {"problems", problems}}},
        {"tests", tests},
        {"clauses", clauses_json(verdicts)},
        {"totals", totals_json(outcomes, verdicts)}};
    for (const auto& [key, value] : extra.items()) report[key] = value;
    if (cancelled()) report["run"]["interrupted"] = cancellation_reason();
    write_report_file("--report-json", path, json_text(report, 2) + "\n");
}

void write_reports(const report_paths& paths, const std::vector<test_outcome>& outcomes,
                   const std::optional<hello_info>& hello, const nlohmann::json& extra) {
    if (paths.json) write_report(*paths.json, outcomes, hello, extra);
    if (paths.junit) write_report_file("--report-junit", *paths.junit, junit_report(outcomes));
    if (paths.markdown) {
        write_report_file("--report-markdown", *paths.markdown, markdown_report(outcomes, hello));
    }
    if (paths.suggested_expectations) {
        const expectations& in_use = current_expectations();
        write_report_file(
            "--suggest-expectations", *paths.suggested_expectations,
            suggested_expectations(outcomes,
                                   in_use.empty() ? std::nullopt : std::optional(in_use.path())));
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
    // A failure is printed as what went wrong, without gtest's "unknown file: Failure" and
    // "C++ exception with description ... thrown in the test body" around it.
    void OnTestPartResult(const ::testing::TestPartResult& result) override {
        if (!result.failed()) {
            inner_->OnTestPartResult(result);
            return;
        }
        const std::string location = failure_location(result);
        fmt::print("{}{}\n", location.empty() ? "" : location + ":\n", readable_failure(result));
        std::fflush(stdout);
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
