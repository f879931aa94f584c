# Compiles files (vendor-manifest/*.json, templates/*) into the binary. Each file becomes a byte
# array reachable by its repository-relative path through egg::embedded::find(). Editing a file
# re-runs the generator, so the binary never carries a stale copy.
function(egg_embed target)
  set(out ${CMAKE_BINARY_DIR}/generated/embedded_files.cpp)
  set(abs_files)
  foreach(f ${ARGN})
    list(APPEND abs_files ${CMAKE_SOURCE_DIR}/${f})
  endforeach()
  string(REPLACE ";" "|" joined "${ARGN}")
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${out} "-DFILES=${joined}"
            -P ${CMAKE_SOURCE_DIR}/scripts/cmake/embed-files.cmake
    DEPENDS ${abs_files} ${CMAKE_SOURCE_DIR}/scripts/cmake/embed-files.cmake
    COMMENT "Embedding manifest and templates" VERBATIM)
  target_sources(${target} PRIVATE ${out})
endfunction()
