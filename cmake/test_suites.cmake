# Writes the ctest file of the test binary: one ctest test per gtest suite
# (cmake -P, after each link of lianxin_tests).
#
#   BIN       the test binary
#   OUT       the ctest file to write
#   PG        colon-separated gtest filters ("Suite.*" or "Suite.Test") run
#             again on PostgreSQL, as "pg.<filter>" with
#             LIANXIN_TEST_BACKEND=postgres
#   TIMEOUT   seconds a suite may take
#
# A suite runs in one process, so what its SetUpTestSuite makes (a demo county,
# a paired template) is made once for all its tests instead of once a test, as
# one process per test would (gtest_discover_tests). COST orders the work for
# `ctest -j`: the PostgreSQL runs and the larger suites first.
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND "${BIN}" --gtest_list_tests
  OUTPUT_VARIABLE listing ERROR_VARIABLE errors RESULT_VARIABLE rc TIMEOUT 120)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${BIN} --gtest_list_tests failed (${rc}):\n${errors}")
endif()

# Suite lines end in "." (a parameterized suite's "Prefix/Suite." too); the
# lines of its tests are indented below it.
string(REPLACE "\n" ";" lines "${listing}")
set(suites "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ #]+)\\.( .*)?$")
    set(suite "${CMAKE_MATCH_1}")
    list(APPEND suites "${suite}")
    set(count_${suite} 0)
  elseif(line MATCHES "^  ([^ #]+)" AND suite)
    math(EXPR count_${suite} "${count_${suite}} + 1")
    list(APPEND tests_${suite} "${CMAKE_MATCH_1}")
  endif()
endforeach()
if(NOT suites)
  message(FATAL_ERROR "${BIN} listed no tests")
endif()

set(content "# Written by cmake/test_suites.cmake from ${BIN} --gtest_list_tests.\n")
macro(add_suite_test name filter cost env)
  string(APPEND content
    "add_test([==[${name}]==] [==[${BIN}]==] [==[--gtest_filter=${filter}]==])\n"
    "set_tests_properties([==[${name}]==] PROPERTIES TIMEOUT ${TIMEOUT} COST ${cost}${env})\n")
endmacro()

foreach(suite IN LISTS suites)
  add_suite_test("${suite}" "${suite}.*" "${count_${suite}}" "")
endforeach()

# The PostgreSQL runs: every filter must name a suite or a test the binary
# has, so a renamed suite cannot drop out of them unseen.
string(REPLACE ":" ";" pg_filters "${PG}")
foreach(filter IN LISTS pg_filters)
  if(filter MATCHES "^([^.]+)\\.\\*$")
    set(suite "${CMAKE_MATCH_1}")
    if(NOT suite IN_LIST suites)
      message(FATAL_ERROR "the PostgreSQL suite ${suite} is not in ${BIN}")
    endif()
    math(EXPR cost "${count_${suite}} * 2")
    set(name "pg.${suite}")
  elseif(filter MATCHES "^([^.]+)\\.([^.]+)$")
    set(suite "${CMAKE_MATCH_1}")
    if(NOT suite IN_LIST suites OR NOT "${CMAKE_MATCH_2}" IN_LIST tests_${suite})
      message(FATAL_ERROR "the PostgreSQL test ${filter} is not in ${BIN}")
    endif()
    set(cost 2)
    set(name "pg.${filter}")
  else()
    message(FATAL_ERROR "not a gtest filter of a suite or a test: ${filter}")
  endif()
  add_suite_test("${name}" "${filter}" "${cost}" " ENVIRONMENT LIANXIN_TEST_BACKEND=postgres")
endforeach()

file(WRITE "${OUT}.new" "${content}")
file(RENAME "${OUT}.new" "${OUT}")
