# Replay of saved sessions (issue 9): client replay, comparison, JSONPath subset.
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/jsonpath.h
  ${CMAKE_CURRENT_LIST_DIR}/jsonpath.cpp
  ${CMAKE_CURRENT_LIST_DIR}/messagecompare.h
  ${CMAKE_CURRENT_LIST_DIR}/messagecompare.cpp
  ${CMAKE_CURRENT_LIST_DIR}/recording.h
  ${CMAKE_CURRENT_LIST_DIR}/recording.cpp
  ${CMAKE_CURRENT_LIST_DIR}/replaycapturesink.h
  ${CMAKE_CURRENT_LIST_DIR}/replaycapturesink.cpp
  ${CMAKE_CURRENT_LIST_DIR}/clientreplay.h
  ${CMAKE_CURRENT_LIST_DIR}/clientreplay.cpp
  ${CMAKE_CURRENT_LIST_DIR}/replayreport.h
  ${CMAKE_CURRENT_LIST_DIR}/replayreport.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sessioncopy.h
  ${CMAKE_CURRENT_LIST_DIR}/sessioncopy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mockserver.h
  ${CMAKE_CURRENT_LIST_DIR}/mockserver.cpp
)
