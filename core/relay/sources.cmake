list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/relayconfig.h
  ${CMAKE_CURRENT_LIST_DIR}/hostpattern.h
  ${CMAKE_CURRENT_LIST_DIR}/hostpattern.cpp
  ${CMAKE_CURRENT_LIST_DIR}/httphead.h
  ${CMAKE_CURRENT_LIST_DIR}/httphead.cpp
  ${CMAKE_CURRENT_LIST_DIR}/closeframe.h
  ${CMAKE_CURRENT_LIST_DIR}/closeframe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/streamcapture.h
  ${CMAKE_CURRENT_LIST_DIR}/streamcapture.cpp
  ${CMAKE_CURRENT_LIST_DIR}/relaysession.h
  ${CMAKE_CURRENT_LIST_DIR}/relaysession.cpp
  ${CMAKE_CURRENT_LIST_DIR}/relayworker.h
  ${CMAKE_CURRENT_LIST_DIR}/relayworker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/relaylistener.h
  ${CMAKE_CURRENT_LIST_DIR}/relay.h
  ${CMAKE_CURRENT_LIST_DIR}/relay.cpp)
