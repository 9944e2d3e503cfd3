list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/frame.h
  ${CMAKE_CURRENT_LIST_DIR}/violation.h
  ${CMAKE_CURRENT_LIST_DIR}/violation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/closecode.h
  ${CMAKE_CURRENT_LIST_DIR}/closecode.cpp
  ${CMAKE_CURRENT_LIST_DIR}/masking.h
  ${CMAKE_CURRENT_LIST_DIR}/masking.cpp
  ${CMAKE_CURRENT_LIST_DIR}/utf8validator.h
  ${CMAKE_CURRENT_LIST_DIR}/utf8validator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/frameparser.h
  ${CMAKE_CURRENT_LIST_DIR}/frameparser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/framewriter.h
  ${CMAKE_CURRENT_LIST_DIR}/framewriter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/messageassembler.h
  ${CMAKE_CURRENT_LIST_DIR}/messageassembler.cpp
)
# HTTP head parser, WebSocket handshake, permessage-deflate
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/httpmessage.h
  ${CMAKE_CURRENT_LIST_DIR}/httpmessage.cpp
  ${CMAKE_CURRENT_LIST_DIR}/extensionheader.h
  ${CMAKE_CURRENT_LIST_DIR}/extensionheader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/handshake.h
  ${CMAKE_CURRENT_LIST_DIR}/handshake.cpp
)
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/permessagedeflate.h
  ${CMAKE_CURRENT_LIST_DIR}/permessagedeflate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/deflatecodec.h
  ${CMAKE_CURRENT_LIST_DIR}/deflatecodec.cpp
)
