list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/rule.h
  ${CMAKE_CURRENT_LIST_DIR}/rule.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ruleset.h
  ${CMAKE_CURRENT_LIST_DIR}/ruleset.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rulesfile.h
  ${CMAKE_CURRENT_LIST_DIR}/rulesfile.cpp
  ${CMAKE_CURRENT_LIST_DIR}/streaminterceptor.h
  ${CMAKE_CURRENT_LIST_DIR}/streaminterceptor.cpp)
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/interceptor.h
  ${CMAKE_CURRENT_LIST_DIR}/interceptor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connectionintercept.h
  ${CMAKE_CURRENT_LIST_DIR}/connectionintercept.cpp)
