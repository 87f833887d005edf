# Registers startjoin's conformance tests with ctest: one ctest test per test of the runner, for
# one driver. Used by this repository (cmake/StartjoinAdapters.cmake, once per adapter) and
# installed with the package, where startjoin_add_conformance() is the entry point.
include_guard(GLOBAL)

# startjoin_discover_conformance_tests(RUNNER target NAME name PREFIX prefix DRIVER command
#                                      [EXPECTATIONS file] [SEED n] [FILTER pattern]
#                                      [PROFILE process|thread] [LABELS label...])
# The lower level: runs RUNNER (the startjoin-conformance executable target) with
# --list-tests-json at test time, not when the runner is built (an imported runner has no
# build), and registers one ctest test PREFIX"Suite.Test" per test it lists, which runs
# `RUNNER --gtest_filter=Suite.Test --driver command`. NAME names the discovered list
# (the variable startjoin_NAME_tests in ctest include files) and the generated files (unique per
# directory), FILTER is a --gtest_filter pattern of the tests to register. With PROFILE, only
# the tests that apply to a driver of that profile are registered (a thread implementation has no
# pids or signals), and each test stops with a setup error when the driver declares another
# profile (runner flag --driver-profile). Each test is labelled
# LABELS, then the spec sections and the clause IDs it checks ("join", "join.after-exit"), so that
# `ctest -L '^join$'` runs one section and `ctest -L 'join\.after-exit'` one clause. With
# EXPECTATIONS, the driver's known failures are passed to the runner and its properties run with
# RapidCheck seed SEED (default 1), so that the failures recorded reproduce exactly; without,
# every run explores a new seed. With CASES, each property runs that many cases instead of
# RapidCheck's 100 (RC_PARAMS max_success): for a driver whose every case starts an interpreter
# or a VM, so that a check that runs every adapter stays within its time; the cases still range
# over every size (RapidCheck spreads the sizes over the count), and a run of the runner itself
# (tools/conform) keeps the full 100.
function(startjoin_discover_conformance_tests)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
                        "RUNNER;NAME;PREFIX;DRIVER;EXPECTATIONS;SEED;CASES;FILTER;PROFILE" "LABELS")
  foreach(required RUNNER NAME PREFIX DRIVER)
    if(NOT arg_${required})
      message(FATAL_ERROR "startjoin_discover_conformance_tests: ${required} is required")
    endif()
  endforeach()
  if(NOT arg_SEED)
    set(arg_SEED 1)
  endif()
  if(arg_PROFILE AND NOT arg_PROFILE MATCHES "^(process|thread)$")
    message(FATAL_ERROR "startjoin: PROFILE must be process or thread, not '${arg_PROFILE}'")
  endif()
  if(arg_CASES AND NOT arg_CASES MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "startjoin: CASES must be a positive number, not '${arg_CASES}'")
  endif()
  set(rc_params "")
  if(arg_EXPECTATIONS)
    list(APPEND rc_params "seed=${arg_SEED}")
  endif()
  if(arg_CASES)
    list(APPEND rc_params "max_success=${arg_CASES}")
  endif()
  set(environment "")
  if(rc_params)
    list(JOIN rc_params " " rc_params)
    set(environment "RC_PARAMS=${rc_params}")
  endif()
  # Beside this file, in the source tree and in an installed package alike.
  set(discover_script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/StartjoinDiscoverTests.cmake")
  set(base "${CMAKE_CURRENT_BINARY_DIR}/startjoin-${arg_NAME}")
  set(tests_file "${base}-tests.cmake")
  get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
  if(multi_config)
    set(tests_file "${base}-tests-$<CONFIG>.cmake")
  endif()
  set(runner "$<TARGET_FILE:${arg_RUNNER}>")
  # What ctest reads: the tests file, written again first when the runner (and so its list of
  # tests) or this include file (its arguments) is newer than it. Bracketed arguments, so that a
  # driver command's quotes and semicolons reach the runner as written.
  string(CONCAT content
    "if(EXISTS [==[${runner}]==])\n"
    "  if(NOT EXISTS [==[${tests_file}]==] OR\n"
    "     NOT [==[${tests_file}]==] IS_NEWER_THAN [==[${runner}]==] OR\n"
    "     NOT [==[${tests_file}]==] IS_NEWER_THAN \"\${CMAKE_CURRENT_LIST_FILE}\")\n"
    "    include([==[${discover_script}]==])\n"
    "    startjoin_discover_tests_impl(\n"
    "      RUNNER [==[${runner}]==]\n"
    "      CTEST_FILE [==[${tests_file}]==]\n"
    "      TEST_LIST [==[startjoin_${arg_NAME}_tests]==]\n"
    "      PREFIX [==[${arg_PREFIX}]==]\n"
    "      WORKING_DIRECTORY [==[${CMAKE_CURRENT_BINARY_DIR}]==]\n"
    "      DRIVER [==[${arg_DRIVER}]==]\n"
    "      EXPECTATIONS [==[${arg_EXPECTATIONS}]==]\n"
    "      ENVIRONMENT [==[${environment}]==]\n"
    "      FILTER [==[${arg_FILTER}]==]\n"
    "      PROFILE [==[${arg_PROFILE}]==]\n"
    "      TIMEOUT 240\n"
    "      LABELS [==[${arg_LABELS}]==])\n"
    "  endif()\n"
    "  include([==[${tests_file}]==])\n"
    "else()\n"
    "  add_test([==[${arg_PREFIX}NOT_BUILT]==] [==[${arg_PREFIX}NOT_BUILT]==])\n"
    "endif()\n")
  if(multi_config)
    foreach(config IN LISTS CMAKE_CONFIGURATION_TYPES)
      file(GENERATE OUTPUT "${base}-include-${config}.cmake" CONTENT "${content}"
           CONDITION $<CONFIG:${config}>)
    endforeach()
    file(WRITE "${base}-include.cmake"
      "include(\"${base}-include-\${CTEST_CONFIGURATION_TYPE}.cmake\")\n")
  else()
    file(GENERATE OUTPUT "${base}-include.cmake" CONTENT "${content}")
  endif()
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${base}-include.cmake")
endfunction()

# startjoin_add_conformance(TARGET driver [EXPECTATIONS file] [LABELS label...] [CASES n]
#                           [PROFILE process|thread] [FILTER pattern] [DRIVER_ARGS arg...])
# Registers the conformance suite against the driver program TARGET (an executable target of
# this project), as ctest tests "startjoin.TARGET.Suite.Test" labelled "startjoin", TARGET and
# LABELS. DRIVER_ARGS are appended to the driver's command line, which the runner runs through
# /bin/sh. EXPECTATIONS is the driver's file of known failures (README, "Adapters"): a failure it
# expects is XFAIL, a passing ctest test. PROFILE is the profile the driver declares (process:
# separate processes, the whole contract; thread: no memory isolation, pids or signals): only
# the tests that apply to it are registered, and a driver declaring another fails every test as
# a setup error. CASES runs each property with n cases instead of 100 (a slow driver: see
# startjoin_discover_conformance_tests). Needs the package's imported runner
# (find_package(startjoin)).
#
#   startjoin_add_conformance(TARGET my-driver EXPECTATIONS ${CMAKE_CURRENT_SOURCE_DIR}/expected.json
#                             LABELS mine FILTER "Start*:Join*")
function(startjoin_add_conformance)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "TARGET;EXPECTATIONS;CASES;FILTER;PROFILE"
                        "LABELS;DRIVER_ARGS")
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
    CASES "${arg_CASES}"
    FILTER "${arg_FILTER}"
    PROFILE "${arg_PROFILE}"
    LABELS startjoin ${arg_TARGET} ${arg_LABELS})
endfunction()
