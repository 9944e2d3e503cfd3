list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/capturerecords.h
  ${CMAKE_CURRENT_LIST_DIR}/crc32.h
  ${CMAKE_CURRENT_LIST_DIR}/crc32.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sessionformat.h
  ${CMAKE_CURRENT_LIST_DIR}/sessionformat.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sessionreader.h
  ${CMAKE_CURRENT_LIST_DIR}/sessionreader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/largebuffer.h
  ${CMAKE_CURRENT_LIST_DIR}/largebuffer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/appendfile.h
  ${CMAKE_CURRENT_LIST_DIR}/appendfile.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chunkreader.h
  ${CMAKE_CURRENT_LIST_DIR}/chunkreader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/frameindex.h
  ${CMAKE_CURRENT_LIST_DIR}/frameindex.cpp
  ${CMAKE_CURRENT_LIST_DIR}/writebatch.h
  ${CMAKE_CURRENT_LIST_DIR}/capturestore.h
  ${CMAKE_CURRENT_LIST_DIR}/capturestore.cpp)
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/har.h
  ${CMAKE_CURRENT_LIST_DIR}/har.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jsonlines.h
  ${CMAKE_CURRENT_LIST_DIR}/jsonlines.cpp
  ${CMAKE_CURRENT_LIST_DIR}/captureloader.h
  ${CMAKE_CURRENT_LIST_DIR}/captureloader.cpp)
