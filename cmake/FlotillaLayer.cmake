# flotilla_layer(NAME DEPS <targets...>) builds src/<NAME>/*.cpp into the static library flotilla_<NAME>.
# Sources are globbed so that adding a file to a layer never means editing shared build files.
function(flotilla_layer name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(flotilla_${name} STATIC ${sources})
  target_include_directories(flotilla_${name} PUBLIC ${CMAKE_SOURCE_DIR}/src ${CMAKE_BINARY_DIR}/generated)
  target_link_libraries(flotilla_${name} PUBLIC ${ARG_DEPS})
endfunction()

# flotilla_test_dir(KIND BASE NAME DEPS <targets...>) builds BASE/NAME/*.cpp into the gtest binary KIND_NAME and
# registers each test case with ctest as KIND.NAME.<Suite>.<Case>, labelled KIND.
function(flotilla_test_dir kind base name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${base}/${name}/*.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(${kind}_${name} ${sources})
  target_link_libraries(${kind}_${name} PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock)
  target_compile_definitions(${kind}_${name} PRIVATE
    FLOTILLA_SOURCE_DIR="${CMAKE_SOURCE_DIR}" FLOTILLA_BINARY="$<TARGET_FILE:flotilla>")
  add_dependencies(${kind}_${name} flotilla)
  gtest_discover_tests(${kind}_${name} TEST_PREFIX "${kind}.${name}." DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS ${kind})
endfunction()
