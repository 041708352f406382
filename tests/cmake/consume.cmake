# Installs ctnn into a scratch prefix, then builds and runs consumer projects against it: with
# find_package and its components, with add_subdirectory, and against an installation built
# with Boost alone (no zlib, no libpng), which serves the core and refuses the components.
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE r OUTPUT_VARIABLE o ERROR_VARIABLE e)
  if(NOT r EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${o}\n${e}")
  endif()
endfunction()
function(install_ctnn prefix)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/build-${prefix} -G ${GENERATOR}
      -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF -DCTNN_INSTALL=ON
      -DCMAKE_INSTALL_PREFIX=${WORK_DIR}/${prefix} ${ARGN})
  run(${CMAKE_COMMAND} --install ${WORK_DIR}/build-${prefix})
endfunction()

install_ctnn(prefix)
foreach(mode IN ITEMS package subdir)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/cmake/consumer -B ${WORK_DIR}/${mode} -G ${GENERATOR}
      -DCTNN_CONSUME=${mode} -DCTNN_WANT_DATA=ON -DCTNN_SOURCE_DIR=${SOURCE_DIR}
      -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/${mode})
  run(${WORK_DIR}/${mode}/consumer)
  run(${WORK_DIR}/${mode}/consumer_data)
endforeach()

# The core alone: configure ctnn as if zlib and libpng were not installed.
install_ctnn(prefix-core -DCMAKE_DISABLE_FIND_PACKAGE_ZLIB=ON -DCMAKE_DISABLE_FIND_PACKAGE_PNG=ON)
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/cmake/consumer -B ${WORK_DIR}/core -G ${GENERATOR}
    -DCTNN_CONSUME=package -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix-core)
run(${CMAKE_COMMAND} --build ${WORK_DIR}/core)
run(${WORK_DIR}/core/consumer)
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/cmake/consumer
                        -B ${WORK_DIR}/core-wants-data -G ${GENERATOR} -DCTNN_CONSUME=package
                        -DCTNN_WANT_DATA=ON -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix-core
                RESULT_VARIABLE r OUTPUT_VARIABLE o ERROR_VARIABLE e)
if(r EQUAL 0 OR NOT "${o}${e}" MATCHES "ctnn component 'data' was not installed")
  message(FATAL_ERROR "asking a core-only installation for the data component must fail and "
                      "say why; got exit ${r}:\n${o}\n${e}")
endif()
message(STATUS "ctnn consumed by find_package (core, data, report), by add_subdirectory, and "
               "as a core-only installation that refuses the data component with its reason")
