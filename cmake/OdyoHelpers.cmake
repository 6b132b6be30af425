# Shared build settings for every odyospiro target.

add_library(odyo_warnings INTERFACE)
target_compile_options(odyo_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough
  # GCC 12 at -O3 reports stringop-overflow inside std::vector::insert and restrict inside
  # std::string's operator+ that cannot happen (GCC bugs 106199, 105329); keep the rest.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-stringop-overflow> $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>
  $<$<BOOL:${ODYO_WERROR}>:-Werror>)
if(ODYO_SANITIZE)
  # GCC documents that -fsanitize makes -Wmaybe-uninitialized report false positives (here inside
  # std::regex and std::function); the dev and release presets keep the warning as an error.
  target_compile_options(odyo_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined
                                                 $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  target_link_options(odyo_warnings INTERFACE -fsanitize=address,undefined)
endif()

# odyo_preloaded_tests(<test>...): tests whose program runs with umockdev's LD_PRELOAD library
# (umockdev-run, or a child started with LD_PRELOAD). ASan insists on being first in the initial
# library list; umockdev's preload only wraps file and ioctl calls (not the allocator), so under
# the sanitizers these tests skip that order check and keep every other ASan/UBSan option.
function(odyo_preloaded_tests)
  if(ODYO_SANITIZE)
    set_property(TEST ${ARGN} APPEND PROPERTY ENVIRONMENT_MODIFICATION
                 "ASAN_OPTIONS=string_append::verify_asan_link_order=0")
  endif()
endfunction()

# odyo_room_library(<name> <folder> [DEPS ...]): one static library for the sources of a room.
# Every .cpp below the folder belongs to the room (files named main.cpp are programs, not library).
function(odyo_room_library name folder)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${folder}/*.cpp)
  list(FILTER sources EXCLUDE REGEX "/main\\.cpp$")
  if(sources)
    add_library(odyo_${name} STATIC ${sources})
    target_include_directories(odyo_${name} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(odyo_${name} PUBLIC ${ARG_DEPS} PRIVATE odyo_warnings)
    target_compile_definitions(odyo_${name} PUBLIC ODYO_VERSION="${PROJECT_VERSION}")
  else() # header-only so far
    add_library(odyo_${name} INTERFACE)
    target_include_directories(odyo_${name} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(odyo_${name} INTERFACE ${ARG_DEPS})
    target_compile_definitions(odyo_${name} INTERFACE ODYO_VERSION="${PROJECT_VERSION}")
  endif()
  add_library(odyo::${name} ALIAS odyo_${name})
endfunction()
