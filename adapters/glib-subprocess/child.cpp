// startjoin-glib-child: the program every GSubprocess child runs. It interprets the target
// script it receives in argv and ends the way a C++ program ends (the kit's run_program_child(),
// startjoin/adapter/program_child.hpp). GSubprocess adds no wrapper around the program it runs,
// so an uncaught error is C++'s: std::terminate, SIGABRT.
#include "glib_subprocess_adapter.hpp"
#include "startjoin/adapter/program_child.hpp"

int main(int argc, char** argv) {
    startjoin::adapter::glib_subprocess::glib_subprocess_implementation glib;  // for `nest`
    return startjoin::adapter::run_program_child(argc, argv, glib);
}
