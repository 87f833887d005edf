# How a C++ driver is linked. Used by this repository's drivers and installed with the package,
# so that a driver built elsewhere on startjoin::adapter_kit is linked the same way.
include_guard(GLOBAL)

# startjoin_self_contained_driver(TARGET): links the C++ runtime into TARGET statically, for a
# driver whose implementation is not itself a shared C++ library (the reference, std::thread,
# header-only Boost.Process, and the helper programs they exec). Every fork then has fewer
# mappings to copy and fault in again: measured (farm-bench -n 5, the reference's properties,
# -j 1), wall 0.82 of -z now alone. Not for a driver of a shared C++ library such as Qt, which
# brings the shared runtime along.
function(startjoin_self_contained_driver target)
  target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
endfunction()
