#include "registration.hpp"

#include <cctype>
#include <map>

#include "clauses.hpp"

namespace startjoin::conformance {
namespace {

// A spec that cannot be read as written fails loudly, without needing a driver.
class spec_problem_test : public ::testing::Test {
  public:
    explicit spec_problem_test(located_error problem) : problem_(std::move(problem)) {}
    void TestBody() override {
        ADD_FAILURE_AT(problem_.file().c_str(), problem_.line()) << problem_.what();
    }

  private:
    located_error problem_;
};

void register_problem(const located_error& problem, int number,
                      const std::string& prefix = "Problem") {
    const std::string name = prefix + std::to_string(number);
    ::testing::RegisterTest(
        "SpecProblem", name.c_str(), nullptr, nullptr, problem.file().c_str(), problem.line(),
        [problem]() -> ::testing::Test* { return new spec_problem_test(problem); });
}

}  // namespace

std::string test_name_for(const std::string& clause) {
    std::string name;
    bool upper = true;
    for (const char c : clause) {
        if (c == '.' || c == '-' || c == '_') {
            upper = true;
            continue;
        }
        name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return name;
}

// Registers `document`'s scenarios in `suite`, its problems as SpecProblem.<prefix>N.
static void register_in(const spec_document& document, const std::string& suite,
                        const std::string& problem_prefix, const scenario_test_factory& make_test) {
    int problems = 0;
    for (const located_error& problem : document.problems)
        register_problem(problem, ++problems, problem_prefix);
    std::map<std::string, int> blocks_per_clause;
    for (const scenario_block& block : document.scenarios) {
        scenario parsed;
        try {
            parsed = parse_scenario(block);
        } catch (const located_error& problem) {
            register_problem(problem, ++problems, problem_prefix);
            continue;
        }
        const int number = ++blocks_per_clause[block.clause];
        const std::string name =
            test_name_for(block.clause) + (number > 1 ? std::to_string(number) : "");
        add_clauses(suite + "." + name, {block.clause});
        ::testing::RegisterTest(
            suite.c_str(), name.c_str(), nullptr, nullptr, block.file.c_str(), block.first_line,
            [parsed, make_test]() -> ::testing::Test* { return make_test(parsed); });
    }
}

void register_scenarios(const spec_document& document, const scenario_test_factory& make_test) {
    register_in(document, "Scenario", "Problem", make_test);
}

void register_regressions(const spec_document& regressions,
                          const scenario_test_factory& make_test) {
    register_in(regressions, "Regression", "Regression", make_test);
}

}  // namespace startjoin::conformance
