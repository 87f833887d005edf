// A parsed scenario (spec/start-join.md, "Reading a scenario"): the statements a clause's
// example is made of, ready to run against a driver.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "spec_document.hpp"
#include "startjoin/protocol/script.hpp"

namespace startjoin::conformance {

/// What an operation must return: a value (null for `none`) or an error of a kind.
struct expectation {
    bool is_error = false;
    std::string error_kind;
    nlohmann::json value;
};

namespace statement_kind {
/// `[daemon] process NAME(ARGS): STEPS`
struct define_process {
    std::string name;
    protocol::script steps;
    nlohmann::json args = nlohmann::json::array();
    bool daemon = false;
};
/// Any request to the driver, with what it must return (by default: success). `eventually`:
/// repeated until it returns that, within the join(timeout) tolerance.
struct operation {
    nlohmann::json request;
    std::optional<expectation> expected;
    bool eventually = false;
};
/// `join NAME releasing GATE`
struct join_releasing {
    std::string process;
    std::string gate;
};
struct release {
    std::string gate;
    int count = 1;
};
/// `end`, or `end releasing GATE`: the parent must not end while a child is held on GATE.
struct end_program {
    std::string held_gate;
};
/// `ended NAME`: the runner waits, from outside, until the child's process has ended.
struct await_end {
    std::string process;
};
/// `no survivors`: nothing the program started still runs after `end`.
struct survivors_check {};
/// `stdout =>` + `| lines`, or `stdout contains TEXT` (likewise stderr).
struct output_check {
    std::string stream;
    bool exact = false;
    std::vector<std::string> lines;  ///< exact: every line; contains: the one text
};
/// `event NAME:EVENT => {fields}` or `no event NAME:EVENT`.
struct event_check {
    std::string from;
    std::string event;
    bool absent = false;
    nlohmann::json fields;
};
/// One item of `order A < B`: an event `NAME:EVENT` or a return `OP(NAME)`.
struct order_item {
    bool is_return = false;
    std::string subject;  ///< event: NAME; return: "op(NAME)"
    std::string event;
    std::string text;  ///< as written
};
struct order_check {
    std::vector<order_item> items;
};
}  // namespace statement_kind

using any_statement = std::variant<statement_kind::define_process, statement_kind::operation,
                                   statement_kind::join_releasing, statement_kind::release,
                                   statement_kind::end_program, statement_kind::output_check,
                                   statement_kind::event_check, statement_kind::order_check,
                                   statement_kind::survivors_check, statement_kind::await_end>;

struct statement {
    int line = 0;
    std::string text;  ///< as written, for messages
    any_statement what;
};

/// What a driver must offer to run a scenario.
struct requirements {
    bool process_profile = false;
    std::set<std::string> features;
};

struct scenario {
    std::string clause;
    std::string file;
    int first_line = 0;
    std::vector<statement> statements;
    requirements needs;
    /// Processes some `ended` statement waits for: the runner watches them from their start.
    std::set<std::string> watched;
};

/// Parses a block. Throws located_error naming the file, the line and what is wrong.
scenario parse_scenario(const scenario_block& block);

}  // namespace startjoin::conformance
