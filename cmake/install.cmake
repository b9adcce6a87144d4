# install.cmake — `cmake --install`: the trellis executable, the static library with its
# public headers, a CMake package (find_package(trellis) gives trellis::trellis) and a
# pkg-config file (trellis.pc). scripts/check_install.sh builds examples/embed against it.
include(CMakePackageConfigHelpers)

set(TRELLIS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/trellis)

install(TARGETS trellis RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS trellis_lib EXPORT trellisTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/trellis DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(EXPORT trellisTargets NAMESPACE trellis:: FILE trellisTargets.cmake
  DESTINATION ${TRELLIS_CMAKE_DIR})

configure_package_config_file(cmake/trellisConfig.cmake.in
  ${PROJECT_BINARY_DIR}/trellisConfig.cmake INSTALL_DESTINATION ${TRELLIS_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/trellisConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/trellisConfig.cmake ${PROJECT_BINARY_DIR}/trellisConfigVersion.cmake
  DESTINATION ${TRELLIS_CMAKE_DIR})

# The library is static: what it links privately is listed for every link (Libs,
# Requires), so `pkg-config --libs trellis` is enough.
# Relative to the .pc file, so that `cmake --install --prefix DIR` needs no reconfigure.
file(RELATIVE_PATH TRELLIS_PC_TO_PREFIX /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
string(REGEX REPLACE "/$" "" TRELLIS_PC_TO_PREFIX "${TRELLIS_PC_TO_PREFIX}")
get_filename_component(TRELLIS_PG_QUERY_DIR "${PG_QUERY_LIB}" DIRECTORY)
configure_file(cmake/trellis.pc.in ${PROJECT_BINARY_DIR}/trellis.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/trellis.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
