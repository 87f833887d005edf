// startjoin-boost-child: the program every Boost.Process child runs. It is an ordinary C++
// program: it interprets the target script it receives in argv (boost_process_adapter.hpp,
// encode_arguments) and ends the way a C++ program ends.
//
//   - the script returns: main returns 0;
//   - `exit N`: std::exit(N), C++'s explicit exit (stdio is flushed, atexit handlers run);
//   - `raise`: a std::runtime_error that nothing catches, so std::terminate runs (libstdc++
//     prints the exception's what() on stderr) and the program dies of SIGABRT. Boost.Process
//     launches programs and adds no wrapper around them, unlike Python's multiprocessing, whose
//     bootstrap catches the error and exits with 1; so this is what a Boost.Process user gets.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "boost_process_adapter.hpp"
#include "startjoin/adapter/target.hpp"

int main(int argc, char** argv) {
    using namespace startjoin::adapter;
    target what;
    try {
        what = boost_process::decode_arguments(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& error) {
        std::cerr << "startjoin-boost-child: malformed arguments: " << error.what() << '\n';
        return 2;
    }
    boost_process::boost_process_implementation boost_process;  // for `nest` steps
    what.origin = &boost_process;
    // Deliberately no try/catch: an uncaught error is C++'s (see above).
    run_target(what, ending{.exit = [](int code) { std::exit(code); }, .raise = {}});
    return 0;
}
