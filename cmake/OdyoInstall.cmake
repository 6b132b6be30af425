# cmake --install: where an installed station keeps what (FHS), docs/ARCHITECTURE.md "Installed".
#   /usr/bin/odyospiro                       the program (the only tool a clinic needs; devsim,
#                                            bench_acquisition, sim_audiometry stay developer tools)
#   /etc/odyospiro/station.toml              the configuration, database = /var/lib/odyospiro/...
#   /etc/odyospiro/devices/, calibration/    device profiles and the calibration (clinic-edited)
#   /usr/share/odyospiro/                    rules/, reference/, audiometry/ (read-only data)
#   /var/lib/odyospiro/                      database and journals (0700 odyospiro, ./odyo install)
#   /usr/lib/systemd/system/odyospiro.service, /usr/lib/udev/rules.d/60-odyospiro.rules
#   /usr/share/man/man1/odyospiro.1 (and tr/man1/), /usr/share/bash-completion/completions/odyospiro
# Files under /etc are never overwritten: a newer shipped version lands beside as *.new.

set(ODYO_DATA_DEST ${CMAKE_INSTALL_DATADIR}/odyospiro)
set(ODYO_CONFIG_DEST ${CMAKE_INSTALL_FULL_SYSCONFDIR}/odyospiro)
set(ODYO_STATE_DIR ${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/odyospiro)
set(ODYO_SYSTEMD_DEST lib/systemd/system)   # below the prefix: /usr/lib/systemd/system
set(ODYO_UDEV_DEST lib/udev/rules.d)

install(TARGETS odyospiro RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Read-only data.
foreach(dir rules reference audiometry)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/${dir} DESTINATION ${ODYO_DATA_DEST})
endforeach()
install(DIRECTORY DESTINATION ${ODYO_STATE_DIR})

# Man page and bash completion, generated from the program's own command tree.
set(ODYO_MAN ${PROJECT_BINARY_DIR}/odyospiro.1)
set(ODYO_MAN_TR ${PROJECT_BINARY_DIR}/odyospiro.tr.1)  # the same page in Turkish
set(ODYO_COMPLETION ${PROJECT_BINARY_DIR}/odyospiro.bash-completion)
foreach(triple "man;en;${ODYO_MAN}" "man;tr;${ODYO_MAN_TR}" "bash-completion;en;${ODYO_COMPLETION}")
  list(GET triple 0 what)
  list(GET triple 1 lang)
  list(GET triple 2 out)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:odyospiro> -DWHAT=${what} -DOUT_LANG=${lang} -DOUT=${out}
            -P ${PROJECT_SOURCE_DIR}/cmake/odyo_generate.cmake
    DEPENDS odyospiro ${PROJECT_SOURCE_DIR}/cmake/odyo_generate.cmake
    COMMENT "Generating ${what} (${lang}) from the odyospiro command tree" VERBATIM)
endforeach()
add_custom_target(odyospiro_docs ALL DEPENDS ${ODYO_MAN} ${ODYO_MAN_TR} ${ODYO_COMPLETION})
install(FILES ${ODYO_MAN} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${ODYO_MAN_TR} DESTINATION ${CMAKE_INSTALL_MANDIR}/tr/man1 RENAME odyospiro.1)
install(FILES ${ODYO_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME odyospiro)

# The udev rule: every USB VID:PID named by a device profile, plus the response button.
file(GLOB ODYO_PROFILES ${PROJECT_SOURCE_DIR}/config/devices/*.toml)
set(ODYO_USB_RULES "")
foreach(profile ${ODYO_PROFILES})
  file(READ ${profile} text)
  string(REGEX MATCH "\n(usb_)?vendor_id *= *0x([0-9A-Fa-f]+)" _ "${text}")
  set(vid ${CMAKE_MATCH_2})
  string(REGEX MATCH "\n(usb_)?product_id *= *0x([0-9A-Fa-f]+)" _ "${text}")
  set(pid ${CMAKE_MATCH_2})
  string(TOLOWER "${vid}:${pid}" id)
  if(vid AND pid AND NOT id IN_LIST ODYO_SEEN_IDS)
    list(APPEND ODYO_SEEN_IDS ${id})
    string(TOLOWER "${vid}" vid)
    string(TOLOWER "${pid}" pid)
    get_filename_component(pname ${profile} NAME)
    string(APPEND ODYO_USB_RULES
      "# ${pname}\n"
      "SUBSYSTEM==\"usb\", ATTR{idVendor}==\"${vid}\", ATTR{idProduct}==\"${pid}\", GROUP=\"odyospiro\", MODE=\"0660\"\n"
      "SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"${vid}\", ATTRS{idProduct}==\"${pid}\", GROUP=\"odyospiro\", MODE=\"0660\"\n")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/packaging/udev/60-odyospiro.rules.in
               ${PROJECT_BINARY_DIR}/60-odyospiro.rules @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/60-odyospiro.rules DESTINATION ${ODYO_UDEV_DEST})

configure_file(${PROJECT_SOURCE_DIR}/packaging/systemd/odyospiro.service.in
               ${PROJECT_BINARY_DIR}/odyospiro.service @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/odyospiro.service DESTINATION ${ODYO_SYSTEMD_DEST})

# Configuration under /etc: the shipped station.toml with its database moved to /var/lib, device
# profiles and the calibration; an existing file (the clinic's) is kept.
install(CODE "
  set(src \"${PROJECT_SOURCE_DIR}/config\")
  set(dest \"\$ENV{DESTDIR}${ODYO_CONFIG_DEST}\")
  file(READ \"\${src}/station.toml\" toml)
  string(REGEX REPLACE \"\\ndatabase = \\\"[^\\\"]*\\\"[^\\n]*\" \"\\ndatabase = \\\"${ODYO_STATE_DIR}/odyospiro.db\\\"\" out \"\${toml}\")
  if(out STREQUAL toml)
    message(FATAL_ERROR \"config/station.toml has no [station] database line to point at ${ODYO_STATE_DIR}\")
  endif()
  file(WRITE \"${PROJECT_BINARY_DIR}/station.installed.toml\" \"\${out}\")
  set(pairs \"${PROJECT_BINARY_DIR}/station.installed.toml|station.toml\")
  file(GLOB files RELATIVE \"\${src}\" \"\${src}/devices/*.toml\" \"\${src}/calibration/*.toml\")
  foreach(f \${files})
    list(APPEND pairs \"\${src}/\${f}|\${f}\")
  endforeach()
  foreach(p \${pairs})
    string(REPLACE \"|\" \";\" p \"\${p}\")
    list(GET p 0 from)
    list(GET p 1 to)
    get_filename_component(dir \"\${dest}/\${to}\" DIRECTORY)
    file(MAKE_DIRECTORY \"\${dir}\")
    if(EXISTS \"\${dest}/\${to}\")
      file(READ \"\${from}\" a)
      file(READ \"\${dest}/\${to}\" b)
      if(NOT a STREQUAL b)
        message(STATUS \"Keeping \${dest}/\${to} (edited); the shipped one is \${to}.new\")
        file(COPY_FILE \"\${from}\" \"\${dest}/\${to}.new\")
      endif()
    else()
      message(STATUS \"Installing: \${dest}/\${to}\")
      file(COPY_FILE \"\${from}\" \"\${dest}/\${to}\")
    endif()
  endforeach()
")
