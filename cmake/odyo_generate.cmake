# cmake -DEXE=odyospiro -DWHAT=man|bash-completion [-DOUT_LANG=en|tr] -DOUT=file -P odyo_generate.cmake
if(NOT OUT_LANG)
  set(OUT_LANG en)
endif()
execute_process(COMMAND ${EXE} --lang ${OUT_LANG} generate ${WHAT} OUTPUT_FILE ${OUT}.tmp RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} generate ${WHAT} failed (${rc})")
endif()
file(RENAME ${OUT}.tmp ${OUT})
