# core/tls: the local CA, per-host leaf certificates and their cache (issue 5);
# TlsSocket + TlsContext: OpenSSL straight on the socket descriptor for the relay.
list(APPEND WSLENS_CORE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/certificateauthority.h
  ${CMAKE_CURRENT_LIST_DIR}/certificateauthority.cpp
  ${CMAKE_CURRENT_LIST_DIR}/clienthello.h
  ${CMAKE_CURRENT_LIST_DIR}/clienthello.cpp
  ${CMAKE_CURRENT_LIST_DIR}/leafcertificate.h
  ${CMAKE_CURRENT_LIST_DIR}/leafcache.h
  ${CMAKE_CURRENT_LIST_DIR}/leafcache.cpp
  ${CMAKE_CURRENT_LIST_DIR}/leafname.h
  ${CMAKE_CURRENT_LIST_DIR}/leafname.cpp
  ${CMAKE_CURRENT_LIST_DIR}/castore.h
  ${CMAKE_CURRENT_LIST_DIR}/castore.cpp
  ${CMAKE_CURRENT_LIST_DIR}/certbuilder.h
  ${CMAKE_CURRENT_LIST_DIR}/certbuilder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/opensslhandles.h
  ${CMAKE_CURRENT_LIST_DIR}/opensslhandles.cpp
  ${CMAKE_CURRENT_LIST_DIR}/privatefiles.h
  ${CMAKE_CURRENT_LIST_DIR}/privatefiles.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tlscontext.h
  ${CMAKE_CURRENT_LIST_DIR}/tlscontext.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tlssocket.h
  ${CMAKE_CURRENT_LIST_DIR}/tlssocket.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tlsverify.h
  ${CMAKE_CURRENT_LIST_DIR}/tlsverify.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chunkqueue.h
  ${CMAKE_CURRENT_LIST_DIR}/chunkqueue.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fdbio.h
  ${CMAKE_CURRENT_LIST_DIR}/fdbio.cpp)
