# Registers the conformance suite with ctest once per adapter (adapters/NAME/adapter.conf) whose
# requirements are present, as tests "conformance.NAME.Suite.Test" labelled "conformance;NAME"
# plus the manifest's `labels=` (adapters whose every case starts interpreters say "slow"), then
# each test's spec sections and clause IDs (`ctest -L '^join$'`, StartjoinConformance.cmake).
#
# A manifest's `requires=` lists what the adapter needs: `target:X` for a driver this build makes
# (absent when, say, Boost is not installed), `python:3.X` for a CPython minor version
# (adapters/python/with-python finds it), `python-module:INTERP:MODULE` an interpreter (a path or a
# name on PATH) that can import MODULE (billiard, multiprocess: packages a distribution installs
# for one interpreter only), anything else a program looked up on PATH. `cases=N` runs each
# property with N cases instead of 100 in ctest (an adapter whose every case starts interpreters
# or VMs: ./tools/check runs every adapter within its time budget); tools/conform runs 100.
include(${CMAKE_CURRENT_LIST_DIR}/StartjoinConformance.cmake)

set(STARTJOIN_ADAPTER_SEED 1 CACHE STRING "RapidCheck seed for adapters with expectations")

function(startjoin_add_adapter_tests manifest)
  get_filename_component(directory "${manifest}" DIRECTORY)
  get_filename_component(name "${directory}" NAME)
  set(driver "")
  set(expectations "")
  set(requirements "")
  set(extra_labels "")
  set(profile "")
  set(cases "")
  file(STRINGS "${manifest}" lines)
  foreach(line IN LISTS lines)
    if(line MATCHES "^driver=(.*)$")
      set(driver "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^expectations=(.*)$")
      set(expectations "${directory}/${CMAKE_MATCH_1}")
    elseif(line MATCHES "^requires=(.*)$")
      separate_arguments(requirements UNIX_COMMAND "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^profile=(.*)$")
      set(profile "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^cases=(.*)$")
      set(cases "${CMAKE_MATCH_1}")
    elseif(line MATCHES "^labels=(.*)$")
      separate_arguments(extra_labels UNIX_COMMAND "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  if(driver STREQUAL "")
    message(FATAL_ERROR "${manifest}: no 'driver=' line")
  endif()
  if(requirements STREQUAL "")
    message(WARNING "${manifest}: no 'requires=' line, so adapter ${name} is not registered")
    return()
  endif()
  if(expectations AND NOT EXISTS "${expectations}")
    message(FATAL_ERROR "${manifest}: expectations file ${expectations} does not exist")
  endif()

  foreach(requirement IN LISTS requirements)
    if(requirement MATCHES "^target:(.+)$")
      if(NOT TARGET "${CMAKE_MATCH_1}")
        message(STATUS "conformance: adapter ${name} not registered: ${CMAKE_MATCH_1} is not built")
        return()
      endif()
    elseif(requirement MATCHES "^python:(.+)$")
      execute_process(COMMAND "${CMAKE_SOURCE_DIR}/adapters/python/with-python" "${CMAKE_MATCH_1}" --which
        RESULT_VARIABLE missing OUTPUT_QUIET ERROR_QUIET)
      if(missing)
        message(STATUS "conformance: adapter ${name} not registered: CPython ${CMAKE_MATCH_1} is not installed")
        return()
      endif()
    elseif(requirement MATCHES "^python-module:(.+):([A-Za-z0-9_.]+)$")
      execute_process(COMMAND "${CMAKE_MATCH_1}" -c "import ${CMAKE_MATCH_2}"
        RESULT_VARIABLE missing OUTPUT_QUIET ERROR_QUIET)
      if(missing)
        message(STATUS "conformance: adapter ${name} not registered: ${CMAKE_MATCH_1} cannot import ${CMAKE_MATCH_2}")
        return()
      endif()
    else()
      find_program(STARTJOIN_PROGRAM_${requirement} "${requirement}")
      if(NOT STARTJOIN_PROGRAM_${requirement})
        message(STATUS "conformance: adapter ${name} not registered: ${requirement} is not installed")
        return()
      endif()
    endif()
  endforeach()

  string(REPLACE "@BUILD@" "${CMAKE_BINARY_DIR}" driver "${driver}")
  string(REPLACE "@SOURCE@" "${CMAKE_SOURCE_DIR}" driver "${driver}")
  # An interpreter (python3, with-python 3.X) is resolved to its real executable once, here, so
  # that no driver start pays for a shim (tools/lib/resolve-interpreter). Reconfigure after
  # changing which python3 the PATH gives.
  execute_process(COMMAND "${CMAKE_SOURCE_DIR}/tools/lib/resolve-interpreter" "${driver}"
    OUTPUT_VARIABLE resolved RESULT_VARIABLE failed OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT failed AND NOT resolved STREQUAL "")
    set(driver "${resolved}")
  endif()
  # The python driver's code is a module (adapters/python/driver.py says why): remember each
  # interpreter that runs it, with its options (-O reads other bytecode: .opt-1.pyc), so that
  # the build compiles its bytecode for each.
  if(driver MATCHES "^([^ ]+( -[A-Za-z]+)*) [^ ]*/adapters/python/driver\\.py ")
    set_property(GLOBAL APPEND PROPERTY STARTJOIN_PYTHON_INTERPRETERS "${CMAKE_MATCH_1}")
  endif()
  # The labels "conformance", the adapter's name, and the manifest's `labels=` (for example
  # "slow", so that `./tools/check -LE slow` leaves the slowest adapters out of a quick run).
  startjoin_discover_conformance_tests(
    RUNNER startjoin-conformance
    NAME "${name}"
    PREFIX "conformance.${name}."
    DRIVER "${driver}"
    EXPECTATIONS "${expectations}"
    SEED "${STARTJOIN_ADAPTER_SEED}"
    CASES "${cases}"
    PROFILE "${profile}"
    LABELS conformance ${name} ${extra_labels})
endfunction()

# Compiles the python driver's module (adapters/python/startjoin_driver.py) into its __pycache__
# once for every interpreter an adapter registered above runs it with. Python would cache it on
# first import, but not where PYTHONDONTWRITEBYTECODE is set (many CI images set it), and then
# every interpreter that spawn and forkserver start compiles about 950 lines again (some 14 ms).
# py_compile writes whatever that variable says; a stale cache is only ignored, never wrong.
function(startjoin_compile_python_driver)
  get_property(interpreters GLOBAL PROPERTY STARTJOIN_PYTHON_INTERPRETERS)
  if(NOT interpreters)
    return()
  endif()
  list(REMOVE_DUPLICATES interpreters)
  set(module "${PROJECT_SOURCE_DIR}/adapters/python/startjoin_driver.py")
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/startjoin_driver.bytecode.stamp")
  set(commands "")
  foreach(python IN LISTS interpreters)
    separate_arguments(python UNIX_COMMAND "${python}")  # the interpreter and its options
    list(APPEND commands COMMAND ${python} -m py_compile "${module}")
  endforeach()
  add_custom_command(OUTPUT "${stamp}" ${commands}
    COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
    DEPENDS "${module}"
    COMMENT "Compiling the python driver's bytecode for ${interpreters}"
    VERBATIM)
  add_custom_target(startjoin_python_driver_bytecode ALL DEPENDS "${stamp}")
endfunction()
