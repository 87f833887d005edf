// Mutants of the case server (spec/protocol.md, "Cases"): the server must hand each case a
// program exactly as it was after start-up. These carry something of the server's own work into
// every case parent, the way a server that logs or keeps state between cases would.
#include <iostream>

#include "catalogue.hpp"

namespace startjoin::mutants {
namespace {

// A server that logs each case it serves to its buffered stdout and never flushes: every case
// parent inherits the unflushed line and writes it out when it flushes at its end, so output
// that no process of the case printed shows up in the case's stdout.
void log_case_unflushed() {
    static int served = 0;
    std::cout << "case server: serving case " << ++served << '\n';
}

const registrar leaks_output{
    {"case-server-leaks-output", "output.no-duplicate",
     "the case server writes to its buffered stdout before each fork: the case inherits it",
     make_reference, nullptr, log_case_unflushed}};

}  // namespace
}  // namespace startjoin::mutants
