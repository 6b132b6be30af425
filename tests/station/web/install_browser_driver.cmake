# cmake -DSRC=… -DDST=… -P install_browser_driver.cmake: copies the browser tests' package.json,
# package-lock.json and e2e.js to DST and runs `npm ci` there (playwright-core, which drives the
# Debian chromium; it downloads no browser) unless the installed lock is the committed one (so a
# second run costs nothing). The same pattern as tests/station/export/install_fhir_validator.cmake.
set(same FALSE)
if(EXISTS ${DST}/package-lock.json AND EXISTS ${DST}/node_modules/playwright-core/package.json)
  file(READ ${SRC}/package-lock.json want)
  file(READ ${DST}/package-lock.json have)
  if(want STREQUAL have)
    set(same TRUE)
  endif()
endif()
foreach(f package.json package-lock.json e2e.js)
  configure_file(${SRC}/${f} ${DST}/${f} COPYONLY)
endforeach()
if(same)
  message(STATUS "playwright-core already installed in ${DST}")
  return()
endif()
find_program(NPM npm REQUIRED)
execute_process(COMMAND ${NPM} ci --no-audit --no-fund WORKING_DIRECTORY ${DST} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci in ${DST} failed (${rc}): the npm registry must be reachable once")
endif()
