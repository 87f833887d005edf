# `cpack` in the build tree writes two packages of what `cmake --install` installs (see
# cmake/StartjoinInstall.cmake):
#   startjoin-VERSION-Linux.tar.gz   the install tree under one top directory, a prefix to put
#                                    anywhere (the installation is relocatable)
#   startjoin_VERSION_ARCH.deb       the same tree under /usr
set(CPACK_PACKAGE_NAME startjoin)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VENDOR startjoin)
set(CPACK_PACKAGE_CONTACT "startjoin maintainers <startjoin@localhost>")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_GENERATOR TGZ DEB)
# Only the install rules: no source package (the repository is the source).
set(CPACK_SOURCE_GENERATOR "")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The runner's and drivers' shared libraries (libfmt, libstdc++, libc) found by dpkg-shlibdeps
# from the binaries themselves, so that the list cannot go stale. Added to them: what
# startjoinConfig.cmake find_dependency()s for a consumer's build (nlohmann_json; Threads is
# libc's). A consumer also needs CMake and a C++20 compiler, but the runner and
# startjoin-conform run without them: recommended, not required.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "nlohmann-json3-dev")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake (>= 3.25), g++ (>= 4:12)")

include(CPack)
