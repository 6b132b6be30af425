# Configures and builds tests/fuzz/clang with clang++ (run by the fuzz_build CTest fixture).
# Inputs: SRC (repository root), BIN (build folder), CLANGXX, GENERATOR, MAKE_PROGRAM.
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SRC}/tests/fuzz/clang -B ${BIN} -G ${GENERATOR}
          -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM} -DCMAKE_CXX_COMPILER=${CLANGXX}
          -DCMAKE_BUILD_TYPE=RelWithDebInfo -DODYO_SOURCE_DIR=${SRC}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz: configuring the clang build failed (is clang with libFuzzer, "
                      "Debian package libclang-rt-14-dev, installed?)")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BIN} -j 2 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz: building the fuzz targets with ${CLANGXX} failed")
endif()
