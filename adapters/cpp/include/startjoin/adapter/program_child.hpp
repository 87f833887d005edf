// Children that are programs: for libraries that launch programs, not functions (Boost.Process,
// GLib's GSubprocess, ...). Their children cannot run a C++ callable, so each child is a small
// helper program, built beside the driver, that receives its target on its command line and
// interprets it with run_target().
//
// The driver side packs the target with encode_target_arguments() and hands the result to the
// library as the helper's argv, through the library's own argument passing (no shell), so the
// suite checks that arguments arrive intact. The helper's main() is one call:
//
//     int main(int argc, char** argv) {
//         my_implementation impl;  // for `nest` steps
//         return startjoin::adapter::run_program_child(argc, argv, impl);
//     }
#pragma once

#include <string>
#include <vector>

#include "startjoin/adapter/implementation.hpp"

namespace startjoin::adapter {

/// The helper's argv after argv[0]: HANDLE SCRIPT TYPES ARG..., where SCRIPT is the script as
/// JSON, TYPES has one letter per argument ('s': the ARG is a JSON string passed as its raw text;
/// 'j': the ARG is any other JSON value, as JSON text), and each argument is exactly one argv
/// entry. A string goes raw so that the library's argument passing carries exactly the user's
/// string (spaces, quotes, an empty string, ...). argv cannot carry a NUL byte: a string holding
/// one arrives truncated, a limit of launching programs that the codec does not hide.
///
/// Example: handle "p1", script [print "hi"], args ["a b", 3] encode as these five entries
///     p1  [{"step":"print","text":"hi"}]  sj  a b  3
std::vector<std::string> encode_target_arguments(const target& what);

/// The inverse of encode_target_arguments(), with `origin` left null. Throws
/// std::invalid_argument saying what is malformed (std::exception for invalid JSON).
target decode_target_arguments(const std::vector<std::string>& argv);

/// The helper program's whole main(): decodes argv[1..], runs the target with `origin` creating
/// the process objects of `nest` steps, and ends the way a C++ program ends:
///   - the script returns: returns 0 (main returns it);
///   - `exit N`: std::exit(N), C++'s explicit exit (stdio flushed, atexit handlers run);
///   - `raise`: a std::runtime_error that nothing catches, so std::terminate runs (libstdc++
///     prints what() on stderr) and the program dies of SIGABRT. A program launcher adds no
///     wrapper around the program it runs, unlike Python's multiprocessing whose bootstrap
///     catches the error and exits with 1: -6 is what a user whose child is C++ gets.
/// Malformed arguments print a message naming `argv[0]` on stderr and return 2.
int run_program_child(int argc, char** argv, implementation& origin);

/// The path of the program `name` in the directory of the running program (/proc/self/exe):
/// where a driver finds the helper built beside it.
std::string program_beside_this_one(const std::string& name);

}  // namespace startjoin::adapter
