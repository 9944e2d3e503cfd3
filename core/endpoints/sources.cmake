# Built-in test server and client (issue 7).
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/endpointaddress.h
  ${CMAKE_CURRENT_LIST_DIR}/endpointconnection.h
  ${CMAKE_CURRENT_LIST_DIR}/endpointconnection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/deflatecodec.h
  ${CMAKE_CURRENT_LIST_DIR}/deflatecodec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/framespectext.h
  ${CMAKE_CURRENT_LIST_DIR}/framespectext.cpp
  ${CMAKE_CURRENT_LIST_DIR}/serverhandshake.h
  ${CMAKE_CURRENT_LIST_DIR}/serverhandshake.cpp
  ${CMAKE_CURRENT_LIST_DIR}/serveroptionstext.h
  ${CMAKE_CURRENT_LIST_DIR}/serveroptionstext.cpp
  ${CMAKE_CURRENT_LIST_DIR}/serverbehaviour.h
  ${CMAKE_CURRENT_LIST_DIR}/serverbehaviour.cpp
  ${CMAKE_CURRENT_LIST_DIR}/serverworker.h
  ${CMAKE_CURRENT_LIST_DIR}/serverworker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wsserver.h
  ${CMAKE_CURRENT_LIST_DIR}/wsserver.cpp
)
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/clientworker.h
  ${CMAKE_CURRENT_LIST_DIR}/clientworker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/wsclient.h
  ${CMAKE_CURRENT_LIST_DIR}/wsclient.cpp
)
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/serverscript.h
  ${CMAKE_CURRENT_LIST_DIR}/serverscript.cpp
)
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/composermessage.h
  ${CMAKE_CURRENT_LIST_DIR}/composermessage.cpp
)
