# find_package(startjoin CONFIG): the imported targets startjoin::adapter_kit (with
# startjoin::protocol), startjoin::conformance (the runner) and startjoin::driver_reference, and
# the functions startjoin_add_conformance() and startjoin_self_contained_driver().
include(CMakeFindDependencyMacro)
# What the kit's static libraries and public headers need from the consumer's link.
find_dependency(Threads)
find_dependency(nlohmann_json)
include("${CMAKE_CURRENT_LIST_DIR}/startjoinTargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/StartjoinConformance.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/StartjoinDriver.cmake")
