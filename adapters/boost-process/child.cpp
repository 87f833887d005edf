// startjoin-boost-child: the program every Boost.Process child runs. It is an ordinary C++
// program: it interprets the target script it receives in argv and ends the way a C++ program
// ends (the kit's run_program_child(), startjoin/adapter/program_child.hpp). Boost.Process
// launches programs and adds no wrapper around them, so an uncaught error is C++'s: SIGABRT.
#include "boost_process_adapter.hpp"
#include "startjoin/adapter/program_child.hpp"

int main(int argc, char** argv) {
    startjoin::adapter::boost_process::boost_process_implementation boost_process;  // for `nest`
    return startjoin::adapter::run_program_child(argc, argv, boost_process);
}
