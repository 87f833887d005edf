# Registers startjoin's conformance tests with ctest: one ctest test per test of the runner, for
# one driver. Used by this repository (cmake/StartjoinAdapters.cmake, once per adapter) and
# installed with the package, where startjoin_add_conformance() is the entry point.
include_guard(GLOBAL)
include(GoogleTest)

# startjoin_discover_conformance_tests(RUNNER target NAME name PREFIX prefix DRIVER command
#                                      [EXPECTATIONS file] [SEED n] [FILTER pattern]
#                                      [LABELS label...])
# The lower level: runs RUNNER (the startjoin-conformance executable target) with
# `--driver command` at test time, once per test it lists (DISCOVERY_MODE PRE_TEST, so the list
# is read when ctest runs, not when the runner is built; an imported runner has no build).
# NAME names the discovered list and the labels file (unique per directory), PREFIX starts each
# test's name, FILTER is a --gtest_filter pattern of the tests to register, LABELS go on every
# test. With EXPECTATIONS, the driver's known failures are passed to the runner and its
# properties run with RapidCheck seed SEED (default 1), so that the failures recorded reproduce
# exactly; without, every run explores a new seed.
function(startjoin_discover_conformance_tests)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "RUNNER;NAME;PREFIX;DRIVER;EXPECTATIONS;SEED;FILTER"
                        "LABELS")
  foreach(required RUNNER NAME PREFIX DRIVER)
    if(NOT arg_${required})
      message(FATAL_ERROR "startjoin_discover_conformance_tests: ${required} is required")
    endif()
  endforeach()
  if(NOT arg_SEED)
    set(arg_SEED 1)
  endif()
  set(arguments --driver "${arg_DRIVER}")
  set(environment "")
  if(arg_EXPECTATIONS)
    list(APPEND arguments --expectations "${arg_EXPECTATIONS}")
    set(environment "RC_PARAMS=seed=${arg_SEED}")
  endif()
  set(filter "")
  if(arg_FILTER)
    set(filter TEST_FILTER "${arg_FILTER}")
  endif()
  gtest_discover_tests(${arg_RUNNER}
    EXTRA_ARGS ${arguments}
    TEST_PREFIX "${arg_PREFIX}"
    TEST_LIST "startjoin_${arg_NAME}_tests"
    ${filter}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES TIMEOUT 240 ENVIRONMENT "${environment}")
  # Not through PROPERTIES above: CMake 3.25's GoogleTest module splits a list value there, so
  # the second label would be lost (and with it every property after it). This file runs after
  # the discovered tests are defined.
  list(JOIN arg_LABELS ";" labels)
  set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/startjoin-labels-${arg_NAME}.cmake")
  file(WRITE "${labels_file}"
    "set_tests_properties(\${startjoin_${arg_NAME}_tests} PROPERTIES LABELS \"${labels}\")\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
endfunction()

# startjoin_add_conformance(TARGET driver [EXPECTATIONS file] [LABELS label...]
#                           [FILTER pattern] [DRIVER_ARGS arg...])
# Registers the conformance suite against the driver program TARGET (an executable target of
# this project), as ctest tests "startjoin.TARGET.Suite.Test" labelled "startjoin", TARGET and
# LABELS. DRIVER_ARGS are appended to the driver's command line, which the runner runs through
# /bin/sh. EXPECTATIONS is the driver's file of known failures (README, "Adapters"): a failure it
# expects is XFAIL, a passing ctest test. Needs the package's imported runner
# (find_package(startjoin)).
#
#   startjoin_add_conformance(TARGET my-driver EXPECTATIONS ${CMAKE_CURRENT_SOURCE_DIR}/expected.json
#                             LABELS mine FILTER "Start*:Join*")
function(startjoin_add_conformance)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;EXPECTATIONS;FILTER" "LABELS;DRIVER_ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "startjoin_add_conformance: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET "${arg_TARGET}")
    message(FATAL_ERROR "startjoin_add_conformance: TARGET '${arg_TARGET}' is not a target")
  endif()
  if(arg_EXPECTATIONS)
    get_filename_component(arg_EXPECTATIONS "${arg_EXPECTATIONS}" ABSOLUTE)
    if(NOT EXISTS "${arg_EXPECTATIONS}")
      message(FATAL_ERROR "startjoin_add_conformance: ${arg_EXPECTATIONS} does not exist")
    endif()
  endif()
  list(JOIN arg_DRIVER_ARGS " " driver_args)
  string(STRIP "$<TARGET_FILE:${arg_TARGET}> ${driver_args}" driver)
  startjoin_discover_conformance_tests(
    RUNNER startjoin::conformance
    NAME "${arg_TARGET}"
    PREFIX "startjoin.${arg_TARGET}."
    DRIVER "${driver}"
    EXPECTATIONS "${arg_EXPECTATIONS}"
    FILTER "${arg_FILTER}"
    LABELS startjoin ${arg_TARGET} ${arg_LABELS})
endfunction()
