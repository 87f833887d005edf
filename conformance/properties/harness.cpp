#include "harness.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "deviations.hpp"
#include "driver_process.hpp"
#include "errors.hpp"
#include "ordering.hpp"
#include "scenario_text.hpp"

namespace startjoin::conformance::properties {
namespace {

// The time budgets of a property (see harness.hpp), before the timeout multiplier.
constexpr seconds generating_budget{60};
constexpr seconds shrinking_budget{30};

std::string shell_quoted(const std::string& text) {
    std::string quoted = "'";
    for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string runner_path() {
    char path[PATH_MAX];
    const ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
    return length > 0 ? std::string(path, static_cast<std::size_t>(length))
                      : std::string("startjoin-conformance");
}

// `order P:EVENT < OP(P)` for a violation of rule 1 of the checker (an event of P after a return
// that showed P terminated), when that return is the first of its kind, so the statement holds
// on any conforming driver: it makes the violation part of the scenario itself.
std::optional<std::string> order_statement(const ordering_violation& violation,
                                           const std::vector<history_entry>& history) {
    const history_entry& event = history[violation.later];
    const history_entry& ended = history[violation.earlier];
    if (event.type != history_entry::kind::trace || ended.type != history_entry::kind::returned ||
        ended.event !=
            fmt::format("{}({})", ended.event.substr(0, ended.event.find('(')), event.from)) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < violation.earlier; ++i) {
        if (history[i].type == history_entry::kind::returned && history[i].event == ended.event)
            return std::nullopt;
    }
    return fmt::format("order {}:{} < {}", event.from, event.event, ended.event);
}

// The clause a failure names first, "[clause] what went wrong", if it names one.
std::optional<std::string> named_clause(const std::string& failure) {
    const std::size_t close = failure.find("] ");
    if (!failure.starts_with("[") || close == std::string::npos) return std::nullopt;
    return failure.substr(1, close - 1);
}

// STARTJOIN_FIRST_DEVIATION_ONLY=1: a property stops at its first deviation instead of
// searching on, for a caller that only asks whether a clause fails (tools/mutation-score).
bool first_deviation_only() {
    const char* value = std::getenv("STARTJOIN_FIRST_DEVIATION_ONLY");
    return value != nullptr && *value != '\0' && std::string(value) != "0";
}

std::string current_test_name() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->test_suite_name()) + "." + info->name();
}

}  // namespace

void end_program(case_context& context) {
    session& driver = context.driver;
    if (driver.driver_status()) return;  // ended already
    driver.finish();
    // A driver run by /bin/sh may be reported as exiting with 128 + S when it died of signal S.
    const auto status = driver.driver_status();
    const bool died =
        status && (WIFSIGNALED(*status) || (WIFEXITED(*status) && WEXITSTATUS(*status) > 128));
    if (died) {
        if (std::find(context.scenario.begin(), context.scenario.end(), "end") ==
            context.scenario.end())
            context.scenario.push_back("end");
        throw case_failed("parent-exit.joins",
                          fmt::format("the parent program did not end normally at `end`: it {} "
                                      "(its stderr is in the transcript below)",
                                      describe_wait_status(*status)));
    }
}

void property_test::run_case(const std::string& clause,
                             const std::function<void(case_context&)>& body) {
    if (stopped_ != stop::no) return;
    const clock::time_point now = clock::now();
    if (!failed_ && now - started_ > scaled(generating_budget)) {
        ++cases_skipped_;
        return;
    }
    // A round's shrinking has its own budget, and the whole search (every round, generating
    // and shrinking) stays within the two budgets together: searching on after a deviation
    // never makes a property slower than one that stopped at it could be.
    if (failed_ && (now - first_failure_ > scaled(shrinking_budget) ||
                    now - started_ > scaled(generating_budget + shrinking_budget))) {
        stopped_ = stop::out_of_time;
        return;
    }
    if (!failed_) ++cases_run_;
    if (auto failure = attempt(clause, body)) {
        // A deviation this run found already, or a known one (XFAIL'd by the expectations):
        // the case ran and showed what was known, so it counts as one of the property's cases,
        // and RapidCheck generates the next one (shrinking, it tries another step), so another
        // deviation is still found. Discarding it instead would make a deviation that most
        // cases show cost up to RapidCheck's discard ratio (10) times the case count, and make
        // how many cases a property runs depend on how common its known deviations are.
        if (seen_before(*failure)) return;
        if (!failed_) first_failure_ = clock::now();
        failed_ = true;
        last_failure_ = *failure;
        throw rc::detail::CaseResult(rc::detail::CaseResult::Type::Failure, std::move(*failure));
    }
}

void property_test::run_fixed_case(const std::string& clause,
                                   const std::function<void(case_context&)>& body) {
    driver().kill_all();  // see run_property
    load_known_cases();
    if (auto failure = attempt(clause, body)) {
        if (const auto known = known_case_of(*failure)) {
            // The sweep stops at its first mismatch, a known one here; the random cases that
            // follow check the rest of the sweep's values, known cases set aside.
            ++known_seen_[*known];
            record_known_cases();
            return;
        }
        fixed_case_failure_ = *failure;
        record_deviations();
        ADD_FAILURE() << current_test_name()
                      << " does not hold for a case of its fixed sweep: " << *failure;
    }
}

bool property_test::seen_before(const std::string& failure) {
    // An order the history breaks in a case that already showed a deviation (and let the case
    // go on) is that deviation's consequence, under whatever clause the broken rule belongs to:
    // an exit code read before the child ended makes every later event of the child break the
    // order too. Before such a case went on, it stopped at the deviation, with no order judged.
    if (!case_set_aside_.empty() && failure.find("] the history breaks ") != std::string::npos) {
        return true;
    }
    if (found_deviation* found = deviations_.find(failure)) {
        if (!failed_) ++found->cases;
        return true;
    }
    if (const auto known = known_case_of(failure)) {
        ++known_seen_[*known];
        return true;
    }
    return false;
}

std::optional<std::size_t> property_test::known_case_of(const std::string& failure) const {
    if (stopped_ == stop::hung) return std::nullopt;  // a hang is never a known failed case
    // Only what went wrong counts, not the transcript (the child's stderr could say anything).
    const std::string what = failure.substr(0, failure.find("\n\n"));
    // "[clause] what went wrong": the clause must be one the entry names.
    const auto clause = named_clause(what);
    if (!clause) return std::nullopt;
    for (std::size_t i = 0; i < known_.size(); ++i) {
        if (known_[i]->names(*clause) && std::regex_search(what, known_[i]->case_pattern)) return i;
    }
    return std::nullopt;
}

void property_test::load_known_cases() {
    // Once per test: the fixed sweeps that may run first count for the tally too.
    if (known_loaded_) return;
    known_loaded_ = true;
    known_ = current_expectations().known_cases(current_test_name());
    known_seen_.assign(known_.size(), 0);
}

void property_test::record_known_cases() {
    // How many cases ran, for the per-case cost in the report (bench/per-case-cost).
    RecordProperty(cases_run_key, cases_run_);
    if (known_.empty()) return;
    std::string seen;
    for (std::size_t i = 0; i < known_seen_.size(); ++i) {
        seen += (i == 0 ? "" : ",") + std::to_string(known_seen_[i]);
    }
    RecordProperty(known_cases_seen_key, seen);
    RecordProperty(ran_every_case_key, cases_skipped_ == 0 && stopped_ == stop::no ? "yes" : "no");
}

std::optional<std::string> property_test::attempt(const std::string& clause,
                                                  const std::function<void(case_context&)>& body) {
    session driver(driver_command());
    case_set_aside_.clear();
    case_context context{driver, {}, [this](const std::string& failure) {
                             if (stopped_ == stop::hung || !seen_before(failure)) return false;
                             if (const auto clause = named_clause(failure)) {
                                 case_set_aside_.insert(*clause);
                             }
                             return true;
                         }};
    std::string broken_clause = clause;
    std::string what;
    try {
        body(context);
        // The parent program ends: every child the case left has ended too, and its last
        // events are recorded, before the history is judged.
        end_program(context);
        const auto violations = check_ordering(driver.history(), driver.scripts());
        if (!violations.empty()) {
            if (auto order = order_statement(violations.front(), driver.history())) {
                context.scenario.push_back(std::move(*order));
            }
            throw case_failed(violations.front().clause, explain(violations));
        }
        return std::nullopt;
    } catch (const rc::GenerationFailure&) {
        throw;  // not a failure of the driver: RapidCheck generates another case
    } catch (const case_failed& failure) {
        broken_clause = failure.clause();
        what = fmt::format("[{}] {}", failure.clause(), failure.what());
    } catch (const std::exception& error) {
        what = error.what();
        if (what.starts_with("[TIMEOUT]")) stopped_ = stop::hung;
        if (!what.starts_with("[")) what = fmt::format("[{}] {}", clause, what);
    }

    // Collect the last events, then describe the case.
    try {
        driver.kill_all();
    } catch (const std::exception& error) {
        what += fmt::format("\n(and cleaning up after the case failed: {})", error.what());
    }
    while (what.ends_with('\n')) what.pop_back();
    std::string text = what + "\n\n";
    if (!context.scenario.empty()) {
        text += "the case as a scenario, ready to paste into a file of tests/regressions/:\n\n" +
                regression_block(broken_clause, current_test_name() + ", shrunk counterexample",
                                 context.scenario);
        if (const auto problem = parse_problem(broken_clause, context.scenario)) {
            text += "(the runner's parser rejects this rendering: " + *problem + ")\n";
        }
    }
    return text + "\nthe case's transcript:\n" + driver.transcript();
}

void property_test::run_property(const std::function<void()>& property) {
    // The fixture's driver has served its handshake. Only one driver may live at a time: ending
    // one reaps every descendant of the runner, and so would reap another driver too.
    driver().kill_all();
    const std::string id = current_test_name();
    started_ = clock::now();
    load_known_cases();
    rc::detail::TestMetadata metadata;
    metadata.id = id;
    metadata.description = id;
    // RapidCheck's parameters come from RC_PARAMS: the seed, the number of cases (max_success,
    // 100 by default), and any `reproduce` for this id, which replays one case and nothing more.
    const rc::detail::Configuration& configuration = rc::detail::configuration();
    const bool replaying = configuration.reproduce.contains(id);
    rc::detail::TestParams params = configuration.testParams;
    // Round after round: each failure found is a deviation, set aside from then on, and the
    // search goes on with new cases (the next seed) for the cases left (deviations.hpp).
    for (int round = 0;; ++round) {
        failed_ = false;
        last_failure_.clear();
        if (stopped_ == stop::out_of_time) stopped_ = stop::no;  // a shrinking budget is per round
        const rc::detail::TestResult result =
            round == 0 ? rc::detail::checkTestable(property, metadata)
                       : rc::detail::checkTestable(property, metadata, params);
        if (result.is<rc::detail::FailureResult>()) {
            record_deviation(id, params, result.get<rc::detail::FailureResult>());
            const int left = configuration.testParams.maxSuccess - cases_run_;
            if (replaying || first_deviation_only() || stopped_ == stop::hung || left <= 0 ||
                cases_skipped_ > 0 || clock::now() - started_ > scaled(generating_budget) ||
                deviations_.all().size() >= max_deviations) {
                break;
            }
            params.seed = configuration.testParams.seed + static_cast<std::uint64_t>(round) + 1;
            params.maxSuccess = left;
            continue;
        }
        if (result.is<rc::detail::GaveUpResult>()) {
            std::ostringstream message;
            rc::detail::printResultMessage(result, message);
            ADD_FAILURE() << id << ": RapidCheck could not run the property: " << message.str();
        } else if (cases_skipped_ > 0 && deviations_.empty()) {
            fmt::print(
                "{}: {} cases ran within the time budget of {:.0f}s, {} more were skipped: "
                "the driver takes {:.0f} ms a case\n",
                id, cases_run_, scaled(generating_budget).count(), cases_skipped_,
                1000 * seconds(clock::now() - started_).count() / std::max(cases_run_, 1));
        }
        break;
    }
    record_known_cases();
    report_deviations(id);
}

void property_test::record_deviation(const std::string& id, const rc::detail::TestParams& params,
                                     const rc::detail::FailureResult& failure) {
    // RapidCheck runs the smallest case once more for its description. A case whose failure
    // depends on timing may pass that time; the description of its failing run is kept.
    std::string description = failure.description;
    if (stopped_ == stop::hung) {
        description = last_failure_ +
                      "\n(not shrunk: the case hung, and every shrinking step would wait out a "
                      "reply deadline; the search stops here)\n";
    } else if (stopped_ == stop::out_of_time) {
        description = last_failure_ +
                      "\n(shrinking stopped when its time budget was spent: a smaller failing "
                      "case may exist)\n";
    } else if (!description.starts_with("[")) {
        description = last_failure_ +
                      "\n(RapidCheck ran this case once more and it passed: whether it fails "
                      "depends on timing, so the replay may need a few tries)\n";
    }
    rc::detail::Configuration replay = rc::detail::configuration();
    replay.testParams.seed = params.seed;
    replay.reproduce = {{id, failure.reproduce}};
    found_deviation deviation;
    deviation.signature = deviation_signature(last_failure_.empty() ? description : last_failure_);
    deviation.clause = named_clause(description);
    deviation.what = description.substr(0, description.find("\n\n"));
    deviation.report = fmt::format(
        "{} does not hold: RapidCheck found a failing case after {} passing case{} and shrank "
        "it to the smallest it could find.\n"
        "  seed: {}\n"
        "  replay exactly this case: RC_PARAMS={} {} --driver {} --gtest_filter={}\n"
        "what went wrong: {}",
        id, failure.numSuccess, failure.numSuccess == 1 ? "" : "s", params.seed,
        shell_quoted(rc::detail::configToMinimalString(replay)), runner_path(),
        shell_quoted(driver_command()), id, description);
    deviations_.add(std::move(deviation));
}

void property_test::record_deviations() {
    // Each deviation's clause and what went wrong, for the report: only the clauses they name
    // are blamed (reporting.cpp), the others the property cites are undecided by a run that
    // stopped at these cases; --suggest-expectations makes known cases of them.
    nlohmann::json listed = nlohmann::json::array();
    if (fixed_case_failure_) {
        const std::string what = fixed_case_failure_->substr(0, fixed_case_failure_->find("\n\n"));
        listed.push_back({named_clause(what).value_or(""), what});
    }
    for (const found_deviation& deviation : deviations_.all()) {
        listed.push_back({deviation.clause.value_or(""), deviation.what});
    }
    RecordProperty(deviations_key, listed.dump());
}

void property_test::report_deviations(const std::string& id) {
    const std::vector<found_deviation>& found = deviations_.all();
    if (found.empty()) return;
    record_deviations();
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (found.size() == 1) {
            ADD_FAILURE() << found[i].report;
            continue;
        }
        ADD_FAILURE() << fmt::format(
            "deviation {} of {} that {} found in {} cases ({} case{} showed it; the search went "
            "on with the deviations before it set aside):\n{}",
            i + 1, found.size(), id, cases_run_, found[i].cases, found[i].cases == 1 ? "" : "s",
            found[i].report);
    }
}

bool join_releasing_quickly(session& driver, const std::string& process, const std::string& gate) {
    const auto id = driver.send({{"op", "join"}, {"process", process}});
    std::optional<reply> answer =
        driver.reply_within_window(id, timeouts::observation_window() / 50);
    const bool returned_while_held = answer.has_value();
    driver.release(gate);
    if (!answer) answer = driver.await(id);
    if (!answer->ok) {
        throw case_failed("join.after-exit",
                          fmt::format("join({}) failed with {}: {}", process, answer->error_kind,
                                      answer->error_message));
    }
    return returned_while_held;
}

reply expect_ok(const reply& answer, const std::string& clause, const std::string& call) {
    if (!answer.ok) {
        throw case_failed(clause, fmt::format("{} failed with {}: {}", call, answer.error_kind,
                                              answer.error_message));
    }
    return answer;
}

}  // namespace startjoin::conformance::properties
