# cmake -DSRC=… -DDST=… -P install_fhir_validator.cmake: copies the validator's package.json,
# package-lock.json and validate.js to DST and runs `npm ci` there unless the installed lock is
# the same as the committed one (so a second run costs nothing).
set(same FALSE)
if(EXISTS ${DST}/package-lock.json AND EXISTS ${DST}/node_modules/fhir/package.json)
  file(READ ${SRC}/package-lock.json want)
  file(READ ${DST}/package-lock.json have)
  if(want STREQUAL have)
    set(same TRUE)
  endif()
endif()
foreach(f package.json package-lock.json validate.js)
  configure_file(${SRC}/${f} ${DST}/${f} COPYONLY)
endforeach()
if(same)
  message(STATUS "fhir validator already installed in ${DST}")
  return()
endif()
find_program(NPM npm REQUIRED)
execute_process(COMMAND ${NPM} ci --no-audit --no-fund WORKING_DIRECTORY ${DST}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci in ${DST} failed (${rc}): the npm registry must be reachable once")
endif()
