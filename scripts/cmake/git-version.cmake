# The git commit egg was built from, for `egg version`. Re-read at every build so it never goes stale.
set(EGG_VERSION_CPP ${CMAKE_BINARY_DIR}/generated/egg_version.cpp)
add_custom_target(egg_version_stamp
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${EGG_VERSION_CPP}
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/scripts/cmake/write-version.cmake
  BYPRODUCTS ${EGG_VERSION_CPP}
  COMMENT "Stamping egg version")
