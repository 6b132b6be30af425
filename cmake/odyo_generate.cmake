# cmake -DEXE=odyospiro -DWHAT=man|bash-completion -DOUT=file -P odyo_generate.cmake
execute_process(COMMAND ${EXE} --lang en generate ${WHAT} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} generate ${WHAT} failed (${rc})")
endif()
file(RENAME ${OUT}.tmp ${OUT})
