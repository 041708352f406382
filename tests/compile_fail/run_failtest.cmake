# Builds one compile-fail target and passes only when the build fails, its output matches
# REGEX, and the compiler reported at most MAX_ERRORS errors (one designed diagnostic, not a
# cascade).  Usage: cmake -DBUILD_DIR=... -DTARGET=... -DREGEX=... -DMAX_ERRORS=1 -P this
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(all "${out}${err}")
if(result EQUAL 0)
  message(FATAL_ERROR "${TARGET} compiled, but it must not:\n${all}")
endif()
if(NOT all MATCHES "${REGEX}")
  message(FATAL_ERROR "${TARGET} failed, but not with the expected diagnostic\n"
                      "expected (regex): ${REGEX}\ncompiler said:\n${all}")
endif()
string(REGEX MATCHALL "error: " errors "${all}")
list(LENGTH errors count)
if(count GREATER MAX_ERRORS)
  message(FATAL_ERROR "${TARGET}: ${count} errors, at most ${MAX_ERRORS} expected:\n${all}")
endif()
message(STATUS "${TARGET}: failed as expected with ${count} error(s)")
