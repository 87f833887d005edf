# Run by ctest, not by the configure step: the ctest include file that
# startjoin_discover_conformance_tests() (StartjoinConformance.cmake) writes includes this file
# and calls startjoin_discover_tests_impl() whenever the runner is newer than the list it wrote
# last. It asks the runner for its tests (--list-tests-json) and writes a ctest file that adds
# one test per conformance test, labelled with the spec sections and clauses the test checks, so
# that `ctest -L '^join$'` selects a section and `ctest -L 'join\.after-exit'` a clause.
#
# Modelled on CMake's GoogleTestAddTests.cmake (gtest_discover_tests, DISCOVERY_MODE PRE_TEST),
# whose tests it replaces one for one: the same names, command lines and properties. Installed
# with the package, beside StartjoinConformance.cmake.

# One argument of a generated command: bracketed when it holds anything CMake would read as
# syntax (spaces, quotes, semicolons, `$`), as GoogleTestAddTests.cmake does.
function(_startjoin_ctest_argument out value)
  if(value MATCHES "[^-./:=a-zA-Z0-9_+@,]" OR value STREQUAL "")
    set(equals "=")
    while(value MATCHES "]${equals}]")
      string(APPEND equals "=")
    endwhile()
    set(${out} "[${equals}[${value}]${equals}]" PARENT_SCOPE)
  else()
    set(${out} "${value}" PARENT_SCOPE)
  endif()
endfunction()

# startjoin_discover_tests_impl(RUNNER path CTEST_FILE path TEST_LIST variable
#                               PREFIX prefix WORKING_DIRECTORY dir DRIVER command
#                               [EXPECTATIONS file] [ENVIRONMENT var=value] [FILTER pattern]
#                               [PROFILE process|thread] [TIMEOUT seconds] [LABELS "label;..."])
# Writes CTEST_FILE: for each test "Suite.Test" the runner lists (only those FILTER selects), a
# ctest test PREFIX"Suite.Test" that runs
#     RUNNER --gtest_filter=Suite.Test --gtest_also_run_disabled_tests --driver DRIVER
#            [--expectations EXPECTATIONS] [--driver-profile PROFILE]
# in WORKING_DIRECTORY, with ENVIRONMENT and TIMEOUT, labelled LABELS, then the test's spec
# sections, then its clause IDs; and the variable TEST_LIST, the names of all of them. With
# PROFILE, the runner lists only the tests that apply to a driver of that profile.
function(startjoin_discover_tests_impl)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
    "RUNNER;CTEST_FILE;TEST_LIST;PREFIX;WORKING_DIRECTORY;DRIVER;EXPECTATIONS;ENVIRONMENT;FILTER;PROFILE;TIMEOUT;LABELS"
    "")
  if(NOT EXISTS "${arg_RUNNER}")
    message(FATAL_ERROR "startjoin: the conformance runner ${arg_RUNNER} does not exist")
  endif()
  set(listing_flags "")
  if(arg_FILTER)
    set(listing_flags "--gtest_filter=${arg_FILTER}")
  endif()
  if(arg_PROFILE)
    list(APPEND listing_flags --driver-profile "${arg_PROFILE}")
  endif()
  execute_process(
    COMMAND "${arg_RUNNER}" --list-tests-json ${listing_flags}
    WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}"
    TIMEOUT 120
    OUTPUT_VARIABLE listing
    ERROR_VARIABLE errors
    RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR
      "startjoin: cannot list the conformance tests for ${arg_PREFIX}*\n"
      "  command: ${arg_RUNNER} --list-tests-json ${listing_flags}\n"
      "  status: ${status}\n"
      "  ${errors}")
  endif()
  string(JSON count ERROR_VARIABLE problem LENGTH "${listing}" tests)
  if(problem)
    message(FATAL_ERROR "startjoin: ${arg_RUNNER} --list-tests-json printed no test list "
                        "(${problem}):\n${listing}")
  endif()

  # Not through a list: a driver command may hold semicolons.
  _startjoin_ctest_argument(driver "${arg_DRIVER}")
  set(command_tail " --gtest_also_run_disabled_tests --driver ${driver}")
  if(arg_EXPECTATIONS)
    _startjoin_ctest_argument(expectations "${arg_EXPECTATIONS}")
    string(APPEND command_tail " --expectations ${expectations}")
  endif()
  if(arg_PROFILE)
    string(APPEND command_tail " --driver-profile ${arg_PROFILE}")
  endif()
  _startjoin_ctest_argument(runner "${arg_RUNNER}")
  _startjoin_ctest_argument(directory "${arg_WORKING_DIRECTORY}")
  set(environment "")
  if(arg_ENVIRONMENT)
    _startjoin_ctest_argument(environment "${arg_ENVIRONMENT}")
    set(environment " ENVIRONMENT ${environment}")
  endif()

  set(script "")
  set(names "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(index RANGE ${last})
      # Each entry on its own, so that the lookups below read a short text, not the whole list.
      string(JSON entry GET "${listing}" tests ${index})
      string(JSON test GET "${entry}" name)
      set(labels ${arg_LABELS})
      foreach(key sections clauses)
        string(JSON values LENGTH "${entry}" ${key})
        if(values GREATER 0)
          math(EXPR last_value "${values} - 1")
          foreach(value_index RANGE ${last_value})
            string(JSON value GET "${entry}" ${key} ${value_index})
            list(APPEND labels "${value}")
          endforeach()
        endif()
      endforeach()
      list(REMOVE_DUPLICATES labels)
      _startjoin_ctest_argument(name "${arg_PREFIX}${test}")
      _startjoin_ctest_argument(labels "${labels}")
      string(APPEND script
        "add_test(${name} ${runner} --gtest_filter=${test}${command_tail})\n"
        "set_tests_properties(${name} PROPERTIES WORKING_DIRECTORY ${directory}"
        " SKIP_REGULAR_EXPRESSION [==[\\[  SKIPPED \\]]==] TIMEOUT ${arg_TIMEOUT}"
        "${environment} LABELS ${labels})\n")
      list(APPEND names "${arg_PREFIX}${test}")
    endforeach()
  endif()
  _startjoin_ctest_argument(names "${names}")
  string(APPEND script "set(${arg_TEST_LIST} ${names})\n")
  file(WRITE "${arg_CTEST_FILE}" "${script}")
endfunction()
