# cmake -DSRC=… -DDST=… -DPACKAGE=… -P InstallNpmTool.cmake: a test tool from npm (the FHIR
# validator, the browser driver). Copies the files of SRC (package.json, package-lock.json and the
# tool's own scripts) to DST and runs `npm ci` there, unless PACKAGE is already installed from the
# same lock file (so a second run costs nothing). A CTest fixture runs it (FIXTURES_SETUP).
set(same FALSE)
if(EXISTS ${DST}/package-lock.json AND EXISTS ${DST}/node_modules/${PACKAGE}/package.json)
  file(READ ${SRC}/package-lock.json want)
  file(READ ${DST}/package-lock.json have)
  if(want STREQUAL have)
    set(same TRUE)
  endif()
endif()
file(GLOB files RELATIVE ${SRC} ${SRC}/*)
foreach(f ${files})
  if(NOT IS_DIRECTORY ${SRC}/${f})
    configure_file(${SRC}/${f} ${DST}/${f} COPYONLY)
  endif()
endforeach()
if(same)
  message(STATUS "${PACKAGE} already installed in ${DST}")
  return()
endif()
find_program(NPM npm REQUIRED)
execute_process(COMMAND ${NPM} ci --no-audit --no-fund WORKING_DIRECTORY ${DST}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci in ${DST} failed (${rc}): the npm registry must be reachable once")
endif()
