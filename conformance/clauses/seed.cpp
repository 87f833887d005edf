// The example this project grew from (shared/seeds): Python's
//
//     def worker():
//         print("Starting worker"); time.sleep(2); print("Worker completed")
//     p = multiprocessing.Process(target=worker); p.start(); p.join()
//     print("Parent process completed")
//
// prints the three lines in that order, because join() returns only after the worker ended.
// Here the worker's sleep is a gate that stays closed until join() has been seen blocking.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fixture.hpp"
#include "observations.hpp"

namespace startjoin::conformance {
namespace {

using namespace protocol;
using Seed = conformance_test;

STARTJOIN_TEST(Seed, ParentOutputAppearsOnlyAfterChildCompletes, "join.orders-effects",
               "join.after-exit") {
    session& s = driver();
    const std::string worker = s.create(
        {step::print{"Starting worker"}, step::wait{"work"}, step::print{"Worker completed"}});
    s.start(worker);
    const held_join join = join_releasing(s, worker, "work");
    s.print("Parent process completed");
    s.finish();

    const std::vector<std::string> expected = {"Starting worker", "Worker completed",
                                               "Parent process completed"};
    const std::vector<std::string> captured = lines_of(s.captured_stdout());
    if (join.returned_while_held || captured != expected) {
        ADD_FAILURE() << fmt::format(
            "{}the parent's output must come after everything the child printed\n"
            "  expected stdout:\n    | {}\n  (the captured stdout is in the transcript)\n{}",
            join.returned_while_held
                ? "join() returned while the worker was still held on its gate; "
                : "",
            fmt::join(expected, "\n    | "), s.transcript());
    }
}

}  // namespace
}  // namespace startjoin::conformance
