# `cmake --install build --prefix P`: the runner, startjoin-report, the reference driver,
# startjoin-conform (the command line of tools/conform), the C++ adapter kit with the protocol
# library it needs, the spec (with the report and expectations schemas) and the regression
# scenarios the installed runner
# reads (from ../share/startjoin beside its bin/, conformance/CMakeLists.txt), and the CMake
# package `startjoin` that lets another project build a driver and register the suite against
# it (examples/consumer).
include(CMakePackageConfigHelpers)

set(STARTJOIN_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/startjoin")

set_target_properties(startjoin-conformance PROPERTIES EXPORT_NAME conformance)
set_target_properties(startjoin-driver-reference PROPERTIES EXPORT_NAME driver_reference)
install(TARGETS startjoin-conformance startjoin-driver-reference startjoin_adapter
                startjoin_protocol
        EXPORT startjoinTargets
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
# bin/startjoin-conform is tools/conform itself, its `layout=repository` line changed to
# `layout=installed` so that it runs the runner beside it and builds nothing: one script, not a
# copy that would drift.
set(conform_source "${PROJECT_SOURCE_DIR}/tools/conform")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${conform_source}")
file(READ "${conform_source}" conform_text)
string(REPLACE "\nlayout=repository\n" "\nlayout=installed\n" installed_conform "${conform_text}")
if(installed_conform STREQUAL conform_text)
  message(FATAL_ERROR "${conform_source} has no line 'layout=repository' to install it by")
endif()
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/startjoin-conform" "${installed_conform}")
install(PROGRAMS "${CMAKE_CURRENT_BINARY_DIR}/startjoin-conform" DESTINATION "${CMAKE_INSTALL_BINDIR}")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/adapters/cpp/include/"
                  "${PROJECT_SOURCE_DIR}/adapters/protocol/include/"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

# startjoin-report reads reports only; nothing builds against it, so it is not exported.
install(TARGETS startjoin-report RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")

# The Markdown files are what the runner reads (spec_document.hpp); the JSON Schemas describe
# the files it writes (--report-json) and reads (--expectations), for the tools of consumers.
install(DIRECTORY "${STARTJOIN_SPEC_DIR}/" DESTINATION "${CMAKE_INSTALL_DATADIR}/startjoin/spec"
        FILES_MATCHING PATTERN "*.md" PATTERN "*.schema.json")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/tests/regressions/"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/startjoin/regressions" FILES_MATCHING PATTERN "*.md")

install(EXPORT startjoinTargets NAMESPACE startjoin:: DESTINATION "${STARTJOIN_INSTALL_CMAKEDIR}")
# SameMajorVersion: what a consumer relies on (startjoin_add_conformance, the adapter kit's
# classes, the protocol the runner speaks) may change only with a new major version, so
# find_package(startjoin 0.2) accepts 0.2 and any later 0.x. AnyNewerVersion would also accept a
# 1.0 that changed them.
write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/startjoinConfigVersion.cmake"
                                 COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_SOURCE_DIR}/cmake/startjoinConfig.cmake"
              "${CMAKE_CURRENT_BINARY_DIR}/startjoinConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/StartjoinConformance.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/StartjoinDiscoverTests.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/StartjoinDriver.cmake"
        DESTINATION "${STARTJOIN_INSTALL_CMAKEDIR}")
